"""Findings: what a check reports, in which order, how it is labelled, grouped and worded.

Plain data and functions with no engine behind them: both evaluators, ``gkassist check`` and the
interview use this module, and importing it starts no rule engine.

- :class:`Finding` is one rule case that fires on one fact, its message filled in.
- Order: by section in report order, most severe first within a section, then rule order and the
  fact's place in the report (:func:`sort_key`).
- Labels of the severities (错误 / 警告 / 提示 / 建议) come from ``prompts/ui.yaml``.
- :func:`render` fills a rule case's message from a fact: ``{name}`` is a value, ``{name:label}``
  its label, ``{left:terms}`` the sum spelled out; money and dates shown as people write them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from itertools import chain, repeat
from typing import TYPE_CHECKING, Any, NamedTuple

from gkassist.errors import UserError
from gkassist.expressions import Cmp, Lin, eval_lin
from gkassist.form import FORM
from gkassist.phrases import phrases
from gkassist.vocabulary import PLACEHOLDER, SCOPES, SEVERITIES, feature_text, name_label

if TYPE_CHECKING:
    from gkassist.facts import Fact
    from gkassist.rulebook import Case, Rule, Rulebook

SEVERITY_ORDER = {s: i for i, s in enumerate(SEVERITIES)}
KINDS = ("finding", "suggestion")  # a suggestion (wording rules) is an offer, not a fault


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str  # "error" | "warning" | "hint"
    fields: tuple[str, ...]
    message: str
    section: str  # form section id the finding belongs to
    numbers: dict = field(default_factory=dict, compare=False, hash=False)  # what the message names
    kind: str = "finding"  # or "suggestion" (wording rules)


# --- labels -------------------------------------------------------------------------------------------


@cache
def severity_labels() -> Mapping[str, str]:
    """Severity (and ``suggestion``) → the word a reader sees, from ``prompts/ui.yaml``."""
    labels = phrases("ui").get("severity") or {}
    missing = [k for k in (*SEVERITIES, "suggestion") if not isinstance(labels.get(k), str)]
    if missing:
        raise UserError(f"prompts/ui.yaml 的 severity 下缺少 {'、'.join(missing)} 的说法，请补上。")
    return dict(labels)


def label_of(finding: Finding) -> str:
    """错误 / 警告 / 提示 for a finding, 建议 for a suggestion."""
    labels = severity_labels()
    return labels["suggestion"] if finding.kind != "finding" else labels[finding.severity]


# --- order, grouping, keys -------------------------------------------------------------------------

_SECTION_RANK = {s.id: i for i, s in enumerate(FORM.sections)}


def section_rank(section: str) -> int:
    return _SECTION_RANK.get(section, len(_SECTION_RANK))


def sort_key(finding: Finding, rule_order: int, fact_order: tuple[int, ...], case_key: str) -> tuple:
    """Report order: section, most severe first, the rule's place in the catalogue, the fact's in the report."""
    return (section_rank(finding.section), SEVERITY_ORDER[finding.severity], rule_order, fact_order, case_key)


def by_section(findings: Iterable[Finding]) -> list[tuple[str, list[Finding]]]:
    """Runs of findings of one section, in the order given (sorted findings: one run per section)."""
    out: list[tuple[str, list[Finding]]] = []
    for f in findings:
        if not out or out[-1][0] != f.section:
            out.append((f.section, []))
        out[-1][1].append(f)
    return out


def count_by_severity(findings: Iterable[Any]) -> dict[str, int]:
    """How many findings of each severity (suggestions are not counted)."""
    out = dict.fromkeys(SEVERITIES, 0)
    for f in findings:
        if getattr(f, "kind", "finding") == "finding" and f.severity in out:
            out[f.severity] += 1
    return out


def finding_key(f: Any) -> tuple[str, tuple[str, ...]]:
    """What makes a finding "the same one" across checks: its code and the fields it names."""
    return (f.code, tuple(f.fields))


def touching(findings: Iterable[Any], fields: Iterable[str]) -> list[Any]:
    """Findings that name one of ``fields`` or a total computed from them."""
    wanted = set(fields)
    for f in list(wanted):
        wanted.update(FORM.dependents(f))
    return [f for f in findings if wanted & set(f.fields)]


# --- messages ---------------------------------------------------------------------------------------



def _unit_of(name: str, fact: Fact) -> str | None:
    units = fact.units
    if name in units:
        return units[name]
    return _form_unit(name)


@cache
def _form_unit(name: str) -> str | None:
    """"money" or "date" for a name that is (last year's value of) a FORM field of that kind."""
    fid = name[len("previous."):] if name.startswith("previous.") else name
    f = FORM.fields.get(fid)
    if f is not None and f.kind in ("money", "date"):
        return f.kind
    return None


def _display(value: Any, unit: str | None) -> str:
    if value is None:
        return "—"
    if unit == "money" and isinstance(value, int):
        return _yuan_to_wan_text(value)
    if unit == "date" and isinstance(value, int) and value > 10000000:
        return f"{value // 10000}年{value // 100 % 100}月{value % 100}日"
    return str(value)


def _yuan_to_wan_text(value: int) -> str:
    wan = Decimal(value) / 10000
    text = format(wan.normalize(), "f")
    return text


def _number_value(value: Any, unit: str | None) -> Any:
    """The value as ``Finding.numbers`` gives it: money in 万元 (Decimal), dates as YYYY-MM-DD."""
    if value is None:
        return None
    if unit == "money" and isinstance(value, int):
        return Decimal(value) / 10000
    if unit == "date" and isinstance(value, int) and value > 10000000:
        return f"{value // 10000:04d}-{value // 100 % 100:02d}-{value % 100:02d}"
    return value


def _side_unit(lin: Lin, fact: Fact, book: Rulebook) -> str | None:
    units = {_unit_of(n, fact) for n in lin.names()}
    units |= {("money" if book.tables[lk.table].unit == "万元" else None) for lk, _ in lin.lookups}
    for u in ("money", "date"):
        if u in units:
            return u
    return None


def _terms_text(lin: Lin, fact: Fact, env: Mapping[str, Any], book: Rulebook, unit: str | None) -> str:
    parts: list[str] = []
    for name, coef in lin.terms:
        label = name_label(name, fact.kind)
        value = _display(env.get(name), _unit_of(name, fact))
        term = f"{label} {value}" if abs(coef) == 1 else f"{abs(coef)} × {label} {value}"
        parts.append(("+ " if coef > 0 else "− ") + term)
    for lk, coef in lin.lookups:
        entry = book.tables[lk.table].values.get(env.get(lk.key))  # type: ignore[arg-type]
        parts.append(("+ " if coef > 0 else "− ") + _display(entry, unit))
    if lin.const:
        parts.append(("+ " if lin.const > 0 else "− ") + str(abs(lin.const)))
    text = " ".join(parts)
    return text[2:] if text.startswith("+ ") else text


class _Plan(NamedTuple):
    """What rendering one rule case needs besides the fact, worked out once per rulebook."""

    case: Case
    template: tuple[tuple[str, str | None, str | None], ...]  # (text, then a placeholder's name, format)
    groups: Mapping[str, tuple[str, ...]]  # the scope's named sums (only read)
    group_sums: dict[str, Lin]  # those the message names, as sums
    sides: bool  # the check is one comparison of two sums: {left}, {right}, {diff}, {…:terms}
    members: tuple[str, ...]  # the value names whose field ids the finding names, in order
    # per sum of the check's sides and of the case's values (by id): the names it reads, and its unit
    # when the fact gives none of them a unit of its own (see _lin_unit)
    units: dict[int, tuple[Lin, frozenset[str], str | None]]


def _lin_unit(lin: Lin, plan: _Plan, fact: Fact, book: Rulebook) -> str | None:
    """``_side_unit``, the part that depends on the rulebook alone worked out once (``plan.units``)."""
    known = plan.units.get(id(lin))
    if known is not None and known[0] is lin and fact.units.keys().isdisjoint(known[1]):
        return known[2]
    return _side_unit(lin, fact, book)


def _plan(rule: Rule, case: Case, book: Rulebook) -> _Plan:
    plans: dict[str, _Plan] = book.plans.setdefault("findings.render", {})
    plan = plans.get(case.key)
    if plan is not None and plan.case is case:
        return plan
    template: list[tuple[str, str | None, str | None]] = []
    at = 0
    for m in PLACEHOLDER.finditer(case.message):
        template.append((case.message[at:m.start()], m[1], m[2]))
        at = m.end()
    template.append((case.message[at:], None, None))
    scope = SCOPES.get(rule.scope)
    groups: Mapping[str, tuple[str, ...]] = scope.groups if scope else {}
    named = {var for _, var, _ in template if var in groups}
    check = case.check
    members: list[str] = []
    for name in rule.reads:
        group = groups.get(name, (name,))
        if name in case.names or any(m in case.names for m in group):
            members += group
    sides = isinstance(check, Cmp) and isinstance(check.left, Lin) and isinstance(check.right, Lin)
    lins = [*case.values.values(), *((check.left, check.right) if sides else ())]  # type: ignore[union-attr]
    units = {id(lin): (lin, frozenset(lin.names()), _side_unit(lin, _NO_UNITS, book)) for lin in lins}
    plan = plans[case.key] = _Plan(
        case, tuple(template), groups, {n: Lin(tuple((m, 1) for m in groups[n])) for n in named}, sides,
        tuple(members), units)
    return plan


class _NoUnits:
    """A fact that gives no name a unit of its own (what ``_side_unit`` reads of a fact)."""

    units: dict[str, str] = {}


_NO_UNITS: Any = _NoUnits()


def render(rule: Rule, case: Case, fact: Fact, book: Rulebook) -> Finding:
    """The finding of one rule case on one fact, its message filled in from the fact.

    A placeholder ``{name}`` is, first of these: a sum of the case's ``values``; the check's
    ``left``, ``right`` or their ``diff`` (a check comparing two sums); a named sum of the scope
    (``groups``); a value of the fact; a label of the fact; else none ("—"). Only what the message
    names is computed (``_plan`` parses it once per rulebook)."""
    plan = _plan(rule, case, book)
    values, tables = fact.values, book.tables
    numbers: dict[str, Any] = {}
    computed: dict[str, tuple[Any, str | None]] = {}
    check = case.check

    def value_of(var: str) -> tuple[Any, str | None]:
        known = computed.get(var)
        if known is not None:
            return known
        if var in case.values:
            lin = case.values[var]
            known = (eval_lin(lin, values, tables), _lin_unit(lin, plan, fact, book))
        elif plan.sides and var in _SIDES:
            assert isinstance(check, Cmp) and isinstance(check.left, Lin) and isinstance(check.right, Lin)
            left = eval_lin(check.left, values, tables)
            right = eval_lin(check.right, values, tables)
            unit = _lin_unit(check.left, plan, fact, book) or _lin_unit(check.right, plan, fact, book)
            diff = abs(left - right) if left is not None and right is not None else None
            known = {"left": (left, unit), "right": (right, unit), "diff": (diff, unit)}[var]
        elif var in plan.group_sums:
            known = (eval_lin(plan.group_sums[var], values, tables), None)
        elif var in values:
            known = (values[var], _unit_of(var, fact))
        elif var in fact.labels:
            known = (fact.labels[var], None)
        else:
            known = (None, None)
        computed[var] = known
        return known

    parts: list[str] = []
    for text, var, fmt in plan.template:
        parts.append(text)
        if var is None:
            continue
        if fmt == "label":
            split = feature_text(var)
            parts.append(name_label(split or var, fact.kind))
        elif fmt == "terms" and isinstance(check, Cmp):
            side = check.left if var == "left" else check.right
            assert isinstance(side, Lin)
            parts.append(_terms_text(side, fact, values, book, value_of(var)[1]))
        else:
            value, unit = value_of(var)
            numbers[var] = _number_value(value, unit)
            parts.append(_display(value, unit))
    fact_fields = fact.fields
    fields = dict.fromkeys(chain.from_iterable(map(fact_fields.get, plan.members, repeat(()))))
    section = rule.section or fact.section or "meta"
    return Finding(rule.code, case.severity, tuple(fields), "".join(parts), section, numbers, rule.kind)


_SIDES = frozenset(("left", "right", "diff"))
