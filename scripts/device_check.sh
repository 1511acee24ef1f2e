#!/usr/bin/env bash
# The GPU checks of issues #2 and #3, as ONE command for a session that is lent a GPU
# machine (15 minutes of device time, all calls together). Everything it measures lands
# in $OUT, which the device tool copies back (DEVICE=cuda unless set):
#   pytest_$DEVICE.log          CUDA determinism + exactness tests (tests/test_device_determinism.py
#                               and tests/test_metric.py; their CUDA cases skip on CPU)
#   bench_scoring_$DEVICE.md    scripts/bench_scoring.py: (a) overhead over the bare forward,
#                               (b) the official DARTS setting vs the naive reference
#   bench_correlate_$DEVICE.md  scripts/bench_correlate.py: 1,000 NB201 archs, one process
#
# Before the call, once, in the repository root of this machine:
#   echo /.whl/ >> .git/info/exclude; echo /.device_data >> .git/info/exclude
#   pip download --no-deps -d .whl nasbench-pytorch==1.3.1   # not in the GPU image
#   ln -s ../shared/data .device_data                        # read there through the link
# Then the device tool's run, with
#   carry:     [".whl", ".device_data/images", ".device_data/nb201", ".device_data/darts"]
#   command:   bash scripts/device_check.sh
#   timeout_s: 420   (leaves room for one rerun within the 15 minutes)
# On this CPU machine `DEVICE=cpu QUICK=1 bash scripts/device_check.sh` runs the same steps
# small (tests/test_device_check.py does), so the script is known to work before a GPU is lent.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-$(mktemp -d)}"
DEVICE="${DEVICE:-cuda}"
export PYTHONUNBUFFERED=1
export SWAP_DATA_DIR="${SWAP_DATA_DIR:-$PWD/.device_data}"
PY="${PYTHON:-python3}"
if [ "${QUICK:-0}" = 1 ]; then ARCHS=2; REPS=3; DARTS=1; N=20; else ARCHS=10; REPS=21; DARTS=10; N=1000; fi

if [ -d .whl ]; then  # the GPU image has torch, numpy, scipy, pandas, pytest, hypothesis
    "$PY" -m pip install -q --no-index --no-deps --no-compile --target /tmp/site .whl/*.whl || exit 1
    export PYTHONPATH="/tmp/site${PYTHONPATH:+:$PYTHONPATH}"
fi
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"  # the package from this tree, no install
"$PY" - <<'EOF' || exit 1
import torch, swap_plugin
print("torch", torch.__version__, "cuda", torch.cuda.is_available(),
      torch.cuda.get_device_name() if torch.cuda.is_available() else "")
EOF

rc=0
"$PY" -m pytest -q -p no:cacheprovider tests/test_device_determinism.py tests/test_metric.py \
    2>&1 | tee "$OUT/pytest_$DEVICE.log" || rc=1
"$PY" scripts/bench_scoring.py --device "$DEVICE" --nb201-archs "$ARCHS" --darts-archs "$DARTS" \
    --reps "$REPS" --out "$OUT/bench_scoring_$DEVICE.md" || rc=1
"$PY" scripts/bench_correlate.py --device "$DEVICE" --n "$N" --samples 32 --workers 1 --skip-single \
    --out "$OUT/bench_correlate_$DEVICE.md" || rc=1
echo "device_check: outputs in $OUT (rc=$rc)"
exit "$rc"
