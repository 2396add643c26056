// Tile machinery shared by the NTT family (ntt.wgsl, ntt_lde.wgsl, mobius.wgsl).
//
// A pass handles `k` consecutive radix-2 stages (or hypercube variables): the
// index bits lo_bits .. lo_bits+k-1 of each column. A workgroup loads one tile
// of TILE elements into workgroup memory, runs all k stages there (a barrier
// between stages), and writes the tile back: one global read + write per pass
// instead of per stage (docs/NTT.md §3). A tile element e splits as
//   e = (hi_in, mid, lo_in)  with  mid: k bits, lo_in: run_bits bits,
// so that neighbouring invocations touch runs of 2^run_bits neighbouring
// elements (coalesced), and hi_in (only when a tile is wider than k+run_bits,
// i.e. for columns smaller than a tile) steps over whole stage groups.
// The including file declares `prm: NttPass` and the buffers.

override TILE: u32 = 2048u; // elements per tile, a power of two
override WG: u32 = 256u;    // invocations per workgroup, a power of two <= TILE/2

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

// Tile positions of butterfly b whose partners are 2^dist_bits apart.
fn ntt_pair(b: u32, dist_bits: u32) -> vec2<u32> {
    let e0 = ((b >> dist_bits) << (dist_bits + 1u)) | (b & ((1u << dist_bits) - 1u));
    return vec2<u32>(e0, e0 + (1u << dist_bits));
}
