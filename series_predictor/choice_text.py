"""The auto recipe's choice as the run prints it: every structure's validation score
over the reference baseline's, which are combined, and the combination's verdict.
Text from the run's record (metrics.json "auto"); report.py prints it.
"""

from . import metrics
from .structures import DESCRIPTIONS
from .time_axis import shown_time


def describe(kind, season=None):
    """``kind`` (a structure) in words at ``season``: without a season the
    autoregression differences at lag 1, not at a seasonal lag."""
    if kind == "sdiff_ar" and not metrics.seasonal(season):
        return "autoregression on first differences"
    return DESCRIPTIONS.get(kind, "")


def format_choice(record, season=None, notation=None):
    """The auto recipe's choice as plain text; its ratios are over seasonal naive's,
    persistence's for a run without a season (``metrics.reference``). The structures
    forecast are a fixed set for the season (``auto.pool``), marked "combined"; the
    others are scored for the record (once marked "kept", which read as a choice that
    passed over better-scored ones). ``notation``: the quarters' notation its origins
    are printed in (``shown_time``)."""
    naive = metrics.reference(season)[1]
    origins = ", ".join(shown_time(origin, notation=notation) for origin in record["origins"])
    lines = [f"Auto recipe: {len(record['candidates'])} candidates scored on "
             f"{len(record['origins'])} validation origin"
             f"{'s' if len(record['origins']) != 1 else ''} ({origins}), "
             f"{record['horizon']} points ahead each; RMSE / {naive}'s:"]
    for name, row in record["candidates"].items():
        mark = "  combined" if name in record["chosen"] else ""
        words = describe(name, season)
        lines.append(f"  {name:10s}{words:40s}{row['validation_ratio']:6.3f}{mark}")
    beats = "beats" if record["beats_seasonal_naive_on_validation"] else "does not beat"
    lines.append(f"  the {record.get('combine', 'median')} of the combined ones (a fixed set, "
                 f"not picked by these scores): "
                 f"{record['combination_ratio']:.3f} (what is "
                 f"forecast: it {beats} {naive} at these origins)")
    return "\n".join(lines)
