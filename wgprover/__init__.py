"""wgprover: a portable WebGPU prover (see README.md)."""

__version__ = "0.1.0"
