// Element-wise field operations, for the parity tests and the field benchmark.

struct OpParams {
    n: u32,
    op: u32,
    e: u32,
    reps: u32,
}

@group(0) @binding(0) var<storage, read> fa: array<Fe>;
@group(0) @binding(1) var<storage, read> fb: array<Fe>;
@group(0) @binding(2) var<storage, read_write> fout: array<Fe>;
@group(0) @binding(3) var<uniform> fparams: OpParams;

override WG: u32 = 64u;

// op: 0 add, 1 sub, 2 mul, 3 sqr, 4 neg, 5 inv, 6 pow(e), 7 double, 8 from_u32(lo word of a),
//     9 mul_prepared (b in prepared form)
@compute @workgroup_size(WG)
fn field_ops(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
             @builtin(local_invocation_index) lid: u32) {
    let i = flat_id(wid, nwg) * WG + lid;
    if (i >= fparams.n) { return; }
    let a = fa[i];
    let b = fb[i];
    var r = fe_zero();
    switch fparams.op {
        case 0u: { r = fe_add(a, b); }
        case 1u: { r = fe_sub(a, b); }
        case 2u: { r = fe_mul(a, b); }
        case 3u: { r = fe_sqr(a); }
        case 4u: { r = fe_neg(a); }
        case 5u: { r = fe_inv(a); }
        case 6u: { r = fe_pow(a, fparams.e); }
        case 7u: { r = fe_double(a); }
        case 9u: { r = fe_mul_prepared(a, b); }
        default: { r = fe_from_u32(gl_lo32(fe_to_gl(a))); }
    }
    fout[i] = r;
}

// `reps` chained multiplications per element (benchmark): x <- x * b.
@compute @workgroup_size(WG)
fn field_mul_chain(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                   @builtin(local_invocation_index) lid: u32) {
    let i = flat_id(wid, nwg) * WG + lid;
    if (i >= fparams.n) { return; }
    var x = fa[i];
    let b = fb[i];
    for (var k = 0u; k < fparams.reps; k = k + 1u) {
        x = fe_mul(x, b);
    }
    fout[i] = x;
}
