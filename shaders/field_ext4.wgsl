// Quartic extension E = F[w]/(w^4 - 11) (BabyBear challenges), over fe_*.

struct Ef {
    c0: Fe,
    c1: Fe,
    c2: Fe,
    c3: Fe,
}

const EF_DEGREE: u32 = 4u;

fn ext_w() -> Fe { return fe_from_u32(11u); }

fn ef_zero() -> Ef { return Ef(fe_zero(), fe_zero(), fe_zero(), fe_zero()); }
fn ef_one() -> Ef { return Ef(fe_one(), fe_zero(), fe_zero(), fe_zero()); }
fn ef_from_fe(a: Fe) -> Ef { return Ef(a, fe_zero(), fe_zero(), fe_zero()); }
fn ef_add(a: Ef, b: Ef) -> Ef {
    return Ef(fe_add(a.c0, b.c0), fe_add(a.c1, b.c1), fe_add(a.c2, b.c2), fe_add(a.c3, b.c3));
}
fn ef_sub(a: Ef, b: Ef) -> Ef {
    return Ef(fe_sub(a.c0, b.c0), fe_sub(a.c1, b.c1), fe_sub(a.c2, b.c2), fe_sub(a.c3, b.c3));
}
fn ef_neg(a: Ef) -> Ef { return Ef(fe_neg(a.c0), fe_neg(a.c1), fe_neg(a.c2), fe_neg(a.c3)); }
fn ef_mul_fe(a: Ef, s: Fe) -> Ef {
    return Ef(fe_mul(a.c0, s), fe_mul(a.c1, s), fe_mul(a.c2, s), fe_mul(a.c3, s));
}
fn ef_add_fe(a: Ef, s: Fe) -> Ef { return Ef(fe_add(a.c0, s), a.c1, a.c2, a.c3); }
fn ef_eq(a: Ef, b: Ef) -> bool {
    return fe_eq(a.c0, b.c0) && fe_eq(a.c1, b.c1) && fe_eq(a.c2, b.c2) && fe_eq(a.c3, b.c3);
}

fn ef_mul(a: Ef, b: Ef) -> Ef {
    // schoolbook, then w^4 = 11 folds degrees 4..6 down
    let d0 = fe_mul(a.c0, b.c0);
    let d1 = fe_add(fe_mul(a.c0, b.c1), fe_mul(a.c1, b.c0));
    let d2 = fe_add(fe_add(fe_mul(a.c0, b.c2), fe_mul(a.c1, b.c1)), fe_mul(a.c2, b.c0));
    let d3 = fe_add(fe_add(fe_mul(a.c0, b.c3), fe_mul(a.c1, b.c2)), fe_add(fe_mul(a.c2, b.c1), fe_mul(a.c3, b.c0)));
    let d4 = fe_add(fe_add(fe_mul(a.c1, b.c3), fe_mul(a.c2, b.c2)), fe_mul(a.c3, b.c1));
    let d5 = fe_add(fe_mul(a.c2, b.c3), fe_mul(a.c3, b.c2));
    let d6 = fe_mul(a.c3, b.c3);
    let w = ext_w();
    return Ef(fe_add(d0, fe_mul(w, d4)), fe_add(d1, fe_mul(w, d5)), fe_add(d2, fe_mul(w, d6)), d3);
}

fn ef_sqr(a: Ef) -> Ef { return ef_mul(a, a); }

// a^-1 = conj(a) / (a * conj(a)) with conj(a)(w) = a(-w); a * conj(a) lies in
// F[v], v = w^2, v^2 = 11, which is inverted as a quadratic element. inv(0) = 0.
fn ef_inv(a: Ef) -> Ef {
    let conj = Ef(a.c0, fe_neg(a.c1), a.c2, fe_neg(a.c3));
    let n = ef_mul(a, conj); // n.c1 = n.c3 = 0
    let norm = fe_sub(fe_sqr(n.c0), fe_mul(ext_w(), fe_sqr(n.c2)));
    let ni = fe_inv(norm);
    let ninv = Ef(fe_mul(n.c0, ni), fe_zero(), fe_neg(fe_mul(n.c2, ni)), fe_zero());
    return ef_mul(conj, ninv);
}

fn ef_coeff(a: Ef, i: u32) -> Fe {
    switch i {
        case 0u: { return a.c0; }
        case 1u: { return a.c1; }
        case 2u: { return a.c2; }
        default: { return a.c3; }
    }
}

fn ef_from_coeffs(c: array<Fe, 4>) -> Ef { return Ef(c[0], c[1], c[2], c[3]); }
