#!/usr/bin/env bash
# Regenerate the README's figures under docs/ (seed 0):
#   predictions.png, hallucinations.png, loss.png,
#   forecast.png                                    <- series-predictor (the book's settings,
#                                                      the bundled airline data)
#   auto-hallucinations.png, auto-forecast.png,
#   auto-backtest.png                               <- series-predictor --recipe auto --backtest 3
#   wine-auto-hallucinations.png, wine-auto-forecast.png,
#   wine-auto-backtest.png                          <- the same on the bundled wine sales
# Run from the checkout after `pip install .`: bash docs/make_figures.sh
set -euo pipefail
cd "$(dirname "$0")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
series-predictor --seed 0 --quiet --out "$work/book"
series-predictor --seed 0 --quiet --recipe auto --backtest 3 --out "$work/auto"
series-predictor --seed 0 --quiet --recipe auto --backtest 3 \
    --data australian-wine-sales.csv --out "$work/wine"
for name in predictions hallucinations loss forecast; do
    cp "$work/book/$name.png" .
done
for name in hallucinations forecast backtest; do
    cp "$work/auto/$name.png" "auto-$name.png"
    cp "$work/wine/$name.png" "wine-auto-$name.png"
done
