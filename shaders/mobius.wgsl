// Hypercube transforms between a multilinear evaluation table and its
// monomial coefficients (index bit i = variable i), several variables per
// pass in workgroup memory and up to 4 per round in registers (the constant
// geometry of ntt_dit_tile). Composed after ntt_tile.wgsl.
// mobius: t[x | 2^i] -= t[x];  zeta (its inverse): t[x | 2^i] += t[x].

@group(0) @binding(0) var<storage, read_write> ntt_data: array<Fe>;
@group(0) @binding(1) var<uniform> prm: NttPass;

// One variable on registers: pairs (2i, 2i + 1) -> (i, i + 8).
fn mob_regs(x: array<Fe, 16>, subtract: bool) -> array<Fe, 16> {
    var y: array<Fe, 16>;
    y[0] = x[0];
    y[8] = select(fe_add(x[1], x[0]), fe_sub(x[1], x[0]), subtract);
    y[1] = x[2];
    y[9] = select(fe_add(x[3], x[2]), fe_sub(x[3], x[2]), subtract);
    y[2] = x[4];
    y[10] = select(fe_add(x[5], x[4]), fe_sub(x[5], x[4]), subtract);
    y[3] = x[6];
    y[11] = select(fe_add(x[7], x[6]), fe_sub(x[7], x[6]), subtract);
    y[4] = x[8];
    y[12] = select(fe_add(x[9], x[8]), fe_sub(x[9], x[8]), subtract);
    y[5] = x[10];
    y[13] = select(fe_add(x[11], x[10]), fe_sub(x[11], x[10]), subtract);
    y[6] = x[12];
    y[14] = select(fe_add(x[13], x[12]), fe_sub(x[13], x[12]), subtract);
    y[7] = x[14];
    y[15] = select(fe_add(x[15], x[14]), fe_sub(x[15], x[14]), subtract);
    return y;
}

// All variables of the pass (they commute, so rounds go bottom-up).
fn mob_tile(lid: u32, subtract: bool) {
    let nr = ntt_rounds();
    for (var q = 0u; q < nr; q++) {
        let rd = ntt_round(q, false);
        let base = ntt_base(lid, rd.x);
        var x = ntt_gather(base, rd.x, rd.y, true);
        for (var s = 0u; s < rd.z; s++) {
            x = mob_regs(x, subtract);
        }
        ntt_scatter(x, base, rd.x, rd.z + rd.y, true);
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
    ntt_load(lid, t);
    mob_tile(lid, true);
    ntt_store(lid, t);
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
    ntt_load(lid, t);
    mob_tile(lid, false);
    ntt_store(lid, t);
}
