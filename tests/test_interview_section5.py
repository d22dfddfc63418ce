"""Section 五 in the interview without a screen: items, offers, last year's problems one by one.

The screen's side is in test_ui_wording.py; here the flow and ``gkassist.interview.section5`` are driven
directly, with the sample agency's published 2024 report as last year.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from drive import AGENCY, SAMPLE_TXT, apply, say

from gkassist.interview import section5
from gkassist.interview.flow import Flow


@pytest.fixture(scope="module")
def last_year() -> dict[str, Any]:
    from gkassist.importer import read_report

    return dict(read_report(SAMPLE_TXT).answers)


def make_state(answers: dict | None = None, previous: dict | None = None) -> SimpleNamespace:
    base = {"meta.agency": AGENCY, "meta.year": 2025}
    return SimpleNamespace(answers={**base, **(answers or {})}, previous=previous, workbench={})


def test_items_are_one_per_line_and_a_pasted_enumeration_is_split() -> None:
    assert section5.parse_items("一是栏目更新不及时\n\n  人员兼职  \n") == ["栏目更新不及时", "人员兼职"]
    assert section5.parse_items("一是解读形式单一；二是人员兼职。") == ["解读形式单一", "人员兼职"]
    # a heading-style item keeps its heading: only an enumeration is split
    assert section5.parse_items("强化审核：落实三审制度") == ["强化审核：落实三审制度"]


def test_items_become_the_paragraph_and_stay_in_the_workbench() -> None:
    flow = Flow(make_state())
    flow.move("section5.mode")
    apply(flow, "是")
    assert flow.step_id == "rectification.listed"  # no last year's report: did it list problems?
    apply(flow, "否")
    assert flow.step_id == "problems.items"
    q = flow.question()
    assert q.multiline and q.prefill == ""
    out = apply(flow, "栏目更新不及时\n工作人员均为兼职")
    text = flow.state.answers["problems"]
    assert text.startswith("2025年，我局") and "一是栏目更新不及时；二是工作人员均为兼职。" in text
    assert flow.state.workbench["section5"]["problems"] == ["栏目更新不及时", "工作人员均为兼职"]
    assert any(text in m for _, m in out.messages), "the paragraph is shown as the report will have it"
    assert flow.step_id == "measures.items"
    apply(flow, "定期组织业务培训")
    assert flow.state.answers["measures"] == "下一步，我局将重点做好以下工作：定期组织业务培训。"
    # back at the problems, the items are there to edit, one per line
    flow.move("problems.items")
    assert flow.question().prefill == "栏目更新不及时\n工作人员均为兼职"


def test_a_section_written_as_prose_is_edited_as_its_items() -> None:
    flow = Flow(make_state({"problems": "一是信息发布不及时；二是人员兼职。"}))
    flow.move("problems.items")
    assert flow.question().prefill == "信息发布不及时\n人员兼职"


def test_empty_items_clear_the_answer() -> None:
    flow = Flow(make_state({"problems": "x"}))
    flow.move("problems.items")
    out = flow.submit("\n \n")
    assert out.clears == ["problems"]


def test_prose_choice_keeps_the_free_text_steps() -> None:
    flow = Flow(make_state())
    flow.move("section5.mode")
    apply(flow, "否")
    assert flow.step_id == "rectification"
    apply(flow, "上年度报告未列出需要整改的问题。")
    assert flow.step_id == "problems"
    apply(flow, "一是信息发布不及时。")
    assert flow.state.answers["problems"] == "一是信息发布不及时。"
    assert flow.step_id == "measures"


def test_typing_a_fragment_offers_the_category_with_the_agencys_own_words() -> None:
    ctx = section5.Context(kind="problem", items_mode=True, answers=make_state().answers, previous=None)
    result = section5.assist(ctx, "信息更新不及时", 0, 7, say)
    assert result.offers and result.offers[0].label == "信息发布时效性"
    assert result.span == (0, 7)
    measures = section5.Context(kind="measure", items_mode=True, answers=make_state().answers, previous=None)
    offers = section5.assist(measures, "定期培训", 0, 4, say).offers
    assert offers and "2026年" in offers[0].text, "下一年度 is filled in"


def test_a_line_with_slots_says_what_they_want_and_offers_nothing() -> None:
    ctx = section5.Context(kind="problem", items_mode=True, answers=make_state().answers, previous=None)
    result = section5.assist(ctx, "“{栏目名}”栏目全年仅更新{数量}条", 0, 3, say)
    assert not result.offers
    assert [name for name, _ in result.slots] == ["栏目名", "数量"]
    assert "栏目名称" in result.slots[0][1]
    assert section5.slot_at("“{栏目名}”栏目全年仅更新{数量}条", 0) == (1, 6)
    assert section5.slot_at("“{栏目名}”栏目全年仅更新{数量}条", 6) == (14, 18)
    assert section5.slot_at("“{栏目名}”栏目全年仅更新{数量}条", 18) == (1, 6), "wraps round"


def test_an_empty_measure_line_offers_what_answers_the_next_unanswered_problem() -> None:
    problems = ("信息更新不够及时，“通知公告”栏目有5条信息超过5个工作日才公开", "政务公开工作人员均为兼职，业务能力不足")
    ctx = section5.Context(kind="measure", items_mode=True, answers=make_state().answers, previous=None, problems=problems)
    bank = section5.get_bank()
    first = section5.assist(ctx, "", 0, 0, say).offers
    wanted_1 = set(bank.category("timeliness").measures)
    assert first and first[0].category in wanted_1 and "第1条" in first[0].note
    assert any("第2条" in o.note for o in first), "the next problem's measures follow (typing_offers)"
    # once a measure answers problem 1, the empty line offers measures for problem 2
    text = "建立“通知公告”栏目的定期更新清单，明确责任科室和更新时限\n"
    second = section5.assist(ctx, text, 1, 0, say).offers
    wanted_2 = set(bank.category("staffing").measures)
    assert second and second[0].category in wanted_2 and "第2条" in second[0].note


def test_the_walk_through_last_years_problems(last_year: dict[str, Any]) -> None:
    flow = Flow(make_state(previous=last_year))
    flow.move("section5.mode")
    apply(flow, "是")
    assert flow.step_id == "rectification.walk"
    q = flow.question()
    assert not q.multiline
    assert "2个问题" in q.text and "「信息质量有待提升」" in q.text
    assert "强化信息审核发布流程" in q.text, "last year's planned measure for it is recalled"
    assert section5.get_bank().phrases.prompts["action"] in q.text
    apply(flow, "落实信息发布三级审核制度，每季度开展一次信息质量自查")
    q = flow.question()
    assert q.options and "已完成" in q.options[0]
    assert not flow.submit("也许").ok
    apply(flow, "1")
    apply(flow, "全年自查整改信息差错6处，比上年减少4处")
    assert "业务水平参差不齐" in flow.question().text
    # a new user's walk: the result was taken for this question's answer, so the status typed
    # next (「2」) came here; a bare number says nothing of what was done, and is refused
    refused = flow.submit("2")
    assert not refused.ok and any("「2」" in m for _, m in refused.messages)
    assert "业务水平参差不齐" in flow.question().text and flow.sub["part"] == "action"
    apply(flow, "组织政务公开专题培训2次")
    apply(flow, "未完成")
    q = flow.question()
    assert section5.get_bank().phrases.prompts["reason"] in q.text, "未完成 asks why"
    apply(flow, "专职人员尚未到位，计划明年上半年配齐")
    # back goes to the previous question of the walk, with its answer
    assert flow.back() == "rectification.walk"
    assert flow.question().prefill == "专职人员尚未到位，计划明年上半年配齐"
    apply(flow, "专职人员尚未到位，计划明年上半年配齐")
    out = apply(flow, "")
    assert flow.step_id == "problems.items", "the walk ends after the last result"
    text = flow.state.answers["rectification"]
    assert text.startswith("针对上年度报告中指出的问题，我局")
    assert "一是关于“信息质量有待提升”的问题，落实信息发布三级审核制度" in text
    assert "已完成整改，全年自查整改信息差错6处，比上年减少4处。" in text
    assert "二是关于“信息公开工作人员的业务水平参差不齐”的问题" in text
    assert "尚未完成整改，主要原因是专职人员尚未到位" in text
    assert any(text in m for _, m in out.messages)
    # coming back from the next step enters the walk at its last question
    assert flow.back() == "rectification.walk" and flow.sub == {"item": 1, "part": "result"}


def test_the_walk_names_both_points_of_a_line_that_makes_two(last_year: dict[str, Any]) -> None:
    """A line of last year's 五 making two points is asked about, and reported on, by both."""
    previous = {**last_year, "problems": "一是信息公开内容不够全面，部分栏目更新不及时。二是工作人员均为兼职。"}
    flow = Flow(make_state(previous=previous))
    flow.move("section5.mode")
    apply(flow, "是")
    assert "「信息公开内容不够全面，部分栏目更新不及时」" in flow.question().text
    for answer in ("补充公开目录，建立栏目更新清单", "1", "", "配备专职人员1名", "1", ""):
        apply(flow, answer)
    assert "关于“信息公开内容不够全面，部分栏目更新不及时”的问题" in flow.state.answers["rectification"]


def test_statuses_in_words_and_numbers() -> None:
    assert section5.parse_status("1") == "done"
    assert section5.parse_status("２") == "ongoing"
    assert section5.parse_status("已完成。") == "done"
    assert section5.parse_status("持续推进") == "ongoing"
    assert section5.parse_status("没有完成") == "not_done"
    assert section5.parse_status("还行") is None


def test_copied_items_are_named_and_the_rule_summary_is_not_repeated(last_year: dict[str, Any]) -> None:
    flow = Flow(make_state(previous=last_year))
    flow.move("problems.items")
    copied = "\n".join(section5.previous_problems(last_year))
    out = flow.submit(copied)
    warnings = [m for kind, m in out.messages if kind == "finding-warning"]
    assert len(warnings) == 2 and "第1条" in warnings[0] and "信息质量有待提升" in warnings[0]
    assert out.said == (("Y3", "problems"),)
    fresh = flow.submit("“通知公告”栏目有5条信息在形成后超过5个工作日才公开")
    assert not [m for kind, m in fresh.messages if kind == "finding-warning"] and fresh.said == ()


def test_a_phrasing_is_never_offered_with_a_zero_from_the_tables(sample_answers) -> None:
    from gkassist.wording import get_bank
    from gkassist.wording.bank import offered

    # issue 13 item 11: an agency with no cases was offered 「逐案分析被纠正的0件案件」; another phrasing
    # is offered instead
    answers = sample_answers()  # every table 0
    for kind, typed in (("measure", "被纠正的案件"), ("problem", "被纠正"), ("measure", "典型案例"), ("problem", "不掌握")):
        ctx = section5.Context(kind=kind, items_mode=True, answers=answers, previous=None)
        offers = section5.assist(ctx, typed, 0, len(typed), say).offers
        assert offers, typed
        assert not [o for o in offers if "0件" in o.text], [o.text for o in offers]
        assert all(offered(get_bank().phrasing(o.key), answers) for o in offers), [o.text for o in offers]


def test_a_slot_the_tables_know_is_filled_from_them(sample_answers) -> None:
    # issue 13 item 6: a number the tables hold is never the officer's to type (and mistype)
    from gkassist.wording import get_bank
    from gkassist.wording.bank import offered

    answers = {**sample_answers(), "review.corrected": 2}
    ctx = section5.Context(kind="measure", items_mode=True, answers=answers, previous=None)
    offers = section5.assist(ctx, "被纠正的案件", 0, 6, say).offers
    assert offers[0].text.startswith("逐案分析被纠正的2件案件"), [o.text for o in offers]
    from gkassist.wording import prefill, unfilled_slots

    for cat in get_bank().categories.values():
        for phrasing in cat.phrasings:
            text = prefill(phrasing.key, answers)
            assert not set(phrasing.data) & set(unfilled_slots(text)) or not offered(phrasing, answers), text
