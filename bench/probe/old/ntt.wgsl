// Radix-2 NTT passes over a batch of columns (column-major, each column
// contiguous). forward: DIF, natural coefficients -> bit-reversed evaluations;
// inverse: DIT with inverse twiddles, bit-reversed -> natural, times 2^-log_n
// in its last pass. Composed after ntt_tile.wgsl. Conventions: docs/NTT.md §1.
//
// Twiddles: ntt_tw[h + j] = w_{2h}^(+-j) for the stage of half-size h (so a
// stage reads a contiguous slice; the table is shared by every size).

@group(0) @binding(0) var<storage, read_write> ntt_data: array<Fe>;
@group(0) @binding(1) var<storage, read> ntt_tw: array<Fe>;
@group(0) @binding(2) var<storage, read> ntt_consts: array<Fe>; // [i] = 2^-i
@group(0) @binding(3) var<uniform> prm: NttPass;

// Twiddle of the butterfly whose lower element is tile element e, at the
// stage on tile bit `bit`: w_{2h}^(g mod h) with h = 2^(global bit).
fn ntt_twiddle(t: u32, e: u32, bit: u32) -> Fe {
    let h = 1u << (prm.lo_bits + bit - prm.run_bits);
    return ntt_tw[h + (ntt_index(t, e) & (h - 1u))];
}

// Twiddles of the 8 butterflies of a stage; lower partner of butterfly i is
// register `step * i` (DIF: i, DIT: 2i) before rotating by `rot`.
fn ntt_twiddles(t: u32, base: u32, w_lo: u32, step: u32, rot: u32, left: bool, bit: u32) -> array<Fe, 8> {
    var w: array<Fe, 8>;
    w[0] = ntt_twiddle(t, ntt_elem(base, w_lo, 0u * step, rot, left), bit);
    w[1] = ntt_twiddle(t, ntt_elem(base, w_lo, 1u * step, rot, left), bit);
    w[2] = ntt_twiddle(t, ntt_elem(base, w_lo, 2u * step, rot, left), bit);
    w[3] = ntt_twiddle(t, ntt_elem(base, w_lo, 3u * step, rot, left), bit);
    w[4] = ntt_twiddle(t, ntt_elem(base, w_lo, 4u * step, rot, left), bit);
    w[5] = ntt_twiddle(t, ntt_elem(base, w_lo, 5u * step, rot, left), bit);
    w[6] = ntt_twiddle(t, ntt_elem(base, w_lo, 6u * step, rot, left), bit);
    w[7] = ntt_twiddle(t, ntt_elem(base, w_lo, 7u * step, rot, left), bit);
    return w;
}

// DIF stage on registers: pairs (i, i + 8) -> (2i, 2i + 1).
fn ntt_dif_regs(x: array<Fe, 16>, w: array<Fe, 8>) -> array<Fe, 16> {
    var y: array<Fe, 16>;
    y[0] = fe_add(x[0], x[8]);
    y[1] = fe_mul(fe_sub(x[0], x[8]), w[0]);
    y[2] = fe_add(x[1], x[9]);
    y[3] = fe_mul(fe_sub(x[1], x[9]), w[1]);
    y[4] = fe_add(x[2], x[10]);
    y[5] = fe_mul(fe_sub(x[2], x[10]), w[2]);
    y[6] = fe_add(x[3], x[11]);
    y[7] = fe_mul(fe_sub(x[3], x[11]), w[3]);
    y[8] = fe_add(x[4], x[12]);
    y[9] = fe_mul(fe_sub(x[4], x[12]), w[4]);
    y[10] = fe_add(x[5], x[13]);
    y[11] = fe_mul(fe_sub(x[5], x[13]), w[5]);
    y[12] = fe_add(x[6], x[14]);
    y[13] = fe_mul(fe_sub(x[6], x[14]), w[6]);
    y[14] = fe_add(x[7], x[15]);
    y[15] = fe_mul(fe_sub(x[7], x[15]), w[7]);
    return y;
}

// DIT stage on registers: pairs (2i, 2i + 1) -> (i, i + 8).
fn ntt_dit_regs(x: array<Fe, 16>, w: array<Fe, 8>) -> array<Fe, 16> {
    var y: array<Fe, 16>;
    let b0 = fe_mul(x[1], w[0]);
    y[0] = fe_add(x[0], b0);
    y[8] = fe_sub(x[0], b0);
    let b1 = fe_mul(x[3], w[1]);
    y[1] = fe_add(x[2], b1);
    y[9] = fe_sub(x[2], b1);
    let b2 = fe_mul(x[5], w[2]);
    y[2] = fe_add(x[4], b2);
    y[10] = fe_sub(x[4], b2);
    let b3 = fe_mul(x[7], w[3]);
    y[3] = fe_add(x[6], b3);
    y[11] = fe_sub(x[6], b3);
    let b4 = fe_mul(x[9], w[4]);
    y[4] = fe_add(x[8], b4);
    y[12] = fe_sub(x[8], b4);
    let b5 = fe_mul(x[11], w[5]);
    y[5] = fe_add(x[10], b5);
    y[13] = fe_sub(x[10], b5);
    let b6 = fe_mul(x[13], w[6]);
    y[6] = fe_add(x[12], b6);
    y[14] = fe_sub(x[12], b6);
    let b7 = fe_mul(x[15], w[7]);
    y[7] = fe_add(x[14], b7);
    y[15] = fe_sub(x[14], b7);
    return y;
}

fn ntt_scale_regs(x: array<Fe, 16>, s: Fe) -> array<Fe, 16> {
    var y: array<Fe, 16>;
    y[0] = fe_mul(x[0], s);
    y[1] = fe_mul(x[1], s);
    y[2] = fe_mul(x[2], s);
    y[3] = fe_mul(x[3], s);
    y[4] = fe_mul(x[4], s);
    y[5] = fe_mul(x[5], s);
    y[6] = fe_mul(x[6], s);
    y[7] = fe_mul(x[7], s);
    y[8] = fe_mul(x[8], s);
    y[9] = fe_mul(x[9], s);
    y[10] = fe_mul(x[10], s);
    y[11] = fe_mul(x[11], s);
    y[12] = fe_mul(x[12], s);
    y[13] = fe_mul(x[13], s);
    y[14] = fe_mul(x[14], s);
    y[15] = fe_mul(x[15], s);
    return y;
}

// DIF stages of this pass on the tile, highest stage bit first.
fn ntt_dif_tile(lid: u32, t: u32) {
    let nr = ntt_rounds();
    for (var q = 0u; q < nr; q++) {
        let rd = ntt_round(q, true); // (w_lo, lowest stage bit in window, stages)
        let base = ntt_base(lid, rd.x);
        let c = NTT_RB - rd.y - rd.z; // register bit 3 <-> the round's top stage bit
        var x = ntt_gather(base, rd.x, c, false);
        for (var s = 0u; s < rd.z; s++) {
            let w = ntt_twiddles(t, base, rd.x, 1u, s + c, false, rd.x + rd.y + rd.z - 1u - s);
            x = ntt_dif_regs(x, w);
        }
        ntt_scatter(x, base, rd.x, rd.z + c, false);
        workgroupBarrier();
    }
}

// DIT stages of this pass on the tile, lowest stage bit first; the last
// round of the last inverse pass also multiplies by 2^-log_n.
fn ntt_dit_tile(lid: u32, t: u32) {
    let nr = ntt_rounds();
    for (var q = 0u; q < nr; q++) {
        let rd = ntt_round(q, false);
        let base = ntt_base(lid, rd.x);
        var x = ntt_gather(base, rd.x, rd.y, true); // register bit 0 <-> lowest stage bit
        for (var s = 0u; s < rd.z; s++) {
            let w = ntt_twiddles(t, base, rd.x, 2u, s + rd.y, true, rd.x + rd.y + s);
            x = ntt_dit_regs(x, w);
        }
        if (q + 1u == nr && (prm.flags & 1u) != 0u) {
            x = ntt_scale_regs(x, ntt_consts[prm.log_n]);
        }
        ntt_scatter(x, base, rd.x, rd.z + rd.y, true);
        workgroupBarrier();
    }
}

@compute @workgroup_size(WG)
fn forward(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    let t = flat_id(wid, nwg);
    if (t >= prm.tiles) {
        return; // whole workgroup: uniform
    }
    ntt_load(lid, t);
    ntt_dif_tile(lid, t);
    ntt_store(lid, t);
}

@compute @workgroup_size(WG)
fn inverse(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    let t = flat_id(wid, nwg);
    if (t >= prm.tiles) {
        return;
    }
    ntt_load(lid, t);
    ntt_dit_tile(lid, t);
    ntt_store(lid, t);
}
