// Copies `count` extension values (src[src_off + t]) into an array of base
// elements at element offset out_off, as d consecutive coefficients each: how
// the sumcheck claims reach a proof/transcript buffer without a pass break.

struct EmitParams {
    count: u32,
    src_off: u32,  // in Ef elements
    out_off: u32,  // in base elements
    _pad: u32,
}

@group(0) @binding(0) var<storage, read> emit_src: array<Ef>;
@group(0) @binding(1) var<storage, read_write> emit_out: array<Fe>;
@group(0) @binding(2) var<uniform> emp: EmitParams;

@compute @workgroup_size(64)
fn sumcheck_emit(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
    let i = wid.x * 64u + lid;
    if (i >= emp.count * EF_DEGREE) { return; }
    let t = i / EF_DEGREE;
    emit_out[emp.out_off + i] = ef_coeff(emit_src[emp.src_off + t], i - t * EF_DEGREE);
}
