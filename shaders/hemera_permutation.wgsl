// hemera permutation: Poseidon2 over Goldilocks, t = 16 (PROTOCOL.md "Hemera",
// specs/permutation.md).  NumPy twin: wgprover/hemera/reference.py::permute.
//
// Written against the gl_* interface only (portable vec2<u32> or int64 u64).
// Every state access uses a constant index (after inlining) so that the state
// lives in registers; loops run over rounds only.
//
// HEMERA_RC is uploaded once per device by wgprover.hemera.gpu.tables(ctx)
// (params.gpu_table): [0,64) initial full rounds, [64,80) partial rounds,
// [80,144) terminal full rounds, [144,160) internal diagonal d[0..15].

@group(1) @binding(0) var<storage, read> HEMERA_RC: array<Gl>;

const HEMERA_RC_PARTIAL: u32 = 64u;
const HEMERA_RC_TERMINAL: u32 = 80u;
const HEMERA_DIAG: u32 = 144u;

// Capacity lanes and flags (specs/capacity.md).
const HEMERA_LANE_COUNTER: u32 = 8u;
const HEMERA_LANE_FLAGS: u32 = 9u;
const HEMERA_LANE_LENGTH: u32 = 10u;
const HEMERA_LANE_DOMAIN: u32 = 11u;
const HEMERA_FLAG_ROOT: u32 = 1u;
const HEMERA_FLAG_PARENT: u32 = 2u;
const HEMERA_FLAG_CHUNK: u32 = 4u;

fn hemera_pow7(x: Gl) -> Gl {
    let x2 = gl_sqr(x);
    let x3 = gl_mul(x2, x);
    let x4 = gl_sqr(x2);
    return gl_mul(x3, x4);
}

// Straight-line repeated squarings.  No loops inside the permutation except the
// round loops: llvmpipe (lavapipe) caps the loop iterations of one invocation
// at 65535 in total, so a loop here would limit how many permutations one
// thread may run (with 24 back-edges per permutation the cap is ~2700).
fn hemera_sqr3(x: Gl) -> Gl {
    return gl_sqr(gl_sqr(gl_sqr(x)));
}

fn hemera_sqr6(x: Gl) -> Gl {
    return hemera_sqr3(hemera_sqr3(x));
}

fn hemera_sqr12(x: Gl) -> Gl {
    return hemera_sqr6(hemera_sqr6(x));
}

// x^(p-2) (0 -> 0) by an addition chain: 63 squarings, 9 multiplications
// (the bit length of p - 2 is 64, so no chain has fewer squarings).
// p - 2 = (2^31 - 1) 2^33 + (2^32 - 1); t_k = x^(2^k - 1).  t32 = t31^2 x
// shares its squaring with t31^(2^33).  Batched K at a time by
// hemera_inv_lanes (wgprover/hemera/lockstep.py).
fn hemera_inv(x: Gl) -> Gl {
    let t2 = gl_mul(gl_sqr(x), x);
    let t3 = gl_mul(gl_sqr(t2), x);
    let t6 = gl_mul(hemera_sqr3(t3), t3);
    let t12 = gl_mul(hemera_sqr6(t6), t6);
    let t24 = gl_mul(hemera_sqr12(t12), t12);
    let t30 = gl_mul(hemera_sqr6(t24), t6);
    let t31 = gl_mul(gl_sqr(t30), x);
    let t31_1 = gl_sqr(t31);
    let t32 = gl_mul(t31_1, x);
    let t31_33 = hemera_sqr12(hemera_sqr12(hemera_sqr6(gl_sqr(gl_sqr(t31_1)))));  // t31^(2^33)
    return gl_mul(t31_33, t32);
}

// M4 = [2 3 1 1; 1 2 3 1; 1 1 2 3; 3 1 1 2] on lanes o..o+3.
fn hemera_m4(s: ptr<function, array<Gl, 16>>, o: u32) {
    let x0 = (*s)[o];
    let x1 = (*s)[o + 1u];
    let x2 = (*s)[o + 2u];
    let x3 = (*s)[o + 3u];
    let t01 = gl_add(x0, x1);
    let t23 = gl_add(x2, x3);
    let t0123 = gl_add(t01, t23);
    let t01123 = gl_add(t0123, x1);
    let t01233 = gl_add(t0123, x3);
    (*s)[o] = gl_add(t01123, t01);
    (*s)[o + 1u] = gl_add(t01123, gl_double(x2));
    (*s)[o + 2u] = gl_add(t01233, t23);
    (*s)[o + 3u] = gl_add(t01233, gl_double(x0));
}

// Column k of circ(2 M4, M4, M4, M4) after the M4 blocks: add sum_j y[4j + k].
fn hemera_colsum(s: ptr<function, array<Gl, 16>>, k: u32) {
    let c = gl_add(gl_add((*s)[k], (*s)[k + 4u]), gl_add((*s)[k + 8u], (*s)[k + 12u]));
    (*s)[k] = gl_add((*s)[k], c);
    (*s)[k + 4u] = gl_add((*s)[k + 4u], c);
    (*s)[k + 8u] = gl_add((*s)[k + 8u], c);
    (*s)[k + 12u] = gl_add((*s)[k + 12u], c);
}

// External matrix M_E = circ(2 M4, M4, M4, M4).
fn hemera_external(s: ptr<function, array<Gl, 16>>) {
    hemera_m4(s, 0u);
    hemera_m4(s, 4u);
    hemera_m4(s, 8u);
    hemera_m4(s, 12u);
    hemera_colsum(s, 0u);
    hemera_colsum(s, 1u);
    hemera_colsum(s, 2u);
    hemera_colsum(s, 3u);
}

// add round constant + x^7 on lanes o..o+3 (constants at rc + o).
fn hemera_sbox4(s: ptr<function, array<Gl, 16>>, o: u32, rc: u32) {
    (*s)[o] = hemera_pow7(gl_add((*s)[o], HEMERA_RC[rc + o]));
    (*s)[o + 1u] = hemera_pow7(gl_add((*s)[o + 1u], HEMERA_RC[rc + o + 1u]));
    (*s)[o + 2u] = hemera_pow7(gl_add((*s)[o + 2u], HEMERA_RC[rc + o + 2u]));
    (*s)[o + 3u] = hemera_pow7(gl_add((*s)[o + 3u], HEMERA_RC[rc + o + 3u]));
}

fn hemera_full_round(s: ptr<function, array<Gl, 16>>, rc: u32) {
    hemera_sbox4(s, 0u, rc);
    hemera_sbox4(s, 4u, rc);
    hemera_sbox4(s, 8u, rc);
    hemera_sbox4(s, 12u, rc);
    hemera_external(s);
}

fn hemera_sum4(s: ptr<function, array<Gl, 16>>, o: u32) -> Gl {
    return gl_add(gl_add((*s)[o], (*s)[o + 1u]), gl_add((*s)[o + 2u], (*s)[o + 3u]));
}

// s'[i] = d[i] s[i] + sum for lanes o..o+3.
fn hemera_diag4(s: ptr<function, array<Gl, 16>>, o: u32, sum: Gl) {
    (*s)[o] = gl_add(gl_mul((*s)[o], HEMERA_RC[HEMERA_DIAG + o]), sum);
    (*s)[o + 1u] = gl_add(gl_mul((*s)[o + 1u], HEMERA_RC[HEMERA_DIAG + o + 1u]), sum);
    (*s)[o + 2u] = gl_add(gl_mul((*s)[o + 2u], HEMERA_RC[HEMERA_DIAG + o + 2u]), sum);
    (*s)[o + 3u] = gl_add(gl_mul((*s)[o + 3u], HEMERA_RC[HEMERA_DIAG + o + 3u]), sum);
}

// Internal matrix M_I = 1 + diag(d).
fn hemera_internal(s: ptr<function, array<Gl, 16>>) {
    let sum = gl_add(gl_add(hemera_sum4(s, 0u), hemera_sum4(s, 4u)),
                     gl_add(hemera_sum4(s, 8u), hemera_sum4(s, 12u)));
    hemera_diag4(s, 0u, sum);
    hemera_diag4(s, 4u, sum);
    hemera_diag4(s, 8u, sum);
    hemera_diag4(s, 12u, sum);
}

// One call site per round type keeps the inlined code (and compile time) small:
// full rounds 0..7 share one body; the 16 partial rounds run before full round 4.
fn hemera_permute(s: ptr<function, array<Gl, 16>>) {
    hemera_external(s);
    for (var r = 0u; r < 8u; r = r + 1u) {
        if (r == 4u) {
            for (var p = 0u; p < 16u; p = p + 1u) {
                (*s)[0] = hemera_inv(gl_add((*s)[0], HEMERA_RC[HEMERA_RC_PARTIAL + p]));
                hemera_internal(s);
            }
        }
        hemera_full_round(s, select(16u * r, HEMERA_RC_TERMINAL + 16u * (r - 4u), r >= 4u));
    }
}

// All-zero state (WGSL zero-initialises function variables on both paths).
fn hemera_zero_state() -> array<Gl, 16> {
    var s: array<Gl, 16>;
    return s;
}
