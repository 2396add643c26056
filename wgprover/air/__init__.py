"""AIR: the constraint language (language.py), its NumPy evaluation (evaluate.py),
its compilation to WGSL (codegen.py) and built-in examples (examples.py)."""

from .evaluate import Violation, check_trace, combined_ext, constraint_values, require_valid
from .examples import EXAMPLES, Example, get_example
from .language import MAX_CONSTRAINT_DEGREE, SELECTORS, Air, AirError, Constraint, parse_expr

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
