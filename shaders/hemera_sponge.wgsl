// hemera byte sponge and tree-mode leaves (PROTOCOL.md "Hemera"; specs/sponge.md,
// specs/encoding.md, specs/tree.md).  NumPy twins: wgprover/hemera/reference.py
// (sponge_blocks / hash, and chunk_digests = hash_leaf of every chunk).
//
// Input bytes are hs_data (u32 words, little-endian).  A block is 56 bytes
// = 8 elements of 7 bytes (LE, zero-extended); every block start used here is
// word aligned (56 and 4096 are multiples of 4), so a block is addressed by its
// first word.  The last block of a message holds the remaining bytes, then
// 0x01, then zeros; lane 10 := message length before its permutation.

struct HemeraSpongeParams {
    word_off: u32,    // first word of the input (message / chunk 0) in hs_data
    nbytes: u32,      // bytes to absorb in this dispatch (all chunks together for hemera_leaves)
    mode: u32,        // absorb: bit0 init state, bit1 final.  leaves: bit0 ROOT flag
    domain: u32,      // lane 11 at init (absorb)
    len_lo: u32,      // absorb: total message length (lane 10) when final
    len_hi: u32,
    out_off: u32,     // absorb: state at hs_out[out_off .. +16]; leaves: first CV index
    chunk_size: u32,  // leaves: bytes per chunk (4096)
    counter_lo: u32,  // leaves: counter of chunk 0
    counter_hi: u32,
    n_chunks: u32,    // leaves: number of chunks
    _pad0: u32,
}

@group(0) @binding(0) var<storage, read> hs_data: array<u32>;
@group(0) @binding(1) var<storage, read_write> hs_out: array<Gl>;
@group(0) @binding(2) var<uniform> hs_params: HemeraSpongeParams;

override WG: u32 = 64u;

// Element k (0..7) of the block whose first word is bw.  Only the first `valid`
// bytes of the block are message bytes; with pad, byte `valid` is the 0x01 marker.
fn hemera_block_elem(bw: u32, k: u32, valid: u32, pad: bool) -> Gl {
    let start = 7u * k;
    let wi = bw + start / 4u;
    let sh = (start % 4u) * 8u;
    let w0 = hs_data[wi];
    let w1 = hs_data[wi + 1u];
    let w2 = hs_data[wi + 2u];
    var lo = w0;
    var hi = w1;
    if (sh != 0u) {
        lo = (w0 >> sh) | (w1 << (32u - sh));
        hi = (w1 >> sh) | (w2 << (32u - sh));
    }
    hi = hi & 0x00FFFFFFu;
    // keep only the message bytes of this element
    let nv = u32(clamp(i32(valid) - i32(start), 0, 7));
    if (nv < 4u) {
        lo = select(0u, lo & ((1u << (8u * nv)) - 1u), nv > 0u);
        hi = 0u;
    } else {
        hi = select(0u, hi & ((1u << (8u * (nv - 4u))) - 1u), nv > 4u);
    }
    if (pad && valid >= start && valid < start + 7u) {
        let q = valid - start;
        if (q < 4u) {
            lo = lo | (1u << (8u * q));
        } else {
            hi = hi | (1u << (8u * (q - 4u)));
        }
    }
    return gl_from_parts(lo, hi);
}

// state[0..8] += block (mod p).
fn hemera_absorb_block(s: ptr<function, array<Gl, 16>>, bw: u32, valid: u32, pad: bool) {
    (*s)[0] = gl_add((*s)[0], hemera_block_elem(bw, 0u, valid, pad));
    (*s)[1] = gl_add((*s)[1], hemera_block_elem(bw, 1u, valid, pad));
    (*s)[2] = gl_add((*s)[2], hemera_block_elem(bw, 2u, valid, pad));
    (*s)[3] = gl_add((*s)[3], hemera_block_elem(bw, 3u, valid, pad));
    (*s)[4] = gl_add((*s)[4], hemera_block_elem(bw, 4u, valid, pad));
    (*s)[5] = gl_add((*s)[5], hemera_block_elem(bw, 5u, valid, pad));
    (*s)[6] = gl_add((*s)[6], hemera_block_elem(bw, 6u, valid, pad));
    (*s)[7] = gl_add((*s)[7], hemera_block_elem(bw, 7u, valid, pad));
}

// Absorb nbytes starting at word bw: the full 56-byte blocks, and with `final`
// the padded last block plus lane 10 := length.  With `bind`, one more
// permutation turns the digest into a tree leaf: permute([digest, 0*4,
// counter, flags, 0*6]).  A single permute call site (compile time).
fn hemera_absorb(s: ptr<function, array<Gl, 16>>, bw: u32, nbytes: u32, final_: bool, length: Gl,
                 bind: bool, counter: Gl, flags: u32) {
    let nfull = nbytes / 56u;
    let nperm = nfull + select(0u, 1u, final_) + select(0u, 1u, bind);
    for (var j = 0u; j < nperm; j = j + 1u) {
        if (j <= nfull) {
            let valid = min(56u, nbytes - 56u * j);
            hemera_absorb_block(s, bw + 14u * j, valid, j == nfull);
            if (j == nfull) {
                (*s)[HEMERA_LANE_LENGTH] = length;
            }
        } else {
            let d0 = (*s)[0];
            let d1 = (*s)[1];
            let d2 = (*s)[2];
            let d3 = (*s)[3];
            *s = hemera_zero_state();
            (*s)[0] = d0;
            (*s)[1] = d1;
            (*s)[2] = d2;
            (*s)[3] = d3;
            (*s)[HEMERA_LANE_COUNTER] = counter;
            (*s)[HEMERA_LANE_FLAGS] = gl_from_u32(flags);
        }
        hemera_permute(s);
    }
}

// One sequential sponge (one thread), resumable across dispatches: the state is
// hs_out[out_off .. out_off + 16].  Non-final dispatches absorb a multiple of 56 bytes.
@compute @workgroup_size(1)
fn hemera_sponge_absorb() {
    let base = hs_params.out_off;
    var s = hemera_zero_state();
    if ((hs_params.mode & 1u) != 0u) {
        s[HEMERA_LANE_DOMAIN] = gl_from_u32(hs_params.domain);
    } else {
        for (var j = 0u; j < 16u; j = j + 1u) {
            s[j] = hs_out[base + j];
        }
    }
    hemera_absorb(&s, hs_params.word_off, hs_params.nbytes, (hs_params.mode & 2u) != 0u,
                  gl_from_parts(hs_params.len_lo, hs_params.len_hi), false, gl_zero(), 0u);
    for (var j = 0u; j < 16u; j = j + 1u) {
        hs_out[base + j] = s[j];
    }
}

// Tree-mode leaves: thread i hashes chunk i (hash_leaf = plain sponge of the
// chunk, then permute([digest, 0*4, counter, CHUNK | ROOT?, 0*6])) and writes
// its chaining value to hs_out[4 (out_off + i) ..].
@compute @workgroup_size(WG)
fn hemera_leaves(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                 @builtin(local_invocation_index) lid: u32) {
    let i = flat_id(wid, nwg) * WG + lid;
    if (i >= hs_params.n_chunks) {
        return;
    }
    let cs = hs_params.chunk_size;
    let first = i * cs;
    let len = min(cs, hs_params.nbytes - first);
    let c_lo = hs_params.counter_lo + i;
    let c_hi = hs_params.counter_hi + select(0u, 1u, c_lo < i);
    var s = hemera_zero_state();
    hemera_absorb(&s, hs_params.word_off + first / 4u, len, true, gl_from_u32(len),
                  true, gl_from_parts(c_lo, c_hi), HEMERA_FLAG_CHUNK | (hs_params.mode & HEMERA_FLAG_ROOT));
    let o = 4u * (hs_params.out_off + i);
    hs_out[o] = s[0];
    hs_out[o + 1u] = s[1];
    hs_out[o + 2u] = s[2];
    hs_out[o + 3u] = s[3];
}
