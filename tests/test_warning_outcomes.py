"""A warning drawn from validation says what the test period showed, once it is scored.

Before: the table's verdict read "The forecast beats persistence and climatology on
the test period" and two lines below it "Warning: ... does not beat persistence on the
validation origins (RMSE ratio 1.023); expect the forecast to lose to it on the test
period too" and "on the validation tail the forecast loses to persistence
(hallucination); expect the same on the test period" (auto on 100,000 points).
"""

import types

from series_predictor import report
from series_predictor.config import ChapterConfig


def _period(lstm, naive):
    return {kind: {"lstm": {"rmse": lstm, "mae": lstm}, "persistence": {"rmse": naive,
                                                                       "mae": naive},
                   "climatology": {"rmse": 50.8, "mae": 50.0}}
            for kind in ("one_step", "hallucination")}


def _warnings(test_lstm, test_naive):
    record = {"settings": {"season": 1, "patience": None}, "units": "value",
              **_period(test_lstm, test_naive), "validation": _period(10.3, 8.6),
              "auto": {"beats_seasonal_naive_on_validation": False, "combine": "median",
                       "combination_ratio": 1.023}}
    return report.warnings(record, ChapterConfig(season=1, validation=10),
                           types.SimpleNamespace(dropped={}))


def test_a_test_period_that_beats_the_baseline_is_not_foretold_as_a_loss():
    lines = _warnings(10.0, 18.7)
    assert lines == [
        "the median of the auto recipe's combined structures (what its forecast is made "
        "of) does not beat persistence on the validation origins (RMSE ratio 1.023); the "
        "test period shows otherwise: hallucination RMSE 10.0 against persistence's 18.7 "
        "(in value)",
        "on the validation tail the forecast loses to persistence (one-step and "
        "hallucination); the test period shows otherwise: one-step RMSE 10.0 against "
        "persistence's 18.7, hallucination RMSE 10.0 against persistence's 18.7 (in value)"]
    assert not any("expect" in line for line in lines)


def test_a_loss_on_the_test_period_too_is_said_as_such():
    assert [line.split("; ")[-1] for line in _warnings(20.0, 18.7)] == [
        "it loses to persistence on the test period too"] * 2


def test_before_the_test_period_is_scored_the_warning_still_foretells():
    assert all(line.endswith("; expect the same on the test period")
               for line in _warnings(None, 18.7))
