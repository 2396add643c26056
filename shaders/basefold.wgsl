// Basefold folding on the GPU (docs/PROTOCOL.md §5). Wrappers and NumPy twins
// of the same names: wgprover/pcs/basefold/gpu.py (record_fold_first,
// record_fold_next, record_final_poly) and reference.py (fold_first, fold_next,
// final_poly).
//
// Codewords are bit-reversed, so a folding coset of 2^s positions is contiguous;
// one invocation folds one coset s times in registers:
//   out = (a + b)/2 + c (a - b) H[t],   H[t] = 1 / (2 ω_L^bitrev(t)),
// with H the table of the first layer (every later layer's table is a prefix).
// H is not stored (at L = 2^29 it would pass one binding's 2 GiB): fold_h holds
// its O(sqrt L) seeds, lo then hi (docs/NTT.md §7), and fold_h_at makes H[t].

struct FoldParams {
    len: u32,        // codeword length L of the input layer
    width: u32,      // layer 0: number of base-field columns
    steps: u32,      // s: fold steps (coset size 2^s, s <= 6)
    first_slot: u32, // challenge slot of the first fold step
    beta_slot: u32,  // layer 0: slot of beta (column combination)
    out_offset: u32, // final_poly: base-element offset in fold_out
    final_log: u32,  // final_poly: f
    h_log_b: u32,    // fold_h = lo (2^h_log_b seeds) then hi
    h_bits: u32,     // log2(L0 / 2): H[t] = s w^bitrev_h_bits(t)
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

// The group-0 bindings are generated (wgprover/pcs/basefold/gpu.py `_kernel`,
// gpu/table_wgsl.py) and composed before this file: fold_base, the layer-0
// codewords, a column-major device table possibly in several segments
// (docs/ARCHITECTURE.md §9), read through fold_base_at; then fold_ext (layer
// i >= 1 codeword, Ef), fold_h (H's seeds), fold_chal (challenges), fold_out and
// the uniform fold_p.

override WG: u32 = 64u;

fn fold_half() -> Fe { return fe_inv(fe_from_u32(2u)); }

// H[t] = 1 / (2 ω_L0^bitrev(t)) from its seeds (seed_power.wgsl; the twin is
// powers.expand with mode BITREV).
fn fold_h_at(t: u32) -> Fe {
    let k = seed_index(bit_reverse(t, fold_p.h_bits), fold_p.h_log_b);
    return fe_mul_prepared(fold_h[k.x], fold_h[(1u << fold_p.h_log_b) + k.y]);
}

fn fold_store(i: u32, e: Ef) {
    for (var c = 0u; c < EF_DEGREE; c = c + 1u) {
        fold_out[i * EF_DEGREE + c] = ef_coeff(e, c);
    }
}

// Fold v[0 .. 2^s) of coset j in place; result in v[0].
fn fold_coset(v: ptr<function, array<Ef, 64>>, j: u32) {
    let half = fold_half();
    let s = fold_p.steps;
    for (var l = 0u; l < s; l = l + 1u) {
        let m = 1u << (s - l - 1u); // pairs at this level
        let c = fold_chal[fold_p.first_slot + l];
        for (var u = 0u; u < m; u = u + 1u) {
            let a = (*v)[2u * u];
            let b = (*v)[2u * u + 1u];
            let t = (j << (s - l - 1u)) + u;
            let sum = ef_mul_fe(ef_add(a, b), half);
            let dif = ef_mul_fe(ef_sub(a, b), fold_h_at(t));
            (*v)[u] = ef_add(sum, ef_mul(dif, c));
        }
    }
}

@compute @workgroup_size(WG)
fn fold_first(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
              @builtin(local_invocation_index) lid: u32) {
    let j = flat_id(wid, nwg) * WG + lid;
    let size = 1u << fold_p.steps;
    if (j >= fold_p.len / size) { return; }
    let beta = fold_chal[fold_p.beta_slot];
    var v: array<Ef, 64>;
    for (var u = 0u; u < size; u = u + 1u) {
        let pos = j * size + u;
        // Horner over columns: g = T_0 + beta (T_1 + beta (T_2 + ...))
        var g = ef_zero();
        for (var k = fold_p.width; k > 0u; k = k - 1u) {
            g = ef_add_fe(ef_mul(g, beta), fold_base_at(k - 1u, pos, fold_p.len));
        }
        v[u] = g;
    }
    fold_coset(&v, j);
    fold_store(j, v[0]);
}

@compute @workgroup_size(WG)
fn fold_next(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
             @builtin(local_invocation_index) lid: u32) {
    let j = flat_id(wid, nwg) * WG + lid;
    let size = 1u << fold_p.steps;
    if (j >= fold_p.len / size) { return; }
    var v: array<Ef, 64>;
    for (var u = 0u; u < size; u = u + 1u) {
        v[u] = fold_ext[j * size + u];
    }
    fold_coset(&v, j);
    fold_store(j, v[0]);
}

// Monomial coefficients of the final polynomial from its values at the
// bit-reversed 2^f-th roots of unity (fold_ext[0 .. 2^f)): an inverse DFT.
// fold_h holds [ω_f^-1, 2^-f] here. One invocation; f <= 8.
@compute @workgroup_size(1)
fn final_poly() {
    let f = fold_p.final_log;
    let size = 1u << f;
    let w_inv = fold_h[0];
    let scale = fold_h[1];
    for (var m = 0u; m < size; m = m + 1u) {
        var acc = ef_zero();
        for (var i = 0u; i < size; i = i + 1u) {
            // x_i^-m = (ω^-1)^(bitrev(i) m mod 2^f)
            let e = (bit_reverse(i, f) * m) & (size - 1u);
            acc = ef_add(acc, ef_mul_fe(fold_ext[i], fe_pow(w_inv, e)));
        }
        let r = ef_mul_fe(acc, scale);
        for (var c = 0u; c < EF_DEGREE; c = c + 1u) {
            fold_out[fold_p.out_offset + m * EF_DEGREE + c] = ef_coeff(r, c);
        }
    }
}
