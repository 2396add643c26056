// Proof-of-work grinding (PROTOCOL.md §4): nonce n passes when absorbing [n]
// (block [n, 1, 0, ...] added to lanes 0..7, then permute) leaves lane 0 with
// its low `bits` bits zero. The smallest passing nonce wins (atomicMin), and
// chunks are dispatched in order, each skipping work once a nonce was found.

struct PowParams {
    nonce_base: u32,
    bits: u32,
    slot: u32,
    count: u32,
}

@group(0) @binding(0) var<storage, read> pow_state: array<Gl, 16>;
@group(0) @binding(1) var<storage, read_write> pow_found: array<atomic<u32>>;
@group(0) @binding(2) var<uniform> pow_params: PowParams;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn transcript_pow(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                  @builtin(local_invocation_index) lid: u32) {
    let t = flat_id(wid, nwg) * WG + lid;
    if (t >= pow_params.count) { return; }
    // Skip only when an EARLIER chunk already found a nonce, so the minimum
    // within the first successful chunk is deterministic.
    if (atomicLoad(&pow_found[pow_params.slot]) < pow_params.nonce_base) { return; }
    let nonce = pow_params.nonce_base + t;
    var s: array<Gl, 16>;
    for (var i = 0u; i < 16u; i = i + 1u) { s[i] = pow_state[i]; }
    s[0] = gl_add(s[0], gl_from_u32(nonce));
    s[1] = gl_add(s[1], gl_one());
    hemera_permute(&s);
    let mask = (1u << pow_params.bits) - 1u;
    if ((gl_lo32(s[0]) & mask) == 0u) {
        atomicMin(&pow_found[pow_params.slot], nonce);
    }
}
