"""What a run's numbers say in words: the verdict against the baselines on the test
period (``verdict``: who beats whom, ties within ``TIE``) and the warnings about what
the numbers cannot show by themselves (``warnings``). Moved out of ``report.py``,
which re-exports them. NumPy-free.
"""

from . import metrics
from .option_names import option
from .tasks import is_calibration

def _and(words):
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


TIE = 1e-3  # RMSEs within 0.1% of each other: a match, neither a win nor a loss


def _below(theirs, own):
    """Whether an RMSE ``theirs`` is below ``own`` by more than ``TIE``."""
    return theirs is not None and theirs * (1 + TIE) < own


def beaten_by(period, season=None):
    """The baselines (``metrics.judged_against(season)``) with an RMSE more than ``TIE``
    below the forecast's in ``period`` (all of them when there is no forecast)."""
    own = period["lstm"]["rmse"]
    return [name for name in metrics.judged_against(season)
            if own is None or _below(period[name]["rmse"], own)]


def matched_by(period, season=None):
    """The baselines (``metrics.judged_against(season)``) whose RMSE is within ``TIE`` of
    the forecast's in ``period`` (a forecast that is persistence, as auto's can be on
    market prices, beats it or loses to it by rounding only)."""
    own = period["lstm"]["rmse"]
    return [name for name in metrics.judged_against(season) if own is not None
            and period[name]["rmse"] is not None and not _below(period[name]["rmse"], own)
            and not _below(own, period[name]["rmse"])]


def verdict(report):
    """One plain sentence: which baselines beat the forecast on the test period, by RMSE
    (the hallucinated path, then the one-step predictions), and which it only matches."""
    season = (report.get("settings") or {}).get("season")
    words = lambda names: _and([n.replace("_", " ") for n in names])  # noqa: E731
    multi, one = (beaten_by(report[p], season) for p in ("hallucination", "one_step"))
    tied, tied_one = (matched_by(report[p], season) for p in ("hallucination", "one_step"))
    rest = [name for name in metrics.judged_against(season) if name not in tied]
    if multi:
        first = f"The forecast loses to {words(multi)} on the test period"
    elif tied:
        first = (f"The forecast matches {words(tied)} (RMSE within {TIE:.1%})"
                 + (f" and beats {words(rest)}" if rest else "") + " on the test period")
    else:
        first = f"The forecast beats {words(rest)} on the test period"
    second = (f"loses to {words(one)}" + (" too" if one == multi else "") if one else
              f"matches {words(tied_one)} (RMSE within {TIE:.1%})" if tied_one else
              "beats them all")
    return f"{first} (hallucination RMSE); one step ahead it {second}."


def _loses_on_validation(report, season):
    validation = report.get("validation")
    if not validation:
        return []
    key = metrics.reference(season)[0]
    return [kind for kind in ("one_step", "hallucination")
            if validation[kind]["lstm"]["rmse"] is not None
            and _below(validation[kind][key]["rmse"], validation[kind]["lstm"]["rmse"])]


def dropped_lines(dropped):
    """One sentence per member left out of some forecast, naming those forecasts."""
    out = []
    for seed, by_task in dropped.items():
        if "training" in by_task:
            out.append(f"member with seed {seed} dropped: {by_task['training']}")
            continue
        parts = [name for name in by_task if not is_calibration(name)]
        if len(parts) < len(by_task):
            parts.append(f"{len(by_task) - len(parts)} calibration path(s)")
        where = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        first = next(iter(by_task.values()))
        out.append(f"member with seed {seed} left out of the {where}: {first}")
    return out


def warnings(report, config, combined):
    """Plain sentences about what the numbers cannot show by themselves (not the
    members an auto run's network lost when its correction is left out: every forecast
    is then the structures' alone, and the network's verdict says why)."""
    network = (report.get("auto") or {}).get("network") or {}
    out = [] if network.get("kept") is False else dropped_lines(combined.dropped)
    if config.patience is not None and not config.validation:
        out.append("early stopping watched the test period, so the test scores are "
                   f"optimistic; pass {option('validation', 'N')} to keep the test period "
                   "unseen")
    auto, (key, naive) = report.get("auto"), metrics.reference(config.season)
    if auto and not auto["beats_seasonal_naive_on_validation"]:
        out.append(f"the {auto.get('combine', 'median')} of the auto recipe's combined "
                   "structures (what its forecast "
                   f"is made of) does not beat {naive} on the validation origins (RMSE "
                   f"ratio {auto['combination_ratio']:.3f})"
                   + _on_test(report, key, naive, ["hallucination"]))
    lost = _loses_on_validation(report, config.season)
    if lost:
        out.append(f"on the validation tail the forecast loses to {naive} ("
                   + " and ".join(k.replace("_", "-") for k in lost) + ")"
                   + _on_test(report, key, naive, lost))
    return out


def _on_test(report, key, naive, kinds):
    """What the test period shows of a loss to the baseline ``key`` (named ``naive``)
    seen on validation, for the error ``kinds``: '; expect the same ...' before it is
    scored; else that it lost there too, or the RMSEs where it did not (the warning
    said to expect a loss that the table above it did not show)."""
    if any((report.get(kind) or {}).get("lstm", {}).get("rmse") is None for kind in kinds):
        return "; expect the same on the test period"
    held = [kind for kind in kinds if not _below(report[kind][key]["rmse"],
                                                 report[kind]["lstm"]["rmse"])]
    if not held:
        return f"; it loses to {naive} on the test period too"
    decimals = metrics.decimals_for([report[k][n]["rmse"] for k in held for n in (key, "lstm")])
    def shown(kind, name):
        return metrics.format_error(report[kind][name]["rmse"], decimals)
    return "; the test period shows otherwise: " + ", ".join(
        f"{kind.replace('_', '-')} RMSE {shown(kind, 'lstm')} against {naive}'s "
        f"{shown(kind, key)}" for kind in held) + f" (in {report.get('units', 'value')})"
