"""Typed input: what a person types → a typed value, or an ``InputError`` saying what is expected.

One entry point per use: ``parse_answer`` for a single field (dispatching on the field's kind in
``FORM``), ``parse_counts`` for a table row typed on one line. ``format_value`` renders a value back
so that parsing it again gives the same value (the property tests hold us to that), and
``to_json`` / ``from_json`` are the session document's encoding (money as a string, to stay exact).

Values (docs/internals.md): count → int ≥ 0; money (万元) → Decimal with at most 4 decimals;
text/prose → str; year → int; choice → the choice's key; date → "YYYY-MM-DD".
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from gkassist.errors import UserError
from gkassist.form import FORM, Field
from gkassist.phrases import say
from gkassist.text import DIGIT_VALUES, nfkc, parse_int

MAX_NUMBER = 10_000_000
MAX_MONEY_DECIMALS = 4
FIRST_YEAR = 2008  # the first reporting year under the 2008 条例
# A number cell longer than this is not a number anyone meant; it also keeps cn2an away from
# pathological strings.
MAX_NUMBER_TEXT = 40

COUNT_UNITS = ("件", "条", "个", "项")

# Typed for "nothing": plain zero, silently.
_ZERO_WORDS = {"0", "零", "〇"}
# Typed for "nothing" but not a digit: zero, with a note, because the officer may have meant
# "does not apply" rather than "none" and should see what we made of it.
_NONE_WORDS = {"无", "没有"}
_DASHES = {"/", "-", "--", "—", "——", "―", "–", "－", "\\"}
_CN_NUMERAL_CHARS = set(DIGIT_VALUES) | set("十拾百佰千仟万亿廿点")
_FULL_WIDTH_DIGITS = set("０１２３４５６７８９")

_PLAIN = re.compile(r"[0-9]+", re.ASCII)
_GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+", re.ASCII)
_DECIMAL = re.compile(r"([0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)\.([0-9]+)", re.ASCII)


class InputError(UserError):
    """What was typed cannot be used; ``message`` says what was typed and what is expected.

    The sentence is ``key`` in ``prompts/answers.yaml``, filled with ``values`` (``typed``: what was
    typed, as quoted back); code and tests go by the key and values, officers reword the sentence.
    """

    def __init__(self, key: str, **values: Any) -> None:
        self.key = key
        self.values = values
        super().__init__(_say(key, **values))


def _say(key: str, **values: Any) -> str:
    first, last = _year_range()
    expected = {
        "count_expected": say("answers", "count_expected"),
        "money_expected": say("answers", "money_expected"),
        "date_expected": say("answers", "date_expected"),
        "year_expected": say("answers", "year_expected", first=first, last=last, example=last - 1),
    }
    return say("answers", key, **expected, **values)


@dataclass(frozen=True)
class Parsed:
    value: int | Decimal | str
    note: str | None = None  # e.g. "「无」按0计"


# --- helpers ------------------------------------------------------------------------------------


def _shown(text: str) -> str:
    """The typed text as quoted back in a message (trimmed so a pasted paragraph stays readable)."""
    t = " ".join(text.split())
    return t if len(t) <= 30 else t[:30] + "…"


def _strip_unit(s: str, units: tuple[str, ...]) -> tuple[str, str | None]:
    for unit in units:
        if s.endswith(unit) and len(s) > len(unit):
            return s[: -len(unit)].strip(), unit
    return s, None


def _zero_token(s: str, typed: str | None = None) -> Parsed | None:
    """0 for the words and marks people type for "none"; a note unless it was a plain zero.

    ``typed`` is the token as the person typed it (「－」rather than its normalised "-"), for the note.
    """
    shown = typed if typed and len(typed) <= 4 else s
    if s in _ZERO_WORDS:
        return Parsed(0)
    if s in _NONE_WORDS:
        return Parsed(0, _say("zero_note", typed=shown))
    if s in _DASHES:
        return Parsed(0, _say("dash_note", typed=shown))
    return None


def _cn_integer(s: str) -> int | None:
    """A Chinese numeral without a decimal point (「十二」「一百零五」「两千」「二〇二四」), else None."""
    if not s or any(ch not in _CN_NUMERAL_CHARS for ch in s) or "点" in s:
        return None
    return parse_int(s)


def _cn_number(s: str) -> Decimal | None:
    """A Chinese numeral, possibly with 点 (「三点五」), as an exact Decimal, else None.

    cn2an returns a float for 点; the fraction's digits are mapped here one by one instead so that
    a long fraction stays exact.
    """
    if not s or any(ch not in _CN_NUMERAL_CHARS for ch in s):
        return None
    if "点" not in s:
        n = _cn_integer(s)
        return None if n is None else Decimal(n)
    whole, _, frac = s.partition("点")
    if not whole or not frac or "点" in frac or any(ch not in DIGIT_VALUES for ch in frac):
        return None
    n = _cn_integer(whole)
    if n is None:
        return None
    return Decimal(f"{n}.{''.join(str(DIGIT_VALUES[ch]) for ch in frac)}")


def _arabic(s: str) -> Decimal | None:
    """Digits with optional thousands separators and decimal point, else None.

    Commas are thousands separators only when the groups really are groups of three: 「12，13」is
    two numbers (or a typo), never 1213.
    """
    if _PLAIN.fullmatch(s) or _GROUPED.fullmatch(s):
        return Decimal(s.replace(",", ""))
    m = _DECIMAL.fullmatch(s)
    if m:
        return Decimal(f"{m.group(1).replace(',', '')}.{m.group(2)}")
    return None


def _is_negative(s: str) -> bool:
    return len(s) > 1 and (s[0] in "-－—–−" or s[0] == "负")


def _odd_digit(raw: str) -> str | None:
    """The first character of ``raw`` that stands for a number without being a digit 0–9 (plain
    or full-width) or a Chinese numeral: a superscript (「1²」 would read as 12), a circled or
    bracketed number (「①」「⑫」「⑴」), a fraction, a Roman numeral. None when there is none."""
    for ch in raw:
        if ch.isascii() or ch in _FULL_WIDTH_DIGITS or ch in _CN_NUMERAL_CHARS:
            continue
        if unicodedata.numeric(ch, None) is not None:
            return ch
    return None


def _prepare_number(text: str) -> tuple[str, str]:
    """(normalised text, text as typed for messages); rejects empty and overlong input, and
    characters that only look like digits (read after NFKC they would change the number)."""
    if not isinstance(text, str):
        raise InputError("no_number")
    raw = text.strip()
    odd = _odd_digit(raw)
    if odd is not None:
        raise InputError("odd_digit", typed=_shown(raw), char=odd)
    s = nfkc(raw).strip()
    if not s:
        raise InputError("empty_number")
    if len(s) > MAX_NUMBER_TEXT:
        raise InputError("too_long", typed=_shown(raw))
    return s, raw


def _digit_by_digit(s: str, shown: str) -> None:
    """Refuse numerals read digit by digit (「两两」「一二三」): as a count they are no number anyone
    writes (cn2an would make them 22 and 123); a year is written so, and is read by ``parse_year``."""
    whole = s.partition("点")[0]
    if len(whole) >= 2 and all(ch in DIGIT_VALUES for ch in whole):
        raise InputError("digit_by_digit", typed=shown)


def _too_big(shown: str, key: str) -> InputError:
    return InputError(key, typed=shown, max=MAX_NUMBER)


def _not_single(s: str, shown: str, expected: str) -> InputError | None:
    """An error for input that looks like several numbers in one cell, else None.

    ``expected``: the key of the sentence saying what the cell takes."""
    parts = [p for p in re.split(r"[\s,、;；]+", s) if p]
    if len(parts) > 1 and all(_arabic(p) is not None or _cn_number(p) is not None for p in parts):
        return InputError("several_numbers", typed=shown, n=len(parts), expected=say("answers", expected))
    return None


# --- counts and money ---------------------------------------------------------------------------


def parse_count(text: str) -> Parsed:
    """A count (件): a whole number ≥ 0."""
    s, raw = _prepare_number(text)
    shown = _shown(raw)
    zero = _zero_token(s, raw)
    if zero:
        return zero
    if _is_negative(s):
        raise InputError("count_negative", typed=shown)
    s, _unit = _strip_unit(s, COUNT_UNITS)
    zero = _zero_token(s)
    if zero:
        return zero
    if s.endswith("元"):
        raise InputError("count_is_money", typed=shown)
    _digit_by_digit(s, shown)
    value = _arabic(s)
    if value is None:
        value = _cn_number(s)
    if value is None:
        several = _not_single(s, shown, "count_expected")
        if several:
            raise several
        raise InputError("count_not_a_number", typed=shown)
    if value != value.to_integral_value() or "." in s or "点" in s:
        raise InputError("count_not_whole", typed=shown)
    if value > MAX_NUMBER:
        raise _too_big(shown, "count_too_big")
    return Parsed(int(value))


def _tidy_money(value: Decimal) -> Decimal:
    """Drop trailing zeros a conversion introduced, without switching to exponent notation."""
    value = value.normalize()
    if value.as_tuple().exponent > 0:  # type: ignore[operator]
        value = value.quantize(Decimal(1))
    return value


def _decimals(value: Decimal) -> int:
    exp = value.as_tuple().exponent
    return -exp if isinstance(exp, int) and exp < 0 else 0


def parse_money(text: str) -> Parsed:
    """An amount in 万元: Decimal ≥ 0 with at most 4 decimals.

    An amount typed in 元 (「2500元」) is converted to 万元 with a note rather than rejected: the
    officer has the figure in 元 from the finance office and the conversion is exact. Only when
    it would need more than 4 decimals (角 and 分) is it refused.
    """
    s, raw = _prepare_number(text)
    shown = _shown(raw)
    zero = _zero_token(s, raw)
    if zero:
        return Parsed(Decimal(0), zero.note)
    if _is_negative(s):
        raise InputError("money_negative", typed=shown)
    s, unit = _strip_unit(s, ("万元", "万", "元"))
    zero = _zero_token(s)
    if zero:
        return Parsed(Decimal(0), zero.note)
    if s.endswith(COUNT_UNITS):
        raise InputError("money_is_count", typed=shown)
    _digit_by_digit(s, shown)
    value = _arabic(s)
    if value is None:
        value = _cn_number(s)
    if value is None:
        several = _not_single(s, shown, "money_expected")
        if several:
            raise several
        raise InputError("money_not_a_number", typed=shown)
    note = None
    if unit == "元":
        yuan = value
        value = _tidy_money(value.scaleb(-4))
        if _decimals(value) > MAX_MONEY_DECIMALS:
            raise InputError("money_yuan_too_fine", typed=shown, wan=format(value, "f"),
                             example=format(value.quantize(Decimal("0.0001")), "f"))
        note = _say("yuan_note", yuan=format(yuan, "f"), wan=format(value, "f"))
    elif _decimals(value) > MAX_MONEY_DECIMALS and value == value.quantize(Decimal("0.0001")):
        value = value.quantize(Decimal("0.0001"))  # 「1.23450」: only zeros beyond the 4th decimal
    elif _decimals(value) > MAX_MONEY_DECIMALS:
        raise InputError("money_too_fine", typed=shown, decimals=_decimals(value),
                         example=format(value.quantize(Decimal("0.0001")), "f"))
    if value > MAX_NUMBER:
        raise _too_big(shown, "money_too_big")
    return Parsed(value, note)


# --- the other kinds ----------------------------------------------------------------------------


def _year_range() -> tuple[int, int]:
    return FIRST_YEAR, dt.date.today().year + 1


def parse_year(text: str) -> Parsed:
    raw = text.strip() if isinstance(text, str) else ""
    s = nfkc(raw).strip()
    first, last = _year_range()
    if not s:
        raise InputError("year_empty")
    s = s.removesuffix("年度").removesuffix("年").strip()
    if s and all(ch in DIGIT_VALUES for ch in s):
        # 「二〇二四」is read digit by digit, as years are written
        s = "".join(str(DIGIT_VALUES[ch]) for ch in s)
    if not re.fullmatch(r"[0-9]{4}", s, re.ASCII):
        if re.fullmatch(r"[0-9]{2}", s, re.ASCII):
            raise InputError("year_two_digits", typed=_shown(raw), digits=s)
        raise InputError("year_not_a_year", typed=_shown(raw))
    year = int(s)
    if not first <= year <= last:
        raise InputError("year_out_of_range", typed=_shown(raw), first=first, last=last)
    return Parsed(year)


_DATE_PATTERNS = (
    re.compile(r"(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})", re.ASCII),
    re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?", re.ASCII),
    re.compile(r"(\d{4})(\d{2})(\d{2})", re.ASCII),
)


def parse_date(text: str) -> Parsed:
    raw = text.strip() if isinstance(text, str) else ""
    s = nfkc(raw).strip()
    if not s:
        raise InputError("date_empty")
    cn = re.fullmatch(r"(.+?)年(.+?)月(.+?)日?", s)
    if cn and not s.isascii():
        # 「二〇二五年一月二十日」: the year read digit by digit, month and day as numerals
        parts = [p.strip() for p in cn.groups()]
        if not parts[0].isascii() and all(ch in DIGIT_VALUES for ch in parts[0]):
            parts[0] = "".join(str(DIGIT_VALUES[ch]) for ch in parts[0])
        for i in (1, 2):
            n = None if parts[i].isascii() else _cn_integer(parts[i])
            if n is not None:
                parts[i] = str(n)
        s = f"{parts[0]}年{parts[1]}月{parts[2]}日"
    for pattern in _DATE_PATTERNS:
        m = pattern.fullmatch(s)
        if m:
            try:
                day = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                raise InputError("date_not_a_day", typed=_shown(raw)) from None
            first, last = _year_range()
            if not first <= day.year <= last:
                raise InputError("date_year_out_of_range", typed=_shown(raw), first=first, last=last)
            return Parsed(day.isoformat())
    raise InputError("date_not_a_date", typed=_shown(raw))


def _choice_key(text: str) -> str:
    return "".join(nfkc(text).split()).lower()


def parse_choice(field: Field, text: str) -> Parsed:
    """The key of one of ``field.choices``: typed as its key, label, number, or a unique part of its label."""
    choices = list(field.choices.items())
    listing = "；".join(_say("choice_item", n=i, label=label) for i, (_key, label) in enumerate(choices, 1))
    raw = text.strip() if isinstance(text, str) else ""
    s = _choice_key(raw)
    if not s:
        raise InputError("choice_empty", listing=listing)
    labels = {key: _choice_key(label) for key, label in choices}
    for key, label in labels.items():
        if s == label:
            return Parsed(key)
    for key, _label in choices:
        if s == key.lower():
            return Parsed(key)
    if re.fullmatch(r"[0-9]+", s, re.ASCII) or _cn_integer(s) is not None:
        n = int(s) if s.isascii() else _cn_integer(s)
        if n is not None and 1 <= n <= len(choices):
            return Parsed(choices[n - 1][0])
        raise InputError("choice_bad_number", typed=_shown(raw), n=len(choices), listing=listing)
    for match in (
        # a prefix is a substring too: 「政府」must stay ambiguous even though one label starts with it
        lambda lab: s in lab,
        # 「县级人民政府」for 县级: the label inside what was typed
        lambda lab: lab in s,
    ):
        hits = [key for key, lab in labels.items() if match(lab)]
        if len(hits) == 1:
            return Parsed(hits[0])
        if len(hits) > 1:
            names = "、".join(f"「{field.choices[k]}」" for k in hits)
            raise InputError("choice_ambiguous", typed=_shown(raw), names=names, listing=listing)
    raise InputError("choice_unknown", typed=_shown(raw), listing=listing)


def parse_text(field: Field, text: str) -> Parsed:
    """One line of text: surrounding space removed, line breaks joined."""
    raw = text if isinstance(text, str) else ""
    value = "".join(line.strip() for line in raw.splitlines())
    if not value and field.required:
        raise InputError("text_empty", label=field.label)
    return Parsed(value)


def parse_prose(field: Field, text: str) -> Parsed:
    """Several paragraphs: line endings normalised, trailing spaces and blank edges removed."""
    raw = text if isinstance(text, str) else ""
    lines = [line.rstrip() for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    value = "\n".join(lines)
    if not value and field.required:
        raise InputError("text_empty", label=field.label)
    return Parsed(value)


# --- public entry points ------------------------------------------------------------------------


def parse_answer(field_id: str, text: str) -> Parsed:
    """What a person typed for ``field_id`` → a typed value, or ``InputError`` saying what is expected.

    An optional text or prose field may be left empty (``Parsed("")``): the caller then clears the
    answer rather than storing the empty string.
    """
    field = FORM.field(field_id)
    kind = field.kind
    if kind == "count":
        return parse_count(text)
    if kind == "money":
        return parse_money(text)
    if kind == "year":
        return parse_year(text)
    if kind == "date":
        return parse_date(text)
    if kind == "choice":
        return parse_choice(field, text)
    if kind == "text":
        return parse_text(field, text)
    if kind == "prose":
        return parse_prose(field, text)
    raise ValueError(f"form.yaml: field {field_id} has unknown kind {kind!r}")


def _split_row(s: str, n: int) -> list[str]:
    """Tokens of a row; commas count as separators only when spaces alone do not give ``n`` numbers,
    so that 「1,234 5」keeps its thousands separator and 「3,1,0」 still splits."""
    tokens = [t for t in re.split(r"[\s、;；]+", s) if t]
    if len(tokens) == n:
        return tokens
    return [t for t in re.split(r"[\s、;；,，]+", s) if t]


def parse_counts(text: str, n: int) -> list[Parsed]:
    """A row of ``n`` counts typed on one line (「3 1 0 0 0 0」, 「３，１，０」, 「3、1、无」).

    Errors name the position of the wrong number, and how many numbers were expected.
    """
    # split before normalising, so that each token's note quotes it as typed (「－」, not "-")
    s = text.strip() if isinstance(text, str) else ""
    how = _say("row_how", n=n, zeros=" ".join(["0"] * n))
    if not s:
        raise InputError("row_empty", how=how)
    tokens = _split_row(s, n)
    if len(tokens) != n:
        typed = "、".join(_shown(t) for t in tokens[:12]) + ("…" if len(tokens) > 12 else "")
        raise InputError("row_count", n=n, typed_n=len(tokens), typed=typed, how=how)
    out: list[Parsed] = []
    for i, token in enumerate(tokens, 1):
        try:
            out.append(parse_count(token))
        except InputError as err:
            raise InputError("row_cell", i=i, n=n, error=err.message, cause=err.key) from None
    return out


def format_value(field_id: str, value: Any) -> str:
    """``value`` as text a person reads and can type back: parse_answer(format_value(v)) == v."""
    if value is None:
        return ""
    field = FORM.field(field_id)
    if field.kind == "money":
        return format(Decimal(value), "f")
    if field.kind == "choice":
        return field.choices.get(value, str(value))
    return str(value)


def to_json(field_id: str, value: Any) -> Any:
    """The session document's encoding: money as a string so it stays exact, the rest as is."""
    field = FORM.field(field_id)
    if field.kind == "money":
        return format(Decimal(value), "f")
    return value


def from_json(field_id: str, raw: Any) -> Any:
    """The typed value of a stored answer; ``ValueError`` when the stored value has the wrong type.

    Not a re-validation of ranges: an imported report keeps what it printed, and the rules judge it.
    """
    field = FORM.field(field_id)
    kind = field.kind
    if kind == "count":
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise ValueError(f"{field_id}: 应为整数，实为 {raw!r}")
        return raw
    if kind == "money":
        if isinstance(raw, bool) or not isinstance(raw, str | int | float):
            raise ValueError(f"{field_id}: 应为金额字符串，实为 {raw!r}")
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            raise ValueError(f"{field_id}: 不是金额：{raw!r}") from None
        if not value.is_finite():
            raise ValueError(f"{field_id}: 不是金额：{raw!r}")
        return value
    if kind == "year":
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise ValueError(f"{field_id}: 应为年份整数，实为 {raw!r}")
        return raw
    if kind == "choice":
        if not isinstance(raw, str) or raw not in field.choices:
            raise ValueError(f"{field_id}: 不是可选项：{raw!r}")
        return raw
    if kind == "date":
        if not isinstance(raw, str):
            raise ValueError(f"{field_id}: 应为日期字符串，实为 {raw!r}")
        try:
            dt.date.fromisoformat(raw)
        except ValueError:
            raise ValueError(f"{field_id}: 不是 YYYY-MM-DD 日期：{raw!r}") from None
        return raw
    if not isinstance(raw, str):
        raise ValueError(f"{field_id}: 应为文字，实为 {raw!r}")
    return raw
