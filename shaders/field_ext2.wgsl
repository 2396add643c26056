// Quadratic extension E = F[u]/(u^2 - 7) (Goldilocks challenges), over fe_*.

struct Ef {
    c0: Fe,
    c1: Fe,
}

const EF_DEGREE: u32 = 2u;

fn ext_w() -> Fe { return fe_from_u32(7u); }

fn ef_zero() -> Ef { return Ef(fe_zero(), fe_zero()); }
fn ef_one() -> Ef { return Ef(fe_one(), fe_zero()); }
fn ef_from_fe(a: Fe) -> Ef { return Ef(a, fe_zero()); }
fn ef_add(a: Ef, b: Ef) -> Ef { return Ef(fe_add(a.c0, b.c0), fe_add(a.c1, b.c1)); }
fn ef_sub(a: Ef, b: Ef) -> Ef { return Ef(fe_sub(a.c0, b.c0), fe_sub(a.c1, b.c1)); }
fn ef_neg(a: Ef) -> Ef { return Ef(fe_neg(a.c0), fe_neg(a.c1)); }
fn ef_mul_fe(a: Ef, s: Fe) -> Ef { return Ef(fe_mul(a.c0, s), fe_mul(a.c1, s)); }
fn ef_add_fe(a: Ef, s: Fe) -> Ef { return Ef(fe_add(a.c0, s), a.c1); }
fn ef_eq(a: Ef, b: Ef) -> bool { return fe_eq(a.c0, b.c0) && fe_eq(a.c1, b.c1); }

fn ef_mul(a: Ef, b: Ef) -> Ef {
    // Karatsuba: 3 base multiplications + one by the constant 7.
    let t0 = fe_mul(a.c0, b.c0);
    let t1 = fe_mul(a.c1, b.c1);
    let t2 = fe_mul(fe_add(a.c0, a.c1), fe_add(b.c0, b.c1));
    return Ef(fe_add(t0, fe_mul(t1, ext_w())), fe_sub(fe_sub(t2, t0), t1));
}

fn ef_sqr(a: Ef) -> Ef { return ef_mul(a, a); }

// (a0 - a1 u) / (a0^2 - 7 a1^2); inv(0) = 0.
fn ef_inv(a: Ef) -> Ef {
    let norm = fe_sub(fe_sqr(a.c0), fe_mul(ext_w(), fe_sqr(a.c1)));
    let ni = fe_inv(norm);
    return Ef(fe_mul(a.c0, ni), fe_neg(fe_mul(a.c1, ni)));
}

fn ef_coeff(a: Ef, i: u32) -> Fe {
    if (i == 0u) { return a.c0; }
    return a.c1;
}

fn ef_from_coeffs(c: array<Fe, 4>) -> Ef { return Ef(c[0], c[1]); }
