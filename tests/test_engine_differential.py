"""durable-rules and the Python evaluator give identical findings (issue 15, item 3).

Every fixture (as ``gkassist check`` reads it, with and without a previous year), and sessions
made up by hypothesis: tables balanced and not, prose from the wording bank (slots filled or not,
enumerations with gaps, numbers the tables contradict), with and without last year's report, and
sequences of changes to one open report. Findings are compared whole: code, severity, fields,
message, section, kind and numbers, in order. (Besides, conftest.py runs every check of every
other test on both evaluators.) Runs wherever both evaluators import.
"""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gkassist.checking import load_input
from gkassist.engine import Validator, check
from gkassist.form import FORM
from gkassist.wording import fill, get_bank

pytest.importorskip("gkassist.engine.durable", reason="durable-rules does not import here", exc_type=ImportError)

FIXTURES = sorted((Path(__file__).parent / "fixtures").iterdir())
PROSE = [f.id for f in FORM.fields.values() if f.kind == "prose"]
COUNTS = [f.id for f in FORM.input_fields() if f.kind == "count"]
REQUESTS = [f for f in COUNTS if f.startswith("requests.")]
DERIVED = [f.id for f in FORM.fields.values() if FORM.is_derived(f.id)]


def both(answers, **kw) -> list[tuple]:
    """The findings of each evaluator as plain tuples; asserts they agree and returns them."""
    durable = [_t(f) for f in check(answers, engine="durable", **kw)]
    python = [_t(f) for f in check(answers, engine="python", **kw)]
    assert durable == python
    return durable


def _t(f) -> tuple:
    return (f.code, f.severity, f.fields, f.message, f.section, f.kind, sorted(f.numbers.items(), key=str))


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
@pytest.mark.parametrize("previous", [None, "qinglin-jtj-2023.html"])
def test_every_fixture_gives_the_same_findings(path, previous):
    inp = load_input(path)
    prev = load_input(Path(__file__).parent / "fixtures" / previous).answers if previous else inp.previous
    found = both(inp.answers, previous=prev, extra_facts=inp.extra_facts, notes=inp.notes)
    assert found or path.suffix == ".json"  # a published fixture always has something to say


# --- made-up reports ------------------------------------------------------------------------------------


def _phrasings() -> list[str]:
    bank = get_bank()
    return [p.text for c in bank.categories.values() for p in c.phrasings]


PHRASINGS = _phrasings()
SLOT_FILL = {"栏目名": "通知公告", "自称": "我局", "报告年度": "2024", "下一年度": "2025", "数量": "3"}
EXTRA_SENTENCES = [
    "2024年共收到政府信息公开申请3件，办结3件。", "一是加强培训；三是完善制度。", "（一）主动公开（三）依申请公开",
    "全年未收取任何费用。", "本年度行政复议0件。", "下一步，我局将持续推进政务公开。", "",
]


@st.composite
def prose(draw) -> str:
    n = draw(st.integers(min_value=0, max_value=4))
    parts = []
    for i in range(n):
        text = draw(st.sampled_from(PHRASINGS))
        if draw(st.booleans()):
            text = fill(text, SLOT_FILL)
        marker = draw(st.sampled_from(["", f"{'一二三四五'[i]}是", f"{i + 1}."]))
        parts.append(marker + text)
    if draw(st.booleans()):
        parts.append(draw(st.sampled_from(EXTRA_SENTENCES)))
    return "".join(parts)


# numbers durable-rules (doubles) and Python (exact) would judge apart: 2**53 + 1, 21 digits, the
# largest double and beyond it (309 digits: orjson's "number is infinity"), Python's int-string limit
HUGE = [2**53 + 1, 10**20 + 1, 10**308, int("1" * 309), int("9" * 4300)]


@st.composite
def tables(draw, balanced: bool) -> dict:
    out: dict = {}
    for col in (c.id for c in FORM.requests_columns if not c.derived):
        results = {r.id: draw(st.integers(0, 3)) for r in FORM.requests_rows if r.is_result}
        total = sum(results.values())
        carry_over = draw(st.integers(0, 2))
        carried = min(draw(st.integers(0, 2)), total + carry_over)
        out.update({FORM.requests_field(r, col): v for r, v in results.items()})
        out[FORM.requests_field("new", col)] = total + carry_over - carried
        out[FORM.requests_field("carried", col)] = carried
        out[FORM.requests_field("carry_over", col)] = carry_over
    out = {k: v for k, v in out.items() if k in FORM.fields}
    for fid in ("active.rules.issued", "active.rules.repealed", "active.normative.issued",
                "active.normative.repealed", "active.licensing", "active.penalty", "active.coercion"):
        out[fid] = draw(st.integers(0, 5))
    for row in ("rules", "normative"):  # now and then fewer in force than issued this year (N6)
        out[f"active.{row}.in_force"] = max(0, out[f"active.{row}.issued"] + draw(st.integers(-2, 9)))
    out["active.fees"] = draw(st.sampled_from([Decimal("0"), Decimal("26.55"), Decimal("12000"), Decimal("0.0001")]))
    for fid in draw(st.lists(st.sampled_from([f.id for f in FORM.input_fields() if f.id.startswith("review.")]),
                             max_size=8)):
        out[fid] = draw(st.integers(0, 3))
    if not balanced:  # a cell off by some, a negative, a printed total that disagrees, a gap
        fid = draw(st.one_of(st.sampled_from(REQUESTS), st.sampled_from(DERIVED)))
        how = draw(st.sampled_from(["more", "negative", "gap", "huge"]))
        if how == "gap":
            out.pop(fid, None)
        elif how == "huge":  # a hand-edited session: beyond what doubles hold exactly (issue 14)
            out[fid] = draw(st.sampled_from(HUGE))
        else:
            out[fid] = -1 if how == "negative" else out.get(fid, 0) + draw(st.integers(1, 3))
    return out


@st.composite
def report(draw) -> dict:
    answers = {
        "meta.agency": draw(st.sampled_from(["怀化市洪江区科技和工业信息化局", "青林县人民政府", "石桥镇人民政府"])),
        "meta.year": draw(st.sampled_from([2023, 2024, 2025])),
        "meta.agency_kind": draw(st.sampled_from(["department", "government"])),
        "meta.level": draw(st.sampled_from(["national", "province", "city", "county", "township"])),
        **draw(tables(draw(st.booleans()))),
    }
    if draw(st.booleans()):
        answers["meta.published"] = draw(st.sampled_from(["2025-01-20", "2025-03-01", "2024-12-31"]))
    for fid in PROSE:
        if draw(st.integers(0, 3)):
            answers[fid] = draw(prose())
    return {k: v for k, v in answers.items() if v != ""}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(this=report(), last=st.one_of(st.none(), report()), copy=st.booleans())
def test_made_up_reports_give_the_same_findings(this, last, copy):
    if last is not None and copy:  # last year's prose copied into this year's (Y3)
        this = {**this, **{f: v for f, v in last.items() if f in PROSE}}
    notes = {"active.fees": "原表此格为「/」，按0计"} if this.get("active.fees") == 0 else None
    both(this, previous=last, notes=notes)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(start=report(), last=st.one_of(st.none(), report()), seed=st.integers(0, 10**6))
def test_an_open_report_changing_answer_by_answer_gives_the_same_findings(start, last, seed):
    rng = random.Random(seed)
    answers = dict(start)
    with Validator(answers, last, engine="durable") as d, Validator(answers, last, engine="python") as p:
        assert [_t(f) for f in d.findings()] == [_t(f) for f in p.findings()]
        for _ in range(25):
            roll = rng.random()
            if roll < 0.6:
                change = {rng.choice(COUNTS): rng.choice([None, 0, 1, 2, 5])}
            elif roll < 0.8:
                change = {rng.choice(PROSE): rng.choice(PHRASINGS + EXTRA_SENTENCES) or None}
            else:
                change = {"meta.level": rng.choice(["county", "city", "township", "province"])}
            assert [_t(f) for f in d.update(change)] == [_t(f) for f in p.update(change)]


# --- numbers too large to judge (issue 14) --------------------------------------------------------


@pytest.mark.parametrize("value", HUGE, ids=lambda v: f"{len(str(v))}-digits")
@pytest.mark.parametrize("field", ["requests.new.natural", "requests.total.total", "active.fees", "review.upheld"])
def test_a_huge_number_in_a_session_is_an_n1_finding_on_both(consistent_answers, field, value):
    answers = {**consistent_answers(), field: Decimal(value) if field == "active.fees" else value}
    found = both(answers)
    n1 = [f for f in found if f[0] == "N1" and f[2][0] == field]  # (code, severity, fields, message, …)
    assert n1 and n1[0][1] == "error"
    assert len(n1[0][3]) < 400  # the number is quoted by its start and length, not whole


@pytest.mark.parametrize("digits", [309, 4301, 60_000])
def test_a_huge_number_in_a_published_report_is_an_n1_finding_on_both(tmp_path, digits):
    sample = (Path(__file__).parent / "fixtures" / "hongjiang-kjgxj-2024.txt").read_text(encoding="utf-8")
    lines = sample.split("\n")
    at = lines.index("一、本年新收政府信息公开申请数量 |") + 1
    lines[at] = "1" * digits + " |"
    text = "\n".join(lines).replace("一、总体情况\n", "一、总体情况\n本年共收到政府信息公开申请" + "2" * digits + "件。\n", 1)
    path = tmp_path / "huge.txt"
    path.write_text(text, encoding="utf-8")
    inp = load_input(path)
    found = both(inp.answers, extra_facts=inp.extra_facts, notes=inp.notes)
    assert any(f[0] == "N1" and f[2] == ("requests.new.natural",) for f in found)


@pytest.mark.parametrize("digits", [21, 309, 4300])
def test_a_session_file_holding_a_huge_number_is_checked_on_both(tmp_path, digits):
    import json

    doc = json.loads((Path(__file__).parent / "fixtures" / "hongjiang-2024.session.json").read_text(encoding="utf-8"))
    doc["answers"]["requests.new.natural"] = int("1" * digits)
    path = tmp_path / "huge.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    inp = load_input(path)
    found = both(inp.answers, previous=inp.previous, notes=inp.notes)
    assert any(f[0] == "N1" and f[2] == ("requests.new.natural",) for f in found)
