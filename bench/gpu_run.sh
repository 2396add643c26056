#!/usr/bin/env bash
# Run benchmarks on the device machine (NVIDIA H100/H200, no internet).
# Needs the wheels in .whl/ and the loader debs in .gl/ (DESIGN.md §9), carried
# with the call. Usage: bash bench/gpu_run.sh [field] [ntt] [hemera] [sumcheck] [sumcheck_modes] [prove]
#   [prove_ref] [prove64] [compile] [compile_modes] [startup] [bbmont]
#   [large] [tables] [first] [throughput] [scaling] [verify] [kernel_profile] [tests]
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
    prove64)  python3 bench/prove.py --path int64 --sizes 16,20 --reference-max 0 --json "$OUTDIR/prove_int64.json" ;;
    sumcheck_modes) python3 bench/sumcheck.py --int64 --log-n 20,22 --modes inline,interp,hybrid,auto --json "$OUTDIR/sumcheck.json" ;;
    compile)  python3 bench/compile.py --json "$OUTDIR/compile.json" ;;
    compile_modes) python3 bench/compile.py --modes inline,interp,hybrid --scope zerocheck --no-warm --json "$OUTDIR/compile_modes.json" ;;
    startup)  python3 bench/startup.py --json "$OUTDIR/startup.json" ;;
    bbmont)   python3 bench/bbmont.py --json "$OUTDIR/bbmont.json" ;;
    large)    # one process per case: the peak memory of each proof alone (nvidia-smi)
              for c in $(echo "${LARGE_CASES:-power16@22,power16@24,power64@22,power256@20,fibonacci@27,power16@24:babybear}" | tr , ' '); do
                python3 bench/large.py --cases "$c" --json "$OUTDIR/large_${c//[@:]/_}.json" | grep -v '^{'; done ;;
    tables)   python3 bench/tables.py --fields goldilocks,babybear --log-n 20,24 --json "$OUTDIR/tables.json" ;;
    first)    python3 bench/tables.py --fields goldilocks --log-n 20 --first-proof power:20 --json "$OUTDIR/tables_first.json" ;;
    throughput) python3 -m wgprover.cli info --adapters 0,0 | tail -4
              python3 bench/throughput.py --json "$OUTDIR/throughput.json"
              python3 bench/throughput.py --workers-per-adapter 2 --process-count 0 --json "$OUTDIR/throughput_2workers.json" ;;
    scaling)  for a in 0 all; do python3 bench/throughput.py --cases fibonacci:16,power:20 --adapters $a --count 64 --process-count 0 --json "$OUTDIR/scaling_$a.json"; done ;;
    verify)   python3 bench/verify.py --process --json "$OUTDIR/verify_process.json" ;;
    kernel_profile) python3 bench/kernel_profile.py --json "$OUTDIR/kernel_profile.json" ;;
    tests)    python3 -m pytest -q -x -p no:cacheprovider tests/test_field.py 2>&1 | tail -3 ;;
    *)        echo "unknown benchmark $what" ;;
  esac
done
