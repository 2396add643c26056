// Hypercube transforms between a multilinear evaluation table and its
// monomial coefficients (index bit i = variable i), several variables per
// pass in workgroup memory and NTT_RB per round in registers. Composed after
// ntt_tile.wgsl. mobius: t[x | 2^i] -= t[x];  zeta (its inverse): t[x | 2^i] += t[x].
// Variables commute, so rounds go bottom-up for both.

@group(0) @binding(0) var<storage, read_write> mob_data: array<Fe>;
@group(0) @binding(1) var<uniform> prm: NttPass;

fn mob_load(lid: u32, t: u32) {
    for (var e = lid; e < TILE; e += WG) {
        let g = ntt_index(t, e);
        if (g < prm.total) {
            ntt_tile_mem[ntt_swz(e)] = mob_data[g];
        }
    }
    workgroupBarrier();
}

fn mob_store(lid: u32, t: u32) {
    for (var e = lid; e < TILE; e += WG) {
        let g = ntt_index(t, e);
        if (g < prm.total) {
            mob_data[g] = ntt_tile_mem[ntt_swz(e)];
        }
    }
}

// All variables of the pass; subtract (mobius) or add (zeta) the lower half.
fn mob_tile(lid: u32, subtract: bool) {
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
                    if (subtract) {
                        x[i1] = fe_sub(x[i1], x[i0]);
                    } else {
                        x[i1] = fe_add(x[i1], x[i0]);
                    }
                }
            }
        }
        for (var i = 0u; i < NTT_R; i++) {
            ntt_tile_mem[ntt_swz(base | (i << rd.x))] = x[i];
        }
        workgroupBarrier();
    }
}

@compute @workgroup_size(WG)
fn mobius(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    let t = flat_id(wid, nwg);
    if (t >= prm.tiles) {
        return;
    }
    mob_load(lid, t);
    mob_tile(lid, true);
    mob_store(lid, t);
}

@compute @workgroup_size(WG)
fn zeta(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    let t = flat_id(wid, nwg);
    if (t >= prm.tiles) {
        return;
    }
    mob_load(lid, t);
    mob_tile(lid, false);
    mob_store(lid, t);
}
