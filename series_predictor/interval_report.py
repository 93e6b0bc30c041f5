"""The prediction intervals in a run's evaluation: metrics.json's "intervals" and the
line the run prints about them, which says plainly when a band held far fewer points
than its level. NumPy only.
"""

from .intervals import coverage


def interval_report(intervals, combined, values, split, calibrated_on):
    """metrics.json's "intervals": how they were made and their test-period coverage
    (None without bands or a hallucinated path)."""
    if intervals is None or combined.forecasts["hallucination"] is None:
        return None
    path = combined.forecasts["hallucination"][:split.n_test]
    return {"method": "conformal: quantiles of |error| / sqrt(steps ahead), pooled",
            "calibrated_on": calibrated_on,
            "levels": [float(level) for level in intervals.scale],
            **intervals.to_dict(),
            "test_coverage": {str(k): v for k, v in coverage(
                intervals.bands(path), values[split.n_train:]).items()}}


NARROW = 0.25  # a band that holds this much less than its level is called too narrow


def too_narrow(shares):
    """``"; the 80% and 95% bands are too narrow here"`` when some band of ``shares``
    (``{level: share of points inside}``) held ``NARROW`` or more below its level, else
    "" (market prices' 80% band held 2% of the test period, said only as a number)."""
    narrow = [f"{float(level):.0%}" for level, share in shares.items()
              if share < float(level) - NARROW]
    if not narrow:
        return ""
    bands = " and ".join(narrow)
    return f"; the {bands} band{'s are' if len(narrow) > 1 else ' is'} too narrow here"


def interval_lines(intervals):
    """The printed line of metrics.json's "intervals" ([] without them)."""
    if not intervals:
        return []
    cover = ", ".join(f"{float(level):.0%} band holds {share:.0%}"
                      for level, share in intervals["test_coverage"].items())
    return [f"Prediction intervals ({intervals['calibrated_on']}{_scaled(intervals)}): "
            f"over the test period the {cover} of the points"
            + too_narrow(intervals["test_coverage"])]


def _scaled(intervals):
    """", scaled by ..." when the bands follow the series' recent volatility, else ""."""
    moved = intervals.get("volatility")
    if not moved:
        return ""
    return (f"; scaled by the recent volatility: the last {moved['window']} steps of the "
            f"training part moved {moved['ratio']:.2f} times as much as the steps before "
            "the typical calibration origin")
