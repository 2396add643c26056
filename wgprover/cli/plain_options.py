"""Plain option values without pydantic (docs/ARCHITECTURE.md §4 "Start-up").

typer 0.2x coerces every parameter of the command it runs through a pydantic
``TypeAdapter``: importing pydantic and building the adapters costs ~0.2 s of
a ``wgprove`` process on the test machine, more than parsing the trace.
wgprove's parameters are ``str``, ``int`` (some with min/max), ``bool`` flags
and ``List[str]``. ``install()`` gives such parameters a typer runtime
parameter that returns, without pydantic, the value typer's adapter gives for
plain input: a ``str`` as it is, a list of ``str`` as a list, a ``bool`` as it
is, and an ``int`` (a default) or a string of ASCII decimal digits (with an
optional sign) inside its min/max range as that integer. Any other input (another type, a
range error, ``' 5'``, ``'5.0'``) goes to typer's own adapter, built then, so
values and error messages stay typer's. A typer without this coercion layer
(``typer._coercion``) is left alone. tests/test_startup.py checks every
parameter of every command against typer's adapter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, List

_DECIMAL = re.compile(r"[+-]?[0-9]+\Z")
_DEFER = object()  # "typer's adapter decides"


def plain_value(annotation, info, value) -> Any:
    """The value typer's adapter gives ``value`` where it is plain, else _DEFER."""
    if annotation is str:
        return value if isinstance(value, str) else _DEFER
    if annotation is bool:
        return value if isinstance(value, bool) else _DEFER
    if annotation == List[str]:
        ok = isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value)
        return list(value) if ok else _DEFER
    if annotation is int and (isinstance(value, str) and _DECIMAL.match(value)
                              or type(value) is int):  # a default value (bool is an int: deferred)
        number = int(value)
        low, high = info.min, info.max
        inside = (low is None or number >= low) and (high is None or number <= high)
        return number if inside else _DEFER
    return _DEFER


def _plain(descriptor) -> bool:
    """Parameters this module serves: no file, parser or clamping options."""
    info = descriptor.parameter_info
    return (descriptor.file_annotation is None and info.parser is None and not info.clamp
            and any(descriptor.annotation == t for t in (str, int, bool, List[str])))


def install() -> bool:
    """Serve plain parameters without pydantic; True when active (module doc)."""
    try:
        from typer import core
        from typer._coercion import RuntimeParam
    except ImportError:  # a typer that does not coerce through pydantic
        return False
    typers = core.build_runtime_param
    if getattr(typers, "plain_options", False):
        return True

    @dataclass(frozen=True)
    class PlainParam(RuntimeParam):
        descriptor: Any = None

        def _coerce_value(self, value, param, ctx):
            got = plain_value(self.annotation, self.parameter_info, value)
            if got is _DEFER:
                return typers(self.descriptor)._coerce_value(value, param=param, ctx=ctx)
            return got

    def build_runtime_param(descriptor):
        if not _plain(descriptor):
            return typers(descriptor)
        return PlainParam(parameter_info=descriptor.parameter_info, annotation=descriptor.annotation,
                          descriptor=descriptor)

    build_runtime_param.plain_options = True
    build_runtime_param.typers = typers
    core.build_runtime_param = build_runtime_param
    return True
