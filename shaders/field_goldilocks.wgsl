// The field interface (Fe, fe_*) over Goldilocks. Kernels use only these names.

alias Fe = Gl;

const FE_IS_GOLDILOCKS: bool = true;
const FE_BYTES: u32 = 8u;

fn fe_zero() -> Fe { return gl_zero(); }
fn fe_one() -> Fe { return gl_one(); }
fn fe_from_u32(x: u32) -> Fe { return gl_from_u32(x); }
fn fe_add(a: Fe, b: Fe) -> Fe { return gl_add(a, b); }
fn fe_sub(a: Fe, b: Fe) -> Fe { return gl_sub(a, b); }
fn fe_neg(a: Fe) -> Fe { return gl_neg(a); }
fn fe_double(a: Fe) -> Fe { return gl_double(a); }
fn fe_mul(a: Fe, b: Fe) -> Fe { return gl_mul(a, b); }
// a * c for a constant c stored in prepared form (Field.base.prepared: the identity here).
fn fe_mul_prepared(a: Fe, c: Fe) -> Fe { return gl_mul(a, c); }
fn fe_sqr(a: Fe) -> Fe { return gl_sqr(a); }
fn fe_eq(a: Fe, b: Fe) -> bool { return gl_eq(a, b); }
fn fe_is_zero(a: Fe) -> bool { return gl_is_zero(a); }
// Injective embedding into the hash field (identity here).
fn fe_to_gl(a: Fe) -> Gl { return a; }

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

// a^(p-2); p - 2 = 0xFFFFFFFE_FFFFFFFF. inv(0) = 0.
fn fe_inv(a: Fe) -> Fe {
    // square-and-multiply over the two 32-bit halves of the exponent, high first
    var r = fe_one();
    let hi = 0xFFFFFFFEu;
    let lo = 0xFFFFFFFFu;
    for (var i = 31i; i >= 0i; i = i - 1i) {
        r = fe_sqr(r);
        if (((hi >> u32(i)) & 1u) == 1u) { r = fe_mul(r, a); }
    }
    for (var i = 31i; i >= 0i; i = i - 1i) {
        r = fe_sqr(r);
        if (((lo >> u32(i)) & 1u) == 1u) { r = fe_mul(r, a); }
    }
    return r;
}

// u32 words per element in a byte buffer.
const FE_WORDS: u32 = 2u;
// A challenge coefficient from squeezed hash lanes: one lane, taken as is.
fn fe_from_lanes(l0: Gl, l1: Gl) -> Fe { return l0; }
const FE_LANES: u32 = 1u;
// An element from its u32 words (w1 ignored for one-word fields); input canonical.
fn fe_from_words(w0: u32, w1: u32) -> Fe { return gl_from_parts(w0, w1); }
