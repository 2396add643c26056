"""Polynomial commitment schemes. Each lives in its own package with the same
four modules (docs/ARCHITECTURE.md §6): ``spec`` (its segment of the proof
description), ``prove`` (NumPy), ``gpu`` (recording) and ``verify``."""

from __future__ import annotations

import importlib


class Pcs:
    """The four modules of one scheme, imported on first use (the verifier never
    imports the GPU module)."""

    def __init__(self, package: str) -> None:
        self.package = package

    def _part(self, name: str):
        return importlib.import_module(f"{self.package}.{name}")

    @property
    def spec(self):
        return self._part("spec")

    @property
    def prove(self):
        return self._part("prove")

    @property
    def gpu(self):
        return self._part("gpu")

    @property
    def verify(self):
        return self._part("verify")


def pcs_for(params) -> Pcs:
    """The scheme whose parameters ``params`` are."""
    from .basefold.config import BasefoldParams

    if isinstance(params, BasefoldParams):
        return Pcs("wgprover.pcs.basefold")
    raise TypeError(f"no polynomial commitment scheme takes {type(params).__name__}")
