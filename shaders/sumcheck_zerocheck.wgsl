// Zerocheck rounds over an AIR (docs/PROTOCOL.md §5).  Twin:
// wgprover/sumcheck/reference.py::ZerocheckReference.  Composed after the
// AIR-specific code that wgprover/air/codegen.py generates, which defines
//   const ZC_W, ZC_NPER, ZC_NCONS, ZC_NPTS (= D + 1), ZC_WG
//   the bindings: trace, eq0 and state segments (read), zc_per, zc_chal,
//     zc_pubc (read), zc_aux (read_write), output segments (read_write, Ef;
//     segment 0 also receives the round partials), zp (uniform)
//   the segment accessors (gpu/table_wgsl.py) zc_trace_at, zc_eq0_at,
//     zc_st_at and zc_out_put, wrapped below at the current table length
//   fn zc_eval_base(k, x, xf, half) -> Ef   C at point X = x of pair k, round 0
//   fn zc_eval_ext(k, x, xf, half) -> Ef    the same on extension tables
// Tables too large for one storage binding are split over several bindings
// (docs/ARCHITECTURE.md §9); the load/store functions hide the split.
//
// Tables.  Round 0 reads the base-field trace (column-major, w columns of
// 2^n) and eq(r, .) (its own table, eq0).
// Folding round i writes the state [T_0..T_{w-1}, N_0..N_{w-1}, eq] (2w + 1
// extension tables of 2^(n-i-1) values each) that round i + 1 reads.
// N_k(x) = T_k(x + 1 mod 2^n) is read from the trace with a shifted index in
// round 0 and never materialised in the base field.  Periodic columns are
// kept at their (common, maximal) period 2^m and folded only while longer
// than one value.  The selectors need no table: after binding i variables to
// rho, first(.) is zero except at index 0, where it is cf = prod (1 - rho_j),
// and last(.) is zero except at the final index, where it is cl = prod rho_j.
//
// aux = [cf, cl, alpha^0, ..., alpha^(ncons-1)] is written by zc_setup and the
// folds.  pubc = public inputs then large constants (base field).

struct ZcParams {
    size: u32,      // current table length (2 * half); 2^n in round 0
    half: u32,
    per_size: u32,  // current periodic table length (>= 1)
    _p2: u32,
    nwg: u32,       // round kernel: workgroups per point (= partials per point)
    slot: u32,      // challenge slot (fold, setup: alpha)
    _p0: u32,
    _p1: u32,
}

var<workgroup> zc_red: array<Ef, ZC_WG>;

// -- accessors used by the generated code ------------------------------------

fn zc_tr_load(c: u32, i: u32) -> Fe { return zc_trace_at(c, i, zp.size); }
fn zc_eq0_load(i: u32) -> Ef { return zc_eq0_at(0u, i, zp.size); }
fn zc_st_load(t: u32, i: u32) -> Ef { return zc_st_at(t, i, zp.size); }
fn zc_out_store(t: u32, i: u32, v: Ef) { zc_out_put(t, i, zp.half, v); }
fn zc_out_part(i: u32, v: Ef) { zc_out0[i] = v; }  // partials: output segment 0

fn zc_lerp_fe(a: Fe, b: Fe, x: u32, xf: Fe) -> Fe {
    if (x == 0u) { return a; }
    if (x == 1u) { return b; }
    return fe_add(a, fe_mul(fe_sub(b, a), xf));
}

fn zc_lerp_ef(a: Ef, b: Ef, x: u32, xf: Fe) -> Ef {
    if (x == 0u) { return a; }
    if (x == 1u) { return b; }
    return ef_add(a, ef_mul_fe(ef_sub(b, a), xf));
}

fn zc_tr_cur(c: u32, k: u32, x: u32, xf: Fe) -> Fe {
    return zc_lerp_fe(zc_tr_load(c, 2u * k), zc_tr_load(c, 2u * k + 1u), x, xf);
}

fn zc_tr_next(c: u32, k: u32, x: u32, xf: Fe) -> Fe {
    return zc_lerp_fe(zc_tr_load(c, 2u * k + 1u), zc_tr_load(c, (2u * k + 2u) & (zp.size - 1u)), x, xf);
}

fn zc_st_cur(c: u32, k: u32, x: u32, xf: Fe) -> Ef {
    return zc_lerp_ef(zc_st_load(c, 2u * k), zc_st_load(c, 2u * k + 1u), x, xf);
}

fn zc_st_next(c: u32, k: u32, x: u32, xf: Fe) -> Ef {
    return zc_st_cur(ZC_W + c, k, x, xf);
}

fn zc_per_ext(j: u32, k: u32, x: u32, xf: Fe) -> Ef {
    let m = zp.per_size - 1u;
    let b = j * zp.per_size;
    return zc_lerp_ef(zc_per[b + ((2u * k) & m)], zc_per[b + ((2u * k + 1u) & m)], x, xf);
}

fn zc_per_base(j: u32, k: u32, x: u32, xf: Fe) -> Fe {
    // round 0: periodic values are base-field elements embedded in Ef
    return ef_coeff(zc_per_ext(j, k, x, xf), 0u);
}

fn zc_alpha(j: u32) -> Ef { return zc_aux[2u + j]; }
fn zc_cf() -> Ef { return zc_aux[0]; }
fn zc_cl() -> Ef { return zc_aux[1]; }

// -- round polynomial ---------------------------------------------------------
//
// Work is spread over (point, pair): workgroup wg handles point x = wg % ZC_NPTS
// for pairs k = g * ZC_WG + lid, + zp.nwg * ZC_WG, ... with g = wg / ZC_NPTS,
// so a thread holds one evaluation at a time and the late (small) rounds
// still run ZC_NPTS workgroups in parallel.  Each workgroup tree-reduces its
// sum of eq(X) * C(X) into partial g * ZC_NPTS + x (zp.nwg partials per point).

fn zc_reduce(lid: u32, slot: u32, v: Ef) {
    zc_red[lid] = v;
    workgroupBarrier();
    for (var s = ZC_WG / 2u; s > 0u; s >>= 1u) {
        if (lid < s) {
            zc_red[lid] = ef_add(zc_red[lid], zc_red[lid + s]);
        }
        workgroupBarrier();
    }
    if (lid == 0u) {
        zc_out_part(slot, zc_red[0]);
    }
}

fn zc_eq0_cur(k: u32, x: u32, xf: Fe) -> Ef {
    return zc_lerp_ef(zc_eq0_load(2u * k), zc_eq0_load(2u * k + 1u), x, xf);
}

fn zc_eq_at(k: u32, x: u32, xf: Fe) -> Ef {
    return zc_st_cur(2u * ZC_W, k, x, xf);  // eq is the last state table
}

@compute @workgroup_size(ZC_WG)
fn zc_round_base(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                 @builtin(local_invocation_index) lid: u32) {
    let wg = flat_id(wid, nwg);
    let x = wg % ZC_NPTS;
    let g = wg / ZC_NPTS;
    let xf = fe_from_u32(x);
    var acc = ef_zero();
    for (var k = g * ZC_WG + lid; k < zp.half; k += zp.nwg * ZC_WG) {
        acc = ef_add(acc, ef_mul(zc_eq0_cur(k, x, xf), zc_eval_base(k, x, xf, zp.half)));
    }
    zc_reduce(lid, g * ZC_NPTS + x, acc);
}

@compute @workgroup_size(ZC_WG)
fn zc_round_ext(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                @builtin(local_invocation_index) lid: u32) {
    let wg = flat_id(wid, nwg);
    let x = wg % ZC_NPTS;
    let g = wg / ZC_NPTS;
    let xf = fe_from_u32(x);
    var acc = ef_zero();
    for (var k = g * ZC_WG + lid; k < zp.half; k += zp.nwg * ZC_WG) {
        acc = ef_add(acc, ef_mul(zc_eq_at(k, x, xf), zc_eval_ext(k, x, xf, zp.half)));
    }
    zc_reduce(lid, g * ZC_NPTS + x, acc);
}

// -- folds ----------------------------------------------------------------------

fn zc_fold_selectors(r: Ef) {
    zc_aux[0] = ef_sub(zc_aux[0], ef_mul(zc_aux[0], r));
    zc_aux[1] = ef_mul(zc_aux[1], r);
}

// Round 0: trace (base) and eq0 -> state (2w + 1 tables of half values).
@compute @workgroup_size(ZC_WG)
fn zc_fold_base(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                @builtin(local_invocation_index) lid: u32) {
    let id = flat_id(wid, nwg) * ZC_WG + lid;
    if (id >= (2u * ZC_W + 1u) * zp.half) { return; }
    let r = zc_chal[zp.slot];
    if (id == 0u) { zc_fold_selectors(r); }
    let t = id / zp.half;
    let i = id - t * zp.half;
    var v: Ef;
    if (t < ZC_W) {
        let a = zc_tr_load(t, 2u * i);
        v = ef_add_fe(ef_mul_fe(r, fe_sub(zc_tr_load(t, 2u * i + 1u), a)), a);
    } else if (t < 2u * ZC_W) {
        let c = t - ZC_W;
        let a = zc_tr_load(c, 2u * i + 1u);
        v = ef_add_fe(ef_mul_fe(r, fe_sub(zc_tr_load(c, (2u * i + 2u) & (zp.size - 1u)), a)), a);
    } else {
        let a = zc_eq0_load(2u * i);
        v = ef_add(a, ef_mul(r, ef_sub(zc_eq0_load(2u * i + 1u), a)));
    }
    zc_out_store(t, i, v);
}

// Round i >= 1: state -> next state.
@compute @workgroup_size(ZC_WG)
fn zc_fold_ext(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
               @builtin(local_invocation_index) lid: u32) {
    let id = flat_id(wid, nwg) * ZC_WG + lid;
    if (id >= (2u * ZC_W + 1u) * zp.half) { return; }
    let r = zc_chal[zp.slot];
    if (id == 0u) { zc_fold_selectors(r); }
    let t = id / zp.half;
    let i = id - t * zp.half;
    let a = zc_st_load(t, 2u * i);
    zc_out_store(t, i, ef_add(a, ef_mul(r, ef_sub(zc_st_load(t, 2u * i + 1u), a))));
}

// -- setup -------------------------------------------------------------

// aux = [1, 1, alpha^0, ..., alpha^(ncons-1)], alpha = chal[slot].  One thread.
@compute @workgroup_size(1)
fn zc_setup() {
    let alpha = zc_chal[zp.slot];
    zc_aux[0] = ef_one();
    zc_aux[1] = ef_one();
    var a = ef_one();
    for (var j = 0u; j < ZC_NCONS; j++) {
        zc_aux[2u + j] = a;
        a = ef_mul(a, alpha);
    }
}

// -- helpers of the generated constraint code -----------------------------------

fn zc_pub(i: u32) -> Fe { return zc_pubc[i]; }
fn zc_wadd_f(acc: Ef, j: u32, v: Fe) -> Ef { return ef_add(acc, ef_mul_fe(zc_alpha(j), v)); }
fn zc_wadd_e(acc: Ef, j: u32, v: Ef) -> Ef { return ef_add(acc, ef_mul(zc_alpha(j), v)); }
