// Field-native Merkle commitment (PROTOCOL.md "Hemera field-native hashing and
// Merkle commitments").  NumPy twins: wgprover/merkle/reference.py.
// Composed after the field module, hemera_permutation.wgsl and hemera_field.wgsl;
// tree levels above the leaves use hemera_tree.wgsl::hemera_tree_level.
//
// The group-0 bindings are generated (wgprover/merkle/gpu.py `_bindings`,
// gpu/table_wgsl.py) and composed before this file: mk_mat, a column-major
// device table of `width` columns of rows * d Fe, possibly in several segments
// (docs/ARCHITECTURE.md §9), read through mk_mat_at; then mk_tree, mk_idx,
// mk_out_gl, mk_out_fe and the uniform mk_params. Entry (row r, column c),
// coefficient j is element r * d + j of column c (from mat_off in a
// one-segment table).  Leaf i covers rows
// [i 2^k, (i+1) 2^k), flattened row-major (row, column, coefficient).
// mk_tree holds the levels back to back (digests of 4 Gl): level l of a tree of
// L leaves starts at digest 2L - 2L / 2^l.

struct MerkleParams {
    mat_off: u32,     // first element of the matrix in mk_mat (Fe units)
    rows: u32,
    width: u32,
    d: u32,           // base elements per entry
    log_leaf_rows: u32,
    n_leaves: u32,    // L (a power of two)
    height: u32,      // log2 L
    idx_off: u32,     // first query index in mk_idx (u32 units)
    count: u32,       // number of queries
    out_off: u32,     // first output element (Gl units for paths, Fe units for leaves)
    blk_lo: u32,      // leaves: sponge blocks [blk_lo, blk_hi) absorbed by this dispatch
    blk_hi: u32,
}


override WG: u32 = 64u;

// Element e (row-major within the leaf) of leaf `leaf`.
fn merkle_elem(leaf: u32, e: u32) -> Fe {
    let d = mk_params.d;
    let per_row = mk_params.width * d;
    let r = e / per_row;
    let rem = e - r * per_row;
    let c = rem / d;
    let j = rem - c * d;
    let row = (leaf << mk_params.log_leaf_rows) + r;
    return mk_mat_at(c, row * d + j + mk_params.mat_off, mk_params.rows * d);
}

fn merkle_lane(leaf: u32, e: u32, m: u32) -> Gl {
    if (e >= m) {
        return gl_zero();
    }
    return fe_to_gl(merkle_elem(leaf, e));
}

// s with lanes 0..8 += block b of leaf `leaf` (m elements; lanes past m add 0).
fn merkle_absorb(s: array<Gl, 16>, leaf: u32, b: u32, m: u32) -> array<Gl, 16> {
    let e = 8u * b;
    var o = s;
    o[0] = gl_add(s[0], merkle_lane(leaf, e, m));
    o[1] = gl_add(s[1], merkle_lane(leaf, e + 1u, m));
    o[2] = gl_add(s[2], merkle_lane(leaf, e + 2u, m));
    o[3] = gl_add(s[3], merkle_lane(leaf, e + 3u, m));
    o[4] = gl_add(s[4], merkle_lane(leaf, e + 4u, m));
    o[5] = gl_add(s[5], merkle_lane(leaf, e + 5u, m));
    o[6] = gl_add(s[6], merkle_lane(leaf, e + 6u, m));
    o[7] = gl_add(s[7], merkle_lane(leaf, e + 7u, m));
    return o;
}

// Leaf digests: hash_elements of the m = 2^k * width * d elements of each leaf.
// Thread t hashes leaves t + k T (T = ceil(L / K), k < K) with HEMERA_K
// sponges in lockstep (wgprover/hemera/lockstep.py; consecutive threads read
// consecutive rows); a lane past the end repeats leaf L - 1 and stores nothing.
// A dispatch absorbs blocks [blk_lo, blk_hi) of the ceil(m / 8) blocks; between
// dispatches of one leaf the sponge state waits in mk_out_gl[16 leaf ..] (only
// for very wide leaves: see MAX_PERMS_PER_INVOCATION in hemera/gpu.py).
@compute @workgroup_size(WG)
fn merkle_leaves(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                 @builtin(local_invocation_index) lid: u32) {
    let t = flat_id(wid, nwg) * WG + lid;
    let n = mk_params.n_leaves;
    let stride = hemera_lane_stride(n);
    if (t >= stride) {
        return;
    }
    let m = (mk_params.width * mk_params.d) << mk_params.log_leaf_rows;
    let nblocks = max(1u, (m + 7u) / 8u);
    var st: HemeraLanes;
    for (var k = 0u; k < HEMERA_K; k = k + 1u) {
        st[k] = hemera_elements_init();
        if (mk_params.blk_lo > 0u) {
            let leaf = min(t + k * stride, n - 1u);
            for (var j = 0u; j < 16u; j = j + 1u) {
                st[k][j] = mk_out_gl[16u * leaf + j];
            }
        }
    }
    for (var b = mk_params.blk_lo; b < mk_params.blk_hi; b = b + 1u) {
        for (var k = 0u; k < HEMERA_K; k = k + 1u) {
            st[k] = merkle_absorb(st[k], min(t + k * stride, n - 1u), b, m);
            if (b + 1u == nblocks) {
                st[k][HEMERA_LANE_LENGTH] = gl_from_u32(m);
            }
        }
        hemera_permute_lanes(&st);
    }
    for (var k = 0u; k < HEMERA_K; k = k + 1u) {
        let leaf = t + k * stride;
        if (leaf >= n) {
            continue;
        }
        if (mk_params.blk_hi < nblocks) {
            for (var j = 0u; j < 16u; j = j + 1u) {
                mk_out_gl[16u * leaf + j] = st[k][j];
            }
        } else {
            let o = 4u * leaf;
            mk_tree[o] = st[k][0];
            mk_tree[o + 1u] = st[k][1];
            mk_tree[o + 2u] = st[k][2];
            mk_tree[o + 3u] = st[k][3];
        }
    }
}

// Sibling paths: thread (q, l) copies the level-l sibling of query q's leaf to
// mk_out_gl[out_off + 4 (q * height + l) ..] (bottom-up per query).
@compute @workgroup_size(WG)
fn merkle_open_paths(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                     @builtin(local_invocation_index) lid: u32) {
    let t = flat_id(wid, nwg) * WG + lid;
    let h = mk_params.height;
    if (t >= mk_params.count * h) {
        return;
    }
    let q = t / h;
    let l = t - q * h;
    let n = mk_params.n_leaves;
    let leaf = mk_idx[mk_params.idx_off + q] & (n - 1u);
    let level_off = 2u * n - ((2u * n) >> l);
    let src = 4u * (level_off + ((leaf >> l) ^ 1u));
    let dst = mk_params.out_off + 4u * t;
    mk_out_gl[dst] = mk_tree[src];
    mk_out_gl[dst + 1u] = mk_tree[src + 1u];
    mk_out_gl[dst + 2u] = mk_tree[src + 2u];
    mk_out_gl[dst + 3u] = mk_tree[src + 3u];
}

// Opened leaf values: thread (q, e) copies element e (row-major within the leaf)
// of query q's leaf to mk_out_fe[out_off + q * m + e], in the field's own format.
@compute @workgroup_size(WG)
fn merkle_open_leaves(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                      @builtin(local_invocation_index) lid: u32) {
    let t = flat_id(wid, nwg) * WG + lid;
    let m = (mk_params.width * mk_params.d) << mk_params.log_leaf_rows;
    if (t >= mk_params.count * m) {
        return;
    }
    let q = t / m;
    let e = t - q * m;
    let leaf = mk_idx[mk_params.idx_off + q] & (mk_params.n_leaves - 1u);
    mk_out_fe[mk_params.out_off + t] = merkle_elem(leaf, e);
}
