import pytest

from model.numbers import format_number, parse_stat
from model.outline import StatField

INT = StatField("n", "Dân số", "người", "integer", 0, 2_000_000)
DEC = StatField("d", "Diện tích", "km²", "decimal", 0, 20_000)
PCT = StatField("p", "Tỷ lệ", "%", "percent", 0, 100)


@pytest.mark.parametrize("text, value", [
    ("3.456", 3456), ("3456", 3456), ("1.234.567", 1234567), (" 3 456 ", 3456),
    ("3\u00a0456", 3456), ("０１２", 12), ("+7", 7), ("0", 0),
])
def test_integers(text, value):
    p = parse_stat(text, INT)
    assert p.ok and p.value == value


@pytest.mark.parametrize("text, value", [("1,5", 1.5), ("3.456,25", 3456.25), (",5", 0.5), ("12", 12)])
def test_decimals(text, value):
    p = parse_stat(text, DEC)
    assert p.ok and p.value == pytest.approx(value)


@pytest.mark.parametrize("text, value", [("1,51%", 1.51), ("1,51", 1.51), ("100", 100), ("0,5 %", 0.5)])
def test_percent(text, value):
    p = parse_stat(text, PCT)
    assert p.ok and p.value == pytest.approx(value)


@pytest.mark.parametrize("field, text, message", [
    (DEC, "3.5", "Dấu chấm dùng để tách hàng nghìn"),
    (INT, "1,5", "số nguyên"),
    (INT, "abc", "Chỉ nhập chữ số"),
    (INT, "12.34", "Dấu chấm"),
    (INT, "1.23.456", "Chỉ nhập chữ số"),
    (INT, "-3", "âm"),
    (INT, "3.000.000", "từ 0 đến 2.000.000"),
    (PCT, "101", "từ 0 đến 100"),
    (DEC, "1,2,3", "Chỉ nhập chữ số"),
    (INT, "1e5", "Chỉ nhập chữ số"),
    (INT, "nan", "Chỉ nhập chữ số"),
])
def test_refused_with_a_reason_and_no_value(field, text, message):
    p = parse_stat(text, field)
    assert p.value is None
    assert message in p.error


def test_empty_is_not_an_error():
    p = parse_stat("  ", INT)
    assert p.value is None and p.error is None


def test_related_fields():
    child = StatField("c", "Đảng viên DTTS", "người", "integer", 0, 1000, not_more_than="n")
    assert parse_stat("50", child, {"n": 40}).error
    assert parse_stat("50", child, {"n": 40}).value is None
    assert parse_stat("40", child, {"n": 40}).ok


@pytest.mark.parametrize("value, kind, text", [
    (3456, "integer", "3.456"), (1234567, "integer", "1.234.567"), (0, "integer", "0"),
    (999, "integer", "999"), (1.51, "percent", "1,51%"), (100, "percent", "100%"),
    (1234.5, "decimal", "1.234,5"), (0.25, "decimal", "0,25"), (12.0, "decimal", "12"),
])
def test_format(value, kind, text):
    assert format_number(value, kind) == text


def test_round_trip():
    for v in [0, 7, 12.5, 1234.56, 19876.4]:
        text = format_number(v, "decimal", unit=False)
        assert parse_stat(text, DEC).value == pytest.approx(v)
