"""The rules' expression language: parse, compile, evaluate.

A rule's ``when`` / ``check`` / ``values`` are expressions a 政务公开 officer can read
(``new + carried == total + carry_over``). They are parsed with :mod:`ast` — never evaluated —
into a small tree of comparisons over *linear integer sums* (``Cond``, ``Lin``), which is all the
catalogue needs and all durable-rules can compute exactly. The tree is then

* compiled into durable-rules JSON (``$add``/``$sub``/``$mul`` chains of ``{"$m": key}``, ``$neq``,
  ``$lt`` …, ``$and``/``$or``): :func:`compile_cond`;
* evaluated in Python with the same semantics (a missing value makes a comparison false):
  :func:`holds` and :func:`eval_lin` interpret it, :func:`compile_python` turns it into a Python
  function once (the pure-Python evaluator's speed).

Errors are :class:`ExprError` in Chinese, without file or rule: the rulebook adds those.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from gkassist.vocabulary import engine_key


@dataclass(frozen=True)
class Table:
    """A lookup table of a rule file (``tables:``): choice key → integer (万元 as 元, dates as MMDD)."""

    name: str
    unit: str | None
    values: Mapping[str, int]


# --- expression tree ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Lookup:
    table: str
    key: str  # the name whose value selects the entry


@dataclass(frozen=True)
class Lin:
    """An integer linear sum: Σ coef·name + Σ coef·table[key] + const."""

    terms: tuple[tuple[str, int], ...] = ()
    lookups: tuple[tuple[Lookup, int], ...] = ()
    const: int = 0

    def names(self) -> list[str]:
        return [n for n, _ in self.terms] + [lk.key for lk, _ in self.lookups]

    def scaled(self, k: int) -> Lin:
        return Lin(tuple((n, c * k) for n, c in self.terms), tuple((lk, c * k) for lk, c in self.lookups), self.const * k)

    def plus(self, other: Lin) -> Lin:
        terms: dict[str, int] = dict(self.terms)
        for n, c in other.terms:
            terms[n] = terms.get(n, 0) + c
        lookups: dict[Lookup, int] = dict(self.lookups)
        for lk, c in other.lookups:
            lookups[lk] = lookups.get(lk, 0) + c
        return Lin(
            tuple((n, c) for n, c in terms.items() if c),
            tuple((lk, c) for lk, c in lookups.items() if c),
            self.const + other.const,
        )

    @property
    def is_const(self) -> bool:
        return not self.terms and not self.lookups

    @property
    def single_name(self) -> str | None:
        if len(self.terms) == 1 and self.terms[0][1] == 1 and not self.lookups and self.const == 0:
            return self.terms[0][0]
        return None


@dataclass(frozen=True)
class Cmp:
    op: str  # == != < <= > >=
    left: Lin | str  # str: a string constant (choice keys)
    right: Lin | str


@dataclass(frozen=True)
class Member:
    name: str
    values: tuple[int | str, ...]
    negated: bool = False


@dataclass(frozen=True)
class Truth:
    name: str
    negated: bool = False


@dataclass(frozen=True)
class BoolOp:
    op: str  # and | or
    items: tuple[Cond, ...]


@dataclass(frozen=True)
class Not:
    item: Cond


Cond = Cmp | Member | Truth | BoolOp | Not

_NEGATED_OP = {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}
_FLIPPED_OP = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_AST_OPS = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
_ENGINE_OPS = {"!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}


class ExprError(Exception):
    """Why an expression cannot be used (Chinese, without file/rule: the caller adds those)."""


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


class Parser:
    """ast → Cond / Lin. ``groups`` expands ``sum(name)``; ``tables`` are the known lookup tables."""

    def __init__(self, groups: Mapping[str, tuple[str, ...]], tables: Mapping[str, Any]) -> None:
        self.groups = groups
        self.tables = tables

    def parse_cond(self, text: str) -> Cond:
        return self.cond(self._tree(text))

    def parse_lin(self, text: str) -> Lin:
        return self.lin(self._tree(text))

    @staticmethod
    def _tree(text: str) -> ast.expr:
        if not isinstance(text, str | int) or isinstance(text, bool):
            raise ExprError("应为一个算式（文字）")
        source = str(text).strip()
        try:
            # parenthesised so that an expression may span several lines of the YAML file
            return ast.parse(f"({source}\n)", mode="eval").body
        except SyntaxError as err:
            shown = " ".join(source.split())
            raise ExprError(f"「{shown}」不是合法的算式（{err.msg}）") from None

    def cond(self, node: ast.expr) -> Cond:
        if isinstance(node, ast.BoolOp):
            op = "and" if isinstance(node.op, ast.And) else "or"
            return BoolOp(op, tuple(self.cond(v) for v in node.values))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return Not(self.cond(node.operand))
        if isinstance(node, ast.Compare):
            return self.compare(node)
        name = _dotted(node)
        if name is not None:
            return Truth(name)
        raise ExprError(f"「{ast.unparse(node)}」不是条件：应写成比较（如 a == b）或用 and / or / not 组合")

    def compare(self, node: ast.Compare) -> Cond:
        items: list[Cond] = []
        left = node.left
        for op, right in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, ast.In | ast.NotIn):
                name = _dotted(left)
                if name is None:
                    raise ExprError(f"「in」左边应是一个栏目名称：「{ast.unparse(left)}」")
                if not isinstance(right, ast.List | ast.Tuple | ast.Set):
                    raise ExprError(f"「in」右边应是一组值，如 [\"county\", \"township\"]：「{ast.unparse(right)}」")
                values = tuple(self.constant(v) for v in right.elts)
                items.append(Member(name, values, negated=isinstance(op, ast.NotIn)))
            elif type(op) in _AST_OPS:
                items.append(Cmp(_AST_OPS[type(op)], self.side(left), self.side(right)))
            else:
                raise ExprError(f"不支持的比较「{ast.unparse(node)}」：可用 == != < <= > >= in")
            left = right
        return items[0] if len(items) == 1 else BoolOp("and", tuple(items))

    def side(self, node: ast.expr) -> Lin | str:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        return self.lin(node)

    @staticmethod
    def constant(node: ast.expr) -> int | str:
        if isinstance(node, ast.Constant) and isinstance(node.value, int | str) and not isinstance(node.value, bool):
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
            value = node.operand.value
            if isinstance(value, int) and not isinstance(value, bool):
                return -value
        raise ExprError(f"「{ast.unparse(node)}」应是整数或带引号的文字")

    def lin(self, node: ast.expr) -> Lin:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, int):
                raise ExprError(f"「{ast.unparse(node)}」：算式中只能用整数（金额按元、日期按八位数写）")
            return Lin(const=node.value)
        name = _dotted(node)
        if name is not None:
            return Lin(terms=((name, 1),))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return self.lin(node.operand).scaled(-1)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd):
            return self.lin(node.operand)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self.lin(node.left).plus(self.lin(node.right))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub):
            return self.lin(node.left).plus(self.lin(node.right).scaled(-1))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            a, b = self.lin(node.left), self.lin(node.right)
            if a.is_const:
                return b.scaled(a.const)
            if b.is_const:
                return a.scaled(b.const)
            raise ExprError(f"「{ast.unparse(node)}」：乘法只能乘以整数常数")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "sum":
            if len(node.args) != 1 or node.keywords or _dotted(node.args[0]) is None:
                raise ExprError(f"「{ast.unparse(node)}」：sum 的写法是 sum(组名)")
            group = _dotted(node.args[0])
            if group not in self.groups:
                known = "、".join(self.groups) or "（本检查对象没有组）"
                raise ExprError(f"「{ast.unparse(node)}」：没有名为 {group} 的组；可用的组：{known}")
            return Lin(terms=tuple((m, 1) for m in self.groups[group]))
        if isinstance(node, ast.Subscript):
            table = _dotted(node.value)
            key = _dotted(node.slice)
            if table is None or key is None:
                raise ExprError(f"「{ast.unparse(node)}」：查表的写法是 表名[栏目]")
            if table not in self.tables:
                known = "、".join(self.tables) or "（没有定义任何表）"
                raise ExprError(f"「{ast.unparse(node)}」：没有名为 {table} 的表（tables 中定义）；已有：{known}")
            return Lin(lookups=((Lookup(table, key), 1),))
        raise ExprError(
            f"「{ast.unparse(node)}」无法理解：算式只能用栏目名称、整数、+ - 、乘以整数、sum(组名) 和 表名[栏目]"
        )


# --- negation and names --------------------------------------------------------------------------


def negate(cond: Cond) -> Cond:
    """``not cond`` with the negation pushed down to the comparisons (De Morgan)."""
    if isinstance(cond, Cmp):
        return Cmp(_NEGATED_OP[cond.op], cond.left, cond.right)
    if isinstance(cond, Member):
        return Member(cond.name, cond.values, not cond.negated)
    if isinstance(cond, Truth):
        return Truth(cond.name, not cond.negated)
    if isinstance(cond, Not):
        return push_down(cond.item)
    return BoolOp("or" if cond.op == "and" else "and", tuple(negate(i) for i in cond.items))


def push_down(cond: Cond) -> Cond:
    if isinstance(cond, Not):
        return negate(cond.item)
    if isinstance(cond, BoolOp):
        return BoolOp(cond.op, tuple(push_down(i) for i in cond.items))
    return cond


def cond_names(cond: Cond | None) -> list[str]:
    if cond is None:
        return []
    if isinstance(cond, Cmp):
        return [n for side in (cond.left, cond.right) if isinstance(side, Lin) for n in side.names()]
    if isinstance(cond, Member | Truth):
        return [cond.name]
    if isinstance(cond, Not):
        return cond_names(cond.item)
    return [n for i in cond.items for n in cond_names(i)]


def cond_lookups(cond: Cond | None) -> list[Lookup]:
    if cond is None:
        return []
    if isinstance(cond, Cmp):
        return [lk for side in (cond.left, cond.right) if isinstance(side, Lin) for lk, _ in side.lookups]
    if isinstance(cond, Not):
        return cond_lookups(cond.item)
    if isinstance(cond, BoolOp):
        return [lk for i in cond.items for lk in cond_lookups(i)]
    return []



# --- compile to durable-rules JSON ------------------------------------------------------------------


def _ref(name: str, coef: int) -> dict | int:
    ref = {"$m": engine_key(name)}
    return ref if coef == 1 else {"$mul": {"$l": ref, "$r": coef}}


def _sum_json(terms: Iterable[tuple[str, int]], const: int) -> dict | int:
    acc: dict | int | None = None
    # positive terms first, so that "a - b" compiles to a $sub chain rather than 0 - b + a
    for name, coef in sorted(terms, key=lambda t: t[1] < 0):
        term = _ref(name, abs(coef))
        if acc is None:
            acc = term if coef > 0 else {"$sub": {"$l": 0, "$r": term}}
        else:
            acc = {("$add" if coef > 0 else "$sub"): {"$l": acc, "$r": term}}
    if acc is None:
        return const
    if const:
        acc = {("$add" if const > 0 else "$sub"): {"$l": acc, "$r": abs(const)}}
    return acc


def _compare_json(op: str, key: str, value: Any) -> dict:
    return {key: value} if op == "==" else {_ENGINE_OPS[op]: {key: value}}


def _linear_json(op: str, diff: Lin) -> dict:
    """``diff op 0`` for a lookup-free diff, as one engine comparison of an anchor field.

    A fact without the anchor field never matches, but a ``{"$m": name}`` reference to a missing
    field reads as null and makes ``$neq`` match: every referenced name gets an ``$ex`` guard, so
    that a rule reading an unanswered field stays silent.
    """
    anchor = next(((n, c) for n, c in diff.terms if c in (1, -1)), None)
    if anchor is None:
        raise ExprError("比较式中至少要有一个系数为 1 的栏目（如 a == 2 * b 可以，2 * a == 3 * b 不行）")
    name, coef = anchor
    rest = [(n, c) for n, c in diff.terms if n != name]
    guards = [{"$ex": {engine_key(n): 1}} for n, _ in rest]
    if coef == 1:  # name + rest op 0  ⟺  name op -rest
        comparison = _compare_json(op, engine_key(name), _sum_json([(n, -c) for n, c in rest], -diff.const))
    else:  # -name + rest op 0  ⟺  rest op name  ⟺  name flip(op) rest
        comparison = _compare_json(_FLIPPED_OP[op], engine_key(name), _sum_json(rest, diff.const))
    return json_all([*guards, comparison])


def json_all(items: list[dict]) -> dict:
    """Every one of ``items`` (durable-rules JSON)."""
    return items[0] if len(items) == 1 else {"$and": items}


def json_any(items: list[dict]) -> dict:
    """Any one of ``items`` (durable-rules JSON)."""
    return items[0] if len(items) == 1 else {"$or": items}


def compile_cond(cond: Cond, tables: Mapping[str, Table]) -> dict:
    """A pushed-down condition → durable-rules JSON that matches exactly when it holds."""
    if isinstance(cond, BoolOp):
        parts = [compile_cond(i, tables) for i in cond.items]
        return json_all(parts) if cond.op == "and" else json_any(parts)
    if isinstance(cond, Not):
        return compile_cond(negate(cond.item), tables)
    if isinstance(cond, Truth):
        key = engine_key(cond.name)
        return {key: 0} if cond.negated else {"$neq": {key: 0}}
    if isinstance(cond, Member):
        key = engine_key(cond.name)
        if cond.negated:
            return json_all([{"$neq": {key: v}} for v in cond.values])
        return json_any([{key: v} for v in cond.values])
    left, right = cond.left, cond.right
    if isinstance(left, str) or isinstance(right, str):
        name = right.single_name if isinstance(left, str) and isinstance(right, Lin) else (
            left.single_name if isinstance(left, Lin) else None)
        text = left if isinstance(left, str) else right
        if name is None or cond.op not in ("==", "!="):
            raise ExprError("文字只能和一个栏目比较是否相等（== 或 !=），如 meta.agency_kind == \"government\"")
        return _compare_json(cond.op, engine_key(name), text)
    diff = left.plus(right.scaled(-1))
    if diff.is_const:
        raise ExprError("比较式两边都是常数，没有检查任何栏目")
    if not diff.lookups:
        return _linear_json(cond.op, diff)
    # A lookup becomes one alternative per table entry: (key == entry and diff(entry) op 0).
    # A key whose value is not in the table matches no alternative: the rule stays silent.
    lookups = [lk for lk, _ in diff.lookups]
    alternatives = []
    for choice in itertools.product(*(tables[lk.table].values.items() for lk in lookups)):
        guards = [{engine_key(lk.key): entry_key} for lk, (entry_key, _) in zip(lookups, choice, strict=True)]
        const = diff.const + sum(c * value for (_, c), (_, value) in zip(diff.lookups, choice, strict=True))
        alternatives.append(json_all([*guards, _linear_json(cond.op, Lin(diff.terms, (), const))]))
    return json_any(alternatives)


# --- Python evaluation (messages, claims, cross-checks) ----------------------------------------------


def eval_lin(lin: Lin, env: Mapping[str, Any], tables: Mapping[str, Table]) -> int | None:
    """The integer value of a sum, or None when a value it needs is missing."""
    total = lin.const
    for name, coef in lin.terms:
        value = env.get(name)
        if not isinstance(value, int) or isinstance(value, bool):
            return None
        total += coef * value
    for lk, coef in lin.lookups:
        entry = tables[lk.table].values.get(env.get(lk.key))  # type: ignore[arg-type]
        if entry is None:
            return None
        total += coef * entry
    return total


def holds(cond: Cond, env: Mapping[str, Any], tables: Mapping[str, Table]) -> bool:
    """Whether a pushed-down condition holds with the engine's semantics (missing value → false)."""
    if isinstance(cond, BoolOp):
        results = (holds(i, env, tables) for i in cond.items)
        return all(results) if cond.op == "and" else any(results)
    if isinstance(cond, Not):
        return holds(negate(cond.item), env, tables)
    if isinstance(cond, Truth):
        value = env.get(cond.name)
        return value is not None and ((value == 0) if cond.negated else (value != 0))
    if isinstance(cond, Member):
        value = env.get(cond.name)
        if value is None:
            return False
        return (value not in cond.values) if cond.negated else (value in cond.values)
    sides: list[Any] = []
    for side in (cond.left, cond.right):
        if isinstance(side, str):
            sides.append(side)
        elif side.single_name is not None and isinstance(env.get(side.single_name), str):
            sides.append(env[side.single_name])  # a choice such as meta.level
        else:
            sides.append(eval_lin(side, env, tables))
    a, b = sides
    if a is None or b is None:
        return False
    if isinstance(a, str) or isinstance(b, str):
        return (a == b) if cond.op == "==" else (a != b) if cond.op == "!=" else False
    return {"==": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[cond.op]


def relax(cond: Cond, known: Mapping[str, Any], free: Iterable[str], tables: Mapping[str, Table]) -> Cond | bool:
    """What is left of ``cond`` once the ``known`` names' values are put in: ``False`` where it
    cannot hold, ``True`` where it may, else a condition on the ``free`` names (and known ones) —
    evaluate it with :func:`holds` on the known values and the free ones.

    A comparison reading a name that is neither known nor free is taken as possibly true: the
    result is an *over-approximation* — wherever ``cond`` holds for some values of those other
    names, the result holds too. ``False`` therefore proves that ``cond`` holds for no value of any
    name but the known ones (what lets :mod:`gkassist.facts` leave out a fact that no rule case can
    fire on). Sound because ``cond`` is first put in negation normal form (``push_down``): every
    comparison stands un-negated under ``and`` / ``or``, which only grow when one grows.
    """
    return _relax(push_down(cond), known, frozenset(free), tables)


def _relax(cond: Cond, known: Mapping[str, Any], free: frozenset[str], tables: Mapping[str, Table]) -> Cond | bool:
    if isinstance(cond, Not):
        return _relax(negate(cond.item), known, free, tables)
    if isinstance(cond, BoolOp):
        decisive = cond.op == "or"  # the value that decides the whole: True for or, False for and
        parts: list[Cond] = []
        for item in cond.items:
            part = _relax(item, known, free, tables)
            if isinstance(part, bool):
                if part is decisive:
                    return decisive
                continue  # the other value: no say in the whole
            parts.append(part)
        if not parts:
            return not decisive
        return parts[0] if len(parts) == 1 else BoolOp(cond.op, tuple(parts))
    names = cond_names(cond)
    if all(n in known for n in names):
        return holds(cond, known, tables)
    if all(n in known or n in free for n in names):
        return cond
    return True


# --- Python compilation (the pure-Python evaluator) ------------------------------------------------


def compile_python(cond: Cond, tables: Mapping[str, Table]) -> Callable[[Mapping[str, Any]], bool]:
    """``cond`` as one Python function of a fact's values, answering exactly as :func:`holds` does.

    The tree is turned into the source of a single function once per rule case: walking the tree
    for each of some 250 facts a report has would cost more than the checking itself. The source
    holds only names and integers from the parsed tree (``repr``), never text from a rule file.
    """
    gen = _PyGen(tables)
    body = gen.cond(cond)
    fetch = "".join(f"    {var} = g({name!r})\n" for name, var in gen.vars.items())
    source = f"def fires(v):\n    g = v.get\n{fetch}    return {body}\n"
    scope: dict[str, Any] = {"_num": _num, "_side": _side, **gen.consts}
    exec(compile(source, f"<rule condition {cond!r:.60}>", "exec"), scope)  # noqa: S102 - our own source
    return scope["fires"]


def _num(x: Any) -> bool:
    """An integer value other than a bool (the rare int subclass; plain ints are tested inline)."""
    return isinstance(x, int) and not isinstance(x, bool)


def _side(x: Any) -> Any:
    """A lone name's value as a comparison reads it: its text (a choice), its integer, else None."""
    return x if isinstance(x, str) or _num(x) else None


class _PyGen:
    def __init__(self, tables: Mapping[str, Table]) -> None:
        self.tables = tables
        self.vars: dict[str, str] = {}  # name → local variable
        self.consts: dict[str, Any] = {}  # lookup tables, by global name in the generated code
        self.n = 0

    def var(self, name: str) -> str:
        if name not in self.vars:
            self.vars[name] = f"x{len(self.vars)}"
        return self.vars[name]

    def fresh(self) -> str:
        self.n += 1
        return f"t{self.n}"

    def cond(self, cond: Cond) -> str:
        if isinstance(cond, BoolOp):
            return "(" + f" {cond.op} ".join(self.cond(i) for i in cond.items) + ")"
        if isinstance(cond, Not):
            return self.cond(negate(cond.item))
        if isinstance(cond, Truth):
            x = self.var(cond.name)
            return f"({x} is not None and {x} {'==' if cond.negated else '!='} 0)"
        if isinstance(cond, Member):
            x = self.var(cond.name)
            return f"({x} is not None and {x} {'not in' if cond.negated else 'in'} {cond.values!r})"
        return self.compare(cond)

    def compare(self, cmp: Cmp) -> str:
        a, a_text = self.side(cmp.left)
        b, b_text = self.side(cmp.right)
        ta, tb = self.fresh(), self.fresh()
        if not (a_text or b_text):  # two integer sums: compare them
            test = f"{ta} {cmp.op} {tb}"
        else:  # text compares only for (in)equality, and never with a number
            same = f"{ta} {cmp.op} {tb}" if cmp.op in ("==", "!=") else "False"
            numbers = f"{ta} {cmp.op} {tb}"
            test = f"({same} if {ta}.__class__ is str or {tb}.__class__ is str else {numbers})"
        return f"(({ta} := {a}) is not None and ({tb} := {b}) is not None and {test})"

    def side(self, side: Lin | str) -> tuple[str, bool]:
        """(expression giving the side's value or None, may that value be text?)"""
        if isinstance(side, str):
            return repr(side), True
        if side.single_name is not None:
            x = self.var(side.single_name)
            return f"({x} if {x}.__class__ is int else _side({x}))", True
        guards: list[str] = []
        terms: list[str] = []
        for name, coef in side.terms:
            x = self.var(name)
            guards.append(f"({x}.__class__ is int or _num({x}))")
            terms.append(x if coef == 1 else f"{coef} * {x}")
        for lk, coef in side.lookups:
            table = f"T_{len(self.consts)}"
            self.consts[table] = self.tables[lk.table].values
            t = self.fresh()
            guards.append(f"({t} := {table}.get({self.var(lk.key)})) is not None")
            terms.append(t if coef == 1 else f"{coef} * {t}")
        if side.const or not terms:
            terms.append(repr(side.const))
        total = " + ".join(terms)
        return (f"(({total}) if {' and '.join(guards)} else None)" if guards else f"({total})"), False
