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
override NTT_PROBE: u32 = 0u;
fn ntt_twiddle(t: u32, e: u32, bit: u32) -> Fe {
    if ((NTT_PROBE & 1u) != 0u) { return fe_from_u32(bit + 3u); }
    let h = 1u << (prm.lo_bits + bit - prm.run_bits);
    return ntt_tw[h + (ntt_index(t, e) & (h - 1u))];
}

// DIF stages of this pass on the tile, highest stage bit first.
fn ntt_dif_tile(lid: u32, t: u32) {
    let nr = ntt_rounds();
    for (var q = 0u; q < nr; q++) {
        let rd = ntt_round(q, true);
        let base = ntt_base(lid, rd.x);
        var x: array<Fe, NTT_R>;
        for (var i = 0u; i < NTT_R; i++) {
            x[i] = ntt_tile_mem[ntt_swz(base | (i << rd.x))];
        }
        for (var jj = 0u; jj < NTT_RB; jj++) {
            let j = NTT_RB - 1u - jj;
            if (j >= rd.y && j < rd.y + rd.z) {
                for (var i = 0u; i < NTT_R / 2u; i++) {
                    let i0 = ntt_spread(i, j);
                    let i1 = i0 | (1u << j);
                    let w = ntt_twiddle(t, base | (i0 << rd.x), rd.x + j);
                    let a = x[i0];
                    let b = x[i1];
                    x[i0] = fe_add(a, b);
                    if ((NTT_PROBE & 2u) != 0u) { x[i1] = fe_sub(a, w); } else {
                    x[i1] = fe_mul(fe_sub(a, b), w); }
                }
            }
        }
        for (var i = 0u; i < NTT_R; i++) {
            ntt_tile_mem[ntt_swz(base | (i << rd.x))] = x[i];
        }
        workgroupBarrier();
    }
}

// DIT stages of this pass on the tile, lowest stage bit first.
fn ntt_dit_tile(lid: u32, t: u32) {
    let nr = ntt_rounds();
    for (var q = 0u; q < nr; q++) {
        let rd = ntt_round(q, false);
        let base = ntt_base(lid, rd.x);
        var x: array<Fe, NTT_R>;
        for (var i = 0u; i < NTT_R; i++) {
            x[i] = ntt_tile_mem[ntt_swz(base | (i << rd.x))];
        }
        for (var j = 0u; j < NTT_RB; j++) {
            if (j >= rd.y && j < rd.y + rd.z) {
                for (var i = 0u; i < NTT_R / 2u; i++) {
                    let i0 = ntt_spread(i, j);
                    let i1 = i0 | (1u << j);
                    let w = ntt_twiddle(t, base | (i0 << rd.x), rd.x + j);
                    let a = x[i0];
                    let b = fe_mul(x[i1], w);
                    x[i0] = fe_add(a, b);
                    x[i1] = fe_sub(a, b);
                }
            }
        }
        for (var i = 0u; i < NTT_R; i++) {
            ntt_tile_mem[ntt_swz(base | (i << rd.x))] = x[i];
        }
        workgroupBarrier();
    }
}

fn ntt_load(lid: u32, t: u32) {
    for (var e = lid; e < TILE; e += WG) {
        let g = ntt_index(t, e);
        if (g < prm.total) {
            ntt_tile_mem[ntt_swz(e)] = ntt_data[g];
        }
    }
    workgroupBarrier();
}

fn ntt_store(lid: u32, t: u32) {
    let scale = (prm.flags & 1u) != 0u;
    let n_inv = ntt_consts[prm.log_n];
    for (var e = lid; e < TILE; e += WG) {
        let g = ntt_index(t, e);
        if (g < prm.total) {
            var v = ntt_tile_mem[ntt_swz(e)];
            if (scale) {
                v = fe_mul(v, n_inv);
            }
            ntt_data[g] = v;
        }
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
