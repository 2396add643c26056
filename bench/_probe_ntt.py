import sys, numpy as np
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from wgprover.field import GOLDILOCKS as F, BABYBEAR
from wgprover.field import gpu as fgpu
from wgprover.gpu import get_context
from wgprover.gpu.timing import gpu_time
from wgprover.ntt import gpu
import wgprover.ntt.gpu as G
ctx = get_context()
log_n, cols = 20, 8
x = F.base.random(np.random.default_rng(0), (cols, 1 << log_n))
buf = ctx.upload(x)
def run(name, rec_fn):
    t, m = gpu_time(ctx, rec_fn, repeats=5, warmup=2)
    print(f"{name:<40} {t*1e6:10.1f} us", flush=True)
orig = G._kernel
for probe in (0, 1, 2, 3):
    def k(ctx_, field, files, entry, tb, probe=probe):
        kk = orig(ctx_, field, files, entry, tb)
        if entry in ("forward", "inverse"):
            return ctx_.kernel(field, files, entry, {"TILE": 1 << tb, "WG": 1 << (tb - G.reg_bits(field)), "NTT_PROBE": probe})
        return kk
    G._kernel = k
    for tl in (None, 11, 10, 9):
        run(f"forward probe={probe} tile={tl}", lambda rec, tl=tl: gpu.record_forward(rec, ctx, F, buf, log_n, cols, tile_log=tl))
G._kernel = orig
for tl in (None, 10):
    run(f"mobius tile={tl}", lambda rec, tl=tl: gpu.record_mobius(rec, ctx, F, buf, log_n, cols, tile_log=tl))
run("copy 64MiB", lambda rec: gpu.record_copy(rec, ctx, buf, ctx.buffer(x.nbytes), x.nbytes))
n = 1 << 23
a = ctx.upload(F.base.random(np.random.default_rng(1), n)); b = ctx.upload(F.base.random(np.random.default_rng(2), n)); o = ctx.buffer(8 * n)
t, _ = gpu_time(ctx, lambda rec: fgpu.record_mul_chain(rec, ctx, F, a, b, o, n, 64), repeats=3)
print("mul chain G mul/s", n * 64 / t / 1e9)
print("butterflies", cols * log_n * (1 << (log_n - 1)) / 1e6, "M")
