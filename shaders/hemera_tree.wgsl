// Tree levels on the GPU (PROTOCOL.md "Hemera"; specs/tree.md): one dispatch
// reduces one level of chaining values.  Used by hemera's byte tree (left-
// balanced: an odd last node is promoted unchanged, the last compression of the
// tree gets PARENT | ROOT) and by the field-native Merkle tree (power of two,
// flags always PARENT).  NumPy twin: wgprover/hemera/reference.py::reduce_tree.
//
// ht_cv holds digests of 4 Goldilocks elements; level input is digests
// [in_off, in_off + n_in), output [out_off, out_off + ceil(n_in / 2)).

struct HemeraTreeParams {
    in_off: u32,
    n_in: u32,
    out_off: u32,
    root: u32,    // 1: this level's single compression (n_in == 2) is the tree root
}

@group(0) @binding(0) var<storage, read_write> ht_cv: array<Gl>;
@group(0) @binding(1) var<uniform> ht_params: HemeraTreeParams;

override WG: u32 = 64u;

fn hemera_load_cv(i: u32) -> array<Gl, 4> {
    let o = 4u * i;
    return array<Gl, 4>(ht_cv[o], ht_cv[o + 1u], ht_cv[o + 2u], ht_cv[o + 3u]);
}

fn hemera_store_cv(i: u32, d: array<Gl, 4>) {
    let o = 4u * i;
    ht_cv[o] = d[0];
    ht_cv[o + 1u] = d[1];
    ht_cv[o + 2u] = d[2];
    ht_cv[o + 3u] = d[3];
}

@compute @workgroup_size(WG)
fn hemera_tree_level(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                     @builtin(local_invocation_index) lid: u32) {
    let j = flat_id(wid, nwg) * WG + lid;
    let n_in = ht_params.n_in;
    if (j >= (n_in + 1u) / 2u) {
        return;
    }
    let left = hemera_load_cv(ht_params.in_off + 2u * j);
    if (2u * j + 1u >= n_in) {
        hemera_store_cv(ht_params.out_off + j, left);  // odd last node: promoted
        return;
    }
    let right = hemera_load_cv(ht_params.in_off + 2u * j + 1u);
    var flags = HEMERA_FLAG_PARENT;
    if (ht_params.root != 0u && n_in == 2u) {
        flags = flags | HEMERA_FLAG_ROOT;
    }
    hemera_store_cv(ht_params.out_off + j, hemera_compress(left, right, flags));
}
