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

// Output node j (of n_out = ceil(n_in / 2)) of one level; thread t computes
// nodes t + k T (T = ceil(n_out / K), k < K) with HEMERA_K permutations in
// lockstep (wgprover/hemera/lockstep.py).  A lane past the end repeats the
// last node and stores nothing; an odd last node is promoted, not hashed.
@compute @workgroup_size(WG)
fn hemera_tree_level(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                     @builtin(local_invocation_index) lid: u32) {
    let t = flat_id(wid, nwg) * WG + lid;
    let n_in = ht_params.n_in;
    let n_out = (n_in + 1u) / 2u;
    let stride = hemera_lane_stride(n_out);
    if (t >= stride) {
        return;
    }
    var flags = HEMERA_FLAG_PARENT;
    if (ht_params.root != 0u && n_in == 2u) {
        flags = flags | HEMERA_FLAG_ROOT;
    }
    var st: HemeraLanes;
    for (var k = 0u; k < HEMERA_K; k = k + 1u) {
        let j = min(t + k * stride, n_out - 1u);
        let right = min(2u * j + 1u, n_in - 1u);
        st[k] = hemera_node_state(hemera_load_cv(ht_params.in_off + 2u * j),
                                  hemera_load_cv(ht_params.in_off + right), flags);
    }
    hemera_permute_lanes(&st);
    for (var k = 0u; k < HEMERA_K; k = k + 1u) {
        let j = t + k * stride;
        if (j >= n_out) {
            continue;
        }
        var d = array<Gl, 4>(st[k][0], st[k][1], st[k][2], st[k][3]);
        if (2u * j + 1u >= n_in) {
            d = hemera_load_cv(ht_params.in_off + 2u * j);  // odd last node: promoted
        }
        hemera_store_cv(ht_params.out_off + j, d);
    }
}
