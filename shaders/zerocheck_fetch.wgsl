// Instruction pc of a zerocheck program of one uniform binding (zc_prog); a
// longer program is cut into several bindings and the generated code defines
// zc_fetch over them instead (wgprover/air/bytecode.py).
fn zc_fetch(pc: u32) -> vec4<u32> {
    return zc_prog[pc];
}
