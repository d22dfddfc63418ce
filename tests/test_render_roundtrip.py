"""Round trip: a rendered report (txt, html) read back by the importer gives the same answers.

This is what the documented txt layout (gkassist.render) is for: last year's report, printed by
gkassist, can be imported to carry its figures over.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from test_render import fixture_answers, numbered_answers

from gkassist.form import FORM
from gkassist.importer import read_report_text
from gkassist.render import render


def complete() -> dict:
    return fixture_answers() | {
        "overview.on_request": "本年度未收到政府信息公开申请，无结转申请。",
        "overview.platform": "持续做好区政府门户网站信息公开专栏的内容保障。",
        "rectification": "上年度指出的信息更新不及时问题，已建立每周更新检查制度。",
    }


CASES = {
    "sample": fixture_answers,
    "distinct numbers, money": numbered_answers,
    "every prose field": complete,
    "standard opening": lambda: {k: v for k, v in complete().items() if k != "meta.preamble"},
    "printed total kept": lambda: (
        fixture_answers() | {"requests.new.total": 9, "active.fees": Decimal("4068.208")}
    ),
}


@pytest.mark.parametrize("fmt", ["txt", "html"])
@pytest.mark.parametrize("case", list(CASES))
def test_render_then_import_gives_the_same_answers(case, fmt):
    answers = CASES[case]()
    imported = read_report_text(render(answers, fmt), f"report.{fmt}")
    assert not imported.failed and not imported.messages()
    got = imported.answers
    # stored answers come back as they were; derived cells come back as printed (= FORM.value)
    assert {k: got.get(k) for k in answers} == answers
    extra = {k: v for k, v in got.items() if k not in answers}
    assert all(FORM.is_derived(k) for k in extra), sorted(k for k in extra if not FORM.is_derived(k))
    assert extra == {k: FORM.value(k, answers) for k in extra}
