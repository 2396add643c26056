// The Fiat-Shamir transcript on the GPU (PROTOCOL.md §4): one invocation runs a
// hemera duplex over a state kept in a storage buffer, so that challenges are
// produced between kernels without a host round trip.
// NumPy twin: wgprover/transcript/reference.py (Transcript).

struct TranscriptOp {
    op: u32,          // 0 absorb, 1 squeeze extension challenges, 2 squeeze indices
    kind: u32,        // absorb: 0 = Gl (2 words), 1 = Fe (FE_WORDS), 2 = nonce at aux[aux_offset]
    count: u32,       // elements / challenges / indices
    src_offset: u32,  // absorb: first u32 word in ts_src
    proof_offset: u32,// absorb: also copy the words to ts_proof here (0xFFFFFFFF: don't)
    slot: u32,        // squeeze: first challenge slot
    aux_offset: u32,  // indices: first word in ts_aux; nonce location
    log_range: u32,   // indices: mask to 2^log_range
}

@group(0) @binding(0) var<storage, read_write> ts_state: array<Gl, 16>;
@group(0) @binding(1) var<storage, read> ts_src: array<u32>;
@group(0) @binding(2) var<storage, read_write> ts_proof: array<u32>;
@group(0) @binding(3) var<storage, read_write> ts_chal: array<Ef>;
@group(0) @binding(4) var<storage, read_write> ts_aux: array<u32>;
@group(0) @binding(5) var<uniform> ts_op: TranscriptOp;

const TS_RATE: u32 = 8u;
const TS_LANE_SQUEEZE: u32 = 8u;

fn ts_element(i: u32) -> Gl {
    if (ts_op.kind == 2u) {
        return gl_from_u32(ts_aux[ts_op.aux_offset]);
    }
    if (ts_op.kind == 0u || FE_WORDS == 2u) {
        let w = ts_op.src_offset + 2u * i;
        return gl_from_parts(ts_src[w], ts_src[w + 1u]);
    }
    return gl_from_u32(ts_src[ts_op.src_offset + i]);
}

fn ts_copy_to_proof() {
    if (ts_op.proof_offset == 0xFFFFFFFFu) { return; }
    if (ts_op.kind == 2u) {
        ts_proof[ts_op.proof_offset] = ts_aux[ts_op.aux_offset];
        ts_proof[ts_op.proof_offset + 1u] = 0u;
        return;
    }
    let words = select(FE_WORDS, 2u, ts_op.kind == 0u) * ts_op.count;
    for (var w = 0u; w < words; w = w + 1u) {
        ts_proof[ts_op.proof_offset + w] = ts_src[ts_op.src_offset + w];
    }
}

fn ts_absorb(s: ptr<function, array<Gl, 16>>) {
    let m = select(ts_op.count, 1u, ts_op.kind == 2u);
    let blocks = (m + 1u + TS_RATE - 1u) / TS_RATE; // padding: 1, then zeros
    for (var b = 0u; b < blocks; b = b + 1u) {
        for (var j = 0u; j < TS_RATE; j = j + 1u) {
            let i = b * TS_RATE + j;
            var e = gl_zero();
            if (i < m) {
                e = ts_element(i);
            } else if (i == m) {
                e = gl_one();
            }
            (*s)[j] = gl_add((*s)[j], e);
        }
        hemera_permute(s);
    }
}

fn ts_squeeze_block(s: ptr<function, array<Gl, 16>>) {
    (*s)[TS_LANE_SQUEEZE] = gl_add((*s)[TS_LANE_SQUEEZE], gl_one());
    hemera_permute(s);
}

@compute @workgroup_size(1)
fn transcript_op() {
    var s: array<Gl, 16>;
    for (var i = 0u; i < 16u; i = i + 1u) { s[i] = ts_state[i]; }
    switch ts_op.op {
        case 0u: {
            ts_copy_to_proof();
            ts_absorb(&s);
        }
        case 1u: {
            // extension challenges: EF_DEGREE coefficients of FE_LANES lanes each
            let per = EF_DEGREE * FE_LANES;
            var lanes: array<Gl, 8>;
            var used = TS_RATE;
            for (var c = 0u; c < ts_op.count; c = c + 1u) {
                var coeffs: array<Fe, 4>;
                for (var k = 0u; k < EF_DEGREE; k = k + 1u) {
                    var l: array<Gl, 2>;
                    for (var t = 0u; t < FE_LANES; t = t + 1u) {
                        if (used == TS_RATE) {
                            ts_squeeze_block(&s);
                            for (var j = 0u; j < TS_RATE; j = j + 1u) { lanes[j] = s[j]; }
                            used = 0u;
                        }
                        l[t] = lanes[used];
                        used = used + 1u;
                    }
                    coeffs[k] = fe_from_lanes(l[0], l[1]);
                }
                ts_chal[ts_op.slot + c] = ef_from_coeffs(coeffs);
            }
            _ = per;
        }
        default: {
            let mask = select((1u << ts_op.log_range) - 1u, 0xFFFFFFFFu, ts_op.log_range >= 32u);
            var used = TS_RATE;
            var lanes: array<Gl, 8>;
            for (var c = 0u; c < ts_op.count; c = c + 1u) {
                if (used == TS_RATE) {
                    ts_squeeze_block(&s);
                    for (var j = 0u; j < TS_RATE; j = j + 1u) { lanes[j] = s[j]; }
                    used = 0u;
                }
                ts_aux[ts_op.aux_offset + c] = gl_lo32(lanes[used]) & mask;
                used = used + 1u;
            }
        }
    }
    for (var i = 0u; i < 16u; i = i + 1u) { ts_state[i] = s[i]; }
}
