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
