"""The hemera permutation for the verifier's small batches (42-210 states a step).

Same function as ``reference.permute_with_constants`` (docs/PROTOCOL.md H.1;
H.7 says why the verifier permutes in ~50 batched steps, H.9 describes this
version); at these sizes a NumPy call
costs about the same whatever its length, so this version counts calls:

* the 16 partial rounds as one affine map. Only lane 0 is non-linear there, so
  the lane-0 input of round r is a fixed linear form in the 16 input lanes and
  the r earlier inverses y_0..y_{r-1}, and so is the output state. One matrix
  product gives every round's input-lane part at once; each inverse then adds
  its share to the later rounds and to the output with one more product. That
  is ~20 calls a round instead of ~56 (the 16-lane M_I update);
* those products in float64 on 16-bit limbs, exact: a limb times a limb of a
  constant is below 2^32 and a column sums at most 128 of them (below 2^39);
  the columns of weight 2^16 and 2^48 carry that factor in the matrix (still
  exact: multiples of 2^16 below 2^55);
* each full round's constants added to M_E's float output before it is
  recombined (one call instead of a modular addition); the first partial round
  constant and the first terminal round's constants ride in the affine map.

tests/test_hemera.py checks it against reference.py and the big-integer oracle
on random, edge and non-canonical states.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from . import lanes
from . import params as hp
from . import scalar

_U64 = np.uint64
_W = hp.WIDTH
# weights of a field element's four 16-bit limbs in the float columns: the
# columns of weight 2^16 and 2^48 are stored times 2^16 (see _from_columns)
_LIMB_SCALE = np.array([1.0, 65536.0, 1.0, 65536.0])


def _limbs(x: np.ndarray) -> np.ndarray:
    """(..., n) uint64 -> (..., 4n) float64 16-bit limbs, least significant first."""
    x = np.ascontiguousarray(x, dtype="<u8")
    return x.view("<u2").reshape(x.shape[:-1] + (4 * x.shape[-1],)).astype(np.float64)


def _from_columns(c: np.ndarray) -> np.ndarray:
    """(..., 4) float columns (c0, c1 2^16, c2, c3 2^16), each below 2^57 and
    exact, -> c0 + c1 2^16 + c2 2^32 + c3 2^48 mod p, lazily reduced (< 2^64).
    With w = c2 + c3 2^16: w 2^32 = (w >> 32) 2^64 + (w << 32 mod 2^64), and
    2^64 = 2^32 - 1 mod p (the identities of hemera/lanes.py)."""
    u = c.astype(_U64)
    t = u[..., 0] + u[..., 1]  # < 2^58
    w = u[..., 2] + u[..., 3]
    hi = w >> lanes.S32
    hi *= lanes.EPS  # < 2^58
    t += hi
    w <<= lanes.S32
    return lanes.add(t, w)


def _limb_matrix(coeffs: np.ndarray) -> np.ndarray:
    """(n_in, n_out) canonical coefficients -> the (4 n_in, 4 n_out) float matrix
    that maps input limbs to output columns: row 4i + k, column 4o + l holds
    limb l of coeffs[i, o] 2^(16k) mod p (scaled as _LIMB_SCALE)."""
    c = np.asarray(coeffs, dtype=_U64)
    shifted = [c]
    for _ in range(3):
        shifted.append(lanes.canonical(lanes.mul_halves(*lanes.halves(shifted[-1]), _U64(1 << 16), _U64(0))))
    per_k = np.stack(shifted, axis=1)  # (n_in, 4, n_out)
    limbs = _limbs(per_k) * np.tile(_LIMB_SCALE, c.shape[1])
    return np.ascontiguousarray(limbs.reshape(4 * c.shape[0], 4 * c.shape[1]))


def _const_columns(values: np.ndarray) -> np.ndarray:
    """Canonical constants (n,) as (4n,) scaled limb columns (added to sums)."""
    return _limbs(np.asarray(values, dtype=_U64)) * np.tile(_LIMB_SCALE, len(values))


@lru_cache(maxsize=1)
def _partial_map() -> tuple[np.ndarray, list[np.ndarray], np.ndarray, np.ndarray, np.ndarray]:
    """The 16 partial rounds as an affine map on the limbs of 32 unknowns, the
    16 input lanes then the 16 inverses y_0..y_15: (the input lanes' matrix
    (64, 64) to the columns of the round inputs x_0..x_15; per round r the
    (4r, 4) matrix of y_0..y_{r-1}'s share in x_r; the (128, 64) matrix of all
    32 unknowns to the 16 output lanes; the constants RC_PARTIAL as x columns;
    RC_FULL[4], the first terminal round's constants, as output columns).

    Linear forms are rows over the 32 unknowns: M_I acts on the 16 lanes of
    every row alike, so reference.internal_linear applied to the 32 x 16
    matrix of forms tracks them exactly."""
    from .reference import internal_linear

    forms = np.zeros((2 * _W, _W), dtype=_U64)
    forms[np.arange(_W), np.arange(_W)] = 1
    x_forms = []
    for r in range(hp.ROUNDS_P):
        x_forms.append(forms[:, 0].copy())  # x_r - c_r
        forms[:, 0] = 0
        forms[_W + r, 0] = 1  # lane 0 := y_r
        forms = internal_linear(forms)
    to_x, to_out = _limb_matrix(np.stack(x_forms, axis=1)), _limb_matrix(forms)
    per_round = [np.ascontiguousarray(to_x[4 * _W:4 * (_W + r), 4 * r:4 * r + 4]) for r in range(hp.ROUNDS_P)]
    return (np.ascontiguousarray(to_x[: 4 * _W]), per_round, to_out,
            _const_columns(hp.rc_partial()), _const_columns(hp.rc_full()[hp.ROUNDS_F_HALF]))


def _partial_rounds(s: np.ndarray) -> np.ndarray:
    """The 16 partial rounds of lazily reduced states (B, 16), plus RC_FULL[4];
    lazily reduced. The inverses go through Python integers (scalar.inverse_batch):
    at 42-210 lanes one batch inversion beats the 73 products of x^(p-2)."""
    to_x, per_round, to_out, c_x, c_out = _partial_map()
    b = s.shape[0]
    unknowns = np.empty((b, 8 * _W))  # limbs of the input lanes, then of y_0..y_15
    unknowns[:, : 4 * _W] = _limbs(s)
    x_cols = unknowns[:, : 4 * _W] @ to_x
    x_cols += c_x
    for r in range(hp.ROUNDS_P):
        cols = x_cols[:, 4 * r:4 * r + 4]
        if r:
            cols = cols + unknowns[:, 4 * _W:4 * (_W + r)] @ per_round[r]
        x = lanes.canonical(_from_columns(cols))
        y = np.array(scalar.inverse_batch(x.tolist()), dtype="<u8")
        unknowns[:, 4 * (_W + r):4 * (_W + r + 1)] = y.view("<u2").reshape(b, 4)
    out = unknowns @ to_out
    out += c_out
    return _from_columns(out.reshape(b, _W, 4))


@lru_cache(maxsize=1)
def _full_constants() -> tuple[np.ndarray, np.ndarray]:
    """(M_E transposed as float64; the constants the j-th M_E adds, j = 0 the
    initial one, j = r + 1 the one closing full round r: RC_FULL[j] as its
    (high, low) 32-bit halves (2, 1, 16) in float64; zero for j = 8 and for
    j = 4, whose constants the partial map adds)."""
    rc = np.zeros((hp.ROUNDS_F + 1, _W), dtype=_U64)
    rc[: hp.ROUNDS_F] = hp.rc_full()
    rc[hp.ROUNDS_F_HALF] = 0
    halves = np.stack([rc >> lanes.S32, rc & lanes.M32], axis=1).astype(np.float64)[:, :, None, :]
    return hp.external_matrix().T.astype(np.float64), halves


def _external_plus(s: np.ndarray, rc_halves: np.ndarray) -> np.ndarray:
    """M_E s + rc, lazily reduced: one exact float64 product of both 32-bit
    halves (M_E's row sums are 35, so sums stay below 36 * 2^32), the
    constant's halves added to the sums before lanes.combine_lazy."""
    me_t, _ = _full_constants()
    h = np.empty((2,) + s.shape, dtype=_U64)
    np.right_shift(s, lanes.S32, out=h[0])
    np.bitwise_and(s, lanes.M32, out=h[1])
    y = h.astype(np.float64) @ me_t
    y += rc_halves
    y = y.astype(_U64)
    return lanes.combine_lazy(y[0], y[1])


def permute(states: np.ndarray) -> np.ndarray:
    """The hemera permutation of canonical uint64 states (..., 16), canonical;
    equal to reference.permute, whose ValueError a bad shape or a value >= p
    gets (as hemera.compiled's permutation does)."""
    s = np.asarray(states)
    if s.dtype != _U64 or s.shape[-1:] != (_W,) or (s.size and s.max() >= lanes.P):
        from .reference import permute as checked

        return checked(s)
    return permute_lazy(s.reshape(-1, _W)).reshape(s.shape)


def permute_lazy(states: np.ndarray) -> np.ndarray:
    """The hemera permutation of uint64 states (B, 16) with any values < 2^64
    (taken mod p); canonical (B, 16)."""
    _, rc = _full_constants()
    s = _external_plus(states, rc[0])
    for r in range(hp.ROUNDS_F_HALF):
        s = _external_plus(lanes.pow7(s), rc[r + 1])
    s = _partial_rounds(s)
    for r in range(hp.ROUNDS_F_HALF, hp.ROUNDS_F):
        s = _external_plus(lanes.pow7(s), rc[r + 1])
    return lanes.canonical(s)
