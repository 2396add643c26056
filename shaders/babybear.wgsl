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

// Montgomery reduction of x = (lo, hi) < p * 2^32: returns x / 2^32 mod p, canonical.
fn bb_redc(x: vec2<u32>) -> Bb {
    let m = x.x * BB_PINV_NEG;
    // x + m p is divisible by 2^32; the low words sum to 0 or 2^32.
    let carry = select(0u, 1u, x.x != 0u);
    // one 32x32 -> 64 product: 6 % faster on an H200 than the high word by
    // shifts (docs/BENCHMARKS.md, "BabyBear Montgomery reduction")
    let t = x.y + mul_wide(m, BB_P).y + carry;
    return select(t, t - BB_P, t >= BB_P);
}

fn bb_mul(a: Bb, b: Bb) -> Bb {
    let t = bb_redc(mul_wide(a, b));
    return bb_redc(mul_wide(t, BB_R2));
}
