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
// Inside the tile the k stages go in rounds of at most NTT_RB stages: each
// invocation pulls NTT_R = 2^NTT_RB elements that differ only in a window of
// NTT_RB tile bits (holding the round's stage bits) into registers, runs the
// round's stages there, and puts them back; one barrier per round instead of
// per stage. The including file declares `prm: NttPass` and the buffers.

override TILE: u32 = 4096u; // elements per tile, a power of two >= NTT_R
override WG: u32 = 256u;    // invocations per workgroup: exactly TILE / NTT_R

// Registers per invocation: 16 elements of 8 bytes or 32 of 4 bytes (same
// register budget; also the swizzle width that spreads a 128-byte bank row).
const NTT_RB: u32 = select(5u, 4u, FE_BYTES == 8u);
const NTT_R: u32 = 1u << NTT_RB;

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
// strides and strides of NTT_R elements hit distinct banks.
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

// Register index with a 0 inserted at bit j (the lower partner of pair i).
fn ntt_spread(i: u32, j: u32) -> u32 {
    return ((i >> j) << (j + 1u)) | (i & ((1u << j) - 1u));
}
