// eq(r, x) tables built on the GPU from challenges in a buffer (docs/PROTOCOL.md §5).
// Twin: wgprover/sumcheck/reference.py::eq_table.  Index x = sum_i x_i 2^i.
//
// eq_expand doubles a table in place, binding the next variable as the new top
// bit: for k < s, t[k + s] = t[k] * r and t[k] = t[k] * (1 - r), with
// r = chal[slot].  The step with s = 1 starts from t[0] = 1, so n steps with
// s = 1, 2, 4, ... and slots r_0, r_1, ... give eq(r, .) of size 2^n.

struct EqParams {
    s: u32,     // current table size (1 on the first step)
    slot: u32,  // challenge slot of this variable
    off: u32,   // table offset in Ef elements
    _pad: u32,
}

@group(0) @binding(0) var<storage, read> eq_chal: array<Ef>;
@group(0) @binding(1) var<storage, read_write> eq_tab: array<Ef>;
@group(0) @binding(2) var<uniform> eqp: EqParams;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn eq_expand(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
             @builtin(local_invocation_index) lid: u32) {
    let k = flat_id(wid, nwg) * WG + lid;
    if (k >= eqp.s) { return; }
    let r = eq_chal[eqp.slot];
    var v = ef_one();
    if (eqp.s > 1u) { v = eq_tab[eqp.off + k]; }
    let hi = ef_mul(v, r);
    eq_tab[eqp.off + k + eqp.s] = hi;
    eq_tab[eqp.off + k] = ef_sub(v, hi);
}
