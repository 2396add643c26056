// Plain copy, 16 bytes per invocation: the bandwidth baseline that bench/ntt.py
// reports the NTT family against.

struct CopyParams {
    n: u32, // number of 16-byte words
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

@group(0) @binding(0) var<storage, read> cp_src: array<vec4<u32>>;
@group(0) @binding(1) var<storage, read_write> cp_dst: array<vec4<u32>>;
@group(0) @binding(2) var<uniform> cp: CopyParams;

@compute @workgroup_size(256)
fn copy(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    let i = flat_id(wid, nwg) * 256u + lid;
    if (i < cp.n) {
        cp_dst[i] = cp_src[i];
    }
}
