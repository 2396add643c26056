"""Polynomial commitment schemes. Each lives in its own package with the same
four modules (docs/ARCHITECTURE.md §6): ``spec`` (its segment of the proof
description), ``prove`` (NumPy), ``gpu`` (recording) and ``verify``."""

from __future__ import annotations

import importlib


PARTS = ("spec", "prove", "gpu", "verify")


class Pcs:
    """The four modules of one scheme (``PARTS``) as attributes, imported on
    first use (the verifier never imports the GPU module)."""

    def __init__(self, package: str) -> None:
        self.package = package

    def __getattr__(self, part: str):
        if part not in PARTS:
            raise AttributeError(f"a polynomial commitment scheme has no part {part!r} (parts: {', '.join(PARTS)})")
        return importlib.import_module(f"{self.package}.{part}")


def pcs_for(params) -> Pcs:
    """The scheme whose parameters ``params`` are."""
    from .basefold.config import BasefoldParams

    if isinstance(params, BasefoldParams):
        return Pcs("wgprover.pcs.basefold")
    raise TypeError(f"no polynomial commitment scheme takes {type(params).__name__}")
