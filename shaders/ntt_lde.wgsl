// Coset low-degree extension, first pass. Composed after ntt_tile.wgsl and
// ntt.wgsl, whose bindings 0-3 come first (these follow); the destination is
// ntt_data, viewed as cols * 2^R columns of 2^n (coset c of source column
// col is destination column col * 2^R + c).
// Coset c is the size-2^n forward NTT of coefficients scaled by s_c^i with
// s_c = shift * w_L^bitrev_R(c) (docs/NTT.md §2), so this pass loads the
// source, scales it and runs the first DIF pass; ordinary `forward` passes
// finish. s_c^i = lde_scale[c*S + (i mod 2^a)] * lde_scale[c*S + 2^a + (i >> a)]
// with a = ceil(n/2), S = 2^a + 2^(n-a): two short tables instead of one of size L.
// prm.aux = R | (first block << 8): the bound destination may be one segment of
// a device table (docs/ARCHITECTURE.md §9) whose first 2^n-block is block
// `first` of the cols * 2^R blocks that lde_src's columns extend to.

@group(0) @binding(4) var<storage, read> lde_src: array<Fe>;
@group(0) @binding(5) var<storage, read> lde_scale: array<Fe>;

// Scaled source element for destination tile element e (three independent loads).
fn lde_elem(t: u32, e: u32) -> Fe {
    let n = prm.log_n;
    let r = prm.aux & 0xffu;
    let a = (n + 1u) / 2u;
    let g = min(ntt_index(t, e), prm.total - 1u);
    let i = g & ((1u << n) - 1u);
    let blk = (g >> n) + (prm.aux >> 8u); // source column blk >> r, coset blk mod 2^r
    let base = (blk & ((1u << r) - 1u)) * ((1u << a) + (1u << (n - a)));
    // both tables are prepared, and so is their product (Field.base.prepared)
    let s = fe_mul_prepared(lde_scale[base + (i & ((1u << a) - 1u))], lde_scale[base + (1u << a) + (i >> a)]);
    return fe_mul_prepared(lde_src[((blk >> r) << n) + i], s);
}

@compute @workgroup_size(WG)
fn lde(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    let t = flat_id(wid, nwg);
    if (t >= prm.tiles) {
        return;
    }
    // straight-line so that all loads are in flight together (ntt_tile.wgsl)
    let v0 = lde_elem(t, lid + 0u * WG);
    let v1 = lde_elem(t, lid + 1u * WG);
    let v2 = lde_elem(t, lid + 2u * WG);
    let v3 = lde_elem(t, lid + 3u * WG);
    let v4 = lde_elem(t, lid + 4u * WG);
    let v5 = lde_elem(t, lid + 5u * WG);
    let v6 = lde_elem(t, lid + 6u * WG);
    let v7 = lde_elem(t, lid + 7u * WG);
    let v8 = lde_elem(t, lid + 8u * WG);
    let v9 = lde_elem(t, lid + 9u * WG);
    let v10 = lde_elem(t, lid + 10u * WG);
    let v11 = lde_elem(t, lid + 11u * WG);
    let v12 = lde_elem(t, lid + 12u * WG);
    let v13 = lde_elem(t, lid + 13u * WG);
    let v14 = lde_elem(t, lid + 14u * WG);
    let v15 = lde_elem(t, lid + 15u * WG);
    ntt_put(lid, array<Fe, 16>(v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15));
    ntt_dif_tile(lid, t);
    ntt_store(lid, t);
}
