// Coset low-degree extension, first pass. Composed after ntt_tile.wgsl and
// ntt.wgsl, whose bindings 0-3 come first (these follow); the destination is
// ntt_data, viewed as cols * 2^R columns of 2^n (coset c of source column
// col is destination column col * 2^R + c).
// Coset c is the size-2^n forward NTT of coefficients scaled by s_c^i with
// s_c = shift * w_L^bitrev_R(c) (docs/NTT.md §2), so this pass loads the
// source, scales it and runs the first DIF pass; ordinary `forward` passes
// finish. s_c^i = lde_scale[c*S + (i mod 2^a)] * lde_scale[c*S + 2^a + (i >> a)]
// with a = ceil(n/2), S = 2^a + 2^(n-a): two short tables instead of one of size L.

@group(0) @binding(4) var<storage, read> lde_src: array<Fe>;
@group(0) @binding(5) var<storage, read> lde_scale: array<Fe>;

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
    let n = prm.log_n;
    let r = prm.aux;
    let a = (n + 1u) / 2u;
    let stride = (1u << a) + (1u << (n - a));
    for (var e = lid; e < TILE; e += WG) {
        let g = ntt_index(t, e);
        if (g < prm.total) {
            let i = g & ((1u << n) - 1u);
            let base = ((g >> n) & ((1u << r) - 1u)) * stride;
            let s = fe_mul(lde_scale[base + (i & ((1u << a) - 1u))], lde_scale[base + (1u << a) + (i >> a)]);
            ntt_tile_mem[ntt_swz(e)] = fe_mul(lde_src[((g >> (n + r)) << n) + i], s);
        }
    }
    workgroupBarrier();
    ntt_dif_tile(lid, t);
    ntt_store(lid, t);
}
