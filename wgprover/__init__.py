"""wgprover: a portable WebGPU prover (see README.md).

    import wgprover
    proof = wgprover.prove(air, trace, public)          # best adapter, 100 bits
    assert wgprover.verify(proof, air, public).accepted

``prove``, ``verify``, ``prove_file`` and ``verify_file`` live in
wgprover/api.py; they are loaded on first use, so ``import wgprover`` stays cheap.
"""

__version__ = "0.1.0"

_API = ("prove", "verify", "prove_file", "verify_file", "InputError")
__all__ = list(_API)


def __getattr__(name: str):
    if name in _API:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'wgprover' has no attribute {name!r}")
