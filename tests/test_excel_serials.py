"""Labels that are Excel date serials (a spreadsheet saved without the date format) are
named as such in the season line; they were 'no calendar dates (labels like
'36526')' with no word of the dates they stand for."""

import datetime

import numpy as np

from series_predictor import season

HINT = ("; Excel date serials? 36526 is 2000-01-01 in a spreadsheet: format that column as "
        "dates (YYYY-MM-DD) before saving the CSV")


def _serials(dates):
    return [str((d - datetime.date(1899, 12, 30)).days) for d in dates]


def test_monthly_serials_get_the_hint():
    months = [datetime.date(2000 + i // 12, i % 12 + 1, 1) for i in range(36)]
    found = season.infer(np.arange(36), _serials(months))
    assert found.length == 1 and found.reason.endswith(HINT)


def test_daily_serials_get_the_hint():
    days = [datetime.date(2000, 1, 1) + datetime.timedelta(days=i) for i in range(30)]
    assert season.infer(np.arange(30), _serials(days)).reason.endswith(HINT)


def test_row_numbers_years_and_irregular_numbers_get_none():
    for labels in (list(map(str, range(40))), list(map(str, range(-500, -460))),
                   ["36526", "36530", "36600", "36900"], None):
        assert "Excel" not in season.infer(np.arange(40 if labels is None else
                                                     len(labels)), labels).reason
