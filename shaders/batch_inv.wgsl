// Batch inversion by Montgomery's trick: each invocation owns a contiguous chunk
// of CHUNK elements, forms prefix products, inverts once, and walks back.
// Zeros are skipped (treated as 1 in the products) and map to zero.

struct BatchInvParams {
    n: u32,
    chunk: u32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<storage, read> inv_in: array<Fe>;
@group(0) @binding(1) var<storage, read_write> inv_out: array<Fe>;
@group(0) @binding(2) var<uniform> inv_params: BatchInvParams;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn batch_inv(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
             @builtin(local_invocation_index) lid: u32) {
    let t = flat_id(wid, nwg) * WG + lid;
    let start = t * inv_params.chunk;
    if (start >= inv_params.n) { return; }
    let end = min(start + inv_params.chunk, inv_params.n);
    // forward pass: inv_out[i] = product of non-zero inputs in [start, i)
    var acc = fe_one();
    for (var i = start; i < end; i = i + 1u) {
        inv_out[i] = acc;
        let x = inv_in[i];
        if (!fe_is_zero(x)) { acc = fe_mul(acc, x); }
    }
    var inv_acc = fe_inv(acc);
    // backward pass: inv(x_i) = prefix_i * inv(prefix_{i+1})
    for (var j = end; j > start; j = j - 1u) {
        let i = j - 1u;
        let x = inv_in[i];
        if (fe_is_zero(x)) {
            inv_out[i] = fe_zero();
        } else {
            inv_out[i] = fe_mul(inv_out[i], inv_acc);
            inv_acc = fe_mul(inv_acc, x);
        }
    }
}
