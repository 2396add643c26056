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
    if (a.y == 0xFFFFFFFFu && a.x >= 1u) {
        return Gl(a.x - 1u, 0u);
    }
    return a;
}

// Canonical reduction of an arbitrary 64-bit value u given as (lo, hi) plus a carry
// bit meaning "+2^64": 2^64 = EPS (mod p).
fn gl_add64_carry(s: vec2<u32>, carry: bool) -> Gl {
    if (carry) {
        // s < 2^64 - EPS here (sum of two values < 2^64 with carry), so no overflow.
        let lo = s.x + GL_EPS;
        let c = select(0u, 1u, lo < s.x);
        return gl_canon(vec2<u32>(lo, s.y + c));
    }
    return gl_canon(s);
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

fn gl_add(a: Gl, b: Gl) -> Gl {
    let s = add64(a, b);
    return gl_add64_carry(s.xy, s.z != 0u);
}

fn gl_sub(a: Gl, b: Gl) -> Gl {
    let lo = a.x - b.x;
    let borrow0 = select(0u, 1u, a.x < b.x);
    let hi = a.y - b.y - borrow0;
    let under = (a.y < b.y) || (a.y == b.y && borrow0 == 1u);
    if (under) {
        // wrapped by +2^64; want +p = +2^64 - EPS, so subtract EPS (no underflow:
        // the wrapped value is >= 2^64 - p + 1 = 2^32).
        let lo2 = lo - GL_EPS;
        let b2 = select(0u, 1u, lo < GL_EPS);
        return Gl(lo2, hi - b2);
    }
    return Gl(lo, hi);
}

fn gl_neg(a: Gl) -> Gl { return gl_sub(gl_zero(), a); }
fn gl_double(a: Gl) -> Gl { return gl_add(a, a); }

// Reduce the 128-bit value r0 + r1 2^32 + r2 2^64 + r3 2^96 modulo p:
// = (r0 + r1 2^32) - r3 + r2 (2^32 - 1).
fn gl_reduce128(r0: u32, r1: u32, r2: u32, r3: u32) -> Gl {
    // t0 = (r0, r1) - r3
    var t_lo = r0 - r3;
    let b0 = select(0u, 1u, r0 < r3);
    var t_hi = r1 - b0;
    let under = (r1 < b0);
    if (under) {
        // wrapped: subtract EPS to compensate (value stays >= EPS)
        let b1 = select(0u, 1u, t_lo < GL_EPS);
        t_lo = t_lo - GL_EPS;
        t_hi = t_hi - b1;
    }
    // t1 = r2 * 2^32 - r2 as a 64-bit value
    var u_lo = 0u;
    var u_hi = 0u;
    if (r2 != 0u) {
        u_lo = 0u - r2;
        u_hi = r2 - 1u;
    }
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

fn gl_sqr(a: Gl) -> Gl { return gl_mul(a, a); }
