// Goldilocks p = 2^64 - 2^32 + 1 on the `shader-int64` path: Gl = u64, canonical.
// Same function names and memory layout (8 bytes, little-endian) as
// goldilocks.wgsl; only selected when the device has the feature.

alias Gl = u64;

const GL_P: u64 = 0xFFFFFFFF00000001lu;
const GL_EPS64: u64 = 0xFFFFFFFFlu;

fn gl_zero() -> Gl { return 0lu; }
fn gl_one() -> Gl { return 1lu; }
fn gl_from_u32(x: u32) -> Gl { return u64(x); }
fn gl_from_parts(lo: u32, hi: u32) -> Gl { return (u64(hi) << 32u) | u64(lo); }
fn gl_lo32(a: Gl) -> u32 { return u32(a & 0xFFFFFFFFlu); }
fn gl_hi32(a: Gl) -> u32 { return u32(a >> 32u); }
fn gl_eq(a: Gl, b: Gl) -> bool { return a == b; }
fn gl_is_zero(a: Gl) -> bool { return a == 0lu; }

fn gl_canon64(a: u64) -> Gl { return select(a, a - GL_P, a >= GL_P); }

// Selects, no branch: on a carry, + 2^64 = + EPS and a + b - p < p already.
fn gl_add(a: Gl, b: Gl) -> Gl {
    let s = a + b;
    return select(gl_canon64(s), s + GL_EPS64, s < a);
}

fn gl_sub(a: Gl, b: Gl) -> Gl {
    let d = a - b;
    return select(d, d - GL_EPS64, a < b);
}

fn gl_neg(a: Gl) -> Gl { return gl_sub(0lu, a); }
fn gl_double(a: Gl) -> Gl { return gl_add(a, a); }

// hi 2^64 + lo mod p, with 2^64 = EPS and 2^96 = -1; selects, no branches.
fn gl_reduce_wide(hi: Gl, lo: Gl) -> Gl {
    let hi_hi = hi >> 32u;
    let hi_lo = hi & 0xFFFFFFFFlu;
    let t0 = lo - hi_hi - select(0lu, GL_EPS64, lo < hi_hi);
    let s = t0 + hi_lo * GL_EPS64;
    return gl_canon64(s + select(0lu, GL_EPS64, s < t0));
}

fn gl_mul(a: Gl, b: Gl) -> Gl {
    let a0 = a & 0xFFFFFFFFlu;
    let a1 = a >> 32u;
    let b0 = b & 0xFFFFFFFFlu;
    let b1 = b >> 32u;
    let ll = a0 * b0;
    let lh = a0 * b1;
    let hl = a1 * b0;
    let hh = a1 * b1;
    let mid = (ll >> 32u) + (lh & 0xFFFFFFFFlu) + (hl & 0xFFFFFFFFlu);
    let lo = (ll & 0xFFFFFFFFlu) | (mid << 32u);
    let hi = hh + (lh >> 32u) + (hl >> 32u) + (mid >> 32u);
    return gl_reduce_wide(hi, lo);
}

// a^2 with three products (the cross term doubled): hemera's inverse is 64 squarings.
fn gl_sqr(a: Gl) -> Gl {
    let a0 = a & 0xFFFFFFFFlu;
    let a1 = a >> 32u;
    let ll = a0 * a0;
    let lh = a0 * a1;
    let hh = a1 * a1;
    let mid = (ll >> 32u) + ((lh & 0xFFFFFFFFlu) << 1u);
    let lo = (ll & 0xFFFFFFFFlu) | (mid << 32u);
    let hi = hh + ((lh >> 32u) << 1u) + (mid >> 32u);
    return gl_reduce_wide(hi, lo);
}
