#!/usr/bin/env bash
# Run benchmarks on the device machine (NVIDIA H100/H200, no internet).
# Needs the wheels in .whl/ and the loader debs in .gl/ (DESIGN.md §9), carried
# with the call. Usage: bash bench/gpu_run.sh [field] [ntt] [hemera] [sumcheck] [sumcheck_modes] [prove]
#   [prove_ref] [prove64] [big] [big_bb] [compile] [compile_modes] [startup] [bbmont] [tests]
set -u
for f in .gl/*.deb; do dpkg -x "$f" /; done; ldconfig
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
export PYTHONPATH=/tmp/site:$PWD PYTHONUNBUFFERED=1
export WGPROVER_COMMIT=${WGPROVER_COMMIT:-$(cat bench/.commit 2>/dev/null || echo unknown)}
if ! python3 -c "import wgpu; wgpu.gpu.enumerate_adapters_sync()" 2>/dev/null | grep -q .; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
fi
mkdir -p "${OUT:-/tmp/out}"
OUTDIR=${OUT:-/tmp/out}
python3 -m wgprover.cli info 2>&1 | tail -25
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem --format=csv 2>/dev/null
for what in "$@"; do
  echo "=== $what ==="
  case "$what" in
    field)    python3 bench/field.py --json "$OUTDIR/field.json" ;;
    ntt)      python3 bench/ntt.py --json "$OUTDIR/ntt.json" ;;
    hemera)   python3 bench/hemera.py --json "$OUTDIR/hemera.json" ;;
    sumcheck) python3 bench/sumcheck.py --json "$OUTDIR/sumcheck.json" ;;
    prove)    python3 bench/prove.py --sizes "${PROVE_SIZES:-16,18,20,22}" --json "$OUTDIR/prove.json" ;;
    prove_ref) python3 bench/prove.py --sizes 14 --reference-max 14 --repeats 3 --json "$OUTDIR/prove_ref.json" ;;
    big)      python3 bench/big.py --cases "${BIG_CASES:-pow7:16:22,pow7:16:24,pow7:64:22,pow7:256:20,fibonacci:2:27}" --json "$OUTDIR/big.json" ;;
    big_bb)   python3 bench/big.py --field babybear --cases "${BIG_CASES:-pow7:16:24}" --json "$OUTDIR/big_bb.json" ;;
    prove64)  python3 bench/prove.py --path int64 --sizes 16,20 --reference-max 0 --json "$OUTDIR/prove_int64.json" ;;
    sumcheck_modes) python3 bench/sumcheck.py --int64 --log-n 20,22 --modes inline,interp,hybrid,auto --json "$OUTDIR/sumcheck.json" ;;
    compile)  python3 bench/compile.py --json "$OUTDIR/compile.json" ;;
    compile_modes) python3 bench/compile.py --modes inline,interp,hybrid --scope zerocheck --no-warm --json "$OUTDIR/compile_modes.json" ;;
    startup)  python3 bench/startup.py --json "$OUTDIR/startup.json" ;;
    bbmont)   python3 bench/bbmont.py --json "$OUTDIR/bbmont.json" ;;
    tests)    python3 -m pytest -q -x -p no:cacheprovider tests/test_field.py 2>&1 | tail -3 ;;
    *)        echo "unknown benchmark $what" ;;
  esac
done
