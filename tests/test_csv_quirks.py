"""Real readers' CSV files: read as intended, or refused in one line naming the file,
the line, the text and what was expected; never a silent wrong number.

Issue groups: 2 (locale number formats, shifting columns), 4 (a first row with a
missing value), 5 (encodings), 6 (physical line numbers), 8 (other quirks of
exported files). No TensorFlow.
"""

import codecs

import numpy as np
import pytest

import data_loader
from conftest import write_csv
from series_predictor.errors import DataFormatError, SettingError


def write(tmp_path, content, name="quirk.csv"):
    return write_csv(tmp_path, content, name)  # keeps \r and \r\n as written


def read(tmp_path, content, **kwargs):
    return data_loader.read_series(write(tmp_path, content), **kwargs)


def refusal(tmp_path, content, **kwargs):
    path = write(tmp_path, content)
    with pytest.raises(DataFormatError) as info:
        data_loader.read_series(path, **kwargs)
    message = str(info.value)
    assert message.startswith(path) and "\n" not in message
    return message


# ---------------------------------------------------------------- group 2

@pytest.mark.parametrize("text, line, found, expected", [
    # a thousands separator: "1,120" is two fields
    ("1949-01,112\n1949-02,1,120\n1949-03,130\n", 2, 3, 2),
    ("Month,Passengers\n1949-01,112\n1949-02,1,120\n", 3, 3, 2),
    ("Month,Passengers,\n1949-01,112,\n1949-02,1,120\n", 3, 3, 2),
    # the first data row is the odd one
    ("1949-01,1,120\n1949-02,118\n", 2, 2, 3),
    # a decimal comma in some rows only
    ("t,v\n1,112.5\n2,118,5\n", 3, 3, 2),
    # a row with a field missing
    ("a,b,c\n1,10,100\n2,20\n", 3, 2, 3),
])
def test_rows_with_another_field_count_are_refused(tmp_path, text, line, found, expected):
    message = refusal(tmp_path, text)
    assert f"line {line}:" in message
    assert f"row has {found} column(s), expected {expected}" in message
    if found > expected:
        assert "thousands separator" in message and "decimal comma" in message


@pytest.mark.parametrize("text, line, shown", [
    ("1949-01;112,3\n1949-02;118,5\n", 1, "';'"),           # the book's reader in Europe
    ("1949-01,112\n1949-02;118,5\n", 2, "';'"),
    ("1949-01,112\n1949-02,118\t5\n", 2, "a tab"),
])
def test_a_field_holding_another_delimiter_is_refused(tmp_path, text, line, shown):
    message = refusal(tmp_path, text)
    assert f"line {line}:" in message and f"holds {shown}" in message


@pytest.mark.parametrize("text, shown", [
    ("Month;Passengers\n1949-01;112\n1949-02;118\n", "';'"),
    ("1949-01\t112\n1949-02\t118\n", "a tab"),
])
def test_a_whole_file_with_another_delimiter_says_so(tmp_path, text, shown):
    message = refusal(tmp_path, text)
    assert "no numeric value in column 1" in message and f"line 1 holds {shown}" in message


@pytest.mark.parametrize("value, why", [
    ("1_000", "'1_000' groups digits with '_'"),
    ("\u0661\u0662\u0663", "is not in ASCII digits"),         # Arabic-Indic 123
    ("\uff11\uff12\uff13", "is not in ASCII digits"),         # full-width 123
    ("infinity", "'infinity' is not a finite number"),
    ("-inf", "'-inf' is not a finite number"),
    ("NaN", "'NaN' is not a finite number"),
    ('"1,120"', "'1,120' holds a comma"),
    ('"112,5"', "'112,5' holds a comma"),
    ('"1 120"', "'1 120' holds a thousands separator"),
    ('"1\u00a0120"', "holds a thousands separator"),
    ("1'120", "\"1'120\" holds a thousands separator"),
    ("1.234.567", "'1.234.567' holds a thousands separator"),
    ("12%", "'12%' is a percentage"),
    ("$5", "not a number: '$5'"),
    ("\u22125", "'\u22125' holds the non-ASCII character '\u2212' (U+2212)"),   # Unicode minus
    ("5\u20ac", "holds the non-ASCII character '\u20ac' (U+20AC)"),
    ("(5)", "not a number: '(5)'"),
    ("0x10", "not a number: '0x10'"),
    ("1e999", "'1e999' is beyond the range of float64"),
    ("1e-400", "'1e-400' is too small for float64 (it would read as 0.0)"),
    ("1.2345678901234567e-320", "is too small for float64"),
])
def test_numbers_other_than_plain_ascii_are_refused(tmp_path, value, why):
    message = refusal(tmp_path, f"1949-01,100\n1949-02,{value}\n1949-03,130\n")
    assert "line 2, column 1:" in message and why in message
    assert "expected a plain number" in message


@pytest.mark.parametrize("value, number", [
    ("-1.5e3", -1500.0), (".5", 0.5), ("7", 7.0), ("+7.", 7.0), ("1E+2", 100.0),
    ("0e-999", 0.0), ("5e-324", 5e-324), ("1.7976931348623157e308", 1.7976931348623157e308),
    ('"112"', 112.0), ("  112  ", 112.0),
])
def test_plain_numbers_are_read(tmp_path, value, number):
    assert read(tmp_path, f"t,v\n1,{value}\n2,1\n").values.tolist() == [number, 1.0]


@pytest.mark.parametrize("text, shown", [
    ("1949-01,1,120\n1949-02,1,130\n1949-03,1,140\n", "'1,120'"),    # every value >= 1000
    ("1,112,5\n2,118,25\n3,132,75\n", "'112,5'"),                    # every value a decimal comma
    ("1949-01,-1,000,000\n1949-02,2,500,000\n", "'-1,000,000'"),
])
def test_header_less_numbers_split_in_every_row_are_refused(tmp_path, text, shown):
    message = refusal(tmp_path, text)
    assert "line 1:" in message and shown in message and "header row" in message


def test_columns_of_digits_named_by_a_header_are_separate(tmp_path):
    series = read(tmp_path, "t,v,count\n1949-01,1,120\n1949-02,1,130\n")
    assert series.values.tolist() == [1.0, 1.0]


def test_a_dot_thousands_separator_among_small_integers_is_refused(tmp_path):
    message = refusal(tmp_path, "1949-01,112\n1949-02,1.120\n1949-03,999\n")
    assert "line 2, column 1: '1.120'" in message and "'.' thousands separator" in message


def test_decimals_with_three_digits_among_decimals_are_read(tmp_path):
    assert read(tmp_path, "a,1.5\nb,1.120\nc,2\n").values.tolist() == [1.5, 1.12, 2.0]


# ---------------------------------------------------------------- group 4

MISSING = ["NA", "N/A", "#N/A", "NaN", "nan", "null", "None", "-", "?", "", "  "]


@pytest.mark.parametrize("token", MISSING)
@pytest.mark.parametrize("label, later", [("1949-01", "1949-02,118\n1949-03,130\n"),
                                          ("1", "2,118\n3,130\n"),
                                          ("2020-01-01", "2020-01-02,118\n2020-01-03,130\n")])
def test_a_first_row_with_a_missing_value_is_a_data_row(tmp_path, token, label, later):
    message = refusal(tmp_path, f"{label},{token}\n{later}")
    assert "line 1, column 1:" in message
    assert ("not a finite number" if token.lower() == "nan" else "missing value") in message
    if token.strip():
        assert repr(token) in message


@pytest.mark.parametrize("header, name", [
    ("Month,Passengers", "Passengers"),
    ('"Month","International airline passengers"', "International airline passengers"),
    (",Passengers", "Passengers"),
    ("Month,NA", "NA"),
    ("Month,2020", "2020"),      # a number as the name of the value column
    (",0", "0"),                 # pandas' Series.to_csv() without a name
])
def test_a_real_header_is_still_a_header(tmp_path, header, name):
    series = read(tmp_path, f"{header}\n1949-01,112\n1949-02,118\n")
    assert series.values.tolist() == [112.0, 118.0] and series.name == name
    assert series.lines == (2, 3)


def test_pandas_index_and_unnamed_column(tmp_path):
    series = read(tmp_path, ",0\n0,112\n1,118\n2,132\n")
    assert series.values.tolist() == [112.0, 118.0, 132.0] and series.lines == (2, 3, 4)


def test_a_missing_value_first_without_labels(tmp_path):
    message = refusal(tmp_path, "NA\n112\n118\n", series_idx=0)
    assert "line 1, column 0: missing value ('NA')" in message


# ---------------------------------------------------------------- group 5

TEXT = "Month,Passengers\n1949-01,112\n1949-02,118\n"


@pytest.mark.parametrize("encoded", [
    codecs.BOM_UTF8 + TEXT.encode("utf-8"),
    TEXT.encode("utf-16"),
    codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
    codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
    TEXT.encode("utf-32"),
    codecs.BOM_UTF32_BE + TEXT.encode("utf-32-be"),
], ids=["utf-8-bom", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-be"])
def test_unicode_files_are_detected_by_their_bom(tmp_path, encoded):
    series = read(tmp_path, encoded)
    assert series.values.tolist() == [112.0, 118.0] and series.name == "Passengers"
    assert series.labels == ("1949-01", "1949-02") and series.lines == (2, 3)


def test_other_bytes_name_file_line_byte_encoding_and_the_way_out(tmp_path):
    text = 'Mois,Passagers\n1949-01,112\n\n"Donn\u00e9es"\n'
    message = refusal(tmp_path, text.encode("latin-1"))
    assert "line 4:" in message and "byte 0xe9" in message and "UTF-8" in message
    assert "re-save the file as UTF-8" in message and "encoding='latin-1'" in message


def test_an_encoding_can_be_named(tmp_path):
    path = write(tmp_path, "t,Temp\u00e9rature\n1,112\n2,118\n".encode("latin-1"))
    series = data_loader.read_series(path, encoding="latin-1")
    assert series.name == "Temp\u00e9rature" and series.values.tolist() == [112.0, 118.0]
    data, norm = data_loader.load_series(path, encoding="cp1252", return_normalization=True)
    assert data.tolist() == [-1.0, 1.0] and norm.mean == 115.0


def test_utf16_without_a_bom_is_recognised_as_such(tmp_path):
    message = refusal(tmp_path, TEXT.encode("utf-16-le"))
    assert "line 1:" in message and "NUL" in message and "UTF-16" in message
    assert read(tmp_path, TEXT.encode("utf-16-le"), encoding="utf-16-le").values.tolist() == [
        112.0, 118.0]


def test_a_bom_contradicting_the_encoding_asked_is_refused(tmp_path):
    message = refusal(tmp_path, codecs.BOM_UTF8 + TEXT.encode("utf-8"), encoding="latin-1")
    assert "UTF-8-SIG byte-order mark" in message and "encoding='latin-1'" in message


@pytest.mark.parametrize("encoding", ["no-such-codec", "rot13", 8])
def test_a_bad_encoding_name_is_a_setting_error(tmp_path, encoding):
    with pytest.raises(SettingError, match="encoding must be a text encoding"):
        read(tmp_path, TEXT, encoding=encoding)


# ---------------------------------------------------------------- group 6

def test_a_header_quoted_over_two_lines_keeps_physical_line_numbers(tmp_path):
    text = '"Month","Passengers\n(thousands)"\n1949-01,112\n1949-02,118\n1949-03,x\n'
    message = refusal(tmp_path, text)
    assert "line 5, column 1: not a number: 'x'" in message
    series = read(tmp_path, text.replace(",x", ",130"))
    assert series.lines == (3, 4, 5) and series.name == "Passengers (thousands)"


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_line_numbers_with_every_line_ending(tmp_path, ending):
    text = ending.join(["Month,Passengers", "", "1949-01,112", "1949-02,118", ""]) + ending
    assert read(tmp_path, text).lines == (3, 4)


def test_a_data_field_running_over_lines_is_an_unclosed_quote(tmp_path):
    message = refusal(tmp_path, '1949-01,112\n"1949-02,118\n1949-03,130\n')
    assert "a quoted field runs from line 2 to line 3" in message
    message = refusal(tmp_path, '1949-01,112\n1949-02,"118\n1949-03",130\n1949-04,140\n')
    assert "from line 2 to line 3" in message


# ---------------------------------------------------------------- group 8

@pytest.mark.parametrize("text", [
    "sep=,\nMonth,Passengers\n1949-01,112\n1949-02,118\n",                # Excel's hint line
    "sep=;\nMonth;Passengers\n1949-01;112\n1949-02;118\n",
    "Month,Passengers,\n1949-01,112,\n1949-02,118,\n",                    # trailing commas
    "Month,Passengers\n1949-01,112,,\n1949-02,118\n",
    '"Month","Passengers"\r\n"1949-01","112"\r\n"1949-02", "118"\r\n',   # quoted, a space
    "Month , Passengers \n 1949-01 ,  112 \n1949-02,118   \n",
    "\ufeffMonth,Passengers\n1949-01,112\n1949-02,118\n",                  # UTF-8 BOM + header
    "Month,Passengers\r1949-01,112\r1949-02,118\r",                       # old Mac line ends
    "Month,Passengers\n1949-01,112\n1949-02,118\nSource: somewhere\n",
])
def test_quirks_of_exported_files_are_read(tmp_path, text):
    series = read(tmp_path, text)
    assert series.values.tolist() == [112.0, 118.0] and series.name == "Passengers"
    assert series.labels == ("1949-01", "1949-02")
    first = 3 if text.startswith("sep=") else 2
    assert series.lines == (first, first + 1)


def test_a_sep_line_with_decimal_commas_is_refused(tmp_path):
    message = refusal(tmp_path, "sep=;\nMonth;Passengers\n1949-01;112,5\n1949-02;118\n")
    assert "line 3, column 1: '112,5' holds a comma" in message


def test_percentages_are_refused_also_when_every_value_is_one(tmp_path):
    message = refusal(tmp_path, "Month,Share\n2020-01,12%\n2020-02,13%\n")
    assert "no numeric value in column 1" in message
    assert "line 2: '12%' is a percentage" in message


@pytest.mark.parametrize("text, line, shown", [
    # a last data row cut short is not a note
    ("1949-01,112\n1949-02,118\n1949-03\n", 3, "row has 1 column(s), expected 2"),
    ("1949-01,112\n1949-02,118\n1949-03,NA\n", 3, "missing value ('NA')"),
    ("1,112\n2,118\n3,\n", 3, "missing value"),
])
def test_a_broken_last_row_is_not_taken_for_a_note(tmp_path, text, line, shown):
    message = refusal(tmp_path, text)
    assert f"line {line}" in message and shown in message


def test_a_nul_character_is_refused(tmp_path):
    message = refusal(tmp_path, "1949-01,112\n1949-02,1\x0018\n")
    assert "line 2:" in message and "NUL" in message


def test_values_are_float64_in_the_files_units(tmp_path):
    series = read(tmp_path, "t,v\n1,0.1\n2,-2.5e-3\n3,123456789012345678\n")
    assert series.values.dtype == np.float64
    assert series.values.tolist() == [0.1, -0.0025, 123456789012345678.0]


@pytest.mark.parametrize("text, line", [
    ("1949-01;112\n1949-02,118\n1949-03,130\n", 1),     # not a title line
    ("1949-01,112\n1949-02,118\n1949-03;130\n", 3),     # not a note
])
def test_a_first_or_last_row_with_another_delimiter_is_refused(tmp_path, text, line):
    message = refusal(tmp_path, text)
    assert f"line {line}:" in message and "holds ';'" in message


def numbered_rows(labels):
    return "".join(f"{label},{100 + i}\n" for i, label in enumerate(labels))


@pytest.mark.parametrize("text, line, shown", [
    # a total row without a blank line before it, under labels that are no ISO dates
    (numbered_rows([str(year) for year in range(1900, 1930)] + ["Total"]), 31,
     "label 'Total' is not a date of the form YYYY like '1900' on line 1"),
    ("Year,Value\n" + numbered_rows([str(year) for year in range(1900, 1948)] + ["Total"]), 50,
     "label 'Total'"),
    (numbered_rows([f"Jan-{i}" for i in range(30)] + ["Total"]), 31,
     "label 'Total' is not shaped like the other labels (such as 'Jan-0' on line 1)"),
    (numbered_rows([str(i) for i in range(1, 21)] + ["Sum"]), 21, "label 'Sum' is not shaped"),
    (numbered_rows([f"{v:.2f}" for v in np.linspace(0.5, 9.5, 20)] + [""]), 21, "label ''"),
    (numbered_rows([f"Jan {year}" for year in range(1949, 1960)] + ["Total 1959"]), 12,
     "'Total 1959' is not a valid month"),
    # with a blank line before it, a total with a number is still not a note
    (numbered_rows([str(year) for year in range(1900, 1930)]) + "\nTotal,99999\n", 32,
     "label 'Total'"),
])
def test_a_last_row_labelled_unlike_the_others_is_a_total_or_note(tmp_path, text, line, shown):
    message = refusal(tmp_path, text)
    assert f"line {line}:" in message and shown in message
    assert "a total or note row?" in message


def test_a_named_column_left_empty_is_read(tmp_path):
    text = "Month,Pass,Note\n" + "".join(f"1949-{m:02d},{100 + m},\n" for m in range(1, 13))
    series = read(tmp_path, text.replace("1949-05,105,", "1949-05,105,strike"))
    assert series.values.tolist() == [100.0 + m for m in range(1, 13)]


@pytest.mark.parametrize("text, line, shown", [
    # the count of fields says which are empty
    ("Month,Pass,Note,Source\n1949-01,112,\n1949-02,118,x,y\n", 2,
     "row has 3 column(s) (the last 1 empty), expected 4 like the header"),
    ("Month,Pass\n1949-01,112\n1949-02,1,120,\n", 3,
     "row has 3 column(s) besides 1 empty one(s) at its end, expected 2"),
    # a value split into a column that the other rows leave empty
    ("Month,Pass,Note\n1949-01,1,120\n1949-02,118,\n1949-03,132,\n1949-04,129,\n", 2,
     "columns 1..2 hold '1,120', but most rows have nothing after column 1"),
    ("Month,Pass,Note\n1949-01,112,\n1949-02,1,180\n1949-03,132,\n1949-04,129,\n", 3,
     "columns 1..2 hold '1,180'"),
    ("1949-01,1,120\n1949-02,118,\n1949-03,132,\n1949-04,129,\n", 1, "columns 1..2 hold '1,120'"),
])
def test_empty_fields_are_counted_truly_and_split_values_refused(tmp_path, text, line, shown):
    message = refusal(tmp_path, text)
    assert f"line {line}:" in message and shown in message


@pytest.mark.parametrize("token", [".", "null"])
def test_fred_and_yahoo_missing_markers_say_how_to_proceed(tmp_path, token):
    """FRED writes '.' and Yahoo 'null' for a day without a value."""
    from series_predictor.data_loader import read_series
    from series_predictor.errors import DataFormatError
    path = tmp_path / "d.csv"
    path.write_text("DATE,DGS10\n2024-01-02,3.9\n2024-01-03," + token + "\n2024-01-04,3.99\n")
    with pytest.raises(DataFormatError, match=r"line 3, column 1: missing value .*delete its row"):
        read_series(str(path), 1)


def test_a_csv_with_pandas_index_first_is_refused_naming_the_value_column(tmp_path):
    """pandas' to_csv writes its index first (',date,value'): column 1 then holds the
    dates and the error only said "not a number: '1949-01'". It now names the column of
    numbers and says the first column, counting rows, would be read as the times."""
    from series_predictor.data_loader import read_series
    path = tmp_path / "frame.csv"
    path.write_text(",date,value\n" + "".join(f"{k},{1949 + k // 12}-{k % 12 + 1:02d},{100 + k}\n"
                                             for k in range(30)))
    with pytest.raises(DataFormatError) as caught:
        read_series(str(path))
    message = str(caught.value)
    assert "not a number: '1949-01'" in message and "(--column 2)" in message
    assert "column 0 counts the rows (pandas' index?)" in message
    path.write_text("month,value,flag\n" + "".join(f"2000-{k:02d},${k},{k % 2}\n"
                                                   for k in range(1, 13)))
    with pytest.raises(DataFormatError) as caught:
        read_series(str(path))
    assert "(--column 2)" in str(caught.value) and "counts the rows" not in str(caught.value)
