"""Answer input: what officers actually type, and what must be refused with a Chinese message.

Refusals are checked by the key of their sentence in prompts/answers.yaml (and the values it is
filled with), never by its wording, which officers may change."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gkassist.answers import (
    MAX_NUMBER,
    InputError,
    Parsed,
    format_value,
    from_json,
    parse_answer,
    parse_counts,
    to_json,
)
from gkassist.errors import UserError
from gkassist.form import FORM
from gkassist.phrases import say

COUNT = "requests.new.natural"
MONEY = "active.fees"
# the conftest's GKASSIST_HOME fixture is per test; these tests never touch it
PROPERTY = settings(
    max_examples=400, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)


def field_of_kind(kind: str) -> str:
    return next(f.id for f in FORM.fields.values() if f.kind == kind)


# --- counts -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("3", 3),
        ("  3 ", 3),
        ("１２", 12),
        ("0", 0),
        ("零", 0),
        ("〇", 0),
        ("1,234", 1234),
        ("１，２３４", 1234),
        ("12,345", 12345),
        ("三", 3),
        ("十二", 12),
        ("一百零五", 105),
        ("两千", 2000),
        ("3件", 3),
        ("7 条", 7),
        ("２个", 2),
        ("4项", 4),
        ("十二件", 12),
        ("0件", 0),
        (str(MAX_NUMBER), MAX_NUMBER),
        ("007", 7),
    ],
)
def test_counts_people_type_are_read(typed, value):
    parsed = parse_answer(COUNT, typed)
    assert parsed.value == value and type(parsed.value) is int
    assert parsed.note is None


@pytest.mark.parametrize("typed", ["无", "没有", "/", "／", "—", "－", "--", "-", "——"])
def test_none_words_and_dashes_are_zero_with_a_note_quoting_them(typed):
    parsed = parse_answer(COUNT, typed)
    assert parsed.value == 0
    assert f"「{typed}」" in parsed.note and "按0计" in parsed.note


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("3.5", "count_not_whole"),
        ("3.0", "count_not_whole"),
        ("三点五", "count_not_whole"),
        ("-3", "count_negative"),
        ("－３", "count_negative"),
        ("负五", "count_negative"),
        ("abc", "count_not_a_number"),
        ("三件左右", "count_not_a_number"),
        ("12，13", "several_numbers"),
        ("12 13", "several_numbers"),
        (str(MAX_NUMBER + 1), "count_too_big"),
        ("一亿", "count_too_big"),
        ("2500元", "count_is_money"),
        ("", "empty_number"),
        ("   ", "empty_number"),
        ("1" * 60, "too_long"),
        # characters that only look like digits (issue 14): NFKC made 「1²」 12 and 「⑫」 12
        ("1²", "odd_digit"),
        ("³", "odd_digit"),
        ("①", "odd_digit"),
        ("⑫", "odd_digit"),
        ("⑴", "odd_digit"),
        ("½", "odd_digit"),
        ("Ⅻ", "odd_digit"),
        ("3件²", "odd_digit"),
        # numerals read digit by digit are no count (cn2an made 两两 22 and 一二三 123)
        ("两两", "digit_by_digit"),
        ("一二三", "digit_by_digit"),
        ("一〇五", "digit_by_digit"),
        ("二〇二四", "digit_by_digit"),
        ("一二三件", "digit_by_digit"),
    ],
)
def test_bad_counts_are_refused_with_what_was_typed_and_what_is_expected(typed, says):
    with pytest.raises(InputError) as err:
        parse_answer(COUNT, typed)
    assert err.value.key == says
    if typed.strip() and len(typed) < 30:
        assert err.value.values["typed"] == typed.strip()  # quoted back as typed
    assert err.value.message == say("answers", says, **err.value.values, count_expected=say("answers", "count_expected"))
    assert isinstance(err.value, UserError) and err.value.exit_code == 2


def test_grouping_commas_only_count_when_they_group_thousands():
    assert parse_answer(COUNT, "1,000,000").value == 1_000_000
    for typed in ["12,13", "1,23", "1234,567", ",123"]:
        with pytest.raises(InputError):
            parse_answer(COUNT, typed)


# --- money --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1.25", "1.25"),
        ("１.２５万元", "1.25"),
        ("１．２５", "1.25"),
        ("0", "0"),
        ("26.55", "26.55"),
        ("4068.208", "4068.208"),
        ("0.0001", "0.0001"),
        ("1,234.5", "1234.5"),
        ("12万元", "12"),
        ("12 万", "12"),
        ("二点五", "2.5"),
        ("二点五万元", "2.5"),
        ("十二", "12"),
        ("1.23450", "1.2345"),
    ],
)
def test_money_is_exact_decimal_in_wanyuan(typed, value):
    parsed = parse_answer(MONEY, typed)
    assert isinstance(parsed.value, Decimal)
    assert parsed.value == Decimal(value)
    assert format_value(MONEY, parsed.value) == value


def test_money_in_yuan_is_converted_to_wanyuan_with_a_note():
    parsed = parse_answer(MONEY, "2500元")
    assert parsed.value == Decimal("0.25")
    assert parsed.note == say("answers", "yuan_note", yuan="2500", wan="0.25")
    assert parse_answer(MONEY, "１０００００元").value == Decimal("10")
    assert format_value(MONEY, parse_answer(MONEY, "100000元").value) == "10"


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("1.23456", "money_too_fine"),
        ("12345.67元", "money_yuan_too_fine"),
        ("-1", "money_negative"),
        ("负一点五", "money_negative"),
        ("很多", "money_not_a_number"),
        ("3件", "money_is_count"),
        ("100000000", "money_too_big"),
        ("12，13", "several_numbers"),
        ("1e5", "money_not_a_number"),
        ("NaN", "money_not_a_number"),
        ("Infinity", "money_not_a_number"),
        ("2²", "odd_digit"),
        ("①万元", "odd_digit"),
        ("一二点五", "digit_by_digit"),
        ("两两元", "digit_by_digit"),
    ],
)
def test_bad_money_is_refused(typed, says):
    with pytest.raises(InputError) as err:
        parse_answer(MONEY, typed)
    assert err.value.key == says
    assert err.value.values["typed"] == typed


def test_money_too_fine_says_how_many_decimals_and_gives_an_example():
    with pytest.raises(InputError) as err:
        parse_answer(MONEY, "1.23456")
    assert (err.value.values["decimals"], err.value.values["example"]) == (5, "1.2346")


def test_dash_in_money_is_zero_with_a_note():
    parsed = parse_answer(MONEY, "/")
    assert parsed.value == Decimal(0) and isinstance(parsed.value, Decimal)
    assert parsed.note == say("answers", "dash_note", typed="/")


# --- a table row on one line --------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "3 1 0 0 0 0",
        "３　１　０　０　０　０",
        "3,1,0,0,0,0",
        "3，1，0，0，0，0",
        "3、1、0、0、0、0",
        " 3  1 0 0 0 零 ",
    ],
)
def test_a_row_typed_on_one_line(typed):
    assert [p.value for p in parse_counts(typed, 6)] == [3, 1, 0, 0, 0, 0]


def test_a_row_keeps_thousands_separators_and_notes():
    row = parse_counts("1,234 5 无 － 0 三", 6)
    assert [p.value for p in row] == [1234, 5, 0, 0, 0, 3]
    assert row[2].note == say("answers", "zero_note", typed="无")
    assert row[3].note == say("answers", "dash_note", typed="－")
    assert row[0].note is None


def test_a_row_with_the_wrong_number_of_values_says_how_many():
    with pytest.raises(InputError) as err:
        parse_counts("3 1 0 0 0", 6)
    assert (err.value.key, err.value.values["n"], err.value.values["typed_n"]) == ("row_count", 6, 5)
    with pytest.raises(InputError) as err:
        parse_counts("310000", 6)
    assert (err.value.key, err.value.values["typed_n"]) == ("row_count", 1)


def test_a_row_with_a_bad_value_names_its_position():
    with pytest.raises(InputError) as err:
        parse_counts("3 1 2.5 0 0 0", 6)
    values = err.value.values
    assert (err.value.key, values["i"], values["n"], values["cause"]) == ("row_cell", 3, 6, "count_not_whole")
    with pytest.raises(InputError) as err:
        parse_counts("3 1 0 0 0 -1", 6)
    assert (err.value.values["i"], err.value.values["cause"]) == (6, "count_negative")


def test_an_empty_row_is_refused():
    with pytest.raises(InputError) as err:
        parse_counts("  ", 3)
    assert err.value.key == "row_empty"


# --- year, date, choice, text, prose -------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["2024", "２０２４", "二〇二四", "二零二四", "2024年", "2024年度", " 2024 "]
)
def test_years(typed):
    assert parse_answer("meta.year", typed).value == 2024


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("24", "year_two_digits"),
        ("2007", "year_out_of_range"),
        (str(dt.date.today().year + 2), "year_out_of_range"),
        ("去年", "year_not_a_year"),
        ("", "year_empty"),
    ],
)
def test_bad_years(typed, says):
    with pytest.raises(InputError) as err:
        parse_answer("meta.year", typed)
    assert err.value.key == says
    if says == "year_out_of_range":
        assert err.value.values["first"] == 2008


def test_odd_digits_name_the_character_and_numerals_with_units_stay_numbers():
    with pytest.raises(InputError) as err:
        parse_answer(COUNT, "1²")
    assert err.value.values["char"] == "²"
    for typed, value in (("十二", 12), ("两", 2), ("二十二", 22), ("一百零五", 105), ("两千", 2000), ("零", 0)):
        assert parse_answer(COUNT, typed).value == value
    assert parse_answer(MONEY, "三点五").value == Decimal("3.5")


def test_a_year_written_digit_by_digit_stays_a_year_where_a_year_is_asked():
    assert parse_answer("meta.year", "二〇二四").value == 2024
    assert parse_answer("meta.year", "二〇二四年").value == 2024
    assert parse_answer("meta.published", "二〇二五年一月二十日").value == "2025-01-20"


def test_next_year_is_accepted_but_not_the_one_after():
    nxt = dt.date.today().year + 1
    assert parse_answer("meta.year", str(nxt)).value == nxt


@pytest.mark.parametrize(
    "typed",
    [
        "2025-01-20",
        "2025/1/20",
        "2025年1月20日",
        "２０２５年１月２０日",
        "2025.1.20",
        "20250120",
        "二〇二五年一月二十日",
        "2025年1月20",
    ],
)
def test_dates(typed):
    assert parse_answer("meta.published", typed).value == "2025-01-20"


@pytest.mark.parametrize(
    ("typed", "says"),
    [("2025-02-30", "date_not_a_day"), ("一月", "date_not_a_date"), ("1999-01-01", "date_year_out_of_range")],
)
def test_bad_dates(typed, says):
    with pytest.raises(InputError) as err:
        parse_answer("meta.published", typed)
    assert err.value.key == says


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("county", "county"),
        ("COUNTY", "county"),
        ("县级", "county"),
        ("4", "county"),
        ("４", "county"),
        ("县", "county"),
        ("乡镇", "township"),
        ("5", "township"),
        ("市级", "city"),
        ("省", "province"),
        ("县级人民政府", "county"),
    ],
)
def test_level_choice(typed, key):
    assert parse_answer("meta.level", typed).value == key


def test_agency_kind_choice_by_label_prefix_and_number():
    f = FORM.field("meta.agency_kind")
    for i, (key, label) in enumerate(f.choices.items(), 1):
        assert parse_answer(f.id, label).value == key
        assert parse_answer(f.id, str(i)).value == key
    assert parse_answer(f.id, "乡镇").value == "township"
    assert parse_answer(f.id, "部门").value == "department"


@pytest.mark.parametrize("typed", ["级", "政府", "9", "0", "村", ""])
def test_a_bad_or_ambiguous_choice_lists_the_choices(typed):
    field = "meta.level" if typed in ("级", "9", "0", "村", "") else "meta.agency_kind"
    with pytest.raises(InputError) as err:
        parse_answer(field, typed)
    for label in FORM.field(field).choices.values():
        assert label in err.value.values["listing"]


def test_text_is_stripped_and_required():
    assert (
        parse_answer("meta.agency", "  怀化市洪江区科技和工业信息化局\n").value
        == "怀化市洪江区科技和工业信息化局"
    )
    with pytest.raises(InputError) as err:
        parse_answer("meta.agency", "   ")
    assert (err.value.key, err.value.values["label"]) == ("text_empty", FORM.field("meta.agency").label)


def test_prose_keeps_paragraphs():
    typed = "\r\n  \r\n　　第一段。  \r\n\r\n　　第二段。\t\r\n\r\n"
    assert parse_answer("problems", typed).value == "　　第一段。\n\n　　第二段。"
    with pytest.raises(InputError):
        parse_answer("problems", "\n \n")
    assert parse_answer("rectification", "  ").value == ""  # optional: left empty


def test_user_text_is_kept_literally():
    evil = "{{ 7*7 }} <script>alert(1)</script>"
    assert parse_answer("problems", evil).value == evil


# --- json and formatting ------------------------------------------------------------------------


def test_json_keeps_money_exact():
    value = parse_answer(MONEY, "4068.208").value
    raw = to_json(MONEY, value)
    assert raw == "4068.208"
    assert from_json(MONEY, json.loads(json.dumps(raw))) == Decimal("4068.208")
    assert from_json(MONEY, 0) == Decimal(0)
    assert to_json(COUNT, 3) == 3 and from_json(COUNT, 3) == 3


@pytest.mark.parametrize(
    ("field", "raw"),
    [
        (COUNT, "3"),
        (COUNT, 2.5),
        (COUNT, True),
        (COUNT, None),
        (MONEY, "abc"),
        (MONEY, "NaN"),
        (MONEY, [1]),
        ("meta.level", "village"),
        ("meta.year", "2024"),
        ("meta.published", "2025-13-01"),
        ("problems", 5),
    ],
)
def test_from_json_rejects_wrong_types(field, raw):
    with pytest.raises(ValueError):
        from_json(field, raw)


def test_format_value_of_choice_is_its_label():
    assert format_value("meta.level", "county") == FORM.field("meta.level").choices["county"]
    assert format_value(COUNT, None) == ""


# --- properties ---------------------------------------------------------------------------------

INPUT_FIELDS = sorted(f.id for f in FORM.fields.values())
_kinds: dict[str, str] = {}
for _f in FORM.fields.values():
    _kinds.setdefault(_f.kind, _f.id)
ONE_FIELD_PER_KIND = sorted(_kinds.values())

# text that looks like what people type into a cell, plus anything at all
cellish = st.one_of(
    st.text(max_size=40),
    st.text(
        alphabet="0123456789０１２３４５６７８９,，.．、 　-－—/无没有零〇一二两三四五六七八九十百千万亿点负件条个项元万年月日",
        max_size=20,
    ),
    st.from_regex(r"\A-?[0-9]{1,9}([.,][0-9]{1,6})?\s*(件|万元|元)?\Z"),
)


@PROPERTY
@given(field=st.sampled_from(ONE_FIELD_PER_KIND + [COUNT, MONEY]), text=cellish)
def test_parse_answer_raises_nothing_but_input_error_and_round_trips(field, text):
    try:
        parsed = parse_answer(field, text)
    except InputError as err:
        assert err.message.strip()
        return
    assert isinstance(parsed, Parsed)
    again = parse_answer(field, format_value(field, parsed.value))
    assert again.value == parsed.value
    assert type(again.value) is type(parsed.value)
    assert from_json(field, json.loads(json.dumps(to_json(field, parsed.value)))) == parsed.value
    kind = FORM.field(field).kind
    if kind == "count":
        assert isinstance(parsed.value, int) and 0 <= parsed.value <= MAX_NUMBER
    if kind == "money":
        assert isinstance(parsed.value, Decimal) and 0 <= parsed.value <= MAX_NUMBER
        assert -parsed.value.as_tuple().exponent <= 4


@PROPERTY
@given(value=st.integers(min_value=0, max_value=MAX_NUMBER))
def test_every_count_renders_back_to_itself(value):
    assert parse_answer(COUNT, format_value(COUNT, value)).value == value


@PROPERTY
@given(value=st.decimals(min_value=0, max_value=MAX_NUMBER, places=4, allow_nan=False, allow_infinity=False))
def test_every_money_value_renders_back_to_itself(value):
    text = format_value(MONEY, value)
    assert parse_answer(MONEY, text).value == value
    assert parse_answer(MONEY, text + "万元").value == value


@PROPERTY
@given(
    values=st.lists(st.integers(min_value=0, max_value=MAX_NUMBER), min_size=1, max_size=7),
    sep=st.sampled_from([" ", "　", "、", ",", "，", " , "]),
)
def test_a_row_renders_back_to_itself(values, sep):
    text = sep.join(format_value(COUNT, v) for v in values)
    assert [p.value for p in parse_counts(text, len(values))] == values


@PROPERTY
@given(text=st.text(max_size=60), n=st.integers(min_value=1, max_value=7))
def test_parse_counts_raises_nothing_but_input_error(text, n):
    try:
        row = parse_counts(text, n)
    except InputError:
        return
    assert len(row) == n and all(isinstance(p.value, int) and p.value >= 0 for p in row)


@PROPERTY
@given(field=st.sampled_from(INPUT_FIELDS), text=st.text(max_size=30))
def test_every_field_of_the_form_accepts_or_explains(field, text):
    try:
        parsed = parse_answer(field, text)
    except InputError:
        return
    assert parse_answer(field, format_value(field, parsed.value)).value == parsed.value


@PROPERTY
@given(text=st.text(max_size=200))
def test_prose_and_text_are_idempotent(text):
    for field in ("problems", "rectification", "meta.agency"):
        try:
            once = parse_answer(field, text).value
        except InputError:
            continue
        assert parse_answer(field, once).value == once
