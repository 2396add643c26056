// Hypercube transforms between a multilinear evaluation table and its
// monomial coefficients (index bit i = variable i), several variables per
// pass in workgroup memory. Composed after ntt_tile.wgsl.
// mobius: t[x | 2^i] -= t[x];  zeta (its inverse): t[x | 2^i] += t[x].

@group(0) @binding(0) var<storage, read_write> mob_data: array<Fe>;
@group(0) @binding(1) var<uniform> prm: NttPass;

fn mob_load(lid: u32, t: u32) {
    for (var e = lid; e < TILE; e += WG) {
        let g = ntt_index(t, e);
        if (g < prm.total) {
            ntt_tile_mem[e] = mob_data[g];
        }
    }
    workgroupBarrier();
}

fn mob_store(lid: u32, t: u32) {
    for (var e = lid; e < TILE; e += WG) {
        let g = ntt_index(t, e);
        if (g < prm.total) {
            mob_data[g] = ntt_tile_mem[e];
        }
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
    for (var j = 0u; j < prm.k; j++) {
        for (var b = lid; b < TILE / 2u; b += WG) {
            let e = ntt_pair(b, prm.run_bits + j);
            ntt_tile_mem[e.y] = fe_sub(ntt_tile_mem[e.y], ntt_tile_mem[e.x]);
        }
        workgroupBarrier();
    }
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
    for (var j = 0u; j < prm.k; j++) {
        for (var b = lid; b < TILE / 2u; b += WG) {
            let e = ntt_pair(b, prm.run_bits + j);
            ntt_tile_mem[e.y] = fe_add(ntt_tile_mem[e.y], ntt_tile_mem[e.x]);
        }
        workgroupBarrier();
    }
    mob_store(lid, t);
}
