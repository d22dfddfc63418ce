"""Round trip: a rendered report (txt, html) read back by the importer gives the same answers.

This is what the documented txt layout (gkassist.render) is for: last year's report, printed by
gkassist, can be imported to carry its figures over.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from gkassist.form import FORM
from gkassist.importer import read_report_text
from gkassist.render import render


def complete(sample: dict) -> dict:
    return sample | {
        "overview.on_request": "本年度未收到政府信息公开申请，无结转申请。",
        "overview.platform": "持续做好区政府门户网站信息公开专栏的内容保障。",
        "rectification": "上年度指出的信息更新不及时问题，已建立每周更新检查制度。",
    }


# each case: (the sample's answers, the sample with distinct numbers) -> the answers to render
CASES = {
    "sample": lambda sample, numbered: sample,
    "distinct numbers, money": lambda sample, numbered: numbered,
    "every prose field": lambda sample, numbered: complete(sample),
    "standard opening": lambda sample, numbered: {
        k: v for k, v in complete(sample).items() if k != "meta.preamble"
    },
    "printed total kept": lambda sample, numbered: (
        sample | {"requests.new.total": 9, "active.fees": Decimal("4068.208")}
    ),
}


@pytest.mark.parametrize("fmt", ["txt", "html"])
@pytest.mark.parametrize("case", list(CASES))
def test_render_then_import_gives_the_same_answers(case, fmt, sample_answers, numbered_answers):
    answers = CASES[case](sample_answers(), numbered_answers())
    imported = read_report_text(render(answers, fmt), f"report.{fmt}")
    assert not imported.failed and not imported.messages()
    got = imported.answers
    # stored answers come back as they were; derived cells come back as printed (= FORM.value)
    assert {k: got.get(k) for k in answers} == answers
    extra = {k: v for k, v in got.items() if k not in answers}
    assert all(FORM.is_derived(k) for k in extra), sorted(k for k in extra if not FORM.is_derived(k))
    assert extra == {k: FORM.value(k, answers) for k in extra}
