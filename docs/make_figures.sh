#!/usr/bin/env bash
# Regenerate the README's figures under docs/ (seed 0, the bundled airline data):
#   predictions.png, hallucinations.png, loss.png   <- series-predictor (the book's settings)
#   auto-hallucinations.png, auto-forecast.png,
#   auto-backtest.png                               <- series-predictor --recipe auto --backtest 3
# Run from the checkout after `pip install .`: bash docs/make_figures.sh
set -euo pipefail
cd "$(dirname "$0")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
series-predictor --seed 0 --quiet --out "$work/book"
series-predictor --seed 0 --quiet --recipe auto --backtest 3 --out "$work/auto"
cp "$work/book/predictions.png" "$work/book/hallucinations.png" "$work/book/loss.png" .
for name in hallucinations forecast backtest; do
    cp "$work/auto/$name.png" "auto-$name.png"
done
