// Second pass of a round-polynomial reduction: sums per-workgroup partials
// (count x npts extension values, partial[w * npts + x]) in a fixed order and
// writes the npts results as consecutive Ef values, coefficient by coefficient,
// into an array of base elements at element offset out_off.  One workgroup.

struct ReduceParams {
    count: u32,
    npts: u32,
    out_off: u32,  // in base-field elements
    _pad: u32,
}

@group(0) @binding(0) var<storage, read> red_in: array<Ef>;
@group(0) @binding(1) var<storage, read_write> red_out: array<Fe>;
@group(0) @binding(2) var<uniform> rp: ReduceParams;

const RWG: u32 = 256u;
var<workgroup> red_mem: array<Ef, RWG>;

@compute @workgroup_size(RWG)
fn sumcheck_reduce(@builtin(local_invocation_index) lid: u32) {
    for (var x = 0u; x < rp.npts; x++) {
        var acc = ef_zero();
        for (var i = lid; i < rp.count; i += RWG) {
            acc = ef_add(acc, red_in[i * rp.npts + x]);
        }
        red_mem[lid] = acc;
        workgroupBarrier();
        for (var s = RWG / 2u; s > 0u; s >>= 1u) {
            if (lid < s) {
                red_mem[lid] = ef_add(red_mem[lid], red_mem[lid + s]);
            }
            workgroupBarrier();
        }
        if (lid < EF_DEGREE) {
            red_out[rp.out_off + x * EF_DEGREE + lid] = ef_coeff(red_mem[0], lid);
        }
        workgroupBarrier();
    }
}
