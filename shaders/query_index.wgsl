// Per-layer query leaf indices: dst[k] = src[k] >> shift (docs/PROTOCOL.md §5).
// Wrapper and twin: pcs/basefold/gpu.py::record_shift_indices, reference.py::shift_indices.

struct ShiftParams {
    src: u32,
    dst: u32,
    count: u32,
    shift: u32,
}

@group(0) @binding(0) var<storage, read_write> qi_aux: array<u32>;
@group(0) @binding(1) var<uniform> qi_p: ShiftParams;

@compute @workgroup_size(64)
fn shift_indices(@builtin(global_invocation_id) gid: vec3<u32>) {
    let k = gid.x;
    if (k >= qi_p.count) { return; }
    qi_aux[qi_p.dst + k] = qi_aux[qi_p.src + k] >> qi_p.shift;
}
