#!/usr/bin/env bash
# Wall time of one `--recipe auto` run in a fresh process, on the airline data (144
# points) and on the 732-point El Nino series written by `series_study.py data DATA`.
# Usage: bash benchmarks/auto_timing.sh DATA > benchmarks/AUTO_TIMING.txt
# Run it on a quiet machine: the figure is the machine's, not the code's alone.
set -euo pipefail
data="${1:?usage: auto_timing.sh DATA (the folder series_study.py data wrote)}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, $(python -c 'import platform; print(platform.processor() or platform.machine())'), Python $(python -c 'import sys; print(sys.version.split()[0])')"
for series in international-airline-passengers.csv "$data/elnino.csv"; do
    echo "## series-predictor --recipe auto --quiet --data $(basename "$series") (seed 0)"
    /usr/bin/time -f "wall %e s, user %U s, system %S s, max RSS %M KiB" \
        series-predictor --recipe auto --quiet --data "$series" --out "$work/out" 2>&1 \
        | grep -E "^(wall|LSTM|seasonal naive)"
    rm -rf "$work/out"
done
