// Product sumcheck sum_y g(y) W(y) (docs/PROTOCOL.md §5).  Twin:
// wgprover/sumcheck/reference.py::ProductSumcheckReference.
//   ps_build_g: g[y] = sum_k beta^k T_k[y] (Horner over the base-field trace,
//               column-major, w columns of 2^n), beta = chal[slot]  -> dst[0 .. 2^n)
//   ps_build_w: W[y] = eq[y] + gamma * eq[(y - 1) mod 2^n], eq = src = eq(rho, .),
//               gamma = chal[slot]                                   -> dst[2^n .. 2^(n+1))
//   ps_round:   partial sums of g(X) W(X) at X = 0, 1, 2 over pairs; src = [g | W]
//               with stride `size`; partials of workgroup w at dst[3w .. 3w + 3)

struct PsParams {
    size: u32,
    half: u32,
    nwg: u32,
    slot: u32,
    w: u32,
    _p0: u32,
    _p1: u32,
    _p2: u32,
}

@group(0) @binding(0) var<storage, read> ps_trace: array<Fe>;
@group(0) @binding(1) var<storage, read> ps_src: array<Ef>;
@group(0) @binding(2) var<storage, read_write> ps_dst: array<Ef>;
@group(0) @binding(3) var<storage, read> ps_chal: array<Ef>;
@group(0) @binding(4) var<uniform> pp: PsParams;

const PS_WG: u32 = 64u;
var<workgroup> ps_red: array<Ef, 192>;  // 3 * PS_WG

@compute @workgroup_size(PS_WG)
fn ps_build_g(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
              @builtin(local_invocation_index) lid: u32) {
    let y = flat_id(wid, nwg) * PS_WG + lid;
    if (y >= pp.size) { return; }
    let beta = ps_chal[pp.slot];
    var acc = ef_from_fe(ps_trace[(pp.w - 1u) * pp.size + y]);
    for (var k = pp.w - 1u; k > 0u; k--) {
        acc = ef_add_fe(ef_mul(acc, beta), ps_trace[(k - 1u) * pp.size + y]);
    }
    ps_dst[y] = acc;
}

@compute @workgroup_size(PS_WG)
fn ps_build_w(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
              @builtin(local_invocation_index) lid: u32) {
    let y = flat_id(wid, nwg) * PS_WG + lid;
    if (y >= pp.size) { return; }
    let gamma = ps_chal[pp.slot];
    let prev = ps_src[(y + pp.size - 1u) & (pp.size - 1u)];
    ps_dst[pp.size + y] = ef_add(ps_src[y], ef_mul(gamma, prev));
}

@compute @workgroup_size(PS_WG)
fn ps_round(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
            @builtin(local_invocation_index) lid: u32) {
    let wg = flat_id(wid, nwg);
    var a0 = ef_zero();
    var a1 = ef_zero();
    var a2 = ef_zero();
    for (var k = wg * PS_WG + lid; k < pp.half; k += pp.nwg * PS_WG) {
        let g0 = ps_src[2u * k];
        let g1 = ps_src[2u * k + 1u];
        let w0 = ps_src[pp.size + 2u * k];
        let w1 = ps_src[pp.size + 2u * k + 1u];
        a0 = ef_add(a0, ef_mul(g0, w0));
        a1 = ef_add(a1, ef_mul(g1, w1));
        let g2 = ef_sub(ef_add(g1, g1), g0);
        let w2 = ef_sub(ef_add(w1, w1), w0);
        a2 = ef_add(a2, ef_mul(g2, w2));
    }
    ps_red[lid] = a0;
    ps_red[PS_WG + lid] = a1;
    ps_red[2u * PS_WG + lid] = a2;
    workgroupBarrier();
    for (var s = PS_WG / 2u; s > 0u; s >>= 1u) {
        if (lid < s) {
            for (var x = 0u; x < 3u; x++) {
                ps_red[x * PS_WG + lid] = ef_add(ps_red[x * PS_WG + lid], ps_red[x * PS_WG + lid + s]);
            }
        }
        workgroupBarrier();
    }
    if (lid < 3u) {
        ps_dst[wg * 3u + lid] = ps_red[lid * PS_WG];
    }
}
