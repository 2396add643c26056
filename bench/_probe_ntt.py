import sys, numpy as np
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from wgprover.field import GOLDILOCKS as F, BABYBEAR as BB
from wgprover.gpu import get_context
from wgprover.gpu.timing import gpu_time
from wgprover.ntt import gpu, reference as ref
ctx = get_context()
def run(name, rec_fn):
    t, m = gpu_time(ctx, rec_fn, repeats=5, warmup=2)
    print(f"{name:<40} {t*1e6:10.1f} us", flush=True)
for fld in (F, BB):
    log_n, cols = 20, 8
    x = fld.base.random(np.random.default_rng(0), (cols, 1 << log_n))
    small = x[:2, :1 << 14]
    assert np.array_equal(gpu.forward(ctx, fld, small), ref.forward(fld, small))
    buf = ctx.upload(x); dst = ctx.buffer(2 * x.nbytes)
    for tl in (None, 11, 10):
        run(f"{fld.name} fwd 2^20x8 tile={tl}", lambda rec, tl=tl: gpu.record_forward(rec, ctx, fld, buf, log_n, cols, tile_log=tl))
    run(f"{fld.name} inv 2^20x8", lambda rec: gpu.record_inverse(rec, ctx, fld, buf, log_n, cols))
    run(f"{fld.name} lde 2^20x8", lambda rec: gpu.record_lde(rec, ctx, fld, buf, dst, log_n, 1, cols))
    run(f"{fld.name} mobius 2^20x8", lambda rec: gpu.record_mobius(rec, ctx, fld, buf, log_n, cols))
    run(f"{fld.name} fwd 2^20x1", lambda rec: gpu.record_forward(rec, ctx, fld, buf, log_n, 1))
    run(f"{fld.name} fwd 2^16x1", lambda rec: gpu.record_forward(rec, ctx, fld, buf, 16, 1))
    run(f"{fld.name} fwd 2^23x1", lambda rec: gpu.record_forward(rec, ctx, fld, buf, 23, 1))
    run(f"{fld.name} copy {x.nbytes>>20}MiB", lambda rec: gpu.record_copy(rec, ctx, buf, dst, x.nbytes))
