// Binding the lowest variable of several extension tables to a challenge read
// from a buffer (docs/PROTOCOL.md §4-5): t'[i] = t[2i] + r (t[2i+1] - t[2i]), r = chal[slot].
// Twin: wgprover/sumcheck/reference.py::fold.  Table j of the source starts at
// src_off + j * src_stride, of the destination at dst_off + j * dst_stride.

struct FoldParams {
    half: u32,        // output length per table
    ntables: u32,
    slot: u32,
    src_stride: u32,
    dst_stride: u32,
    src_off: u32,
    dst_off: u32,
    _pad: u32,
}

@group(0) @binding(0) var<storage, read> fold_src: array<Ef>;
@group(0) @binding(1) var<storage, read_write> fold_dst: array<Ef>;
@group(0) @binding(2) var<storage, read> fold_chal: array<Ef>;
@group(0) @binding(3) var<uniform> fp: FoldParams;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn sumcheck_fold(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                 @builtin(local_invocation_index) lid: u32) {
    let id = flat_id(wid, nwg) * WG + lid;
    if (id >= fp.half * fp.ntables) { return; }
    let t = id / fp.half;
    let i = id - t * fp.half;
    let r = fold_chal[fp.slot];
    let s = fp.src_off + t * fp.src_stride + 2u * i;
    let a = fold_src[s];
    fold_dst[fp.dst_off + t * fp.dst_stride + i] = ef_add(a, ef_mul(r, ef_sub(fold_src[s + 1u], a)));
}
