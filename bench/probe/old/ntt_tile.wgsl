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

// Rotate the 4-bit register index i right / left by c (0 <= c <= 4).
fn ntt_rotr(i: u32, c: u32) -> u32 {
    return ((i >> c) | (i << (NTT_RB - c))) & (NTT_R - 1u);
}

fn ntt_rotl(i: u32, c: u32) -> u32 {
    return ntt_rotr(i, NTT_RB - c);
}

// Tile element held by register i when window offsets are rotated by `rot`.
fn ntt_elem(base: u32, w_lo: u32, i: u32, rot: u32, left: bool) -> u32 {
    return base | (select(ntt_rotr(i, rot), ntt_rotl(i, rot), left) << w_lo);
}

fn ntt_gather(base: u32, w_lo: u32, rot: u32, left: bool) -> array<Fe, 16> {
    var x: array<Fe, 16>;
    x[0] = ntt_tile_mem[ntt_swz(ntt_elem(base, w_lo, 0u, rot, left))];
    x[1] = ntt_tile_mem[ntt_swz(ntt_elem(base, w_lo, 1u, rot, left))];
    x[2] = ntt_tile_mem[ntt_swz(ntt_elem(base, w_lo, 2u, rot, left))];
    x[3] = ntt_tile_mem[ntt_swz(ntt_elem(base, w_lo, 3u, rot, left))];
    x[4] = ntt_tile_mem[ntt_swz(ntt_elem(base, w_lo, 4u, rot, left))];
    x[5] = ntt_tile_mem[ntt_swz(ntt_elem(base, w_lo, 5u, rot, left))];
    x[6] = ntt_tile_mem[ntt_swz(ntt_elem(base, w_lo, 6u, rot, left))];
    x[7] = ntt_tile_mem[ntt_swz(ntt_elem(base, w_lo, 7u, rot, left))];
    x[8] = ntt_tile_mem[ntt_swz(ntt_elem(base, w_lo, 8u, rot, left))];
    x[9] = ntt_tile_mem[ntt_swz(ntt_elem(base, w_lo, 9u, rot, left))];
    x[10] = ntt_tile_mem[ntt_swz(ntt_elem(base, w_lo, 10u, rot, left))];
    x[11] = ntt_tile_mem[ntt_swz(ntt_elem(base, w_lo, 11u, rot, left))];
    x[12] = ntt_tile_mem[ntt_swz(ntt_elem(base, w_lo, 12u, rot, left))];
    x[13] = ntt_tile_mem[ntt_swz(ntt_elem(base, w_lo, 13u, rot, left))];
    x[14] = ntt_tile_mem[ntt_swz(ntt_elem(base, w_lo, 14u, rot, left))];
    x[15] = ntt_tile_mem[ntt_swz(ntt_elem(base, w_lo, 15u, rot, left))];
    return x;
}

fn ntt_scatter(x: array<Fe, 16>, base: u32, w_lo: u32, rot: u32, left: bool) {
    ntt_tile_mem[ntt_swz(ntt_elem(base, w_lo, 0u, rot, left))] = x[0];
    ntt_tile_mem[ntt_swz(ntt_elem(base, w_lo, 1u, rot, left))] = x[1];
    ntt_tile_mem[ntt_swz(ntt_elem(base, w_lo, 2u, rot, left))] = x[2];
    ntt_tile_mem[ntt_swz(ntt_elem(base, w_lo, 3u, rot, left))] = x[3];
    ntt_tile_mem[ntt_swz(ntt_elem(base, w_lo, 4u, rot, left))] = x[4];
    ntt_tile_mem[ntt_swz(ntt_elem(base, w_lo, 5u, rot, left))] = x[5];
    ntt_tile_mem[ntt_swz(ntt_elem(base, w_lo, 6u, rot, left))] = x[6];
    ntt_tile_mem[ntt_swz(ntt_elem(base, w_lo, 7u, rot, left))] = x[7];
    ntt_tile_mem[ntt_swz(ntt_elem(base, w_lo, 8u, rot, left))] = x[8];
    ntt_tile_mem[ntt_swz(ntt_elem(base, w_lo, 9u, rot, left))] = x[9];
    ntt_tile_mem[ntt_swz(ntt_elem(base, w_lo, 10u, rot, left))] = x[10];
    ntt_tile_mem[ntt_swz(ntt_elem(base, w_lo, 11u, rot, left))] = x[11];
    ntt_tile_mem[ntt_swz(ntt_elem(base, w_lo, 12u, rot, left))] = x[12];
    ntt_tile_mem[ntt_swz(ntt_elem(base, w_lo, 13u, rot, left))] = x[13];
    ntt_tile_mem[ntt_swz(ntt_elem(base, w_lo, 14u, rot, left))] = x[14];
    ntt_tile_mem[ntt_swz(ntt_elem(base, w_lo, 15u, rot, left))] = x[15];
}

// Coalesced tile load of the 16 elements lid + r*WG; all loads are issued
// before any is used. Slots past `total` (a batch shorter than a tile)
// repeat the last element and are never stored.
fn ntt_load(lid: u32, t: u32) {
    let last = prm.total - 1u;
    let v0 = ntt_data[min(ntt_index(t, lid + 0u * WG), last)];
    let v1 = ntt_data[min(ntt_index(t, lid + 1u * WG), last)];
    let v2 = ntt_data[min(ntt_index(t, lid + 2u * WG), last)];
    let v3 = ntt_data[min(ntt_index(t, lid + 3u * WG), last)];
    let v4 = ntt_data[min(ntt_index(t, lid + 4u * WG), last)];
    let v5 = ntt_data[min(ntt_index(t, lid + 5u * WG), last)];
    let v6 = ntt_data[min(ntt_index(t, lid + 6u * WG), last)];
    let v7 = ntt_data[min(ntt_index(t, lid + 7u * WG), last)];
    let v8 = ntt_data[min(ntt_index(t, lid + 8u * WG), last)];
    let v9 = ntt_data[min(ntt_index(t, lid + 9u * WG), last)];
    let v10 = ntt_data[min(ntt_index(t, lid + 10u * WG), last)];
    let v11 = ntt_data[min(ntt_index(t, lid + 11u * WG), last)];
    let v12 = ntt_data[min(ntt_index(t, lid + 12u * WG), last)];
    let v13 = ntt_data[min(ntt_index(t, lid + 13u * WG), last)];
    let v14 = ntt_data[min(ntt_index(t, lid + 14u * WG), last)];
    let v15 = ntt_data[min(ntt_index(t, lid + 15u * WG), last)];
    ntt_tile_mem[ntt_swz(lid + 0u * WG)] = v0;
    ntt_tile_mem[ntt_swz(lid + 1u * WG)] = v1;
    ntt_tile_mem[ntt_swz(lid + 2u * WG)] = v2;
    ntt_tile_mem[ntt_swz(lid + 3u * WG)] = v3;
    ntt_tile_mem[ntt_swz(lid + 4u * WG)] = v4;
    ntt_tile_mem[ntt_swz(lid + 5u * WG)] = v5;
    ntt_tile_mem[ntt_swz(lid + 6u * WG)] = v6;
    ntt_tile_mem[ntt_swz(lid + 7u * WG)] = v7;
    ntt_tile_mem[ntt_swz(lid + 8u * WG)] = v8;
    ntt_tile_mem[ntt_swz(lid + 9u * WG)] = v9;
    ntt_tile_mem[ntt_swz(lid + 10u * WG)] = v10;
    ntt_tile_mem[ntt_swz(lid + 11u * WG)] = v11;
    ntt_tile_mem[ntt_swz(lid + 12u * WG)] = v12;
    ntt_tile_mem[ntt_swz(lid + 13u * WG)] = v13;
    ntt_tile_mem[ntt_swz(lid + 14u * WG)] = v14;
    ntt_tile_mem[ntt_swz(lid + 15u * WG)] = v15;
    workgroupBarrier();
}

fn ntt_store(lid: u32, t: u32) {
    for (var r = 0u; r < NTT_R; r++) {
        let e = lid + r * WG;
        let g = ntt_index(t, e);
        if (g < prm.total) {
            ntt_data[g] = ntt_tile_mem[ntt_swz(e)];
        }
    }
}
