// Batched hemera permutation (tests and benchmarks).  NumPy twin:
// wgprover/hemera/reference.py::permute.  State i is hb_in[16 i .. 16 i + 16].

struct HemeraBatchParams {
    n: u32,
    reps: u32,   // permutations applied in a row (benchmark); 1 for a plain batch
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<storage, read> hb_in: array<Gl>;
@group(0) @binding(1) var<storage, read_write> hb_out: array<Gl>;
@group(0) @binding(2) var<uniform> hb_params: HemeraBatchParams;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn hemera_permute_batch(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                        @builtin(local_invocation_index) lid: u32) {
    let i = flat_id(wid, nwg) * WG + lid;
    if (i >= hb_params.n) {
        return;
    }
    let base = 16u * i;
    var s: array<Gl, 16>;
    for (var j = 0u; j < 16u; j = j + 1u) {
        s[j] = hb_in[base + j];
    }
    for (var r = 0u; r < hb_params.reps; r = r + 1u) {
        hemera_permute(&s);
    }
    for (var j = 0u; j < 16u; j = j + 1u) {
        hb_out[base + j] = s[j];
    }
}
