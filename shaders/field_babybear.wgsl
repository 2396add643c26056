// The field interface (Fe, fe_*) over BabyBear. Kernels use only these names.

alias Fe = Bb;

const FE_IS_GOLDILOCKS: bool = false;
const FE_BYTES: u32 = 4u;

fn fe_zero() -> Fe { return 0u; }
fn fe_one() -> Fe { return 1u; }
fn fe_from_u32(x: u32) -> Fe { return x % BB_P; }
fn fe_add(a: Fe, b: Fe) -> Fe { return bb_add(a, b); }
fn fe_sub(a: Fe, b: Fe) -> Fe { return bb_sub(a, b); }
fn fe_neg(a: Fe) -> Fe { return bb_sub(0u, a); }
fn fe_double(a: Fe) -> Fe { return bb_add(a, a); }
fn fe_mul(a: Fe, b: Fe) -> Fe { return bb_mul(a, b); }
// a * c for a constant c stored in prepared (Montgomery) form c 2^32 mod p
// (Field.base.prepared): one reduction instead of bb_mul's two.
fn fe_mul_prepared(a: Fe, c: Fe) -> Fe { return bb_redc(mul_wide(a, c)); }
fn fe_sqr(a: Fe) -> Fe { return bb_mul(a, a); }
fn fe_eq(a: Fe, b: Fe) -> bool { return a == b; }
fn fe_is_zero(a: Fe) -> bool { return a == 0u; }
// Injective embedding into the hash field (a BabyBear value is a Goldilocks value).
fn fe_to_gl(a: Fe) -> Gl { return gl_from_u32(a); }

fn fe_pow(a: Fe, e: u32) -> Fe {
    var r = fe_one();
    var b = a;
    var k = e;
    loop {
        if (k == 0u) { break; }
        if ((k & 1u) == 1u) { r = fe_mul(r, b); }
        b = fe_sqr(b);
        k = k >> 1u;
    }
    return r;
}

// a^(p-2); inv(0) = 0.
fn fe_inv(a: Fe) -> Fe { return fe_pow(a, BB_P - 2u); }

// u32 words per element in a byte buffer.
const FE_WORDS: u32 = 1u;
// A challenge coefficient from two squeezed Goldilocks lanes: (l0 + l1 2^64) mod p,
// statistically close to uniform (bias < 2^-90).
fn bb_from_lane(l: Gl) -> Fe {
    // (hi 2^32 + lo) mod p with 2^32 mod p = 2^28 - 2
    return fe_add(fe_mul(fe_from_u32(gl_hi32(l)), 268435454u), fe_from_u32(gl_lo32(l)));
}
fn fe_from_lanes(l0: Gl, l1: Gl) -> Fe {
    return fe_add(bb_from_lane(l0), fe_mul(bb_from_lane(l1), BB_R2)); // BB_R2 = 2^64 mod p
}
const FE_LANES: u32 = 2u;
fn fe_from_words(w0: u32, w1: u32) -> Fe { return w0; }
