import math

import pytest

from iid_research.numbers import parse_number


@pytest.mark.parametrize("text, scale, expected", [
    ("60,01", "index", 60.01),
    ("74.400", "raw", 74400.0),
    ("74.400", "index", 74.4),
    ("1.234,5", "index", 1234.5),
    ("1,234.5", "index", 1234.5),
    (" 54.28 ", "index", 54.28),
    ("120", "raw", 120.0),
    ("1.971", "raw", 1971.0),
    ("25.124", "raw", 25124.0),
    ("1.234.567", "raw", 1234567.0),
    ("-0,36", "index", -0.36),
    (58.07, "index", 58.07),
])
def test_parse_number_reads_indonesian_and_english_notation(text, scale, expected):
    assert parse_number(text, scale=scale) == pytest.approx(expected)


@pytest.mark.parametrize("text", [None, "", "-", "  "])
def test_parse_number_missing_values_are_nan(text):
    assert math.isnan(parse_number(text))


@pytest.mark.parametrize("text", ["abc", "6o,01", "1,2,3", "12.34.5"])
def test_parse_number_rejects_non_numbers(text):
    with pytest.raises(ValueError, match="cannot read"):
        parse_number(text)


def test_parse_number_rejects_unknown_scale():
    with pytest.raises(ValueError, match="scale"):
        parse_number("1", scale="percent")


@pytest.mark.parametrize("text", ["60.0,1", "1.2,3", "6,0.01", "1.2345,6", "1,2,3.4"])
def test_both_separators_must_group_thousands(text):
    with pytest.raises(ValueError, match="cannot read"):
        parse_number(text)
