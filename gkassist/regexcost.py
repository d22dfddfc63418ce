"""Whether a rule's regular expression runs in time linear in the text it searches.

Python's ``re`` backtracks: a repeat that may give back what it took is tried again at every length
when what follows fails, and a search starts it again at every position. On a long run of its own
characters that costs the square of the run's length (「处理费1.」 and 60,000 digits took seconds per
check), and a repeat inside a repeat costs more still. A rule file is data that anyone may edit, so
the rulebook loader checks every regex of a rule (features and claims) with :func:`backtracking`
and refuses one that can backtrack without bound:

- an unbounded repeat (``+``, ``*``, ``{n,}``) must be possessive (``++``, ``*+``, ``{n,}+``) or
  inside an atomic group ``(?>…)``: it takes its run whole and never gives any of it back;
- a repeat may not hold another repeat of more than one step unless the inner one is possessive
  (``(?:[0-9]{1,3},){1,4}`` tries every split of the run).

A bounded repeat (``[^。；]{0,12}?``) is allowed: it costs a constant factor at each position.
"""

from __future__ import annotations

from re import _constants as C  # noqa: N812 - the regex engine's own names
from re import _parser as P  # noqa: N812
from typing import Any

_REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT)


def backtracking(pattern: str) -> str | None:
    """Why ``pattern`` may take more than linear time, in Chinese; None when it cannot."""
    try:
        tree = P.parse(pattern)
    except Exception:  # the caller compiles it and reports the syntax error itself
        return None
    return _walk(tree, inside_repeat=False)


def _walk(items: Any, *, inside_repeat: bool) -> str | None:
    for op, av in items:
        if op in _REPEATS:
            lo, hi, body = av
            if hi == C.MAXREPEAT:
                return (f"「{_show(op, av)}」可以无限重复又能退回已匹配的字符，遇到很长的一串相同字符时会非常慢："
                        "请写成独占的重复（++、*+），或给出上限（如 {0,20}）")
            if inside_repeat and hi > 1:
                return f"重复中又套着可退回的重复「{_show(op, av)}」：请把里面的重复写成独占的（++、*+）或去掉"
            found = _walk(body, inside_repeat=inside_repeat or hi > 1)
        elif op == C.POSSESSIVE_REPEAT:
            continue  # never gives anything back: whatever is inside runs once per step
        elif op == C.ATOMIC_GROUP:
            continue
        elif op == C.SUBPATTERN:
            found = _walk(av[-1], inside_repeat=inside_repeat)
        elif op == C.BRANCH:
            found = next((f for b in av[1] if (f := _walk(b, inside_repeat=inside_repeat))), None)
        elif op in (C.ASSERT, C.ASSERT_NOT):
            found = _walk(av[1], inside_repeat=inside_repeat)
        elif op == C.GROUPREF_EXISTS:
            found = next((f for b in av[1:] if b and (f := _walk(b, inside_repeat=inside_repeat))), None)
        else:
            found = None
        if found:
            return found
    return None


def _show(op: Any, av: Any) -> str:
    lo, hi, body = av
    what = _describe(body)
    if (lo, hi) == (0, C.MAXREPEAT):
        count = "*"
    elif (lo, hi) == (1, C.MAXREPEAT):
        count = "+"
    elif hi == C.MAXREPEAT:
        count = f"{{{lo},}}"
    else:
        count = f"{{{lo},{hi}}}"
    return what + count + ("?" if op == C.MIN_REPEAT else "")


def _describe(body: Any) -> str:
    """A short rendering of a repeat's body (a class like 「[0-9]」, a literal, or 「(…)」)."""
    items = list(body)
    if len(items) == 1:
        op, av = items[0]
        if op == C.LITERAL:
            return chr(av)
        if op == C.ANY:
            return "."
        if op == C.IN:
            parts = []
            for kind, value in av:
                if kind == C.LITERAL:
                    parts.append(chr(value))
                elif kind == C.RANGE:
                    parts.append(f"{chr(value[0])}-{chr(value[1])}")
                elif kind == C.NEGATE:
                    parts.append("^")
                else:
                    parts.append("…")
            return "[" + "".join(parts) + "]"
    return "(…)"
