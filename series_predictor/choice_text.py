"""The auto recipe's choice as the run prints it: every structure's validation score
over the reference baseline's, which are combined, and the combination's verdict.
Text from the run's record (metrics.json "auto"); report.py prints it.
"""

from . import metrics
from .structures import DESCRIPTIONS


def format_choice(record, season=None):
    """The auto recipe's choice as plain text; its ratios are over seasonal naive's,
    persistence's for a run without a season (``metrics.reference``)."""
    naive = metrics.reference(season)[1]
    lines = [f"Auto recipe: {len(record['candidates'])} candidates scored on "
             f"{len(record['origins'])} validation origin"
             f"{'s' if len(record['origins']) != 1 else ''} ({', '.join(record['origins'])}), "
             f"{record['horizon']} points ahead each; RMSE / {naive}'s:"]
    for name, row in record["candidates"].items():
        mark = "  kept" if name in record["chosen"] else ""
        words = DESCRIPTIONS.get(name, "")
        lines.append(f"  {name:10s}{words:40s}{row['validation_ratio']:6.3f}{mark}")
    beats = "beats" if record["beats_seasonal_naive_on_validation"] else "does not beat"
    lines.append(f"  the {record.get('combine', 'median')} of the kept ones: "
                 f"{record['combination_ratio']:.3f} (what is "
                 f"forecast: it {beats} {naive} on validation)")
    return "\n".join(lines)
