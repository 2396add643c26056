"""wgprover: a portable WebGPU prover (see README.md).

    import wgprover
    proof = wgprover.prove(air, trace, public)          # best adapter, 100 bits
    assert wgprover.verify(proof, air, public).accepted

``prove``, ``verify``, ``prove_file`` and ``verify_file`` live in
wgprover/api.py, ``prove_many`` (many traces, several adapters) in
wgprover/batch.py; they are loaded on first use, so ``import wgprover`` stays cheap.
"""

import importlib

__version__ = "0.1.0"

_API = {"prove": "api", "verify": "api", "prove_file": "api", "verify_file": "api", "InputError": "api",
        "prove_many": "batch", "BatchResult": "batch"}
__all__ = list(_API)


def __getattr__(name: str):
    if name in _API:
        return getattr(importlib.import_module(f".{_API[name]}", __name__), name)
    raise AttributeError(f"module 'wgprover' has no attribute {name!r}")
