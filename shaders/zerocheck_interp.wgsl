// Bytecode interpreter for the constraint sums of the zerocheck (codegen
// interp/hybrid modes; the program and the opcodes come from
// wgprover/air/bytecode.py, which emits ZC_OP_*, ZC_NOPS, ZC_NRF, ZC_NRE and
// the program's uniform bindings into the generated header; zc_fetch(pc)
// reads instruction pc: shaders/zerocheck_fetch.wgsl for a program of one
// binding, generated code over its chunks otherwise).  Every field
// operation appears once here, whatever the AIR, so the driver compiles a
// small kernel (docs/BENCHMARKS.md "Compile time").  Instruction:
// vec4(opcode, dst register, a, b); a and b are registers, or an index
// (column, periodic table, pubc slot, alpha power) or a small constant.
// zc_run_<mode>(lo, hi) runs instructions lo..hi-1 and returns the sum of
// their alpha^j-weighted terms.  Twin: wgprover/air/evaluate.py::combined_ext.

var<private> zc_rf: array<Fe, ZC_NRF>;
var<private> zc_re: array<Ef, ZC_NRE>;

fn zc_op_fe(op: vec4<u32>) -> Fe {
    switch (op.x) {
        case ZC_OP_FE_ADD: { return fe_add(zc_rf[op.z], zc_rf[op.w]); }
        case ZC_OP_FE_SUB: { return fe_sub(zc_rf[op.z], zc_rf[op.w]); }
        case ZC_OP_FE_MUL: { return fe_mul(zc_rf[op.z], zc_rf[op.w]); }
        case ZC_OP_FE_NEG: { return fe_neg(zc_rf[op.z]); }
        case ZC_OP_FE_SQR: { return fe_sqr(zc_rf[op.z]); }
        case ZC_OP_FE_CONST: { return fe_from_u32(op.z); }
        default: { return zc_pubc[op.z]; }
    }
}

fn zc_op_ef(op: vec4<u32>, k: u32, x: u32, xf: Fe) -> Ef {
    switch (op.x) {
        case ZC_OP_EF_ADD: { return ef_add(zc_re[op.z], zc_re[op.w]); }
        case ZC_OP_EF_SUB: { return ef_sub(zc_re[op.z], zc_re[op.w]); }
        case ZC_OP_EF_MUL: { return ef_mul(zc_re[op.z], zc_re[op.w]); }
        case ZC_OP_EF_NEG: { return ef_neg(zc_re[op.z]); }
        case ZC_OP_EF_SQR: { return ef_sqr(zc_re[op.z]); }
        case ZC_OP_EF_ADD_FE: { return ef_add_fe(zc_re[op.z], zc_rf[op.w]); }
        case ZC_OP_EF_MUL_FE: { return ef_mul_fe(zc_re[op.z], zc_rf[op.w]); }
        case ZC_OP_ZC_ST_CUR: { return zc_st_cur(op.z, k, x, xf); }
        case ZC_OP_ZC_ST_NEXT: { return zc_st_next(op.z, k, x, xf); }
        default: { return zc_per_ext(op.z, k, x, xf); }
    }
}

// Round 0: base-field values only (trace and periodic loads are base elements).
fn zc_run_base(lo: u32, hi: u32, k: u32, x: u32, xf: Fe) -> Ef {
    var acc = ef_zero();
    for (var pc = lo; pc < hi; pc++) {
        let op = zc_fetch(pc);
        switch (op.x) {
            case ZC_OP_ZC_WADD_F: { acc = ef_add(acc, ef_mul_fe(zc_alpha(op.z), zc_rf[op.w])); }
            case ZC_OP_ZC_TR_CUR: { zc_rf[op.y] = zc_tr_cur(op.z, k, x, xf); }
            case ZC_OP_ZC_TR_NEXT: { zc_rf[op.y] = zc_tr_next(op.z, k, x, xf); }
            case ZC_OP_ZC_PER_BASE: { zc_rf[op.y] = zc_per_base(op.z, k, x, xf); }
            default: { zc_rf[op.y] = zc_op_fe(op); }
        }
    }
    return acc;
}

// Rounds >= 1: extension tables; constants and public inputs stay base elements.
fn zc_run_ext(lo: u32, hi: u32, k: u32, x: u32, xf: Fe) -> Ef {
    var acc = ef_zero();
    for (var pc = lo; pc < hi; pc++) {
        let op = zc_fetch(pc);
        if (op.x == ZC_OP_ZC_WADD_F) {
            acc = ef_add(acc, ef_mul_fe(zc_alpha(op.z), zc_rf[op.w]));
        } else if (op.x == ZC_OP_ZC_WADD_E) {
            acc = ef_add(acc, ef_mul(zc_alpha(op.z), zc_re[op.w]));
        } else if (op.x < ZC_OP_EF_ADD) {
            zc_rf[op.y] = zc_op_fe(op);
        } else {
            zc_re[op.y] = zc_op_ef(op, k, x, xf);
        }
    }
    return acc;
}
