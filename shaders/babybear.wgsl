// BabyBear p = 15 * 2^27 + 1, Bb = u32, canonical in memory.
// Multiplication goes through a Montgomery reduction (R = 2^32) twice:
// redc(redc(a*b) * R^2) = a*b, which needs no mul-high.

alias Bb = u32;

const BB_P: u32 = 0x78000001u;
const BB_PINV_NEG: u32 = 0x77FFFFFFu; // -p^-1 mod 2^32
const BB_R2: u32 = 0x45DDDDE3u;        // 2^64 mod p

fn bb_add(a: Bb, b: Bb) -> Bb {
    let s = a + b; // < 2^32 since a, b < 2^31
    return select(s, s - BB_P, s >= BB_P);
}

fn bb_sub(a: Bb, b: Bb) -> Bb {
    return select(a - b, a + (BB_P - b), a < b);
}

// High word of m * p for p = 15 * 2^27 + 1, without a 32x32 -> 64 product:
// m p = (15 m) 2^27 + m, and 15 m = 16 m - m needs 36 bits (hi part 0..14).
fn bb_mul_p_hi(m: u32) -> u32 {
    let a_lo = m * 15u; // low 32 bits of 15 m
    let a_hi = (m >> 28u) - select(0u, 1u, (m << 4u) < m);
    let lo = a_lo << 27u;
    let hi = (a_lo >> 5u) + (a_hi << 27u);
    return hi + select(0u, 1u, lo + m < lo);
}

// Montgomery reduction of x = (lo, hi) < p * 2^32: returns x / 2^32 mod p, canonical.
fn bb_redc(x: vec2<u32>) -> Bb {
    let m = x.x * BB_PINV_NEG;
    // x + m p is divisible by 2^32; the low words sum to 0 or 2^32.
    let carry = select(0u, 1u, x.x != 0u);
    let t = x.y + bb_mul_p_hi(m) + carry;
    return select(t, t - BB_P, t >= BB_P);
}

fn bb_mul(a: Bb, b: Bb) -> Bb {
    let t = bb_redc(mul_wide(a, b));
    return bb_redc(mul_wide(t, BB_R2));
}
