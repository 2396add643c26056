// In-place bit-reversal permutation of each column: one invocation per
// element swaps it with its partner when index < bitrev(index).

struct BitrevParams {
    log_n: u32,
    total: u32, // cols * 2^log_n
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<storage, read_write> br_data: array<Fe>;
@group(0) @binding(1) var<uniform> br: BitrevParams;

@compute @workgroup_size(256)
fn bitrev(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    let g = flat_id(wid, nwg) * 256u + lid;
    if (g >= br.total) {
        return;
    }
    let mask = (1u << br.log_n) - 1u;
    let i = g & mask;
    let r = bit_reverse(i, br.log_n);
    if (i < r) {
        let base = g - i;
        let x = br_data[g];
        br_data[g] = br_data[base + r];
        br_data[base + r] = x;
    }
}
