"""Section 五 from the user's items: the paragraphs reviewers expect, by the Jinja template.

The structure is fixed here and in ``prompts/wording/section5.j2`` (data): problems after an
opener, enumerated 一是…二是…; measures after a 「下一步……将……：」 transition, so that they read as
plans for the next year (T7); rectification of last year's problems as 关于“…”的问题 + what was
done + status + result. The enumeration is numbered by the template from the items themselves —
any marker the user typed is removed first — so it cannot skip or start at 二是 (T8).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from gkassist.text import FULL_STOPS, strip_marker
from gkassist.wording.bank import STATUSES, Bank, get_bank
from gkassist.wording.items import clean_item, ordinal, problem_title
from gkassist.wording.match import Matcher, default_matcher
from gkassist.wording.slots import fill, unfilled_slots

if TYPE_CHECKING:
    from jinja2 import Environment

TEMPLATE = "section5.j2"
_END_PUNCT = "。；;，,.、 \t\n"


@dataclass(frozen=True)
class RectificationEntry:
    """What the user said about one of last year's problems."""

    problem: str  # last year's problem (the item, or its short title)
    action: str  # what was done this year
    status: str  # "done" | "ongoing" | "not_done"
    result: str = ""  # a measurable result, ideally compared with last year
    reason: str = ""  # why not done (status "not_done")

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, not {self.status!r}")


@dataclass(frozen=True)
class Section5:
    """The assembled paragraphs, by field id of the form (rectification, problems, measures)."""

    problems: str = ""
    measures: str = ""
    rectification: str = ""
    # field id -> slots still unfilled in it (the interview must not let these into the report)
    unfilled: Mapping[str, list[str]] = field(default_factory=dict)

    def answers(self) -> dict[str, str]:
        """The non-empty paragraphs as answers (field id -> text), ready for ``Session.set_answers``."""
        return {k: v for k, v in (("rectification", self.rectification), ("problems", self.problems),
                                  ("measures", self.measures)) if v}

    @property
    def text(self) -> str:
        """All of 五's prose, in report order (a preview)."""
        return "\n".join(v for v in (self.rectification, self.problems, self.measures) if v)


def self_reference(agency: str | None, bank: Bank | None = None) -> str:
    """How the report refers to its agency (我局, 我委, 我镇 …), from the agency's full name."""
    bank = bank or get_bank()
    name = (agency or "").strip()
    for suffix, text in bank.phrases.self_reference:
        if name.endswith(suffix):
            return text
    return bank.phrases.self_fallback


def auto_values(agency: str | None = None, year: int | None = None, *, self_name: str | None = None,
                bank: Bank | None = None) -> dict[str, str]:
    """Values of the slots the assistant fills itself (自称, 报告年度, 下一年度)."""
    out = {"自称": self_name or self_reference(agency, bank)}
    if year:
        out["报告年度"] = str(year)
        out["下一年度"] = str(int(year) + 1)
    return out


@cache
def _environment(folder: str) -> Environment:
    # imported here: jinja2 costs ~15 ms, which the interview's start-up should not pay before 五
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    # plain text, never HTML: no autoescape; the user's words are passed as data, not template code.
    # No auto_reload: it stats the file at every use, and the importer assembles 五 for each report
    return Environment(
        loader=FileSystemLoader(folder), undefined=StrictUndefined, autoescape=False, auto_reload=False,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False,
    )


def _template(bank: Bank) -> Any:
    return _environment(str(bank.folder)).get_template(TEMPLATE).module


def _pick(options: Sequence[str], choice: int | str) -> str:
    if isinstance(choice, str):
        return choice
    return options[choice] if 0 <= choice < len(options) else options[0]


def _prepare(items: Sequence[str], auto: Mapping[str, str]) -> list[dict[str, str]]:
    texts = [fill(clean_item(strip_marker(t)).rstrip(_END_PUNCT), auto) for t in items]
    texts = [t for t in texts if t]
    # short one-clause items read best joined by 「；」; items of several sentences need 「。」
    end = "。" if any(ch in t for t in texts for ch in FULL_STOPS) else "；"
    out = []
    for i, t in enumerate(texts):
        out.append({
            "ordinal": ordinal(i + 1) if len(texts) > 1 else "",
            "text": t,
            "end": "。" if i == len(texts) - 1 else end,
        })
    return out


def rectification_title(problem: str, limit: int = 30, *, matcher: Matcher | None = None) -> str:
    """How last year's problem is named, in the walk's question and in 「关于“…”的问题」: its first
    clause, and each later clause that names a problem category none of the clauses before it has
    (a pasted line 「内容不够全面，部分栏目更新不及时」 makes two points; naming only the first would
    leave the second unasked and the paragraph silent on it)."""
    matcher = matcher or default_matcher()

    def another_problem(clause: str, kept: list[str]) -> bool:
        found = {m.category for m in matcher.classify(clause)}
        return bool(found) and not found & {m.category for k in kept for m in matcher.classify(k)}

    return problem_title(strip_marker(problem), limit, names_a_problem=another_problem)


def assemble_section5(
    problems: Sequence[str] = (),
    measures: Sequence[str] = (),
    rectification: Sequence[RectificationEntry] | None = None,
    *,
    agency: str | None = None,
    year: int | None = None,
    self_name: str | None = None,
    problem_opener: int | str = 0,
    measure_opener: int | str = 0,
    rectification_opener: int | str = 0,
    bank: Bank | None = None,
) -> Section5:
    """Assemble 五 from the user's items.

    ``problems`` and ``measures`` are the items as written (slots filled, or not yet); openers are
    an index into the bank's lists (``phrases.yaml``) or the user's own sentence. ``rectification``
    None means "not asked" (no paragraph); an empty list means last year's report named no problem
    (the bank's sentence saying so). Unfilled slots stay in the text and are listed in ``unfilled``.
    """
    matcher = default_matcher() if bank is None or bank is get_bank() else Matcher(bank)
    bank = matcher.bank
    phrases = bank.phrases
    auto = auto_values(agency, year, self_name=self_name, bank=bank)
    tpl = _template(bank)

    def opener(options: Sequence[str], choice: int | str) -> str:
        return fill(_pick(options, choice), auto)

    p_items = _prepare(problems, auto)
    m_items = _prepare(measures, auto)
    p_text = str(tpl.list(opener(phrases.problem_openers, problem_opener), p_items)).strip() if p_items else ""
    m_options = phrases.measure_openers
    if len(m_items) == 1 and measure_opener == 0:  # the default; an opener the user picked stays
        m_options, measure_opener = (phrases.measure_opener_single,), 0
    m_text = str(tpl.list(opener(m_options, measure_opener), m_items)).strip() if m_items else ""

    r_text = ""
    if rectification is not None:
        if not rectification:
            r_text = fill(phrases.rectification_none, auto)
        else:
            entries = []
            for i, e in enumerate(rectification):
                status = fill(phrases.statuses[e.status].text, {"原因": clean_item(e.reason).rstrip(_END_PUNCT)})
                entries.append({
                    "ordinal": ordinal(i + 1) if len(rectification) > 1 else "",
                    "problem": rectification_title(e.problem, matcher=matcher),
                    "action": fill(clean_item(strip_marker(e.action)).rstrip(_END_PUNCT), auto),
                    "status": status,
                    "result": fill(clean_item(e.result).rstrip(_END_PUNCT), auto),
                })
            r_text = str(tpl.rectification(opener(phrases.rectification_openers, rectification_opener), entries)).strip()

    unfilled = {fid: unfilled_slots(t) for fid, t in (("rectification", r_text), ("problems", p_text),
                                                        ("measures", m_text)) if unfilled_slots(t)}
    return Section5(problems=p_text, measures=m_text, rectification=r_text, unfilled=unfilled)
