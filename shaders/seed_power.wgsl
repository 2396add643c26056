// One entry s w^e of a table of powers from its O(sqrt N) seeds (docs/NTT.md §7):
// with e = a 2^log_b + b, the entry is fe_mul_prepared(lo[b], hi[a]),
// lo[b] = s w^b, hi[a] = w^(a 2^log_b) prepared. Storage arrays cannot be
// passed to a function in core WGSL, so this gives the two seed indices and
// each kernel (powers, fold_coset) multiplies its own bindings' seeds.
fn seed_index(e: u32, log_b: u32) -> vec2<u32> {
    return vec2<u32>(e & ((1u << log_b) - 1u), e >> log_b);
}
