"""Chinese text basics, in one place: numerals, sentence ends, normalising, list markers, slots.

Everything outside the screens reads Chinese text with these (the importer, the wording bank, the
text features of the rules, similarity, typed answers), so that "where a sentence ends", "what a
list marker is" and "what number 十二 is" have one answer.

- Numerals: ``NUMERALS`` (一 … 十, which build the markers 一是, （十二）, 二十一、 …),
  ``DIGIT_VALUES`` (a numeral read digit by digit, 二〇二四), :func:`parse_int` (the one cn2an
  wrapper) and :func:`numeral` (12 → 十二).
- Sentences: ``FULL_STOPS`` end a sentence; ``SENTENCE_END`` also counts the semicolon, which ends
  an item of an enumeration as published reports write them (「一是…；二是…。」); ``CLAUSE_PUNCT``
  is every mark that ends a clause.
- Normalising: :func:`nfkc` (full-width forms to plain), :func:`compact` (also no white space),
  :func:`fold` (the comparison form of a label: punctuation folded too).
- List markers: ``LEADING_MARKER_RE`` / :func:`strip_marker` (一是, 第一，, （一）, (1), 1., 1、, 1）, 一、
  at the start of an item).
- Slots: ``SLOT`` / ``SLOT_RE``, the ``{栏目名}`` placeholders of the standard wording.
- Safe text: :func:`clean` (no lone surrogates, control characters or terminal escapes; optionally
  one line), what every piece of text entering a session goes through.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# --- numerals -------------------------------------------------------------------------------------

NUMERALS = "一二三四五六七八九十"
# a numeral of a list marker or heading: 一 … 十, 十一 … 九十九
ORDINAL = f"[{NUMERALS}]{{1,3}}"
# digits as a year or a date is written digit by digit (二〇二四年), financial forms included
DIGIT_VALUES = {
    "零": 0, "〇": 0, "○": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3, "四": 4, "肆": 4,
    "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}


@lru_cache(maxsize=4096)  # the same markers and numerals recur in every report (一是, 二是 …)
def parse_int(text: str) -> int | None:
    """A whole number written in digits (full-width too) or Chinese numerals, else None.

    「3」「３」「十二」「两」「一百零五」「二〇二四」 → 3, 3, 12, 2, 105, 2024. cn2an's ``normal`` mode:
    the numerals people write, 两 and 〇 included (its ``strict`` mode refuses those, and gives
    the same answer as ``normal`` for everything else a list marker or a count can hold).
    """
    text = nfkc(text).strip()
    if not text:
        return None
    if text.isdigit():
        if len(text) > MAX_DIGITS or not text.isascii():  # 「²」 and 「①」 are digits to isdigit()
            return None
        return int(text)
    if len(text) > MAX_DIGITS:
        return None
    return _numeral(text)


# a longer run of digits is no number anyone wrote (and Python refuses to read one of more than
# 4,300 digits: a run of 60,000 in a report's prose must not stop the check)
MAX_DIGITS = 40


def _small_numerals() -> dict[str, int]:
    """一 … 九十九 as list markers and headings write them (一, 十, 十二, 二十, 二十三): cn2an's
    reading of each, worked out here so that a batch of reports never waits for cn2an's import
    (a seventh of a second, in the serial start before the workers fork); tests compare every
    entry with cn2an."""
    digits = {d: i for i, d in enumerate(NUMERALS[:9], 1)}
    out = dict(digits)
    for tens_text, tens in [("", 1), *digits.items()]:
        out[f"{tens_text}十"] = tens * 10
        for unit_text, unit in digits.items():
            out[f"{tens_text}十{unit_text}"] = tens * 10 + unit
    return out


SMALL_NUMERALS = _small_numerals()
# 1 … 99 written as cn2an writes them: the shortest form (十一, not 一十一)
_SMALL_NUMERAL_TEXT = {n: text for text, n in sorted(SMALL_NUMERALS.items(), key=lambda item: -len(item[0]))}


@lru_cache(maxsize=4096)
def _numeral(text: str) -> int | None:
    """cn2an's reading of a numeral (cached: a prose section repeats its markers, 一是 … 十是)."""
    small = SMALL_NUMERALS.get(text)
    if small is not None:
        return small
    import cn2an  # imported late: it takes a seventh of a second, and most numbers are digits or small

    try:
        value = cn2an.cn2an(text, "normal")
    except Exception:  # cn2an signals "not a numeral" with assorted exception types
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    return value if isinstance(value, int) else None


def numeral(n: int) -> str:
    """12 → 十二 (as list markers and headings write a number)."""
    small = _SMALL_NUMERAL_TEXT.get(n)
    if small is not None:
        return small
    import cn2an

    return cn2an.an2cn(str(n))


# --- sentences ------------------------------------------------------------------------------------

FULL_STOPS = "。！？!?"
SENTENCE_END = FULL_STOPS + "；;"
CLAUSE_PUNCT = "，,；;。：:！!？?"
# kinsoku: characters a line must not start with, and those it must not end with
NO_LINE_START = frozenset("，。、；：？！）」』”’》〉】〕…—·%‰,.;:?!)]}")
NO_LINE_END = frozenset("（「『“‘《〈【〔([{")


def can_cut(text: str, at: int) -> bool:
    """Whether ``text`` may be cut (folded, or shortened) before position ``at``: never inside a
    number or a Latin word, before closing punctuation nor after opening punctuation."""
    if at <= 0 or at >= len(text):
        return True
    before, after = text[at - 1], text[at]
    if before.isascii() and before.isalnum() and after.isascii() and after.isalnum():
        return False
    return after not in NO_LINE_START and before not in NO_LINE_END


def clip(text: str, limit: int, ellipsis: str = "……") -> str:
    """``text`` shortened to at most ``limit`` characters at a place it may be cut, ``ellipsis``
    after it (「（2）LED显示屏」 is never 「（2）LE……」 nor 「（2……」)."""
    if len(text) <= limit:
        return text
    at = limit
    while at > limit // 2 and not can_cut(text, at):
        at -= 1
    return text[:at] + ellipsis


# --- normalising ----------------------------------------------------------------------------------


def nfkc(text: str) -> str:
    """Full-width digits, letters, spaces and punctuation → their plain forms (「１２，３」→ "12,3")."""
    # Chinese text is full of 「，」「：」「（」「）」: each makes unicodedata's quick check fail, and then
    # the whole text is decomposed and composed again, character by character (some 0.2 M
    # instructions a report, most of NFKC's cost). Each is replaced first by its compatibility
    # decomposition (one ASCII character, C-level string searches): the text decomposes to the same
    # characters, so NFKC gives the same result, and a text with no other such character passes
    # the quick check as it is
    return unicodedata.normalize(
        "NFKC", text.replace("，", ",").replace("：", ":").replace("（", "(").replace("）", ")")
    )


def compact(text: str) -> str:
    """NFKC without any white space: what counting characters and finding words look at."""
    return "".join(nfkc(text).split())


# NFKC already folds （）：，；！？ and full-width digits/letters; what it leaves alone is folded here.
_FOLD = str.maketrans(
    {
        "“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "「": '"', "」": '"',
        "〔": "[", "〕": "]", "【": "[", "】": "]", "［": "[", "］": "]",
        "—": "-", "–": "-", "－": "-", "―": "-", "─": "-",
        "／": "/", "．": ".", "﹒": ".", "，": ",", "、": "、",
    }
)
_FOLDED = re.compile("[" + "".join(re.escape(chr(c)) for c in _FOLD) + "]")  # a character _FOLD changes


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """The comparison form of a label: NFKC, quotes/brackets/dashes folded, no white space at all.

    Published copies mix full-width and half-width punctuation, curly and straight quotes, and
    stray spaces (a scrape turned 「商业企业」 into 「商业 企业」).
    """
    # (the translation only when the text holds one of its characters: str.translate looks each
    # character of a Chinese text up in the table one by one, some ten times the cost of the search;
    # str.split's white space is the regular expression's \s, both Py_UNICODE_ISSPACE)
    text = nfkc(text)
    if _FOLDED.search(text):
        text = text.translate(_FOLD)
    return "".join(text.split())


# --- list markers ---------------------------------------------------------------------------------

# 一是 … 十是, 第一，, （一）/(1), 1. / 1、/ 1）/ 1), 一、 at the start of an item (a digit right after
# 「1.」 makes it a number such as 1.5, not a marker)
# (``LEADING_MARKER_RE`` is compiled when first asked for, see ``__getattr__``: compiling it costs
# about 2 ms, a few per cent of the interview's start, and its first question has no list)
@lru_cache(maxsize=1)
def _leading_marker_re() -> re.Pattern[str]:
    return re.compile(
        rf"^\s*(?:{ORDINAL}是|第{ORDINAL}[，,、:：]?|[(（](?:{ORDINAL}|\d{{1,2}})[)）]|\d{{1,2}}\s*[.．、)）](?!\d)|{ORDINAL}、)\s*"
    )


def __getattr__(name: str) -> re.Pattern[str]:  # a module's lazy attributes (PEP 562)
    if name == "LEADING_MARKER_RE":
        return _leading_marker_re()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def strip_marker(text: str) -> str:
    """``text`` without a leading enumeration marker."""
    return _leading_marker_re().sub("", text, count=1)


# a sub-heading of a report's own within a paragraph: a line starting 「（一）」 or 「(一)」 (as an
# imported report keeps its own sub-headings in the text of the field they fall in)
SUBHEADING_RE = re.compile(rf"\s*[(（]{ORDINAL}[)）]")


# --- slots ----------------------------------------------------------------------------------------

# A slot name is a short run of CJK / word characters in ASCII braces. Full-width braces are
# accepted too because an input method may produce them when a user types a slot by hand.
_SLOT_NAME = r"[^{}｛｝\s，。；：、]{1,12}"
SLOT = rf"[{{｛]{_SLOT_NAME}[}}｝]"  # a regex piece (rules/wording.yaml names it SLOT)
SLOT_RE = re.compile(rf"[{{｛]({_SLOT_NAME})[}}｝]")  # group 1: the slot's name


# --- safe text ------------------------------------------------------------------------------------

# A lone surrogate cannot be encoded (every save would raise UnicodeEncodeError); it was never a
# character, so it shows as the replacement character.
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
# Terminal escapes go whole, not just their ESC: 「\x1b[31m」 must not leave 「[31m」 behind.
# CSI (ESC [ … final byte), and OSC / DCS / APC / PM / SOS strings up to their BEL or ST (at most
# 256 characters: an introducer without an end loses only itself, never the text after it), the
# 8-bit forms alike, and two-character escapes. Whatever is left is removed as a control character.
_ESCAPE_RE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]{0,64}[ -/]{0,16}[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]{0,256}(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[ -~]"
)
# What str.splitlines() breaks at besides \n: one kind of line break in a session.
_LINE_BREAK_RE = re.compile("\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# C0 and C1 controls and DEL, except the tab and the line feed.
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# Anything ``clean`` changes: one search decides whether the usual text needs any of it.
_UNCLEAN_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_BLANKS_RE = re.compile("[\t\n]+")


def clean(text: str, *, one_line: bool = False) -> str:
    """``text`` safe to store, print and write into any output format.

    Lone surrogates become U+FFFD; terminal escapes and control characters are removed; every
    kind of line break becomes 「\\n」; tabs stay. ``one_line``: line breaks and tabs become one
    space (an agency's name, a title, a heading), with no white space left at either end.
    """
    if _UNCLEAN_RE.search(text):
        text = _SURROGATE_RE.sub("\ufffd", text)
        text = _ESCAPE_RE.sub("", text)
        text = _LINE_BREAK_RE.sub("\n", text)
        text = _CONTROL_RE.sub("", text)
    if one_line:
        text = _BLANKS_RE.sub(" ", text).strip()
    return text

