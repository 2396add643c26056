// Tile machinery shared by the NTT family (ntt.wgsl, ntt_lde.wgsl, mobius.wgsl).
//
// A pass handles `k` consecutive radix-2 stages (or hypercube variables): the
// index bits lo_bits .. lo_bits+k-1 of each column. A workgroup loads one tile
// of TILE elements into workgroup memory (coalesced), runs all k stages, and
// writes the tile back: one global read + write per pass (docs/NTT.md §3).
// A tile element e splits as
//   e = (hi_in, mid, lo_in)  with  mid: k bits (tile bits run_bits ..),
//                                  lo_in: run_bits bits,
// so that neighbouring invocations touch runs of 2^run_bits neighbouring
// elements, and hi_in (only when a tile is wider than k+run_bits, i.e. for
// columns shorter than a tile) steps over whole columns.
//
// Inside the tile the k stages go in rounds of at most 4 stages: each
// invocation pulls 16 elements that differ only in a window of 4 tile bits
// (holding the round's stage bits) into registers, runs the round's stages
// there, and puts them back: one barrier per round instead of per stage.
// Registers use constant geometry: every stage pairs registers (i, i + 8)
// (DIF) or (2i, 2i + 1) (DIT) and rotates the register index, whose rotation
// is undone in the workgroup-memory addresses.
//
// Why the hand-unrolled 16-line blocks: naga emits every WGSL loop as a
// bounded `loop`, which drivers do not unroll, so a register array indexed
// by a loop counter lands in local memory and a loop of loads is issued one
// load at a time. Straight-line code with constant indices keeps the 16
// elements in registers and all 16 loads in flight (1.5x on the NTT, 4x on
// Möbius, measured on an H200: docs/NTT.md §6).
//
// The including file declares `ntt_data` (binding 0, the transformed
// columns) and `prm: NttPass`.

override TILE: u32 = 4096u; // elements per tile, a power of two >= 16
override WG: u32 = 256u;    // invocations per workgroup: exactly TILE / 16

const NTT_RB: u32 = 4u; // log2 of the registers per invocation
const NTT_R: u32 = 16u;

var<workgroup> ntt_tile_mem: array<Fe, TILE>;

struct NttPass {
    log_n: u32,    // each column has 2^log_n elements
    lo_bits: u32,  // index bits below this pass's stage bits
    k: u32,        // stage bits (variables) handled by this pass
    run_bits: u32, // low index bits kept inside one tile (<= lo_bits)
    total: u32,    // elements in the bound range: cols * 2^log_n
    tiles: u32,    // tiles in this dispatch (the grid may be folded and larger)
    flags: u32,    // ntt: bit 0 = multiply by 2^-log_n on store (last inverse pass)
    aux: u32,      // lde: log_blowup
}

// Global element index (within the bound range) of tile element e of tile t.
fn ntt_index(t: u32, e: u32) -> u32 {
    let group_bits = prm.k + prm.run_bits;
    let blk_bits = prm.lo_bits - prm.run_bits; // runs per stage group
    let lo_in = e & ((1u << prm.run_bits) - 1u);
    let mid = (e >> prm.run_bits) & ((1u << prm.k) - 1u);
    let hi = ((t >> blk_bits) << (countTrailingZeros(TILE) - group_bits)) + (e >> group_bits);
    let blk = t & ((1u << blk_bits) - 1u);
    return (hi << (prm.lo_bits + prm.k)) + (mid << prm.lo_bits) + (blk << prm.run_bits) + lo_in;
}

// Workgroup-memory slot of tile element e: XOR-swizzled so that both unit
// strides and strides of 16 elements hit distinct banks.
fn ntt_swz(e: u32) -> u32 {
    return e ^ ((e >> NTT_RB) & (NTT_R - 1u));
}

fn ntt_rounds() -> u32 {
    return (prm.k + NTT_RB - 1u) / NTT_RB;
}

// Round q of the pass as (window's lowest tile bit w_lo, round's lowest
// stage bit within the window, number of stage bits). Rounds split k evenly;
// top_down (DIF) takes the highest stage bits first.
fn ntt_round(q: u32, top_down: bool) -> vec3<u32> {
    let nr = ntt_rounds();
    let r = prm.k / nr + select(0u, 1u, q < prm.k % nr);
    let done = q * (prm.k / nr) + min(q, prm.k % nr);
    let s_lo = prm.run_bits + select(done, prm.k - done - r, top_down);
    let w_lo = min(max(s_lo + r, NTT_RB) - NTT_RB, countTrailingZeros(TILE) - NTT_RB);
    return vec3<u32>(w_lo, s_lo - w_lo, r);
}

// Tile element of this invocation's register 0 in a round with window w_lo:
// invocation bits fill the tile bits outside the window, lowest first.
fn ntt_base(lid: u32, w_lo: u32) -> u32 {
    return (lid & ((1u << w_lo) - 1u)) | ((lid >> w_lo) << (w_lo + NTT_RB));
}

// Tile-element weight of each register bit when window offsets are rotated
// by `rot`: register bit q holds window bit (q - rot) mod 4 (right rotation,
// DIF) or (q + rot) mod 4 (left, DIT). Register i's element is base plus the
// weights of i's set bits (ntt_offsets): computed once per round instead of
// rotating every register index.
fn ntt_reg_weights(w_lo: u32, rot: u32, left: bool) -> vec4<u32> {
    let sh = select(NTT_R - rot, rot, left);
    return vec4<u32>(
        1u << (w_lo + (sh & 3u)),
        1u << (w_lo + ((sh + 1u) & 3u)),
        1u << (w_lo + ((sh + 2u) & 3u)),
        1u << (w_lo + ((sh + 3u) & 3u)),
    );
}

// Offsets sum(bit_q(i) * w[q]) for i = 0..15.
fn ntt_offsets(w: vec4<u32>) -> array<u32, 16> {
    var o: array<u32, 16>;
    o[0] = 0u;
    o[1] = w.x;
    o[2] = w.y;
    o[3] = w.x + w.y;
    o[4] = w.z;
    o[5] = w.z + o[1];
    o[6] = w.z + o[2];
    o[7] = w.z + o[3];
    o[8] = w.w;
    o[9] = w.w + o[1];
    o[10] = w.w + o[2];
    o[11] = w.w + o[3];
    o[12] = w.w + o[4];
    o[13] = w.w + o[5];
    o[14] = w.w + o[6];
    o[15] = w.w + o[7];
    return o;
}

// Global-index weight of each of the round's 4 window bits: the index map
// is a sum over disjoint tile bits, so ntt_index(t, base | v) =
// ntt_index(t, base) + sum of these weights over v's bits.
fn ntt_window_weights(w_lo: u32) -> vec4<u32> {
    return vec4<u32>(
        ntt_index(0u, 1u << w_lo),
        ntt_index(0u, 2u << w_lo),
        ntt_index(0u, 4u << w_lo),
        ntt_index(0u, 8u << w_lo),
    );
}

fn ntt_gather(base: u32, w_lo: u32, rot: u32, left: bool) -> array<Fe, 16> {
    let o = ntt_offsets(ntt_reg_weights(w_lo, rot, left));
    var x: array<Fe, 16>;
    x[0] = ntt_tile_mem[ntt_swz(base + o[0])];
    x[1] = ntt_tile_mem[ntt_swz(base + o[1])];
    x[2] = ntt_tile_mem[ntt_swz(base + o[2])];
    x[3] = ntt_tile_mem[ntt_swz(base + o[3])];
    x[4] = ntt_tile_mem[ntt_swz(base + o[4])];
    x[5] = ntt_tile_mem[ntt_swz(base + o[5])];
    x[6] = ntt_tile_mem[ntt_swz(base + o[6])];
    x[7] = ntt_tile_mem[ntt_swz(base + o[7])];
    x[8] = ntt_tile_mem[ntt_swz(base + o[8])];
    x[9] = ntt_tile_mem[ntt_swz(base + o[9])];
    x[10] = ntt_tile_mem[ntt_swz(base + o[10])];
    x[11] = ntt_tile_mem[ntt_swz(base + o[11])];
    x[12] = ntt_tile_mem[ntt_swz(base + o[12])];
    x[13] = ntt_tile_mem[ntt_swz(base + o[13])];
    x[14] = ntt_tile_mem[ntt_swz(base + o[14])];
    x[15] = ntt_tile_mem[ntt_swz(base + o[15])];
    return x;
}

fn ntt_scatter(x: array<Fe, 16>, base: u32, w_lo: u32, rot: u32, left: bool) {
    let o = ntt_offsets(ntt_reg_weights(w_lo, rot, left));
    ntt_tile_mem[ntt_swz(base + o[0])] = x[0];
    ntt_tile_mem[ntt_swz(base + o[1])] = x[1];
    ntt_tile_mem[ntt_swz(base + o[2])] = x[2];
    ntt_tile_mem[ntt_swz(base + o[3])] = x[3];
    ntt_tile_mem[ntt_swz(base + o[4])] = x[4];
    ntt_tile_mem[ntt_swz(base + o[5])] = x[5];
    ntt_tile_mem[ntt_swz(base + o[6])] = x[6];
    ntt_tile_mem[ntt_swz(base + o[7])] = x[7];
    ntt_tile_mem[ntt_swz(base + o[8])] = x[8];
    ntt_tile_mem[ntt_swz(base + o[9])] = x[9];
    ntt_tile_mem[ntt_swz(base + o[10])] = x[10];
    ntt_tile_mem[ntt_swz(base + o[11])] = x[11];
    ntt_tile_mem[ntt_swz(base + o[12])] = x[12];
    ntt_tile_mem[ntt_swz(base + o[13])] = x[13];
    ntt_tile_mem[ntt_swz(base + o[14])] = x[14];
    ntt_tile_mem[ntt_swz(base + o[15])] = x[15];
}

// Store this invocation's 16 loaded values at tile elements lid + r*WG (the
// coalesced order of ntt_load) and wait for the whole tile.
fn ntt_put(lid: u32, v: array<Fe, 16>) {
    ntt_tile_mem[ntt_swz(lid + 0u * WG)] = v[0];
    ntt_tile_mem[ntt_swz(lid + 1u * WG)] = v[1];
    ntt_tile_mem[ntt_swz(lid + 2u * WG)] = v[2];
    ntt_tile_mem[ntt_swz(lid + 3u * WG)] = v[3];
    ntt_tile_mem[ntt_swz(lid + 4u * WG)] = v[4];
    ntt_tile_mem[ntt_swz(lid + 5u * WG)] = v[5];
    ntt_tile_mem[ntt_swz(lid + 6u * WG)] = v[6];
    ntt_tile_mem[ntt_swz(lid + 7u * WG)] = v[7];
    ntt_tile_mem[ntt_swz(lid + 8u * WG)] = v[8];
    ntt_tile_mem[ntt_swz(lid + 9u * WG)] = v[9];
    ntt_tile_mem[ntt_swz(lid + 10u * WG)] = v[10];
    ntt_tile_mem[ntt_swz(lid + 11u * WG)] = v[11];
    ntt_tile_mem[ntt_swz(lid + 12u * WG)] = v[12];
    ntt_tile_mem[ntt_swz(lid + 13u * WG)] = v[13];
    ntt_tile_mem[ntt_swz(lid + 14u * WG)] = v[14];
    ntt_tile_mem[ntt_swz(lid + 15u * WG)] = v[15];
    workgroupBarrier();
}

// Coalesced tile load of the 16 elements lid + r*WG; all loads are issued
// before any is used. Slots past `total` (a batch shorter than a tile)
// repeat the last element and are never stored.
fn ntt_load(lid: u32, t: u32) {
    let last = prm.total - 1u;
    let g = ntt_index(t, lid); // + the (uniform) index of r * WG: the map is additive
    let v0 = ntt_data[min(g + ntt_index(0u, 0u * WG), last)];
    let v1 = ntt_data[min(g + ntt_index(0u, 1u * WG), last)];
    let v2 = ntt_data[min(g + ntt_index(0u, 2u * WG), last)];
    let v3 = ntt_data[min(g + ntt_index(0u, 3u * WG), last)];
    let v4 = ntt_data[min(g + ntt_index(0u, 4u * WG), last)];
    let v5 = ntt_data[min(g + ntt_index(0u, 5u * WG), last)];
    let v6 = ntt_data[min(g + ntt_index(0u, 6u * WG), last)];
    let v7 = ntt_data[min(g + ntt_index(0u, 7u * WG), last)];
    let v8 = ntt_data[min(g + ntt_index(0u, 8u * WG), last)];
    let v9 = ntt_data[min(g + ntt_index(0u, 9u * WG), last)];
    let v10 = ntt_data[min(g + ntt_index(0u, 10u * WG), last)];
    let v11 = ntt_data[min(g + ntt_index(0u, 11u * WG), last)];
    let v12 = ntt_data[min(g + ntt_index(0u, 12u * WG), last)];
    let v13 = ntt_data[min(g + ntt_index(0u, 13u * WG), last)];
    let v14 = ntt_data[min(g + ntt_index(0u, 14u * WG), last)];
    let v15 = ntt_data[min(g + ntt_index(0u, 15u * WG), last)];
    ntt_put(lid, array<Fe, 16>(v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15));
}

fn ntt_store(lid: u32, t: u32) {
    let g0 = ntt_index(t, lid);
    for (var r = 0u; r < NTT_R; r++) {
        let e = lid + r * WG;
        let g = g0 + ntt_index(0u, r * WG);
        if (g < prm.total) {
            ntt_data[g] = ntt_tile_mem[ntt_swz(e)];
        }
    }
}
