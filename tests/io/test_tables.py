"""Messy indicator tables, each built here as a file: what is detected, what is parsed, what is refused."""

from __future__ import annotations

import io
import math
import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import deprivation_map as dm
from deprivation_map.errors import DeprivationMapWarning, ValidationError
from deprivation_map.io.detection import parse_numbers
from deprivation_map.io.tables import read_indicators_with_report


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_semicolon_decimal_comma_cp1252_with_accents(tmp_path):
    path = write(
        tmp_path, "lleida.csv", "code;name;poverty\n001;Sant Martí;12,5\n002;Pardinyes — nord;7,25\n", "cp1252"
    )
    table = dm.read_indicators(path, id_col="code")
    report = dm.check_table(path, id_col="code")
    assert table.index.tolist() == ["001", "002"]
    assert table["name"].tolist() == ["Sant Martí", "Pardinyes — nord"]
    assert table["poverty"].tolist() == [12.5, 7.25]
    assert (report.encoding, report.sep, report.decimal, report.thousands) == ("cp1252", ";", ",", None)
    assert set(report.detected) == {"encoding", "sep", "decimal", "thousands"}
    assert "not valid UTF-8" in report.detected["encoding"] and "'12,5'" in report.detected["decimal"]
    assert report.parsed == {"poverty": ("decimal comma",)}
    assert list(report.text_columns) == ["name"]
    assert report.to_frame().to_dict("index") == {
        "name": {
            "read_as": "text",
            "how": "only 0 of its 2 text values are numbers",
            "unparsed": 0,
            "missing_markers": 0,
        },
        "poverty": {"read_as": "number", "how": "decimal comma", "unparsed": 0, "missing_markers": 0},
    }


def test_latin1_bytes_undefined_in_cp1252_fall_back_to_latin1(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"code,x\n1,2\n\x81x,3\n")  # 0x81 is undefined in cp1252
    assert dm.check_table(path, id_col="code").encoding == "latin-1"


def test_utf8_bom_and_tabs(tmp_path):
    path = write(tmp_path, "t.tsv", "\ufeffcode\tΔήμος\tx\n13\tΠάτρα\t1.5\n14\tΑίγιο\t2\n")
    table = dm.read_indicators(path, id_col="code")
    report = dm.check_table(path, id_col="code")
    assert (report.encoding, report.sep) == ("utf-8-sig", "\t")
    assert table.index.name == "code" and table["Δήμος"].tolist() == ["Πάτρα", "Αίγιο"]
    assert table["x"].tolist() == [1.5, 2.0]


def test_thousands_dot_with_decimal_comma_and_grouped_comma_with_point(tmp_path):
    es = write(tmp_path, "es.csv", "code;pop;income\nA;1.234.567;12.345,5\nB;980;9.876,25\n")
    table = dm.read_indicators(es, id_col="code")
    assert table["pop"].tolist() == [1234567, 980] and table["income"].tolist() == [12345.5, 9876.25]
    report = dm.check_table(es, id_col="code")
    assert (report.decimal, report.thousands) == (",", ".")
    assert report.parsed["income"] == ("thousands separator '.'", "decimal comma")
    en = write(tmp_path, "en.csv", 'code,income\nA,"12,345.5"\nB,"1,000"\n')
    assert dm.read_indicators(en, id_col="code")["income"].tolist() == [12345.5, 1000.0]
    assert dm.check_table(en, id_col="code").thousands == ","


def test_percent_signs_and_spaces_between_digit_groups(tmp_path):
    path = write(tmp_path, "t.csv", "code;unemployed;pop\n1;12,5 %;1\u00a0234\n2;7%;12 345 678\n")
    table = dm.read_indicators(path, id_col="code")
    assert table["unemployed"].tolist() == [12.5, 7.0]
    assert table["pop"].tolist() == [1234, 12345678]
    report = dm.check_table(path, id_col="code")
    assert report.parsed["unemployed"] == ("percent sign removed (values in percent points)", "decimal comma")
    assert report.parsed["pop"] == ("spaces between digit groups",)


def test_a_value_that_reads_two_ways_is_refused_until_decimal_is_given(tmp_path):
    path = write(tmp_path, "t.csv", "code,x\n1,1.234\n2,5.678\n")
    with pytest.raises(ValidationError, match=r"Cannot tell how to read values such as '1.234'.*decimal='.'"):
        dm.read_indicators(path, id_col="code")
    assert dm.read_indicators(path, id_col="code", decimal=".")["x"].tolist() == [1.234, 5.678]
    assert dm.read_indicators(path, id_col="code", decimal=",")["x"].tolist() == [1234, 5678]
    report = dm.check_table(path, id_col="code", decimal=",")
    assert "decimal" not in report.detected and "(given)" in report.summary()


def test_contradicting_decimal_separators_are_refused(tmp_path):
    path = write(tmp_path, "t.csv", "code;x;y\n1;2,5;1.5\n")
    with pytest.raises(ValidationError, match=r"contradict.*'2,5' has a decimal comma and '1.5' a decimal point"):
        dm.read_indicators(path, id_col="code")


def test_text_in_a_numeric_column_is_named_by_column_row_and_id(tmp_path):
    path = write(tmp_path, "t.csv", "code,poverty,degree\n001,12.5,3\n002,n.d.,4\n003,7.5,5\n004,8.5,6\n")
    with pytest.raises(ValidationError, match=r"column 'poverty': row 3 \(ID '002'\): 'n.d.'") as err:
        dm.read_indicators(path, id_col="code")
    assert "na_values" in str(err.value) and "on_unparsed='missing'" in str(err.value)
    table = dm.read_indicators(path, id_col="code", na_values=["n.d."])
    assert table["poverty"].isna().tolist() == [False, True, False, False]
    report = dm.check_table(path, id_col="code", on_unparsed="missing")
    assert report.unparsed == {"poverty": ("002",)} and "unparsed=1" in repr(report)


def test_codes_with_leading_zeros_stay_text_and_text_cols_is_honoured(tmp_path):
    path = write(tmp_path, "t.csv", "code,municipality,zip,x\n1,01059,08001,2\n2,08019,08002,3\n")
    table = dm.read_indicators(path, id_col="code", text_cols=["zip"])
    assert table["municipality"].tolist() == ["01059", "08019"] and table["zip"].tolist() == ["08001", "08002"]
    report = dm.check_table(path, id_col="code", text_cols=["zip"])
    assert "leading zeros" in report.text_columns["municipality"] and report.text_columns["zip"] == "given in text_cols"


def test_separator_that_cannot_be_told_asks_for_sep(tmp_path):
    path = write(tmp_path, "t.csv", "code x\n1 2\n")
    with pytest.raises(ValidationError, match=r"Could not tell the field separator.*sep="):
        dm.read_indicators(path, id_col="code")
    assert dm.read_indicators(path, id_col="code", sep=" ")["x"].tolist() == [2]


def test_excel_sheets_text_numbers_and_numeric_codes(tmp_path):
    path = tmp_path / "t.xlsx"
    with pd.ExcelWriter(path) as book:
        pd.DataFrame({"code": [801901001, "0801901002"], "x": ["12,5", 3.25]}).to_excel(
            book, sheet_name="data", index=False
        )
        pd.DataFrame({"note": ["source: INE"]}).to_excel(book, sheet_name="notes", index=False)
    with pytest.raises(ValidationError, match=r"sheets 'data', 'notes'; choose one with sheet="):
        dm.read_indicators(path, id_col="code")
    table = dm.read_indicators(path, id_col="code", sheet="data")
    assert table.index.tolist() == ["801901001", "0801901002"]
    assert table["x"].tolist() == [12.5, 3.25]
    report = dm.check_table(path, id_col="code", sheet="data")
    assert (report.format, report.sheet, report.decimal) == ("excel", "data", ",")


def test_excel_cells_holding_only_numbers_become_numeric_columns(tmp_path):
    # openpyxl hands numbers over as Python objects: a column of numeric cells must not stay dtype object
    path = tmp_path / "t.xlsx"
    pd.DataFrame(
        {"code": ["01", "02", "03"], "rate": [12.5, 3.25, None], "pop": [100, 250, 75], "flag": [True, False, True]}
    ).to_excel(path, index=False)
    table = dm.read_indicators(path, id_col="code")
    assert table["rate"].dtype == "float64" and table["rate"].iloc[:2].tolist() == [12.5, 3.25]
    assert pd.api.types.is_integer_dtype(table["pop"]) and table["pop"].tolist() == [100, 250, 75]
    assert table["flag"].dtype == object  # booleans are not numbers: left as they are


def test_parquet_tables(tmp_path):
    path = tmp_path / "t.parquet"
    pd.DataFrame({"code": ["01", "02"], "x": [1.5, 2.5], "y": ["3%", "4%"]}).to_parquet(path)
    table = dm.read_indicators(path, id_col="code")
    assert table.index.tolist() == ["01", "02"] and table["y"].tolist() == [3.0, 4.0]
    report = dm.check_table(path, id_col="code")
    assert report.format == "parquet"
    assert report.to_frame()["read_as"].to_dict() == {"x": "as stored", "y": "number"}


def test_long_tables_are_pivoted_in_order_of_appearance(tmp_path):
    text = "area;indicator;year;value\n02;poverty;2021;10,5\n01;poverty;2021;9\n02;poverty;2011;8\n01;degree;2021;30\n"
    path = write(tmp_path, "long.csv", text)
    table = dm.read_indicators(path, id_col="area", indicator_col="indicator", year_col="year")
    assert table.index.tolist() == ["02", "01"]
    assert table.columns.tolist() == ["poverty_2021", "poverty_2011", "degree_2021"]
    assert table.loc["02", "poverty_2021"] == 10.5 and math.isnan(table.loc["02", "degree_2021"])
    report = dm.check_table(path, id_col="area", indicator_col="indicator", year_col="year")
    assert report.layout == "long" and report.notes == (
        "2 (ID, indicator) pairs absent from the long table are missing values",
    )
    twice = write(tmp_path, "twice.csv", text + "01;poverty;2021;9,5\n")
    with pytest.raises(
        ValidationError, match=r"2 rows repeating an \(id, indicator, year\) pair, such as \('01', 'poverty_2021'\)"
    ):
        dm.read_indicators(twice, id_col="area", indicator_col="indicator", year_col="year")
    with pytest.raises(ValidationError, match=r"also has columns 'year'.*usecols="):
        dm.read_indicators(path, id_col="area", indicator_col="indicator")
    assert report.to_frame()["how"].tolist() == ["decimal comma"] * 3
    bad = write(tmp_path, "bad.csv", text + "03;poverty;2021;n.d.\n")
    with pytest.raises(ValidationError, match=r"column 'value': row 6 \(ID '03'\): 'n.d.'"):
        dm.read_indicators(bad, id_col="area", indicator_col="indicator", year_col="year")


def test_report_options_read_the_same_table_again_without_detection(tmp_path):
    path = write(tmp_path, "t.csv", "code;x\n1;1.234,5\n2;2\n", "cp1252")
    report = dm.check_table(path, id_col="code")
    assert report.options == {"sep": ";", "decimal": ",", "thousands": ".", "encoding": "utf-8"}
    plain = dm.check_table(write(tmp_path, "p.csv", "code;x\n1;2,5\n"), id_col="code")
    assert plain.options["thousands"] == "" and "thousands: none (detected" in plain.summary()
    assert dm.check_table(tmp_path / "p.csv", id_col="code", **plain.options).detected == {}
    again = dm.check_table(path, id_col="code", **report.options)
    assert again.detected == {}
    pd.testing.assert_frame_equal(
        dm.read_indicators(path, id_col="code", **report.options), dm.read_indicators(path, id_col="code")
    )
    assert repr(report).startswith("TableReport('t.csv', csv, rows=2, columns=1, sep=';'")
    with pytest.raises(ValidationError, match="Unknown table options 'delimiter'"):
        dm.check_table(path, id_col="code", delimiter=";")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=-(10**9), max_value=10**9), min_size=1, max_size=20))
def test_numbers_written_in_spanish_style_parse_back_exactly(cents):
    """Property: any amount written as '1.234.567,89' reads back as the number it was."""
    text = [f"{c / 100:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".") for c in cents]
    numbers, failed, _ = parse_numbers(pd.Series(text, dtype=str), decimal=",", thousands=".")
    assert not failed.any()
    assert numbers.tolist() == [round(c / 100, 2) for c in cents]


def test_indicator_ids_keep_leading_zeros(tmp_path):
    (tmp_path / "t.csv").write_text("code,x\n0801901001,1.5\n0801901002,2.5\n", encoding="utf-8")
    table = dm.read_indicators(tmp_path / "t.csv", id_col="code")
    assert table.index.tolist() == ["0801901001", "0801901002"]
    assert table["x"].tolist() == [1.5, 2.5]


# --- a corpus of malformed tables: every one is the library's error, naming the file and giving the fix


def _xlsx_bytes(rows):
    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


_LINES = [f"{i:03d},{i}\n" for i in range(1, 61)]
_ROWS = "".join(_LINES)
MALFORMED = {  # case -> (file name, its bytes, options, what the message must say after the file's name)
    "ragged line beyond the first 50": (
        "rag.csv",
        f"code,x\n{_ROWS}061,1,5\n".encode(),
        {},
        r"line 62 has 3 fields where.*have 2.*double quotes",
    ),
    "ragged line among the first 50": (
        "rag7.csv",
        ("code,x\n" + "".join(_LINES[:20]) + "021,1,5\n" + "".join(_LINES[20:30])).encode(),
        {},
        r"but line 22 has 3\. Fix those lines",
    ),
    "text saved as .xlsx": ("t.xlsx", b"code,x\n1,2\n", {}, r"not an Excel workbook.*text 'code,x'.*\.csv extension"),
    "truncated workbook": ("cut.xlsx", _xlsx_bytes([["code", "x"], ["1", 2]])[:900], {}, r"truncated or damaged"),
    "old .xls named .xlsx": ("old.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), {}, r"97-2003.*as \.xlsx"),
    "empty file": ("empty.csv", b"", {}, r"is empty \(0 bytes\).*again"),
    "only blank lines": ("blank.csv", b"\n \n\n", {}, r"has no table to read"),
    "UTF-16 without byte-order mark": ("u16.csv", "code,x\n1,2\n".encode("utf-16-le"), {}, r"encoding='utf-16-le'"),
    "binary file named .csv": ("bin.csv", bytes(range(256)) * 4, {}, r"zero bytes.*save it as CSV"),
    "title row above the header": ("title.csv", b"Poverty by area, 2021\ncode,x\n1,2\n2,3\n", {}, r"skiprows=1"),
    "title row with separators": ("title2.csv", b"Table 1;;\n\ncode;x;y\n1;2;3\n2;3;4\n", {}, r"line 3 .*skiprows=2"),
    "unclosed quote": ("quote.csv", b'code,x\n1,"2\n2,3\n', {}, r"unclosed double quote"),
    "not Parquet": ("p.parquet", b"code,x\n1,2\n", {}, r"not a Parquet file.*\.csv extension"),
    "duplicate column names": ("dup.csv", b"code,x,x\n1,2,3\n", {}, r"same name.*'x' at columns 2, 3.*usecols="),
    "blank and whitespace IDs": ("ids.csv", b"code,x\nA,1\n,2\n  ,3\n", {}, r"2 rows with no ID.*'3', '4'"),
    "markers left as text": (
        "markers.csv",
        b"code,x\n1,2\n2,*\n3,..\n4,:\n5,-\n6,5\n",
        {},
        r"na_values=\['\*', '\.\.', ':', '-'\]",
    ),
    "Cyrillic in a code page": (
        "ru.csv",
        "code;name\n1;Москва\n2;Новосибирск\n".encode("cp1251"),
        {},
        r"encoding='cp1251' \(Cyrillic\) reads",
    ),
    "missing sheet": ("s.xlsx", _xlsx_bytes([["code", "x"], ["1", 2]]), {"sheet": "Data"}, r"no sheet 'Data'.*'Sheet'"),
    "no such file": ("absent.csv", None, {}, r"No indicator table file"),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_each_malformed_table_is_refused_naming_the_file_and_the_fix(tmp_path, case):
    name, data, options, message = MALFORMED[case]
    if data is not None:
        (tmp_path / name).write_bytes(data)
    with pytest.raises(ValidationError) as err:
        dm.read_indicators(tmp_path / name, id_col="code", **options)
    assert isinstance(err.value, dm.errors.DeprivationMapError) and f"{name}'" in str(err.value)
    assert re.search(message, str(err.value), re.DOTALL), str(err.value)


def test_utf16_with_a_byte_order_mark_is_read_and_reported(tmp_path):
    path = write(tmp_path, "u.txt", "code\tΔήμος\tx\n01\tΠάτρα\t1,5\n", "utf-16")  # Excel's "Unicode text"
    table, report = read_indicators_with_report(path, id_col="code")
    assert table.loc["01", "Δήμος"] == "Πάτρα" and table.loc["01", "x"] == 1.5
    assert report.encoding == "utf-16" and "byte-order mark" in report.detected["encoding"]


def test_greek_text_saved_by_a_greek_spreadsheet_is_read_as_cp1253(tmp_path):
    # Windows-1253 used to be decoded as cp1252 without a word: 'Πάτρα' became 'ÐÜôñá'
    names = ["ΠΑΤΡΕΩΝ", "Αίγιο", "Δυτικής Αχαΐας", "Ναύπακτος"]
    path = write(tmp_path, "gr.csv", "code;name\n" + "".join(f"{i};{n}\n" for i, n in enumerate(names)), "cp1253")
    table, report = read_indicators_with_report(path, id_col="code")
    assert table["name"].tolist() == names
    assert report.encoding == "cp1253" and "Greek in Windows-1253" in report.detected["encoding"]


def test_a_title_above_the_header_reads_with_skiprows_and_the_report_keeps_it(tmp_path):
    path = write(tmp_path, "t.csv", "Poverty by area, 2021\ncode,x\n001,2.5\n002,3\n")
    table, report = read_indicators_with_report(path, id_col="code", skiprows=1)
    assert table["x"].tolist() == [2.5, 3.0] and report.options["skiprows"] == 1
    pd.testing.assert_frame_equal(dm.read_indicators(path, id_col="code", **report.options), table)
    workbook = tmp_path / "t.xlsx"
    workbook.write_bytes(_xlsx_bytes([["Poverty by area"], [], ["code", "x"], ["001", 2.5]]))
    with pytest.raises(ValidationError, match=r"'t\.xlsx' has no column 'code'.*line 3 holds 'code'.*skiprows=2"):
        dm.read_indicators(workbook, id_col="code")
    assert dm.read_indicators(workbook, id_col="code", skiprows=2)["x"].tolist() == [2.5]


def test_trailing_separators_make_no_phantom_column_and_are_noted(tmp_path):
    path = write(tmp_path, "t.csv", "code;x;\n1;2,5;\n2;3;\n")
    table, report = read_indicators_with_report(path, id_col="code")
    assert table.columns.tolist() == ["x"] and table["x"].tolist() == [2.5, 3.0]
    assert "no name and no value" in report.notes[0] and "no name and no value" in report.summary()


def test_duplicate_column_names_that_usecols_leaves_out_are_not_in_the_way(tmp_path):
    path = write(tmp_path, "t.csv", "code,x,note,note\n1,2,a,b\n")
    assert dm.read_indicators(path, id_col="code", usecols=["x"]).columns.tolist() == ["x"]


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_spreadsheet_errors_are_missing_values_counted_and_warned_about(tmp_path, ext):
    rows = [["code", "x"], ["1", 2], ["2", "#DIV/0!"], ["3", "#N/A"], ["4", "#VALUE!"], ["5", 5], ["6", "#DIV/0!"]]
    path = tmp_path / f"t.{ext}"
    if ext == "csv":
        path.write_text("".join(f"{a},{b}\n" for a, b in rows))
    else:
        path.write_bytes(_xlsx_bytes(rows))  # openpyxl stores '#DIV/0!' as an error cell, as Excel does
    with pytest.warns(DeprivationMapWarning, match=r"spreadsheet errors.*'x': .*#DIV/0! x2"):
        table, report = read_indicators_with_report(path, id_col="code")
    assert table["x"].isna().tolist() == [False, True, True, True, False, True]
    assert report.missing_markers == {"x": {"#DIV/0!": 2, "#N/A": 1, "#VALUE!": 1}}
    assert report.to_frame().loc["x", "missing_markers"] == 4 and "#DIV/0!' x2" in report.summary()


def test_pandas_missing_markers_are_counted_and_ids_are_never_missing(tmp_path):
    # NA is Namibia's code: as an ID it is text; in a numeric column it is a missing value, counted
    text = "code,rate,iso\nNA,n/a,NA\nnull,NA,ZA\nnan,null,BW\nZA,nan,ZW\nBW,1.5,LS\nLS,2,SZ\n"
    table, report = read_indicators_with_report(write(tmp_path, "t.csv", text), id_col="code")
    assert table.index.tolist() == ["NA", "null", "nan", "ZA", "BW", "LS"]
    assert table["rate"].isna().sum() == 4
    assert report.missing_markers == {"rate": {"n/a": 1, "NA": 1, "null": 1, "nan": 1}}
    assert table["iso"].tolist()[0] == "NA"  # a text column keeps its text
    assert "4 cells read as missing from markers" in report.summary() and "missing_markers=4" in repr(report)


def test_markers_given_in_na_values_are_counted_too(tmp_path):
    path = write(tmp_path, "t.csv", "code,x\n1,2\n2,..\n3,*\n4,..\n")
    report = dm.check_table(path, id_col="code", na_values=["..", "*"])
    assert report.missing_markers == {"x": {"..": 2, "*": 1}}
