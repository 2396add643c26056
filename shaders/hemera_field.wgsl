// hemera field-native helpers (PROTOCOL.md "Hemera field-native hashing").
// No bindings: composed after hemera_permutation.wgsl by hemera_tree.wgsl,
// merkle.wgsl and the transcript.  NumPy twins: wgprover/hemera/reference.py
// (hash_node, hash_node_flags, hash_elements).

// wgprover's domain tag (lane 11) for leaves of Goldilocks elements.
const HEMERA_DOMAIN_FIELD_ELEMENTS: u32 = 0x10u;

// The input of hash_node: [l0..l3, r0..r3, 0, flags, 0, ...].
fn hemera_node_state(l: array<Gl, 4>, r: array<Gl, 4>, flags: u32) -> array<Gl, 16> {
    var s = hemera_zero_state();
    s[0] = l[0];
    s[1] = l[1];
    s[2] = l[2];
    s[3] = l[3];
    s[4] = r[0];
    s[5] = r[1];
    s[6] = r[2];
    s[7] = r[3];
    s[HEMERA_LANE_FLAGS] = gl_from_u32(flags);
    return s;
}

// Field-native Merkle node: hash_node(l, r, is_root = false).  The tree
// kernels permute hemera_node_state K at a time (hemera_tree.wgsl).
fn hemera_node(l: array<Gl, 4>, r: array<Gl, 4>) -> array<Gl, 4> {
    var s = hemera_node_state(l, r, HEMERA_FLAG_PARENT);
    hemera_permute(&s);
    return array<Gl, 4>(s[0], s[1], s[2], s[3]);
}

// Initial state of hash_elements: lane 11 = domain 0x10.
fn hemera_elements_init() -> array<Gl, 16> {
    var s = hemera_zero_state();
    s[HEMERA_LANE_DOMAIN] = gl_from_u32(HEMERA_DOMAIN_FIELD_ELEMENTS);
    return s;
}
