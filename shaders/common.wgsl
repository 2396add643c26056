// Shared u32 helpers. WGSL has no 64-bit integers in the core language and no
// mul-high, so 32x32 -> 64 products are built from 16-bit halves.

// Full product of two u32 as vec2(lo, hi).
fn mul_wide(a: u32, b: u32) -> vec2<u32> {
    let a0 = a & 0xFFFFu;
    let a1 = a >> 16u;
    let b0 = b & 0xFFFFu;
    let b1 = b >> 16u;
    let p00 = a0 * b0;
    let p01 = a0 * b1;
    let p10 = a1 * b0;
    let p11 = a1 * b1;
    let mid = p01 + p10;
    let mid_carry = select(0u, 0x10000u, mid < p01);
    let lo = p00 + (mid << 16u);
    let lo_carry = select(0u, 1u, lo < p00);
    let hi = p11 + (mid >> 16u) + mid_carry + lo_carry;
    return vec2<u32>(lo, hi);
}

// Square of a u32 as vec2(lo, hi): mul_wide(a, a) with the cross product once.
fn sqr_wide(a: u32) -> vec2<u32> {
    let a0 = a & 0xFFFFu;
    let a1 = a >> 16u;
    let p00 = a0 * a0;
    let p01 = a0 * a1;
    let p11 = a1 * a1;
    // 2 * p01 < 2^33: its bit 32 lands at bit 48 of the product
    let lo = p00 + (p01 << 17u);
    let lo_carry = select(0u, 1u, lo < p00);
    let hi = p11 + (p01 >> 15u) + lo_carry;
    return vec2<u32>(lo, hi);
}

// Flat workgroup index of a (possibly 2D-folded) grid; see Recorder.grid.
fn flat_id(wid: vec3<u32>, nwg: vec3<u32>) -> u32 {
    return wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y;
}

// Bit-reverse the low `bits` bits of x (bits in 0..32).
fn bit_reverse(x: u32, bits: u32) -> u32 {
    if (bits == 0u) {
        return 0u;
    }
    return reverseBits(x) >> (32u - bits);
}
