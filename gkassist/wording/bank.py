"""The standard-wording bank of section 五, loaded from ``prompts/wording/`` and validated.

The bank is data written by 政务公开 officers, so the loader checks everything a slip of the pen
can break (a missing slot hint, a measure id that does not exist, a phrasing without a slot, a
problem with no measure to answer it) and refuses the file with a message that names the file,
the entry and what is wrong, in Chinese. It reports every fault it finds at once, so that one
round of editing fixes them all.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from gkassist.errors import UserError
from gkassist.form import FORM
from gkassist.resources import prompts_dir
from gkassist.wording.slots import slot_names

KINDS = ("problem", "measure")
CATEGORY_FILES = {"problem": "problems.yaml", "measure": "measures.yaml"}
SLOTS_FILE = "slots.yaml"
PHRASES_FILE = "phrases.yaml"
MATCHING_FILE = "matching.yaml"
STATUSES = ("done", "ongoing", "not_done")


class BankError(UserError):
    """The wording bank cannot be used; ``problems`` lists each fault (file, entry, what is wrong)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:20]
        more = f"\n……另有 {len(problems) - 20} 处问题" if len(problems) > 20 else ""
        super().__init__("措辞库有误，请修改后再运行：\n" + "\n".join(f"- {p}" for p in shown) + more)


@dataclass(frozen=True)
class Slot:
    name: str
    hint: str
    auto: bool = False  # filled by the assistant (报告年度, 自称 …), never asked of the user


@dataclass(frozen=True)
class Phrasing:
    text: str  # with its slots in braces, as written in the bank
    category: str  # category id
    kind: str  # "problem" | "measure"
    index: int  # position within its category, from 0
    slots: tuple[str, ...]  # slots the user must fill, in order of appearance
    auto_slots: tuple[str, ...]  # slots the assistant fills
    hints: Mapping[str, str] = field(default_factory=dict)  # slot -> hint, for every user slot
    data: Mapping[str, str] = field(default_factory=dict)  # slot -> field ids (a + b) whose sum pre-fills it
    # field id -> the value the tables must hold for the phrasing to be true (「连续两年未收到申请」: 0)
    only_when: Mapping[str, int] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """A stable reference to this phrasing (``timeliness/2``), for rules and sessions."""
        return f"{self.category}/{self.index + 1}"


@dataclass(frozen=True)
class Link:
    """A measure category that answers a problem category, and when it does.

    A measure of the category answers a problem of the linked category only if the measure says
    one of ``measure_says`` (when given) and the problem says one of ``problem_says`` (when given):
    an 「及时更新、扩大公开」 measure that only widens the content does not answer 「更新不及时」,
    and training does not answer 「缺乏专业技术人员」 (no one is added).
    """

    id: str
    measure_says: tuple[str, ...] = ()
    problem_says: tuple[str, ...] = ()

    def fits_problem(self, problem: str) -> bool:
        return not self.problem_says or any(w in problem for w in self.problem_says)

    def fits_measure(self, measure: str) -> bool:
        return not self.measure_says or any(w in measure for w in self.measure_says)


@dataclass(frozen=True)
class Category:
    id: str
    kind: str
    label: str
    description: str
    keywords: tuple[str, ...]
    phrasings: tuple[Phrasing, ...]
    measures: tuple[str, ...] = ()  # problems only: measure category ids that answer it, in order
    links: tuple[Link, ...] = ()  # problems only: the same, with the conditions under which they answer
    # a catch-all (「与群众期待还有差距」): an item that also names a specific point is about that point
    broad: bool = False


@dataclass(frozen=True)
class Status:
    label: str  # what the user picks (已完成)
    text: str  # what the report says (已完成整改); may hold the slot {原因}


@dataclass(frozen=True)
class Phrases:
    problem_openers: tuple[str, ...]
    measure_openers: tuple[str, ...]
    measure_opener_single: str  # a list's "以下几个方面" is wrong before a single measure
    rectification_openers: tuple[str, ...]
    statuses: Mapping[str, Status]
    prompts: Mapping[str, str]
    rectification_none: str
    self_reference: tuple[tuple[str, str], ...]  # (suffix, text), first match wins
    self_fallback: str


@dataclass(frozen=True)
class Bank:
    folder: Path
    slots: Mapping[str, Slot]
    categories: Mapping[str, Category]  # in file order, problems first
    phrases: Phrases
    generic: tuple[str, ...] = ()  # stock words matching ignores (matching.yaml), longest first
    same: tuple[tuple[str, str], ...] = ()  # (word, the word matching reads it as), matching.yaml
    # kind -> category ids real reports name most often, most often first (matching.yaml, common):
    # what is offered while a line says nothing the bank recognises yet
    common: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # words opening a clause that concedes what went well (「虽然……，但」), matching.yaml: not the point
    concessive: tuple[str, ...] = ()
    # a clause that only names whose requirements the agency follows (「按照……的要求」), matching.yaml
    # frames: it contains one of ``opens`` and ends with one of ``ends``; not the point either
    frame_opens: tuple[str, ...] = ()
    frame_ends: tuple[str, ...] = ()

    def category(self, category_id: str) -> Category:
        try:
            return self.categories[category_id]
        except KeyError:
            raise KeyError(f"措辞库中没有类别 {category_id!r}") from None

    def of_kind(self, kind: str) -> list[Category]:
        _check_kind(kind)
        return [c for c in self.categories.values() if c.kind == kind]

    def phrasings(self, kind: str | None = None) -> Iterator[Phrasing]:
        for c in self.categories.values():
            if kind is None or c.kind == kind:
                yield from c.phrasings

    def phrasing(self, key: str) -> Phrasing:
        """The phrasing named by ``Phrasing.key`` (``timeliness/2``)."""
        cat, _, num = key.partition("/")
        try:
            return self.category(cat).phrasings[int(num) - 1]
        except (ValueError, IndexError):
            raise KeyError(f"措辞库中没有措辞 {key!r}") from None

    def measures_for(self, problem_category: str) -> list[Category]:
        """Measure categories that answer a problem category, in the bank's order of preference."""
        cat = self.category(problem_category)
        if cat.kind != "problem":
            raise ValueError(f"{problem_category} 是措施类别，不是问题类别")
        return [self.categories[m] for m in cat.measures]

    def problems_answered_by(self, measure_category: str) -> list[Category]:
        return [c for c in self.of_kind("problem") if measure_category in c.measures]

    def hint(self, slot: str) -> str:
        s = self.slots.get(slot)
        return s.hint if s else ""


def data_fields(expr: str) -> list[str]:
    """The field ids a ``data`` entry adds up (``review.corrected + litigation_direct.corrected``)."""
    return [p.strip() for p in expr.split("+") if p.strip()]


def data_total(phrasing: Phrasing, slot: str, answers: Mapping[str, Any]) -> Any:
    """The table number a data slot stands for (the sum of its fields), or None if one is unknown."""
    total: Any = 0
    for fid in data_fields(phrasing.data[slot]):
        v = FORM.value(fid, answers)
        if v is None:
            return None
        total += v
    return total


def offered(phrasing: Phrasing, answers: Mapping[str, Any] | None) -> bool:
    """Should this phrasing be offered for a report with these answers? Not when a slot the tables
    fill would be 0 (「逐案分析被纠正的0件案件」 says nothing), nor when the tables contradict it
    (``only_when``: 「连续两年未收到申请」 for an agency that received some). Unknown numbers do not
    stop it, and without answers everything is offered."""
    if answers is None:
        return True
    if any(data_total(phrasing, slot, answers) == 0 for slot in phrasing.data):
        return False
    for fid, wanted in phrasing.only_when.items():
        value = FORM.value(fid, answers)
        if value is not None and value != wanted:
            return False
    return True


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")


# --- loading -----------------------------------------------------------------------------------


class _Faults:
    """Collects faults so that one run of the loader reports them all."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, file: str, entry: str, what: str) -> None:
        where = f"{file}，{entry}" if entry else file
        self.items.append(f"{where}：{what}")


def _read(folder: Path, name: str, faults: _Faults) -> Any:
    path = folder / name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        faults.add(name, "", f"找不到文件（应在 {folder} 中）")
        return None
    except UnicodeDecodeError:
        faults.add(name, "", "不是 UTF-8 编码的文本，请用 UTF-8 保存")
        return None
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"第 {mark.line + 1} 行" if mark is not None else ""
        faults.add(
            name,
            line,
            "YAML 格式错误（常见原因：以 { 开头的措辞没有加引号，或缩进不一致）"
            f"：{getattr(exc, 'problem', exc)}",
        )
        return None
    if not isinstance(data, dict):
        faults.add(name, "", "文件内容应是“名称: 内容”形式的映射")
        return None
    return data


def _str_list(value: Any) -> list[str] | None:
    if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
        return [v.strip() for v in value]
    return None


def _load_slots(raw: Any, faults: _Faults) -> dict[str, Slot]:
    slots: dict[str, Slot] = {}
    if raw is None:
        return slots
    for section, auto in (("slots", False), ("auto", True)):
        entries = raw.get(section)
        if not isinstance(entries, dict) or not entries:
            faults.add(SLOTS_FILE, section, "缺少这一节，或这一节不是“填空名: 提示”的形式")
            continue
        for name, hint in entries.items():
            name = str(name)
            if not isinstance(hint, str) or not hint.strip():
                faults.add(SLOTS_FILE, f"填空 {name}", "缺少提示文字")
                continue
            if name in slots:
                faults.add(SLOTS_FILE, f"填空 {name}", "重复定义")
                continue
            slots[name] = Slot(name, hint.strip(), auto)
    return slots


_PHRASING_KEYS = {"text", "hints", "data", "only_when"}


def _phrasing_entry(entry: Any) -> tuple[str | None, dict[str, str], dict[str, str], dict[str, int], str | None]:
    """(text, hints, data, only_when, error) from a phrasing written as a string or as a mapping."""
    if isinstance(entry, str):
        return entry.strip(), {}, {}, {}, None
    if not isinstance(entry, dict):
        return None, {}, {}, {}, "措辞应是一行文字"
    if set(entry) - _PHRASING_KEYS:
        return None, {}, {}, {}, (
            "措辞应是一行文字，或写成 text/hints/data/only_when 几项；如果措辞以 { 开头，请给整条措辞加引号"
        )
    text = entry.get("text")
    hints = entry.get("hints") or {}
    data = entry.get("data") or {}
    only_when = entry.get("only_when") or {}
    if not isinstance(text, str) or not text.strip():
        return None, {}, {}, {}, "缺少 text（措辞文字）"
    if not isinstance(hints, dict) or not all(isinstance(v, str) and v.strip() for v in hints.values()):
        return None, {}, {}, {}, "hints 应是“填空名: 提示”的形式"
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        return None, {}, {}, {}, "data 应是“填空名: 栏目编号”的形式，如 {不掌握件数: requests.unable.not_held.total}"
    if not isinstance(only_when, dict) or not all(type(v) is int and v >= 0 for v in only_when.values()):
        return None, {}, {}, {}, "only_when 应是“栏目编号: 数”的形式，如 {requests.new.total: 0}"
    return (text.strip(), {str(k): v.strip() for k, v in hints.items()}, {str(k): v.strip() for k, v in data.items()},
            {str(k): v for k, v in only_when.items()}, None)


def _load_categories(
    kind: str, raw: Any, slots: Mapping[str, Slot], seen_ids: set[str], faults: _Faults
) -> list[Category]:
    file = CATEGORY_FILES[kind]
    out: list[Category] = []
    if raw is None:
        return out
    entries = raw.get("categories")
    if not isinstance(entries, list) or not entries:
        faults.add(file, "categories", "缺少类别列表（categories）")
        return out
    for n, c in enumerate(entries, 1):
        if not isinstance(c, dict):
            faults.add(file, f"第 {n} 个类别", "应是 id、label、phrasings 等项组成的映射")
            continue
        cid = c.get("id")
        where = f"类别 {cid}" if cid else f"第 {n} 个类别"
        if not isinstance(cid, str) or not cid.isidentifier() or not cid.isascii():
            faults.add(file, where, "id 应是英文字母、数字和下划线组成的编号，如 timeliness")
            continue
        if cid in seen_ids:
            faults.add(file, where, "id 重复（问题和措施的 id 也不能相同）")
            continue
        seen_ids.add(cid)
        allowed = {"id", "label", "description", "keywords", "phrasings", "broad"}
        allowed |= {"measures"} if kind == "problem" else set()
        for extra in sorted(set(c) - allowed):
            hint = "（哪类措施回应哪类问题写在 problems.yaml）" if extra == "measures" else ""
            faults.add(file, where, f"不认识的项 {extra}{hint}")
        label = c.get("label")
        if not isinstance(label, str) or not label.strip():
            faults.add(file, where, "缺少 label（类别名称）")
            label = cid
        description = c.get("description") or ""
        if not isinstance(description, str):
            faults.add(file, where, "description 应是一句文字")
            description = ""
        keywords = _str_list(c.get("keywords", []))
        if keywords is None:
            faults.add(file, where, "keywords 应是文字列表，如 [更新不及时, 更新慢]")
            keywords = []
        broad = c.get("broad", False)
        if not isinstance(broad, bool):
            faults.add(file, where, "broad 应写 true 或 false")
            broad = False
        links: list[Link] = []
        if kind == "problem":
            links = _links(c.get("measures"), file, where, faults)
        raw_phrasings = c.get("phrasings")
        if not isinstance(raw_phrasings, list) or not raw_phrasings:
            faults.add(file, where, "缺少 phrasings（规范措辞）")
            raw_phrasings = []
        phrasings: list[Phrasing] = []
        for i, entry in enumerate(raw_phrasings):
            p_where = f"{where} 第 {i + 1} 条措辞"
            text, own_hints, data, only_when, err = _phrasing_entry(entry)
            if err or text is None:
                faults.add(file, p_where, err or "措辞有误")
                continue
            names = slot_names(text)
            braces = sum(text.count(b) for b in "{｛"), sum(text.count(b) for b in "}｝")
            if braces != (len(names), len(names)):
                faults.add(file, p_where, "大括号不成对，或填空名里有空格、标点（填空应写成 {栏目名}）")
            dup = sorted({n for n in names if names.count(n) > 1})
            if dup:
                faults.add(file, p_where, f"同一填空出现了两次：{'、'.join(dup)}（请改用两个不同的填空名）")
            user_slots: list[str] = []
            auto_slots: list[str] = []
            hints: dict[str, str] = {}
            for name in dict.fromkeys(names):
                slot = slots.get(name)
                if slot is None and name not in own_hints:
                    faults.add(file, p_where, f"填空 {{{name}}} 没有提示，请在 slots.yaml 中补充，或在本条措辞的 hints 中写明")
                    continue
                if slot is not None and slot.auto:
                    auto_slots.append(name)
                    continue
                user_slots.append(name)
                hints[name] = own_hints.get(name) or (slot.hint if slot else "")
            for name in own_hints:
                if name not in names:
                    faults.add(file, p_where, f"hints 中的 {name} 不是本条措辞里的填空")
            for name, expr in data.items():
                if name not in names:
                    faults.add(file, p_where, f"data 中的 {name} 不是本条措辞里的填空")
                for fid in data_fields(expr):
                    f = FORM.fields.get(fid)
                    if f is None or not f.is_number:
                        faults.add(file, p_where, f"data 中的 {fid} 不是表格中的数字栏目（栏目编号见 gkassist/form.yaml）")
            for fid in only_when:
                f = FORM.fields.get(fid)
                if f is None or not f.is_number:
                    faults.add(file, p_where, f"only_when 中的 {fid} 不是表格中的数字栏目（栏目编号见 gkassist/form.yaml）")
            if not user_slots:
                faults.add(
                    file, p_where,
                    "没有需要用户填写的填空：每条措辞至少要有一个填空（如 {栏目名}、{数量}），让用户写进本机关的具体情况",
                )
            if not text.endswith("。"):
                faults.add(file, p_where, "措辞应以句号结尾")
            phrasings.append(
                Phrasing(
                    text=text, category=cid, kind=kind, index=i,
                    slots=tuple(user_slots), auto_slots=tuple(auto_slots), hints=hints, data=data,
                    only_when=only_when,
                )
            )
        out.append(
            Category(
                id=cid, kind=kind, label=label.strip(), description=description.strip(),
                keywords=tuple(keywords), phrasings=tuple(phrasings),
                measures=tuple(link.id for link in links), links=tuple(links), broad=broad,
            )
        )
    return out


_LINK_KEYS = {"id", "measure_says", "problem_says"}


def _links(raw: Any, file: str, where: str, faults: _Faults) -> list[Link]:
    """A problem's ``measures``: ids, or {id, measure_says, problem_says} for a conditional link."""
    if not isinstance(raw, list) or not raw:
        faults.add(file, where, "缺少 measures：每类问题至少要有一类能回应它的措施（measures.yaml 中的 id）")
        return []
    out: list[Link] = []
    for n, entry in enumerate(raw, 1):
        if isinstance(entry, str) and entry.strip():
            out.append(Link(entry.strip()))
            continue
        if isinstance(entry, dict) and isinstance(entry.get("id"), str) and not set(entry) - _LINK_KEYS:
            says = {k: _str_list(entry.get(k, [])) for k in ("measure_says", "problem_says")}
            bad = [k for k, v in says.items() if v is None]
            if not bad:
                out.append(Link(entry["id"].strip(), tuple(says["measure_says"] or ()), tuple(says["problem_says"] or ())))
                continue
        faults.add(
            file, f"{where} measures 第 {n} 项",
            "应是措施类别的 id，或写成 {id: 措施id, measure_says: [词, …], problem_says: [词, …]}",
        )
    return out


def _load_matching(raw: Any, faults: _Faults) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """matching.yaml: the stock words matching ignores, and the words it reads as others."""
    if raw is None:
        return (), ()
    for extra in sorted(set(raw) - {"generic", "same", "common", "concessive", "frames"}):
        faults.add(MATCHING_FILE, "", f"不认识的项 {extra}（只能有 generic、same、concessive、frames、common）")
    words = _str_list(raw.get("generic"))
    if not words:
        faults.add(MATCHING_FILE, "generic", "缺少套话列表（generic），应是文字列表，如 [政府信息, 下一步]")
        words = []
    same_raw = raw.get("same") or {}
    same: list[tuple[str, str]] = []
    if not isinstance(same_raw, dict):
        faults.add(MATCHING_FILE, "same", "应是“词: 当作的词”的形式，如 缺乏: 缺少")
    else:
        for word, as_word in same_raw.items():
            if not isinstance(word, str) or not isinstance(as_word, str) or not word.strip() or not as_word.strip():
                faults.add(MATCHING_FILE, f"same 中的 {word}", "应是“词: 当作的词”，两边都要写")
                continue
            same.append((word.strip(), as_word.strip()))
    return tuple(sorted(set(words), key=lambda w: (-len(w), w))), tuple(same)


def _load_common(raw: Any, categories: Mapping[str, Category], faults: _Faults) -> dict[str, tuple[str, ...]]:
    """matching.yaml ``common``: for each kind, the categories real reports name most often, in order."""
    value = (raw or {}).get("common")
    if value is None:
        return {}
    if not isinstance(value, dict) or set(value) - set(KINDS):
        faults.add(MATCHING_FILE, "common", "应写成 problem: [类别id, …] 和 measure: [类别id, …]")
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for kind, ids in value.items():
        listed = _str_list(ids)
        if listed is None:
            faults.add(MATCHING_FILE, f"common.{kind}", "应是类别 id 的列表，如 [content_coverage, timeliness]")
            continue
        for cid in listed:
            cat = categories.get(cid)
            if cat is None or cat.kind != kind:
                where = CATEGORY_FILES[kind]
                faults.add(MATCHING_FILE, f"common.{kind}", f"{cid} 不是 {where} 中的类别")
        if len(set(listed)) != len(listed):
            faults.add(MATCHING_FILE, f"common.{kind}", "同一类别写了两次")
        out[kind] = tuple(listed)
    return out


def _load_phrases(raw: Any, slots: Mapping[str, Slot], faults: _Faults) -> Phrases | None:
    if raw is None:
        return None
    auto = {n for n, s in slots.items() if s.auto}

    def openers(value: Any, where: str) -> tuple[str, ...]:
        items = _str_list(value)
        if not items:
            faults.add(PHRASES_FILE, where, "缺少开头语列表（至少一条）")
            return ()
        for i, text in enumerate(items, 1):
            bad = [n for n in slot_names(text) if n not in auto]
            if bad:
                faults.add(
                    PHRASES_FILE, f"{where} 第 {i} 条",
                    f"开头语只能用自动填空（{'、'.join(sorted(auto))}），不能用 {'、'.join(bad)}",
                )
            if not text.endswith(("：", ":")):
                faults.add(PHRASES_FILE, f"{where} 第 {i} 条", "开头语应以冒号结尾，后面接“一是……”")
        return tuple(items)

    rect = raw.get("rectification")
    if not isinstance(rect, dict):
        faults.add(PHRASES_FILE, "rectification", "缺少整改情况用语（rectification）")
        rect = {}
    statuses: dict[str, Status] = {}
    raw_statuses = rect.get("statuses") or {}
    for key in STATUSES:
        s = raw_statuses.get(key) if isinstance(raw_statuses, dict) else None
        if not isinstance(s, dict) or not isinstance(s.get("label"), str) or not isinstance(s.get("text"), str):
            faults.add(PHRASES_FILE, f"rectification.statuses.{key}", "缺少 label 或 text")
            continue
        statuses[key] = Status(s["label"].strip(), s["text"].strip())
    if "not_done" in statuses and "原因" not in slot_names(statuses["not_done"].text):
        faults.add(PHRASES_FILE, "rectification.statuses.not_done", "text 中应有填空 {原因}")
    prompts = rect.get("prompts") or {}
    if not isinstance(prompts, dict) or not all(isinstance(v, str) for v in prompts.values()):
        faults.add(PHRASES_FILE, "rectification.prompts", "应是“项目: 提示”的形式")
        prompts = {}
    for key in ("action", "status", "result"):
        if key not in prompts:
            faults.add(PHRASES_FILE, f"rectification.prompts.{key}", "缺少这条提示")
    none_text = rect.get("none")
    if not isinstance(none_text, str) or not none_text.strip():
        faults.add(PHRASES_FILE, "rectification.none", "缺少上年度没有问题时的说明句")
        none_text = ""

    selfref = raw.get("self_reference") or {}
    rules: list[tuple[str, str]] = []
    for i, r in enumerate(selfref.get("rules") or [], 1):
        if not isinstance(r, dict) or not isinstance(r.get("suffix"), str) or not isinstance(r.get("text"), str):
            faults.add(PHRASES_FILE, f"self_reference 第 {i} 条", "应写成 {suffix: 局, text: 我局}")
            continue
        rules.append((r["suffix"], r["text"]))
    fallback = selfref.get("fallback")
    if not isinstance(fallback, str) or not fallback.strip():
        faults.add(PHRASES_FILE, "self_reference.fallback", "缺少无法推断时使用的自称（如“本机关”）")
        fallback = "本机关"

    return Phrases(
        problem_openers=openers(raw.get("problem_openers"), "problem_openers"),
        measure_openers=openers(raw.get("measure_openers"), "measure_openers"),
        measure_opener_single=(openers([raw.get("measure_opener_single")], "measure_opener_single") or ("",))[0],
        rectification_openers=openers(rect.get("openers"), "rectification.openers"),
        statuses=statuses,
        prompts={k: v.strip() for k, v in prompts.items()},
        rectification_none=none_text.strip(),
        self_reference=tuple(rules),
        self_fallback=fallback.strip(),
    )


def load_bank(folder: Path | None = None) -> Bank:
    """Read and validate the bank in ``folder`` (default ``prompts/wording``); ``BankError`` if faulty."""
    folder = Path(folder) if folder is not None else prompts_dir() / "wording"
    faults = _Faults()
    slots = _load_slots(_read(folder, SLOTS_FILE, faults), faults)
    seen: set[str] = set()
    categories: dict[str, Category] = {}
    for kind in KINDS:
        for c in _load_categories(kind, _read(folder, CATEGORY_FILES[kind], faults), slots, seen, faults):
            categories[c.id] = c
    phrases = _load_phrases(_read(folder, PHRASES_FILE, faults), slots, faults)
    matching = _read(folder, MATCHING_FILE, faults)
    generic, same = _load_matching(matching, faults)
    common = _load_common(matching, categories, faults)
    concessive = _str_list((matching or {}).get("concessive", []))
    if concessive is None:
        faults.add(MATCHING_FILE, "concessive", "应是文字列表，如 [虽然, 尽管]")
    frames = (matching or {}).get("frames") or {}
    frame_opens = _str_list(frames.get("opens", [])) if isinstance(frames, dict) else None
    frame_ends = _str_list(frames.get("ends", [])) if isinstance(frames, dict) else None
    if frame_opens is None or frame_ends is None:
        faults.add(MATCHING_FILE, "frames", "应写 opens 和 ends 两个文字列表，如 opens: [按照]，ends: [要求]")
    # pairing: every measure a problem names must exist and be a measure
    for c in categories.values():
        for m in c.measures:
            target = categories.get(m)
            if target is None:
                faults.add(CATEGORY_FILES["problem"], f"类别 {c.id}", f"measures 中的 {m} 在 measures.yaml 中不存在")
            elif target.kind != "measure":
                faults.add(CATEGORY_FILES["problem"], f"类别 {c.id}", f"measures 中的 {m} 是问题类别，不是措施类别")
    # offers_for() finds a suggestion rule's category by the label its message names
    labels: dict[str, str] = {}
    for c in categories.values():
        if c.label in labels:
            faults.add(CATEGORY_FILES[c.kind], f"类别 {c.id}", f"label「{c.label}」与类别 {labels[c.label]} 相同，类别名称不能重复")
        labels.setdefault(c.label, c.id)
    if faults.items or phrases is None:
        raise BankError(faults.items or ["措辞库不完整"])
    return Bank(folder=folder, slots=slots, categories=categories, phrases=phrases, generic=generic, same=same,
                common=common, concessive=tuple(concessive or ()),
                frame_opens=tuple(frame_opens or ()), frame_ends=tuple(frame_ends or ()))


@cache
def get_bank() -> Bank:
    """The installed bank, loaded once per process."""
    return load_bank()

