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

// DIF stages of this pass on the tile, highest stage bit first.
fn ntt_dif_tile(lid: u32, t: u32) {
    for (var j = 0u; j < prm.k; j++) {
        let sb = prm.k - 1u - j;
        let dist_bits = prm.run_bits + sb;
        let h = 1u << (prm.lo_bits + sb); // half-size of this global stage
        for (var b = lid; b < TILE / 2u; b += WG) {
            let e = ntt_pair(b, dist_bits);
            // position inside the stage block = global index mod h
            let w = ntt_tw[h + (ntt_index(t, e.x) & (h - 1u))];
            let x = ntt_tile_mem[e.x];
            let y = ntt_tile_mem[e.y];
            ntt_tile_mem[e.x] = fe_add(x, y);
            ntt_tile_mem[e.y] = fe_mul(fe_sub(x, y), w);
        }
        workgroupBarrier();
    }
}

// DIT stages of this pass on the tile, lowest stage bit first.
fn ntt_dit_tile(lid: u32, t: u32) {
    for (var j = 0u; j < prm.k; j++) {
        let dist_bits = prm.run_bits + j;
        let h = 1u << (prm.lo_bits + j);
        for (var b = lid; b < TILE / 2u; b += WG) {
            let e = ntt_pair(b, dist_bits);
            let w = ntt_tw[h + (ntt_index(t, e.x) & (h - 1u))];
            let x = ntt_tile_mem[e.x];
            let y = fe_mul(ntt_tile_mem[e.y], w);
            ntt_tile_mem[e.x] = fe_add(x, y);
            ntt_tile_mem[e.y] = fe_sub(x, y);
        }
        workgroupBarrier();
    }
}

fn ntt_load(lid: u32, t: u32) {
    for (var e = lid; e < TILE; e += WG) {
        let g = ntt_index(t, e);
        if (g < prm.total) {
            ntt_tile_mem[e] = ntt_data[g];
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
            var v = ntt_tile_mem[e];
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
