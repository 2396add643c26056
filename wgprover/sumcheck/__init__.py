"""Sumcheck engine: zerocheck over an AIR and the degree-2 product sumcheck.

reference.py is the NumPy twin of gpu.py (same computations, explicit challenges).
"""

from .reference import (
    ProductSumcheckReference,
    ZerocheckReference,
    eq_eval,
    eq_table,
    interpolate_eval,
    mle_eval,
    periodic_evals,
    product_claim,
    product_final_value,
    product_sumcheck,
    selector_evals,
    successor_eval,
    successor_table,
    verify_rounds,
    zerocheck,
    zerocheck_final_value,
)

__all__ = [
    "ProductSumcheckReference",
    "ZerocheckReference",
    "eq_eval",
    "eq_table",
    "interpolate_eval",
    "mle_eval",
    "periodic_evals",
    "product_claim",
    "product_final_value",
    "product_sumcheck",
    "selector_evals",
    "successor_eval",
    "successor_table",
    "verify_rounds",
    "zerocheck",
    "zerocheck_final_value",
]
