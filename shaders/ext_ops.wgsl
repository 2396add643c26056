// Element-wise extension-field operations, for the parity tests.

struct ExtOpParams {
    n: u32,
    op: u32,
    e: u32,
    reps: u32,
}

@group(0) @binding(0) var<storage, read> ea: array<Ef>;
@group(0) @binding(1) var<storage, read> eb: array<Ef>;
@group(0) @binding(2) var<storage, read_write> eout: array<Ef>;
@group(0) @binding(3) var<uniform> eparams: ExtOpParams;

override WG: u32 = 64u;

// op: 0 add, 1 sub, 2 mul, 3 sqr, 4 neg, 5 inv, 6 mul by base (b.c0)
@compute @workgroup_size(WG)
fn ext_ops(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
           @builtin(local_invocation_index) lid: u32) {
    let i = flat_id(wid, nwg) * WG + lid;
    if (i >= eparams.n) { return; }
    let a = ea[i];
    let b = eb[i];
    var r = ef_zero();
    switch eparams.op {
        case 0u: { r = ef_add(a, b); }
        case 1u: { r = ef_sub(a, b); }
        case 2u: { r = ef_mul(a, b); }
        case 3u: { r = ef_sqr(a); }
        case 4u: { r = ef_neg(a); }
        case 5u: { r = ef_inv(a); }
        default: { r = ef_mul_fe(a, ef_coeff(b, 0u)); }
    }
    eout[i] = r;
}
