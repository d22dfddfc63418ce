"""The rule catalogue in ``rules/*.yaml``: load, validate, compile.

Each rule case's expressions (:mod:`gkassist.expressions`) are parsed once, and the case is
compiled to the condition on one fact under which it *fires* (``when`` and not ``check``, the
negation pushed down to the comparisons): ``Case.fires`` as a tree, ``Case.pattern`` as
durable-rules JSON with the fact-kind guard. Every evaluator reads the same compiled rulebook.

Anything wrong in a rule file is reported at load time as a :class:`RuleFileError` naming the
file, the rule and the problem, in Chinese.

The scopes a rule can check (the kinds of facts and the names they carry) are defined by
:mod:`gkassist.vocabulary`; :mod:`gkassist.facts` builds those facts.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from gkassist import vocabulary as vocab
from gkassist.errors import UserError
from gkassist.expressions import (
    BoolOp,
    Cmp,
    Cond,
    ExprError,
    Lin,
    Member,
    Parser,
    Table,
    Truth,
    compile_cond,
    cond_lookups,
    cond_names,
    json_any,
    negate,
    push_down,
    relax,
)
from gkassist.features import Claim, Feature, expand_pattern
from gkassist.form import FORM
from gkassist.regexcost import backtracking
from gkassist.resources import read_yaml
from gkassist.similarity import DEFAULT_THRESHOLD
from gkassist.vocabulary import PLACEHOLDER, SEVERITIES, SEVERITY_ALIASES

RULE_KINDS = ("finding", "suggestion")
FEATURE_KINDS = ("keywords", "pattern", "number", "enumeration", "similarity")
TABLE_UNITS = (None, "万元", "month-day")
TOP_LEVEL_KEYS = {"rules", "features", "claims", "tables", "fact_kinds", "producers", "applies"}
RULE_KEYS = {"code", "id", "severity", "kind", "title", "scope", "texts", "section", "reads", "when", "check",
             "values", "message", "cases", "applies", "basis"}
APPLIES_KEYS = {"formats", "years", "sections"}
CASE_KEYS = {"severity", "when", "check", "values", "message"}
# names every message may use besides the ones the rule reads
MESSAGE_SIDES = {"left", "right", "diff"}
_CODE = re.compile(r"^[A-Z][0-9]+[a-z]?$")


class RuleFileError(UserError):
    """A rule file cannot be used; the message lists every problem found (file, rule, what)."""


# --- the catalogue ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FactKind:
    kind: str
    title: str
    names: Mapping[str, str]
    texts: Mapping[str, str]
    # the value a name has when a fact of this kind leaves it out (a producer that predates the name)
    defaults: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    key: str  # unique engine rule name: "<rule id>" or "<rule id>#<n>"
    severity: str
    when: Cond | None
    check: Cond | None
    values: Mapping[str, Lin]
    message: str
    names: tuple[str, ...]  # every name the case reads or names in its message (→ Finding.fields)
    fires: Cond  # when ∧ ¬check, pushed down: the facts this case reports
    pattern: dict  # ``fires`` compiled, with the fact-kind guard


@dataclass(frozen=True)
class Rule:
    id: str
    code: str
    title: str
    kind: str
    scope: str  # the engine fact kind
    texts: tuple[str, ...] | None  # for the text scope: which texts
    section: str | None
    reads: tuple[str, ...]
    cases: tuple[Case, ...]
    file: str
    order: int
    applies: vocab.Applies = field(default_factory=vocab.Applies)  # formats, years, sections held
    basis: str = ""  # the legal basis (article, notice) the rule checks, as the rule file states it

    @property
    def flag(self) -> str | None:
        """The name of the value that says whether the rule applies (None: it always does)."""
        return vocab.applies_flag(self.id) if self.applies.restricts else None

    @property
    def severity(self) -> str:
        """The most severe of the cases (what the catalogue lists)."""
        return min((c.severity for c in self.cases), key=SEVERITIES.index)


@dataclass
class Rulebook:
    rules: list[Rule]
    features: dict[str, Feature]
    claims: list[Claim]
    tables: dict[str, Table]
    fact_kinds: dict[str, FactKind]
    producers: list[Callable]
    files: list[str]
    digest: str = ""
    # engine fact kind -> (discriminators, global names) per rule case: what its facts must carry
    global_needs: dict[str, list[tuple[dict[str, frozenset], tuple[str, ...]]]] = field(default_factory=dict)
    cases_by_key: dict[str, tuple[Rule, Case]] = field(default_factory=dict)
    # applies.<rule id> → the rule, for the rules that do not always apply (see Rule.applies)
    applicability: dict[str, Rule] = field(default_factory=dict)
    _globals_cache: dict[Any, tuple[str, ...]] = field(default_factory=dict, repr=False)
    _discriminated: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    # fact kind → the local names its cases select facts by (see may_fire), and may_fire's answers
    selecting: dict[str, dict[str, None]] = field(default_factory=dict, repr=False)
    _may_fire: dict[tuple, bool] = field(default_factory=dict, repr=False)
    # what other modules work out from the rules once, not per report (facts: the text plan)
    plans: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    def subset(self, rule: str) -> Rulebook:
        """The rulebook of one rule (by id), or of every rule with that code: checks only those.

        Made once per rule and kept. Other modules' fact producers are kept only when a chosen
        rule checks facts they make (the wording producer costs more than a whole table check).
        """
        key = f"subset:{rule}"
        book = self.plans.get(key)
        if book is None:
            rules = [r for r in self.rules if r.id == rule] or [r for r in self.rules if r.code == rule]
            if not rules:
                raise KeyError(rule)
            custom = any(r.scope in self.fact_kinds for r in rules)
            book = self.plans[key] = _indexed(Rulebook(
                rules, self.features, self.claims, self.tables, self.fact_kinds,
                self.producers if custom else [], self.files,
            ))
        return book

    def similarity_threshold(self, rule: str) -> float:
        """The sentence closeness (0–100) from which the similarity feature ``rule`` reads counts a
        sentence as copied (Y3: ``copied_share``'s threshold in rules/previous.yaml)."""
        for r in self.rules:
            if rule in (r.id, r.code):
                for name in r.reads:
                    feature = self.features.get(name)
                    if feature is not None and feature.kind == "similarity":
                        return float(feature.params.get("threshold", DEFAULT_THRESHOLD))
        raise KeyError(f"{rule} reads no similarity feature")

    def engine_definition(self) -> dict[str, dict]:
        """Rule name → durable-rules definition (without ``run``; the engine binds actions)."""
        return {key: {"all": [{"m": case.pattern}]} for key, (_, case) in self.cases_by_key.items()}

    def firing_region(self, kind: str, known: Mapping[str, Any], free: Iterable[str]) -> Cond | bool:
        """Where a fact of ``kind`` whose values include ``known`` can fire some rule case:
        ``False`` when no case can, whatever its other values; ``True`` when that is not decided by
        ``known``; else a condition on the ``free`` names (:func:`gkassist.expressions.relax`; read
        it with ``holds`` on ``known`` and the free values).

        Sound because every rule case matches one fact alone (``engine_definition``: one pattern a
        rule), so whether a fact fires depends on its own values only. Rules joining facts would
        break that — a fact firing nothing alone could complete a join — and this must then say
        ``True`` for every kind a join reads (tests/test_rules_loader.py holds the one-pattern form).
        """
        fires = tuple(case.fires for rule in self.rules if rule.scope == kind for case in rule.cases)
        if not fires:
            return False
        return relax(BoolOp("or", fires), known, free, self.tables)

    def may_fire(self, kind: str, values: Mapping[str, Any]) -> bool:
        """Whether a fact of ``kind`` with these values can fire some rule case, as far as the
        values its cases select facts by decide (``category == "x"``, ``category in [...]`` in a
        ``when``): a fact whose category no case names can fire none. False also for a kind no
        rule checks. The other values — what the cases check — are the evaluators' to judge.
        """
        names = self.selecting.get(kind, {})
        key = (kind, *[values.get(n) for n in names])
        hit = self._may_fire.get(key)
        if hit is None:
            region = self.firing_region(kind, {n: values.get(n) for n in names}, ())
            hit = self._may_fire[key] = region is not False
        return hit

    def globals_for(self, kind: str, values: Mapping[str, Any]) -> tuple[str, ...]:
        """The global names a fact of ``kind`` with these local values must carry.

        Only the globals of rule cases that can match it: a fact stays small (durable-rules takes
        at most 253 keys) and does not change — and need not be re-asserted — when a value no rule
        of its own reads changes.
        """
        hit = self._globals_cache.get(kind)  # a kind without discriminators, asked before: most facts
        if hit is not None:
            return hit
        needs = self.global_needs.get(kind)
        if not needs:
            return ()
        # the answer depends on the values the kind's discriminators name alone (most kinds: none)
        keyed = self._discriminated.get(kind)
        if keyed is None:
            keyed = self._discriminated[kind] = tuple(dict.fromkeys(n for d, _ in needs for n in d))
        key = (kind, *[values.get(n) for n in keyed]) if keyed else kind
        cached = self._globals_cache.get(key)
        if cached is None:
            names: dict[str, None] = {}
            for discriminators, globals_ in needs:
                if all(values.get(n) in allowed for n, allowed in discriminators.items()):
                    names.update(dict.fromkeys(globals_))
            cached = self._globals_cache[key] = tuple(names)
        return cached


# --- loading ----------------------------------------------------------------------------------------


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, file: str, where: str | None, what: str) -> None:
        self.items.append(f"{file}" + (f"，{where}" if where else "") + f"：{what}")


def _severity(raw: Any) -> str | None:
    if raw in SEVERITIES:
        return raw
    return SEVERITY_ALIASES.get(str(raw)) if raw is not None else None


def _parse_table(name: str, raw: Any) -> Table:
    if not isinstance(raw, dict) or not isinstance(raw.get("values"), dict) or not raw["values"]:
        raise ExprError("应写成 {unit: …, values: {选项: 数值, …}}")
    unit = raw.get("unit")
    if unit not in TABLE_UNITS:
        raise ExprError(f"unit 只能是 万元、month-day 或不写，现为「{unit}」")
    values: dict[str, int] = {}
    for key, value in raw["values"].items():
        try:
            if unit == "万元":
                amount = Decimal(str(value)) * 10000
                if amount != amount.to_integral_value():
                    raise ExprError(f"{key}：万元最多 4 位小数")
                values[str(key)] = int(amount)
            elif unit == "month-day":
                m = re.fullmatch(r"(\d{1,2})-(\d{1,2})", str(value))
                if not m or not (1 <= int(m[1]) <= 12 and 1 <= int(m[2]) <= 31):
                    raise ExprError(f"{key}：日期应写成 \"01-31\" 的形式，现为「{value}」")
                values[str(key)] = int(m[1]) * 100 + int(m[2])
            else:
                if isinstance(value, bool) or not isinstance(value, int):
                    raise ExprError(f"{key}：应为整数，现为「{value}」")
                values[str(key)] = value
        except InvalidOperation:
            raise ExprError(f"{key}：「{value}」不是数") from None
    return Table(name, unit, values)


def _parse_feature(name: str, raw: Any, file: str) -> Feature:
    if not isinstance(raw, dict) or raw.get("kind") not in FEATURE_KINDS:
        raise ExprError(f"kind 应为 {'、'.join(FEATURE_KINDS)} 之一")
    kind = raw["kind"]
    params = {k: v for k, v in raw.items() if k != "kind"}
    if kind == "keywords":
        words = params.get("words")
        if not isinstance(words, list) or not words or not all(isinstance(w, str) and w for w in words):
            raise ExprError("keywords 特征要有 words: [词语, …]")
    elif kind in ("pattern", "number"):
        regex = params.get("regex")
        if not isinstance(regex, str) or not regex:
            raise ExprError(f"{kind} 特征要有 regex")
        try:
            rx = re.compile(expand_pattern(regex, 2024))
        except re.error as err:
            raise ExprError(f"正则表达式有误：{err}") from None
        _linear(regex)
        if kind == "number" and "n" not in rx.groupindex:
            raise ExprError("number 特征的正则表达式要用 (?P<n>NUM) 标出要读的数")
    elif kind == "similarity":
        threshold = params.get("threshold", DEFAULT_THRESHOLD)
        if isinstance(threshold, bool) or not isinstance(threshold, int | float) or not 50 <= threshold <= 100:
            raise ExprError("similarity 特征的 threshold 应为 50 到 100 之间的数")
    unknown = set(params) - {"words", "regex", "threshold", "title"}
    if unknown:
        raise ExprError(f"不认识的项：{'、'.join(sorted(unknown))}")
    return Feature(name, kind, params, file)


def _linear(regex: str) -> None:
    """A rule's regex must run in time linear in the text (issue 14; gkassist.regexcost)."""
    for year in (2024, None):  # YEAR … expanded, and matching nothing when the year is unknown
        why = backtracking(expand_pattern(regex, year))
        if why:
            raise ExprError(f"正则表达式「{regex.strip()}」读长文字时会很慢：{why}")


def _read_files(paths: list[Path], problems: _Problems) -> list[tuple[str, dict]]:
    docs: list[tuple[str, dict]] = []
    for path in paths:
        label = f"rules/{path.name}"
        try:
            # PyYAML's C loader, and the parsed file kept beside it until it changes: every check
            # starts by reading the whole rulebook, which the pure-Python loader took 0.07 s to do
            raw = read_yaml(path)
        except UnicodeDecodeError:
            problems.add(label, None, "不是 UTF-8 编码的文本文件")
            continue
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            where = f"第 {mark.line + 1} 行" if mark else None
            problems.add(label, where, f"YAML 格式有误（{getattr(err, 'problem', None) or err}）")
            continue
        if raw is None:
            continue
        if not isinstance(raw, dict):
            problems.add(label, None, "文件应是一个映射，顶层可有 rules、features、claims、tables、fact_kinds、producers")
            continue
        unknown = set(raw) - TOP_LEVEL_KEYS
        if unknown:
            problems.add(label, None, f"不认识的顶层项：{'、'.join(sorted(map(str, unknown)))}")
        docs.append((label, raw))
    return docs


def _resolve_scope(raw: Any, fact_kinds: Mapping[str, FactKind]) -> str:
    if not isinstance(raw, str):
        raise ExprError("scope 应为文字，如 each column of table 三")
    text = " ".join(raw.split())
    for scope in vocab.SCOPES.values():
        if text in scope.phrases:
            return scope.kind
    m = re.fullmatch(r"(?:facts of kind|each fact of kind)\s+(\S+)|(\S+)\s*类事实", text)
    if m:
        kind = m[1] or m[2]
        if kind not in fact_kinds:
            raise ExprError(f"事实种类 {kind} 未在 fact_kinds 中声明")
        return kind
    choices = "；".join(s.phrases[0] for s in vocab.SCOPES.values())
    raise ExprError(f"不认识的检查对象「{raw}」；可用：{choices}；或 facts of kind X")


class _Names:
    """What a rule of one scope may name: local names, groups, previous, globals."""

    def __init__(self, kind: str, book_features: Mapping[str, Feature], fact_kinds: Mapping[str, FactKind]) -> None:
        scope = vocab.SCOPES.get(kind)
        if scope is not None:
            self.local: dict[str, str] = dict(scope.names)
            if kind == vocab.TEXT:
                self.local.update({f: f for f in book_features})
            self.groups = dict(scope.groups)
            self.previous = scope.previous
            self.labels = set(scope.labels)
        else:
            fk = fact_kinds[kind]
            self.local = dict(fk.names)
            self.groups = {}
            self.previous = False
            self.labels = set(fk.texts) | {"field"}
        self.features = book_features

    def known(self, name: str) -> bool:
        if name in self.local or name in self.groups:
            return True
        if self.previous and name.startswith("previous.") and name[len("previous."):] in self.local:
            return True
        return vocab.global_name_kind(name, self.features) is not None

    def is_global(self, name: str) -> bool:
        return not (name in self.local or name in self.groups or (
            self.previous and name.startswith("previous.") and name[len("previous."):] in self.local))


def _as_list(raw: Any) -> list[str] | None:
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, list) and all(isinstance(x, str) for x in raw):
        return raw
    return None


def load_rulebook(paths: Iterable[Path] | None = None) -> Rulebook:
    """Load, validate and compile rule files (default: every ``rules/*.yaml``)."""
    if paths is None:
        from gkassist.resources import rules_dir

        paths = sorted(rules_dir().glob("*.yaml"))
    paths = list(paths)
    problems = _Problems()
    docs = _read_files(paths, problems)

    # Pass 1: the shared vocabulary (tables, features, fact kinds) — rules in any file may use it.
    tables: dict[str, Table] = {}
    features: dict[str, Feature] = {}
    fact_kinds: dict[str, FactKind] = {}
    producers: list[Callable] = []
    for label, raw in docs:
        for name, spec in (raw.get("tables") or {}).items():
            if name in tables:
                problems.add(label, f"表 {name}", "与其他文件中的表重名")
                continue
            try:
                tables[name] = _parse_table(name, spec)
            except ExprError as err:
                problems.add(label, f"表 {name}", str(err))
        for name, spec in (raw.get("features") or {}).items():
            if name in features or name in vocab.BUILTIN_TEXT_NAMES:
                problems.add(label, f"特征 {name}", "与已有的特征重名")
                continue
            if not re.fullmatch(r"[a-z][a-z0-9_]*", str(name)):
                problems.add(label, f"特征 {name}", "名称只能用小写英文字母、数字和下划线")
                continue
            try:
                features[name] = _parse_feature(name, spec, label)
            except ExprError as err:
                problems.add(label, f"特征 {name}", str(err))
        for kind, spec in (raw.get("fact_kinds") or {}).items():
            if kind in fact_kinds or kind in vocab.SCOPES:
                problems.add(label, f"事实种类 {kind}", "重名")
                continue
            if not isinstance(spec, dict) or not isinstance(spec.get("names", {}), dict):
                problems.add(label, f"事实种类 {kind}", "应写成 {title: …, names: {名称: 说明}, texts: {名称: 说明}}")
                continue
            names = dict(spec.get("names") or {})
            defaults = spec.get("defaults") or {}
            if not isinstance(defaults, dict) or any(
                    n not in names or isinstance(v, bool) or not isinstance(v, int) for n, v in defaults.items()):
                problems.add(label, f"事实种类 {kind}", "defaults 应写成 {名称: 整数}，名称须在 names 中")
                continue
            fact_kinds[kind] = FactKind(kind, str(spec.get("title", kind)), names, dict(spec.get("texts") or {}),
                                        dict(defaults))
        for ref in raw.get("producers") or []:
            try:
                module, _, func = str(ref).partition(":")
                producers.append(getattr(importlib.import_module(module), func))
            except (ImportError, AttributeError, ValueError) as err:
                problems.add(label, f"producers {ref}", f"找不到这个函数（{err}）")

    # Pass 2: claims (T3) and rules.
    claims: list[Claim] = []
    global_parser = Parser({}, tables)
    for label, raw in docs:
        for i, spec in enumerate(raw.get("claims") or [], 1):
            where = f"claims 第 {i} 项"
            try:
                claims.append(_parse_claim(spec, global_parser, features, label))
            except ExprError as err:
                problems.add(label, where, str(err))

    rules: list[Rule] = []
    seen_ids: dict[str, str] = {}
    order = 0
    for label, raw in docs:
        specs = raw.get("rules") or []
        if not isinstance(specs, list):
            problems.add(label, None, "rules 应是一个列表，每项一条规则")
            continue
        for i, spec in enumerate(specs, 1):
            rid = spec.get("id") or spec.get("code") if isinstance(spec, dict) else None
            where = f"规则 {rid}" if rid else f"第 {i} 条规则"
            try:
                rule = _parse_rule(spec, label, order, tables, features, fact_kinds, raw.get("applies"))
            except ExprError as err:
                problems.add(label, where, str(err))
                continue
            if rule.id in seen_ids:
                problems.add(label, where, f"id {rule.id} 与 {seen_ids[rule.id]} 中的规则重复；同一编码的多条规则要写不同的 id")
                continue
            seen_ids[rule.id] = label
            rules.append(rule)
            order += 1

    if problems.items:
        shown = problems.items[:30]
        more = f"\n……另有 {len(problems.items) - 30} 处" if len(problems.items) > 30 else ""
        raise RuleFileError("规则文件有误，程序无法启动。请改正后重试：\n" + "\n".join(f"- {p}" for p in shown) + more)

    return _indexed(Rulebook(rules, features, claims, tables, fact_kinds, producers, [label for label, _ in docs]))


def _indexed(book: Rulebook) -> Rulebook:
    """The book with what is worked out from its rules: cases by key, global needs, digest."""
    for rule in book.rules:
        for case in rule.cases:
            book.cases_by_key[case.key] = (rule, case)
        if rule.flag is not None:
            book.applicability[rule.flag] = rule
    book.global_needs = _global_needs(book.rules, book.features, book.fact_kinds)
    for rule in book.rules:
        names = _Names(rule.scope, book.features, book.fact_kinds)
        selecting = book.selecting.setdefault(rule.scope, {})
        for case in rule.cases:
            selecting.update(dict.fromkeys(_discriminators(case.when, names)))
    book.digest = hashlib.sha256(
        json.dumps(book.engine_definition(), sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()[:16]
    return book


def _parse_claim(spec: Any, parser: Parser, features: Mapping[str, Feature], label: str) -> Claim:
    if not isinstance(spec, dict) or not {"name", "value", "patterns"} <= set(spec):
        raise ExprError("每项应有 name、value、patterns（可加 also）")
    unknown = set(spec) - {"name", "value", "also", "patterns"}
    if unknown:
        raise ExprError(f"不认识的项：{'、'.join(sorted(map(str, unknown)))}")
    value = parser.parse_lin(spec["value"])
    also = parser.parse_lin(spec["also"]) if spec.get("also") is not None else None
    for name in value.names() + (also.names() if also else []):
        if vocab.global_name_kind(name, features) not in ("count", "money"):
            raise ExprError(f"value / also 中的「{name}」不是表格中的数字栏目")
    patterns = _as_list(spec["patterns"])
    if not patterns:
        raise ExprError("patterns 应是正则表达式的列表")
    compiled = []
    for p in patterns:
        try:
            rx = re.compile(expand_pattern(p, 2024))
        except re.error as err:
            raise ExprError(f"正则表达式「{p}」有误：{err}") from None
        if "n" not in rx.groupindex and "zero" not in rx.groupindex:
            raise ExprError(f"正则表达式「{p}」要用 (?P<n>NUM) 标出数字，或用 (?P<zero>…) 标出“没有”的说法")
        _linear(p)
        compiled.append(p)
    return Claim(str(spec["name"]), value, tuple(compiled), label, also)  # type: ignore[arg-type]


def _parse_rule(spec: Any, label: str, order: int, tables: Mapping[str, Table],
                features: Mapping[str, Feature], fact_kinds: Mapping[str, FactKind],
                file_applies: Any = None) -> Rule:
    if not isinstance(spec, dict):
        raise ExprError("每条规则应是一个映射（code、severity、scope、reads、check、message …）")
    unknown = set(spec) - RULE_KEYS
    if unknown:
        raise ExprError(f"不认识的项：{'、'.join(sorted(map(str, unknown)))}")
    code = spec.get("code")
    if not isinstance(code, str) or not _CODE.match(code):
        raise ExprError(f"code 应为规则编码，如 N4、T6b，现为「{code}」")
    rule_id = str(spec.get("id") or code)
    kind = spec.get("kind", "finding")
    if kind not in RULE_KINDS:
        raise ExprError(f"kind 应为 finding 或 suggestion，现为「{kind}」")
    scope_kind = _resolve_scope(spec.get("scope"), fact_kinds)
    names = _Names(scope_kind, features, fact_kinds)
    texts = None
    if "texts" in spec:
        if scope_kind != vocab.TEXT:
            raise ExprError("texts 只用于 scope: each text")
        texts = _as_list(spec["texts"])
        bad = [t for t in texts or [] if t not in vocab.text_ids()]
        if not texts or bad:
            raise ExprError(f"texts 中有不存在的文字栏目：{'、'.join(bad) or '（空）'}；可用：{'、'.join(vocab.text_ids())}")
        texts = tuple(texts)
    reads = _as_list(spec.get("reads"))
    if not reads:
        raise ExprError("reads 应列出本规则读取的栏目名称")
    for name in reads:
        if not names.known(name):
            raise ExprError(f"reads 中的「{name}」在本检查对象中不存在")
    section = spec.get("section")
    if section is not None and section not in {s.id for s in FORM.sections}:
        raise ExprError(f"section「{section}」不存在；可用：{'、'.join(s.id for s in FORM.sections)}")
    if section is None and scope_kind in (vocab.REPORT,) + tuple(fact_kinds):
        section = vocab.section_of_names(reads)
    applies = _parse_applies(file_applies, spec.get("applies"))
    flag = vocab.applies_flag(rule_id) if applies.restricts else None
    basis = spec.get("basis", "")
    if not isinstance(basis, str):
        raise ExprError("basis 应为一段文字：本规则依据的条文或文件，如「《条例》第五十条」")

    base = {k: spec.get(k) for k in CASE_KEYS if k in spec}
    raw_cases = spec.get("cases")
    if raw_cases is None:
        raw_cases = [{}]
    if not isinstance(raw_cases, list) or not raw_cases or not all(isinstance(c, dict) for c in raw_cases):
        raise ExprError("cases 应是一个列表，每项可写 severity、when、check、values、message")
    parser = Parser(names.groups, tables)
    cases = []
    for n, raw_case in enumerate(raw_cases, 1):
        bad = set(raw_case) - CASE_KEYS
        if bad:
            raise ExprError(f"cases 第 {n} 项有不认识的项：{'、'.join(sorted(bad))}")
        merged = {**base, **raw_case}
        where = f"（cases 第 {n} 项）" if len(raw_cases) > 1 else ""
        key = rule_id if len(raw_cases) == 1 else f"{rule_id}#{n}"
        try:
            cases.append(_parse_case(key, merged, parser, names, reads, scope_kind, tables, texts, flag))
        except ExprError as err:
            raise ExprError(f"{err}{where}") from None
    title = spec.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ExprError("title 应为一句简短的中文标题")
    return Rule(rule_id, code, title.strip(), kind, scope_kind, texts, section, tuple(reads), tuple(cases), label,
                order, applies, " ".join(basis.split()))


def _parse_applies(file_default: Any, raw: Any) -> vocab.Applies:
    """``applies:`` of a rule over its file's default: formats, years, sections the file must hold."""
    merged: dict[str, Any] = {}
    for where, spec in (("文件顶层的 applies", file_default), ("applies", raw)):
        if spec is None:
            continue
        if not isinstance(spec, dict):
            raise ExprError(f"{where} 应写成 {{formats: [2019, 2021], years: {{from: 2021}}, sections: {{problems: whole}}}}")
        unknown = set(spec) - APPLIES_KEYS
        if unknown:
            raise ExprError(f"{where} 中不认识的项：{'、'.join(sorted(map(str, unknown)))}；可用 formats、years、sections")
        merged.update(spec)
    formats = merged.get("formats", list(vocab.FORMATS))
    if not isinstance(formats, list) or not formats or not all(f in vocab.FORMATS for f in formats):
        raise ExprError(f"applies 的 formats 应是 {'、'.join(map(str, vocab.FORMATS))} 中的一个或几个，如 [2019, 2021]，现为「{formats}」")
    years = dict(merged.get("years") or {})
    year_known = years.pop("known", False) if isinstance(years, dict) else False
    if not isinstance(years, dict) or set(years) - {"from", "to"} or not all(
            isinstance(v, int) and not isinstance(v, bool) and 2000 <= v <= 2100 for v in years.values()):
        raise ExprError(f"applies 的 years 应写成 {{from: 2021}}、{{to: 2020}} 或 {{from: 2019, to: 2020}}"
                        f"（可加 known: true），现为「{merged.get('years')}」")
    if not isinstance(year_known, bool) or (year_known and not years):
        raise ExprError("applies 的 years 中 known 应为 true 或 false，且只与 from / to 一起写")
    if "from" in years and "to" in years and years["from"] > years["to"]:
        raise ExprError(f"applies 的 years：from {years['from']} 晚于 to {years['to']}")
    sections = merged.get("sections") or {}
    section_ids = {s.id for s in FORM.sections} | {vocab.OWN_SECTION}
    if not isinstance(sections, dict):
        raise ExprError("applies 的 sections 应写成 {部分: whole 或 part}，如 {problems: whole}")
    for sid, need in sections.items():
        if sid not in section_ids:
            raise ExprError(f"applies 的 sections 中「{sid}」不是报告的部分；可用：{'、'.join(sorted(section_ids))}")
        if need not in vocab.NEEDS:
            raise ExprError(f"applies 的 sections 中「{sid}: {need}」：应为 whole（整个部分都在文件中）、part（至少有一部分）"
                            f"或 cut（有一部分、但不是全部：文件从它中间开始或在它中间中断）")
    return vocab.Applies(frozenset(formats), years.get("from"), years.get("to"),
                         tuple((str(k), str(v)) for k, v in sections.items()), year_known)


def _parse_case(key: str, spec: Mapping[str, Any], parser: Parser, names: _Names, reads: list[str],
                scope_kind: str, tables: Mapping[str, Table], texts: tuple[str, ...] | None,
                flag: str | None = None) -> Case:
    severity = _severity(spec.get("severity"))
    if severity is None:
        raise ExprError(f"severity 应为 error、warning 或 hint（错误、警告、提示），现为「{spec.get('severity')}」")
    when = parser.parse_cond(spec["when"]) if spec.get("when") is not None else None
    check = parser.parse_cond(spec["check"]) if spec.get("check") is not None else None
    if when is None and check is None:
        raise ExprError("check 和 when 至少要写一个")
    values_raw = spec.get("values") or {}
    if not isinstance(values_raw, dict):
        raise ExprError("values 应写成 {名称: 算式}")
    values = {}
    for vname, expr in values_raw.items():
        try:
            values[str(vname)] = parser.parse_lin(expr)
        except ExprError as err:
            raise ExprError(f"values 中的 {vname}：{err}") from None
    used = cond_names(when) + cond_names(check) + [n for v in values.values() for n in v.names()]
    allowed = set(reads) | {m for g in reads if g in names.groups for m in names.groups[g]}
    for name in used:
        if not names.known(name):
            raise ExprError(f"「{name}」在本检查对象中不存在")
        if name not in allowed:
            raise ExprError(f"「{name}」用在检查式中，但没有列在 reads 里")
    for lk in cond_lookups(when) + cond_lookups(check) + [lk for v in values.values() for lk, _ in v.lookups]:
        if not names.known(lk.key):
            raise ExprError(f"查表 {lk.table}[{lk.key}] 中的「{lk.key}」在本检查对象中不存在")

    message = spec.get("message")
    if not isinstance(message, str) or not message.strip():
        raise ExprError("message 应为一段中文提示")
    single = isinstance(check, Cmp) and isinstance(check.left, Lin) and isinstance(check.right, Lin)
    for m in PLACEHOLDER.finditer(message):
        var, fmt = m[1], m[2]
        if var in MESSAGE_SIDES:
            if not single:
                raise ExprError(f"提示中的 {{{var}}} 只能用于检查式是单个数字比较的规则")
        elif not (var in values or var in names.labels or names.known(var) or _is_detail_var(var, names)):
            raise ExprError(f"提示中的 {{{var}}} 不是本规则的名称、values 或标签")
        if fmt not in (None, "terms", "label"):
            raise ExprError(f"提示中的 {{{var}:{fmt}}}：格式只能是 terms 或 label")
        if fmt == "terms" and var not in ("left", "right"):
            raise ExprError(f"提示中的 {{{var}:terms}}：terms 只能用于 left 或 right")
        if fmt == "label" and not names.known(var):
            raise ExprError(f"提示中的 {{{var}:label}}：label 只能用于栏目名称")

    message_names = [m[1] for m in PLACEHOLDER.finditer(message) if m[1] in allowed]
    case_names = tuple(dict.fromkeys([*used, *message_names]))
    fires_parts = []
    if when is not None:
        fires_parts.append(push_down(when))
    if check is not None:
        fires_parts.append(negate(check))
    if flag is not None:  # the rule applies to this fact (format, year, what the file holds)
        fires_parts.append(Truth(flag))
    fires = fires_parts[0] if len(fires_parts) == 1 else BoolOp("and", tuple(fires_parts))
    compiled = compile_cond(fires, tables)
    # The kind guard keeps the pattern away from the session-state document (durable-rules would
    # otherwise loop forever on it) and from facts of other kinds.
    guards: list[dict] = [{"kind": scope_kind}]
    if scope_kind == vocab.TEXT:
        guards.append(json_any([{vocab.TEXT_KEY: t} for t in texts or vocab.PROSE_FIELDS]))
    pattern = {"$and": [*guards, compiled]}
    return Case(key, severity, when, check, values, _join_lines(message), case_names, fires, pattern)


_CJK_PUNCT = "\u3000-\u303f\uff00-\uffef"
_CJK_GAP = re.compile(
    f"(?<=[{_CJK_PUNCT}])\\s+|\\s+(?=[{_CJK_PUNCT}])|(?<=[\u3400-\u9fff])\\s+(?=[\u3400-\u9fff])"
)


def _join_lines(message: str) -> str:
    """One line; a YAML line break leaves no space beside Chinese punctuation or between two
    Chinese characters (a space before a number, 「第一项 {new}」, is kept)."""
    return _CJK_GAP.sub("", " ".join(message.split()))


def _is_detail_var(var: str, names: _Names) -> bool:
    """``{feature_text}`` / ``{feature_count}`` of a pattern/similarity feature, and cell/claim texts."""
    for suffix in ("_text", "_count"):
        if var.endswith(suffix):
            base = var[: -len(suffix)]
            if base in names.local or vocab.global_name_kind(base, names.features) is not None:
                return True
    return False


def _discriminators(when: Cond | None, names: _Names) -> dict[str, frozenset]:
    """``local == "x"`` / ``local in [...]`` conjuncts of ``when``: facts whose value differs can
    never match the case, so they need not carry the globals it reads."""
    if when is None:
        return {}
    items = when.items if isinstance(when, BoolOp) and when.op == "and" else (when,)
    out: dict[str, frozenset] = {}
    for item in items:
        if isinstance(item, Cmp) and item.op == "==":
            for a, b in ((item.left, item.right), (item.right, item.left)):
                if isinstance(a, str) and isinstance(b, Lin) and b.single_name and not names.is_global(b.single_name):
                    out[b.single_name] = frozenset({a})
        elif isinstance(item, Member) and not item.negated and not names.is_global(item.name):
            out[item.name] = frozenset(item.values)
    return out


def _global_needs(rules: list[Rule], features: Mapping[str, Feature], fact_kinds: Mapping[str, FactKind],
                  ) -> dict[str, list[tuple[dict[str, frozenset], tuple[str, ...]]]]:
    """Per fact kind: (discriminators, global names) of each rule case on that kind."""
    out: dict[str, list[tuple[dict[str, frozenset], tuple[str, ...]]]] = {}
    for rule in rules:
        names = _Names(rule.scope, features, fact_kinds)
        bucket = out.setdefault(rule.scope, [])
        for case in rule.cases:
            used = cond_names(case.when) + cond_names(case.check)
            used += [n for v in case.values.values() for n in v.names()]
            used += [lk.key for lk in cond_lookups(case.when) + cond_lookups(case.check)]
            for m in PLACEHOLDER.finditer(case.message):
                var = m[1]
                base = var.rsplit("_", 1)[0] if var.endswith(("_text", "_count")) else var
                if names.known(base) and names.is_global(base):
                    used.append(base)
            if rule.flag is not None:
                used.append(rule.flag)
            globals_ = tuple(dict.fromkeys(n for n in used if names.is_global(n)))
            if globals_:
                bucket.append((_discriminators(case.when, names), globals_))
    return out


@cache
def default_rulebook() -> Rulebook:
    """The shipped catalogue, loaded once per process."""
    return load_rulebook()
