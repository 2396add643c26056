#!/usr/bin/env bash
# Device-machine wrapper for probes: same setup as bench/gpu_run.sh, then runs
# `python3 bench/probe/ntt_variants.py V` for each variant V given.
set -u
for f in .gl/*.deb; do dpkg -x "$f" /; done; ldconfig
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
export PYTHONPATH=/tmp/site:$PWD PYTHONUNBUFFERED=1
if ! python3 -c "import wgpu; wgpu.gpu.enumerate_adapters_sync()" 2>/dev/null | grep -q .; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
fi
for v in "$@"; do timeout 120 python3 bench/probe/ntt_variants.py $v 2>&1 | tail -2; done
nvidia-smi --query-gpu=clocks.sm,clocks.max.sm,power.draw,power.limit,clocks_throttle_reasons.active,temperature.gpu --format=csv 2>&1 | tail -2
