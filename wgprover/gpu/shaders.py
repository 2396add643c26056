"""The shader loader: WGSL files composed in a declared order (ARCHITECTURE.md §3).

No templating: a module is the concatenation of whole files; parameters are
override constants or uniforms.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .errors import ShaderError


def shader_dir() -> Path:
    """shaders/ beside the package (source tree) or inside it (installed wheel)."""
    here = Path(__file__).resolve().parent.parent
    for cand in (here / "shaders", here.parent / "shaders"):
        if (cand / "common.wgsl").is_file():
            return cand
    raise ShaderError(f"WGSL shader directory not found near {here}")


@lru_cache(maxsize=None)
def load(name: str) -> str:
    """The text of shaders/<name>.wgsl."""
    path = shader_dir() / f"{name}.wgsl"
    if not path.is_file():
        raise ShaderError(f"no shader file {path.name} in {path.parent}")
    return path.read_text()


def field_files(field, int64: bool) -> list[str]:
    """The field-module files for a field (None: only the Goldilocks hash field)."""
    files = ["common", "goldilocks_int64" if int64 else "goldilocks"]
    if field is None:
        return files
    if field.name == "babybear":
        files.append("babybear")
    files += [field.wgsl_module, field.wgsl_ext]
    return files


def compose(files: list[str]) -> str:
    """Concatenate shader files in order, each under a marker comment."""
    seen: list[str] = []
    for f in files:
        if f not in seen:
            seen.append(f)
    return "\n".join(f"// ---- {f}.wgsl ----\n{load(f)}" for f in seen)
