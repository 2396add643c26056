"""The GPU prover: the whole of protocol wgprover-1 recorded into one command
encoder, submitted once, and one readback — the proof (PROTOCOL.md §3-7).

After the one-time upload of the trace and constant tables, the host only
allocates, binds and records: commitments, sumchecks, folding, the Fiat-Shamir
transcript, grinding and the query phase all run on the GPU, and every proof
item is written in place into the proof buffer.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field as dc_field

import numpy as np

from .air.language import Air
from .field import Field
from .gpu.recorder import u32s as _u32
from .merkle import gpu as merkle_gpu
from .ntt import gpu as ntt_gpu
from .pcs.basefold import reference as bf
from .pcs.basefold.config import BasefoldParams
from .proof import air_digest, layout
from .reference_prover import ConstraintViolation, check_trace, make_statement, start_transcript
from .sumcheck.gpu import ProductSumcheckGpu, ZerocheckGpu
from .transcript.gpu import KIND_FE, KIND_GL, GpuTranscript

WG = 64


@dataclass
class ProveResult:
    proof: bytes
    syncs: int  # host<->device synchronisations during proving (must be 1)
    phases: dict = dc_field(default_factory=dict)  # phase -> GPU seconds (timestamps)
    host_seconds: dict = dc_field(default_factory=dict)


def _h_table(ctx, field: Field, log_len: int):
    key = ("basefold-h", field.name, log_len)
    buf = ctx.cache.get(key)
    if buf is None:
        buf = ctx.cache[key] = ctx.upload(bf.half_inv_twiddles(field, log_len), label="basefold-h")
    return buf


def _final_consts(ctx, field: Field, f: int):
    key = ("basefold-final", field.name, f)
    buf = ctx.cache.get(key)
    if buf is None:
        F = field.base
        w_inv = F.inv(np.array([F.root_of_unity(f)], dtype=field.dtype))[0]
        scale = F.inv(np.array([1 << f], dtype=field.dtype))[0]
        buf = ctx.cache[key] = ctx.upload(np.array([w_inv, scale, 0, 0], dtype=field.dtype), label="final-consts")
    return buf


def _zerocheck_sum_is_zero(field: Field, proof: bytes, offset: int, degree: int) -> bool:
    """Whether the first zerocheck round polynomial h_0 has h_0(0) + h_0(1) = 0.

    That sum is sum_x eq(r, x) C(x) over the hypercube for the transcript's
    random r: zero for a trace that satisfies the AIR, and non-zero with
    probability >= 1 - n/|F_ext| otherwise. So the GPU proof itself checks the
    constraints on every row, instead of a pass over the trace in NumPy
    before proving (seconds at 16 x 2^20), and costs no extra sync.
    """
    d = field.ext_degree
    h = np.frombuffer(proof, dtype=np.dtype(field.dtype).newbyteorder("<"), count=(degree + 1) * d, offset=offset)
    h = h.astype(field.dtype).reshape(degree + 1, d)
    return not np.any(field.ext.add(h[0], h[1]))


def check_fits(ctx, field: Field, w: int, n: int, params: BasefoldParams) -> None:
    """Refuse, before any work, a trace whose tables exceed the device's limits."""
    B = field.base.BYTES
    cw = w * (B << (n + params.log_blowup))
    biggest = max(cw, (2 * w + 1) * (B << n) * field.ext_degree // 2)
    lim = ctx.max_binding()
    if biggest > lim:
        raise MemoryError(
            f"a {w}-column trace of 2^{n} rows needs a {biggest / 2**20:.0f} MiB table, over this device's "
            f"{lim / 2**20:.0f} MiB storage-binding limit ({ctx.profile} profile); use fewer rows or columns"
        )


def prove_gpu(ctx, field: Field, air: Air, trace: np.ndarray, public, params: BasefoldParams,
              check: bool = True, timestamps: bool = True) -> ProveResult:
    """Prove on the GPU; the returned bytes equal ``prove_reference``'s.

    With ``check`` a trace that violates the AIR raises ConstraintViolation
    (naming the first bad row and constraint): detected from the proof's own
    first zerocheck round after the one readback, not by a CPU pass first.
    """
    t_start = time.perf_counter()
    trace = field.base.check(np.asarray(trace), "trace")
    w, N = trace.shape
    n = N.bit_length() - 1
    if N != 1 << n or n < 1:
        raise ValueError(f"the trace needs a power-of-two number of rows >= 2, got {N}")
    if w != air.width:
        raise ValueError(f"the trace has {w} columns but the AIR declares {air.width}")
    check_fits(ctx, field, w, n, params)
    st = make_statement(field, air, n, public, params, air_digest(air))
    lay = layout(st)
    sc = lay.sched
    d, fe = field.ext_degree, field.base.BYTES
    off = lay.offsets
    T0 = start_transcript(st)
    host = {"setup": time.perf_counter() - t_start}

    # -- one-time uploads (no sync) ------------------------------------------------
    t0 = time.perf_counter()
    syncs0 = ctx.syncs
    trace_buf = ctx.upload(trace, label="trace")
    ts_bytes = 8 * 2 * 16
    proof_buf = ctx.buffer(lay.total + ts_bytes, label="proof")
    ctx.write(proof_buf, st.header_bytes())
    items = ctx.buffer(lay.total, label="items")  # kernel outputs, at their proof offsets
    q = params.queries
    aux_words = q * (sc.layers + 1) + 8
    pow_word = q * (sc.layers + 1)
    gt = GpuTranscript(ctx, field, T0.state, challenge_slots=3 * n + 3, aux_words=aux_words)
    gt.init_aux({pow_word: 0xFFFF_FFFF if params.pow_bits else 0})
    chal = gt.challenges
    L0 = 1 << sc.log_len(0)
    H = _h_table(ctx, field, sc.log_len(0))
    k_first = ctx.kernel(field, ["basefold"], "fold_first", {"WG": WG})
    k_next = ctx.kernel(field, ["basefold"], "fold_next", {"WG": WG})
    k_final = ctx.kernel(field, ["basefold"], "final_poly")
    k_shift = ctx.kernel(None, ["query_index"], "shift_indices")
    dummy_base, dummy_ext = ctx.placeholder("basefold-base"), ctx.placeholder("basefold-ext")
    host["upload"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    rec = ctx.recorder(label="prove")
    ts = timestamps and ctx.has_timestamps

    def phase(name: str) -> None:
        if ts:
            rec.phase(name)

    def absorb_items(name: str, count: int) -> None:
        gt.absorb(rec, items, off[name] // 4, count, KIND_FE, proof_buf, off[name] // 4)

    # 1. commit ---------------------------------------------------------------------
    phase("commit")
    coeff_buf = ctx.buffer(trace.nbytes, label="coefficients")
    rec.copy(trace_buf, 0, coeff_buf, 0, trace.nbytes)
    ntt_gpu.record_mobius(rec, ctx, field, coeff_buf, n, w)
    cw0 = ctx.buffer(w * L0 * fe, label="codeword0")
    ntt_gpu.record_lde(rec, ctx, field, coeff_buf, cw0, n, params.log_blowup, w)
    trees = [merkle_gpu.commit(rec, field, cw0, L0, w, log_leaf_rows=sc.steps[0])]
    gt.absorb(rec, trees[0].buffer, trees[0].root_offset // 4, 4, KIND_GL, proof_buf, off["root0"] // 4)
    gt.squeeze_challenges(rec, 0, n + 1)  # r = slots 0..n-1, alpha = slot n

    rec.flush()  # the GPU commits while the host records the rest (still no sync)

    # 2. zerocheck ------------------------------------------------------------------
    phase("zerocheck")
    zc = ZerocheckGpu(ctx, field, air, n, trace_buf, public)
    zc.record_setup(rec, chal, 0, n)
    for i in range(n):
        zc.record_round(rec, i, chal, items, off[f"zc{i}"] // fe)
        absorb_items(f"zc{i}", (st.degree + 1) * d)
        gt.squeeze_challenges(rec, n + 1 + i, 1)  # rho_i
        zc.record_fold(rec, i, chal, n + 1 + i)
    zc.record_claims(rec, items, off["claims"] // fe)
    absorb_items("claims", 2 * w * d)
    gt.squeeze_challenges(rec, 2 * n + 1, 2)  # beta, gamma
    beta_slot, c_slot = 2 * n + 1, 2 * n + 3

    rec.flush()

    # 3. batch sumcheck + Basefold folding --------------------------------------------
    phase("open")
    ps = ProductSumcheckGpu(ctx, field, n, trace_buf, w)
    ps.record_setup(rec, chal, beta_slot, n + 1, beta_slot + 1)
    boundaries = {sc.boundary(j): j for j in range(sc.layers)}
    layer_bufs = [cw0]
    for i in range(n):
        ps.record_round(rec, i, chal, items, off[f"bs{i}"] // fe)
        absorb_items(f"bs{i}", 3 * d)
        gt.squeeze_challenges(rec, c_slot + i, 1)
        ps.record_fold(rec, i, chal, c_slot + i)
        j = boundaries.get(i + 1)
        if j is None:
            continue
        # layer j is complete: fold it s_j times into layer j + 1 (or the final codeword)
        s = sc.steps[j]
        size_in = 1 << sc.log_len(j)
        out_len = size_in >> s
        out = ctx.buffer(out_len * d * fe, label=f"codeword{j + 1}")
        prm = _u32(size_in, w, s, c_slot + i + 1 - s, beta_slot, 0, 0, 0)
        if j == 0:
            rec.dispatch(k_first, [cw0, dummy_ext, H, chal, out, prm], (out_len + WG - 1) // WG)
        else:
            rec.dispatch(k_next, [dummy_base, layer_bufs[j], H, chal, out, prm], (out_len + WG - 1) // WG)
        if j + 1 < sc.layers:
            tree = merkle_gpu.commit(rec, field, out, out_len, 1, log_leaf_rows=sc.steps[j + 1], elems_per_entry=d)
            trees.append(tree)
            layer_bufs.append(out)
            gt.absorb(rec, tree.buffer, tree.root_offset // 4, 4, KIND_GL, proof_buf, off[f"root{j + 1}"] // 4)
        else:
            consts = _final_consts(ctx, field, sc.final_vars)
            fprm = _u32(size_in, w, s, 0, 0, off["final"] // fe, sc.final_vars, 0)
            rec.dispatch(k_final, [dummy_base, out, consts, chal, items, fprm], 1)
            absorb_items("final", (1 << sc.final_vars) * d)

    # 4. grinding and queries -------------------------------------------------------
    phase("queries")
    gt.grind(rec, params.pow_bits, pow_word, proof_buf, off["nonce"] // 4)
    gt.squeeze_indices(rec, 0, q, sc.log_leaves(0))
    shift = 0
    for i in range(sc.layers):
        if i > 0:
            shift += sc.steps[i]
            rec.dispatch(k_shift, [gt.aux, _u32(0, q * i, q, shift)], (q + 63) // 64)
        merkle_gpu.open_leaves(rec, trees[i], gt.aux, 4 * q * i, q, proof_buf, off[f"leaves{i}"])
        merkle_gpu.open_paths(rec, trees[i], gt.aux, 4 * q * i, q, proof_buf, off[f"paths{i}"])
    names, _ = rec.resolve_timestamps(proof_buf, lay.total) if ts else ([], None)
    rec.submit()
    host["record"] = time.perf_counter() - t0

    # the one readback ----------------------------------------------------------------
    t0 = time.perf_counter()
    raw = ctx.read(proof_buf, np.uint8, lay.total + 16 * len(names))
    host["gpu+readback"] = time.perf_counter() - t0
    proof = raw[: lay.total].tobytes()
    phases = {}
    if names:
        stamps = raw[lay.total :].view(np.uint64)
        phases = {nm: (int(stamps[2 * k + 1]) - int(stamps[2 * k])) * 1e-9 for k, nm in enumerate(names)}
    if params.pow_bits and int.from_bytes(proof[off["nonce"] : off["nonce"] + 8], "little") == 0xFFFF_FFFF:
        raise RuntimeError("proof-of-work search found no nonce (probability < 2^-60); retry")
    if check and not _zerocheck_sum_is_zero(field, proof, off["zc0"], st.degree):
        # the trace violates the AIR; name the row and constraint (CPU, only on this path)
        check_trace(field, air, trace, public)
        raise ConstraintViolation("the trace does not satisfy the AIR (its zerocheck sum is not zero)")
    return ProveResult(proof=proof, syncs=ctx.syncs - syncs0, phases=phases, host_seconds=host)
