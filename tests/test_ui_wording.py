"""Section 五 on the screen, through Textual's Pilot at a fixed size, with the real layers behind it:
standard wording while typing (Tab or a click inserts it, slots to fill), measures proposed for
the problems, the data-driven offers, last year's problems walked through, the copy warning,
resuming, and the report that comes out.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from drive import (
    RECTIFICATION,
    SIZE,
    answer,
    current_line,
    editor,
    fill_slots,
    import_last_year,
    interview,
    meta,
    offers,
    said,
    say,
    settle,
    shown,
    start_new,
    take,
    to_section_five,
)

from gkassist.text import SLOT_RE
from gkassist.ui.app import GkApp

# --- the tests ------------------------------------------------------------------------------------


@pytest.mark.slow  # a whole part of the interview typed through: 5–20 s
async def test_a_typed_fragment_lists_the_standard_phrasing_and_tab_inserts_it() -> None:
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await meta(pilot)
        await to_section_five(pilot)
        screen = interview(app)
        assert screen.flow.step_id == "problems.items"
        await pilot.press(*"信息更新不及时")
        await settle(pilot)
        listed = offers(app)
        assert listed and listed[0].startswith("【信息发布时效性】"), listed
        assert "{栏目名}" in listed[0]
        hint = shown(screen.query_one("#assist"))
        assert "Tab" in hint
        await pilot.press("tab")
        await settle(pilot)
        ed = editor(app)
        line = current_line(app)
        assert "信息更新不及时" not in line and "不够及时" in line, "the phrasing replaced the fragment"
        assert ed.selected_text == "{栏目名}", "the first slot is selected, ready to be typed over"
        assert not offers(app)
        hint = shown(screen.query_one("#assist"))
        assert "栏目名" in hint and "栏目名称" in hint, "the slot's hint is shown"
        await fill_slots(pilot)
        assert not SLOT_RE.search(current_line(app)) and "“通知公告”" in current_line(app)
        # the second item, taken with a click
        await pilot.press("enter")
        await pilot.press(*"人员兼职")
        await settle(pilot)
        assert offers(app)[0].startswith("【队伍与专业能力】")
        await pilot.click("#suggestions", offset=(4, 0))
        await settle(pilot)
        assert "兼职" in current_line(app) and SLOT_RE.fullmatch(ed.selected_text)
        await fill_slots(pilot)
        await pilot.press("ctrl+j")
        await settle(pilot)
        problems = screen.session.answers["problems"]
        assert "2024年，我局" in problems and "一是信息更新不够及时" in problems and "；二是" in problems
        assert len(screen.session.workbench["section5"]["problems"]) == 2


@pytest.mark.slow  # a whole part of the interview typed through: 5–20 s
async def test_unfilled_slots_stop_the_first_submit_and_w7_names_them_after_the_second() -> None:
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await meta(pilot)
        await to_section_five(pilot)
        screen = interview(app)
        await pilot.press(*"人员兼职")
        await settle(pilot)
        await pilot.press("tab")
        await pilot.press("ctrl+j")
        await settle(pilot)
        assert screen.flow.step_id == "problems.items", "not submitted: the slots are pointed out"
        assert "{科室}" in said(app, "note")[-1]
        assert editor(app).selected_text == "{科室}"
        await pilot.press("ctrl+j")
        await settle(pilot)
        assert screen.flow.step_id == "measures.items"
        assert any("W7" in m and "{科室}" in m for m in said(app, "finding-warning"))


@pytest.mark.slow  # a whole part of the interview typed through: 5–20 s
async def test_measures_are_proposed_for_each_accepted_problem() -> None:
    from gkassist.wording import get_bank

    bank = get_bank()
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await meta(pilot)
        await to_section_five(pilot)
        await take(pilot, "解读形式单一", "【政策解读】")
        await pilot.press("enter")
        await take(pilot, "人员兼职", "【队伍与专业能力】")
        await pilot.press("ctrl+j")
        await settle(pilot)
        screen = interview(app)
        assert screen.flow.step_id == "measures.items"
        await settle(pilot)  # the empty line of the measures: the proposals for problem 1
        listed = offers(app)
        labels = {bank.category(m).label for m in bank.category("interpretation_gap").measures}
        assert listed and say("offer_note_answers", n=1) in listed[0]
        assert any(listed[0].startswith(f"【{label}】") for label in labels), listed
        await take(pilot, "")
        await pilot.press("enter")
        await settle(pilot)
        listed = offers(app)
        labels = {bank.category(m).label for m in bank.category("staffing").measures}
        assert listed and say("offer_note_answers", n=2) in listed[0], "problem 1 is answered: problem 2's turn"
        assert any(listed[0].startswith(f"【{label}】") for label in labels), listed
        await take(pilot, "")
        await pilot.press("ctrl+j")
        await settle(pilot)
        measures = screen.session.answers["measures"]
        assert measures.startswith("下一步，我局将") and "一是" in measures and "二是" in measures
        assert not [f for f in screen.findings if f.code == "T4"], "each problem has its measure"


@pytest.mark.slow  # a whole part of the interview typed through: 5–20 s
async def test_last_year_imported_the_walk_the_offers_and_a_clean_section_five(tmp_path: Path) -> None:
    """The sample agency's 2024 report imported as last year; 五 written with the assistant."""
    from gkassist.render import render

    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await import_last_year(pilot)
        screen = interview(app)
        assert screen.session.answers["meta.year"] == 2025
        await answer(pilot, "/goto 三")
        await answer(pilot, "没有")  # no application this year either …
        await answer(pilot, "是")
        await to_section_five(pilot)
        assert screen.flow.step_id == "rectification.walk"
        question = said(app, "question")[-1]
        assert "2个问题" in question and "信息质量有待提升" in question and "强化信息审核发布流程" in question
        await answer(pilot, RECTIFICATION[0][0])
        assert "已完成" in said(app, "question")[-1]
        await answer(pilot, RECTIFICATION[0][1])
        await answer(pilot, RECTIFICATION[0][2])
        assert "业务水平参差不齐" in said(app, "question")[-1], "then last year's second problem"
        await answer(pilot, RECTIFICATION[1][0])
        await answer(pilot, RECTIFICATION[1][1])
        await answer(pilot, RECTIFICATION[1][2])
        rect = screen.session.answers["rectification"]
        assert "一是关于“信息质量有待提升”的问题，落实信息发布三级审核制度" in rect
        assert "二是关于“信息公开工作人员的业务水平参差不齐”的问题" in rect and "整改工作正在持续推进" in rect
        assert any(rect in m for m in said(app, "info")), "the paragraph is shown as written"
        assert screen.flow.step_id == "problems.items"
        # no application two years running: W5 is offered (not counted as a fault) …
        offered = said(app, "offer")
        assert any("W5" in m and "依申请公开渠道知晓度" in m and "我局已连续{年数}年" in m for m in offered), offered
        await settle(pilot)
        listed = offers(app)
        assert listed and "W5" in listed[0] and "{年数}" in listed[0], "… and listed on the empty line"
        await take(pilot, "")  # taken as it is offered
        await pilot.press("enter")
        await take(pilot, "栏目更新不及时", "【信息发布时效性】")
        await pilot.press("enter")
        await take(pilot, "解读形式单一", "【政策解读】")
        await pilot.press("ctrl+j")
        await settle(pilot)
        assert not [m for m in said(app, "offer") if m not in offered], "no offer repeated"
        for _ in range(3):  # one proposed measure per problem, each taken with Tab on an empty line
            await take(pilot, "")
            await pilot.press("enter")
        await pilot.press("ctrl+j")
        await settle(pilot)
        assert screen.flow.step_id == "fee_charged"
        codes = {f.code for f in screen.findings if f.section == "problems"}
        assert not codes & {"T4", "T5", "T7", "T8", "W7", "Y3"}, [f.message for f in screen.findings if f.section == "problems"]
        assert not [f for f in screen.findings if f.kind == "suggestion"], "the offered problem is written"
        text = render(dict(screen.session.answers), "txt")
        await answer(pilot, "/review")  # the walk's paragraph is on the review page, like any answer
        review = app.screen.query_one("#review-list")
        listed = [str(review.get_option_at_index(i).prompt) for i in range(review.option_count)]
        assert any(line.strip().startswith("上年度问题整改情况：针对上年度") for line in listed), listed
    five = text[text.index("五、存在的主要问题及改进情况") :]
    assert "针对上年度报告中指出的问题，我局" in five
    assert "落实信息发布三级审核制度，每季度开展一次信息质量自查" in five, "typed punctuation is kept"
    assert "一是依申请公开渠道宣传不够，我局已连续2年未收到政府信息公开申请" in five
    assert "二是" in five and "三是" in five
    assert "下一步，我局将从以下几个方面加以改进：一是" in five
    assert "{" not in five


@pytest.mark.slow  # a whole part of the interview typed through: 5–20 s
async def test_items_survive_a_restart_and_one_item_is_edited() -> None:
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await meta(pilot)
        await to_section_five(pilot)
        first = await take(pilot, "信息更新不及时")
        await pilot.press("enter")
        second = await take(pilot, "人员兼职")
        await pilot.press("ctrl+j")
        await settle(pilot)
        assert interview(app).flow.step_id == "measures.items"
        await pilot.press("ctrl+q")
        await pilot.pause()

    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # the saved report
        await settle(pilot)
        screen = interview(app)
        assert screen.flow.step_id == "measures.items", "resumed where it stood"
        assert any(first[:10] in m for m in said(app, "recap")), "the recap shows the paragraph"
        await answer(pilot, "/back")
        assert screen.flow.step_id == "problems.items"
        assert editor(app).text == f"{first}\n{second}\n", "the items, one per line, and a line for the next"
        # edit the second item only: a new fragment on its line, replaced by another phrasing
        ed = editor(app)
        ed.move_cursor((1, 0))
        ed.select_line(1)
        await pilot.press(*"解读形式单一")
        third = await take(pilot, "", "【政策解读】")
        await pilot.press("ctrl+j")
        await settle(pilot)
        assert screen.session.workbench["section5"]["problems"] == [first, third.strip()]
        assert first.rstrip("。") in screen.session.answers["problems"]
        assert "兼职" not in screen.session.answers["problems"]


async def test_last_years_section_copied_is_named_in_the_conversation() -> None:
    from gkassist.wording import measure_items, problem_items

    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await import_last_year(pilot)
        screen = interview(app)
        previous = screen.session.previous
        await to_section_five(pilot)
        await answer(pilot, "/skip")  # last year's problems: later
        assert screen.flow.step_id == "problems.items"
        await answer(pilot, "\n".join(problem_items(previous["problems"], previous["measures"])))
        copied = [m for m in said(app, "finding-warning") if "Y3" in m]
        assert len(copied) == 2 and "第1条" in copied[0] and "信息质量有待提升" in copied[0]
        await answer(pilot, "\n".join(measure_items(previous["problems"], previous["measures"])))
        copied = [m for m in said(app, "finding-warning") if "Y3" in m]
        # the item's 「强化信息审核发布流程:」 lead-in is not compared; the copied content after it is named
        assert len(copied) == 4 and "第1条" in copied[2] and "积极与上级部门沟通协作" in copied[2]
        assert {f.fields for f in screen.findings if f.code == "Y3"} >= {("measures",)}, "the rule agrees"


@pytest.mark.slow  # a whole part of the interview typed through: 5–20 s
async def test_free_prose_remains_a_choice_with_suggestions_completing_the_clause() -> None:
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await meta(pilot)
        await to_section_five(pilot, items=False)
        screen = interview(app)
        assert screen.flow.step_id == "problems"
        editor(app).insert("一是政策解读形式单一；")  # Pilot cannot type full-width punctuation
        await pilot.press(*"二是人员兼职")
        await settle(pilot)
        assert offers(app)[0].startswith("【队伍与专业能力】")
        await pilot.press("tab")
        await settle(pilot)
        text = editor(app).text
        assert text.startswith("一是政策解读形式单一；二是") and "兼职承担" in text and "二是人员兼职" not in text
        await answer(pilot, text)
        assert screen.session.answers["problems"] == text.strip(), "prose is saved as written"
        assert screen.flow.step_id == "measures"
