// Constant tables of powers w^e expanded on the GPU from O(sqrt N) host seeds
// (docs/NTT.md §7): with e = a 2^log_b + b,
//     out[i] = fe_mul_prepared(pw_lo[b], pw_hi[a]),  pw_lo[b] = s w^b, pw_hi[a] = w^(a 2^log_b) prepared,
// which is s w^e in pw_lo's form (prepared seeds give a prepared table,
// canonical ones a canonical table). The exponent e of entry i depends on the
// table's layout (pw.mode); seed_index (seed_power.wgsl) splits e:
//   0 plain powers:   e = i
//   1 stage twiddles: e = j 2^(bits - 1 - log2 h) for i = h + j, h the highest
//                     power of two <= i (so out[h + j] = w_{2h}^j when w = w_{2^bits}); e(0) = 0
//   2 bit-reversed:   e = bitrev_bits(i)

struct PowersParams {
    count: u32,  // entries to write
    log_b: u32,  // pw_lo holds 2^log_b seeds
    mode: u32,
    bits: u32,
}

@group(0) @binding(0) var<storage, read> pw_lo: array<Fe>;
@group(0) @binding(1) var<storage, read> pw_hi: array<Fe>;
@group(0) @binding(2) var<storage, read_write> pw_out: array<Fe>;
@group(0) @binding(3) var<uniform> pw: PowersParams;

override WG: u32 = 64u;

fn powers_exponent(i: u32) -> u32 {
    if (pw.mode == 1u) {
        if (i == 0u) { return 0u; }
        let lh = firstLeadingBit(i);
        return (i - (1u << lh)) << (pw.bits - 1u - lh);
    }
    if (pw.mode == 2u) {
        return bit_reverse(i, pw.bits);
    }
    return i;
}

@compute @workgroup_size(WG)
fn powers(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
          @builtin(local_invocation_index) lid: u32) {
    let i = flat_id(wid, nwg) * WG + lid;
    if (i >= pw.count) { return; }
    let e = powers_exponent(i);
    let k = seed_index(e, pw.log_b);
    pw_out[i] = fe_mul_prepared(pw_lo[k.x], pw_hi[k.y]);
}
