"""Does auto's validation verdict on the network predict what the network does on the test
period? Reads the whole runs (``auto-study.json``, from ``auto_study.py``) and the
structures alone on the same split (``POOL_STUDY.txt``, from ``pool_study.py``).

    python benchmarks/network_verdicts.py [benchmarks/auto-study.json] [benchmarks/POOL_STUDY.txt]

For every run whose network was kept: its validation RMSE ratio (with the network over
the structures alone, on the validation tail) and its test ratio (the whole run's
hallucination RMSE over the structures alone's, on the test period).
"""

import json
import os
import re
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def _structures(path):
    """``{name[:34]: ratio}`` of the structures alone, from POOL_STUDY.txt's per-series lines."""
    out = {}
    for line in open(path):
        found = re.match(r"^  (.{34}) auto ([\d.]+)", line)
        if found:
            out[found.group(1).strip()] = float(found.group(2))
    return out


def main():
    runs_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "auto-study.json")
    pool_path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "POOL_STUDY.txt")
    runs, alone = json.load(open(runs_path)), _structures(pool_path)
    rows = []
    for name, run in runs.items():
        network = run["network"] or {}
        if network.get("kept") and name[:34].strip() in alone:
            rows.append((network["ratio"], run["ratio"] / alone[name[:34].strip()],
                         run["group"], name))
    rows.sort()
    print("validation ratio | test ratio | group | series   (ratios: with the network / "
          "the structures alone)")
    for validation, test, group, name in rows:
        print(f"  {validation:.3f}  {test:.3f}  {group:32s} {name}")
    validation = np.log([r[0] for r in rows])
    test = np.log([r[1] for r in rows])
    print(f"{len(rows)} of {len(runs)} runs kept the network; on the test period it changed "
          f"their RMSE by a factor of {np.exp(test.mean()):.3f} (geometric mean), "
          f"{np.sum(test < 0)} better, {np.sum(test > 0)} worse; correlation of the log "
          f"ratios: {np.corrcoef(validation, test)[0, 1]:+.2f}")
    for cut in (0.99, 0.97, 0.95):
        chosen = validation < np.log(cut)
        if chosen.any():
            print(f"  validation ratio below {cut}: {chosen.sum()} runs, test factor "
                  f"{np.exp(test[chosen].mean()):.3f}")


if __name__ == "__main__":
    main()
