"""AIR: the constraint language (language.py), its NumPy evaluation (evaluate.py),
its compilation to WGSL (codegen.py) and built-in examples (examples.py).

The examples (and the hemera AIRs they register) load on first use: the
verifier needs only the language and the evaluator, and ``wgprove verify``
pays for every module it imports (docs/BENCHMARKS.md, "Verifier")."""

from .evaluate import Violation, check_trace, combined_ext, constraint_values, require_valid
from .language import MAX_CONSTRAINT_DEGREE, SELECTORS, Air, AirError, Constraint, parse_expr

_LAZY = {"EXAMPLES", "Example", "get_example"}


def __getattr__(name: str):
    if name in _LAZY:
        from . import examples

        return getattr(examples, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Air",
    "AirError",
    "Constraint",
    "EXAMPLES",
    "Example",
    "MAX_CONSTRAINT_DEGREE",
    "SELECTORS",
    "Violation",
    "check_trace",
    "combined_ext",
    "constraint_values",
    "get_example",
    "parse_expr",
    "require_valid",
]
