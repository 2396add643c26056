// Goldilocks p = 2^64 - 2^32 + 1, portable path: Gl = vec2<u32>(lo, hi), canonical.
// Reduction uses 2^64 = 2^32 - 1 and 2^96 = -1 (mod p).  Names mirror
// goldilocks_int64.wgsl exactly so that kernels never see the representation.

alias Gl = vec2<u32>;

const GL_EPS: u32 = 0xFFFFFFFFu; // 2^64 mod p

fn gl_zero() -> Gl { return Gl(0u, 0u); }
fn gl_one() -> Gl { return Gl(1u, 0u); }
fn gl_from_u32(x: u32) -> Gl { return Gl(x, 0u); }
// From two 32-bit halves of a value that is already < p.
fn gl_from_parts(lo: u32, hi: u32) -> Gl { return Gl(lo, hi); }
fn gl_lo32(a: Gl) -> u32 { return a.x; }
fn gl_hi32(a: Gl) -> u32 { return a.y; }
fn gl_eq(a: Gl, b: Gl) -> bool { return a.x == b.x && a.y == b.y; }
fn gl_is_zero(a: Gl) -> bool { return (a.x | a.y) == 0u; }

// Any 64-bit value (lo, hi) to canonical: subtract p once if >= p.
fn gl_canon(a: vec2<u32>) -> Gl {
    let ge = a.y == 0xFFFFFFFFu && a.x != 0u;
    return select(a, Gl(a.x - 1u, 0u), ge);
}

// Canonical reduction of an arbitrary 64-bit value u given as (lo, hi) plus a carry
// bit meaning "+2^64": 2^64 = EPS (mod p).
fn gl_add64_carry(s: vec2<u32>, carry: bool) -> Gl {
    // with the carry, s < 2^64 - EPS (sum of two values < 2^64), so no overflow
    let e = select(0u, GL_EPS, carry);
    let lo = s.x + e;
    return gl_canon(vec2<u32>(lo, s.y + select(0u, 1u, lo < s.x)));
}

fn add64(a: vec2<u32>, b: vec2<u32>) -> vec3<u32> {
    let lo = a.x + b.x;
    let c0 = select(0u, 1u, lo < a.x);
    let h1 = a.y + b.y;
    let c1 = select(0u, 1u, h1 < a.y);
    let hi = h1 + c0;
    let c2 = select(0u, 1u, hi < h1);
    return vec3<u32>(lo, hi, c1 | c2);
}

// Branch-free (selects, no divergence inside a warp): a + b overflows 2^64 or
// reaches p exactly when p must come off, and both cases are "+ EPS mod 2^64"
// (after an overflow the wrapped sum is < 2^64 - EPS, so no second overflow).
fn gl_add(a: Gl, b: Gl) -> Gl {
    let lo = a.x + b.x;
    let c0 = select(0u, 1u, lo < a.x);
    let h1 = a.y + b.y;
    let hi = h1 + c0;
    let carry = h1 < a.y || hi < h1;
    let ge_p = hi == 0xFFFFFFFFu && lo != 0u;
    let e = select(0u, GL_EPS, carry || ge_p);
    let lo2 = lo + e;
    return Gl(lo2, hi + select(0u, 1u, lo2 < lo));
}

// a - b; on a borrow the wrapped difference is >= 2^32, and + p = - EPS mod 2^64.
fn gl_sub(a: Gl, b: Gl) -> Gl {
    let lo = a.x - b.x;
    let br0 = select(0u, 1u, a.x < b.x);
    let h1 = a.y - b.y;
    let under = a.y < b.y || h1 < br0;
    let e = select(0u, GL_EPS, under);
    return Gl(lo - e, h1 - br0 - select(0u, 1u, lo < e));
}

fn gl_neg(a: Gl) -> Gl { return gl_sub(gl_zero(), a); }
fn gl_double(a: Gl) -> Gl { return gl_add(a, a); }

// Reduce the 128-bit value r0 + r1 2^32 + r2 2^64 + r3 2^96 modulo p:
// = (r0 + r1 2^32) - r3 + r2 (2^32 - 1).
fn gl_reduce128(r0: u32, r1: u32, r2: u32, r3: u32) -> Gl {
    // t0 = (r0, r1) - r3; on a borrow subtract EPS to compensate (value stays >= EPS)
    let b0 = select(0u, 1u, r0 < r3);
    let t_lo0 = r0 - r3;
    let e = select(0u, GL_EPS, r1 < b0);
    let t_lo = t_lo0 - e;
    let t_hi = r1 - b0 - select(0u, 1u, t_lo0 < e);
    // t1 = r2 * 2^32 - r2 as a 64-bit value
    let u_lo = 0u - r2;
    let u_hi = select(0u, r2 - 1u, r2 != 0u);
    let s = add64(vec2<u32>(t_lo, t_hi), vec2<u32>(u_lo, u_hi));
    return gl_add64_carry(s.xy, s.z != 0u);
}

fn gl_mul(a: Gl, b: Gl) -> Gl {
    let ll = mul_wide(a.x, b.x);
    let lh = mul_wide(a.x, b.y);
    let hl = mul_wide(a.y, b.x);
    let hh = mul_wide(a.y, b.y);
    // r1 = ll.hi + lh.lo + hl.lo
    let s1 = ll.y + lh.x;
    var c1 = select(0u, 1u, s1 < ll.y);
    let r1 = s1 + hl.x;
    c1 = c1 + select(0u, 1u, r1 < s1);
    // r2 = hh.lo + lh.hi + hl.hi + c1
    let s2 = hh.x + lh.y;
    var c2 = select(0u, 1u, s2 < hh.x);
    let s3 = s2 + hl.y;
    c2 = c2 + select(0u, 1u, s3 < s2);
    let r2 = s3 + c1;
    c2 = c2 + select(0u, 1u, r2 < s3);
    let r3 = hh.y + c2;
    return gl_reduce128(ll.x, r1, r2, r3);
}

// a^2 with three 32x32 products instead of four (the cross term is doubled);
// hemera's inverse S-box is 64 squarings, so this is worth its lines.
fn gl_sqr(a: Gl) -> Gl {
    let ll = sqr_wide(a.x);
    let lh = mul_wide(a.x, a.y);
    let hh = sqr_wide(a.y);
    // 2 lh as a 65-bit value (c0, c1, c2)
    let c0 = lh.x << 1u;
    let c1 = (lh.y << 1u) | (lh.x >> 31u);
    let c2 = lh.y >> 31u;
    let r1 = ll.y + c0;
    let k1 = select(0u, 1u, r1 < c0);
    let s2 = hh.x + c1;
    var k2 = select(0u, 1u, s2 < c1);
    let r2 = s2 + k1;
    k2 = k2 + select(0u, 1u, r2 < s2);
    let r3 = hh.y + c2 + k2; // < 2^32: the square is < 2^128
    return gl_reduce128(ll.x, r1, r2, r3);
}
