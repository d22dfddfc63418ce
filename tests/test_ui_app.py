"""The interview driven through Textual's Pilot at a fixed size, with the real layers behind it.

Each test starts from the picker with GKASSIST_HOME in a tmp folder, types answers as a person
would (Chinese included) and checks what is on screen, what is saved and what the report says.
"""

from __future__ import annotations

import itertools
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from drive import (
    SAMPLE_TXT,
    SIZE,
    answer,
    burst,
    chat,
    chat_screen_lines,
    interview,
    meta,
    open_table,
    panel_lines,
    said,
    sample_answers,
    say,
    settle,
    shown,
    start_new,
    type_text,
)

from gkassist.form import FORM
from gkassist.interview.flow import FINAL
from gkassist.interview.script import load_script
from gkassist.session import display_time
from gkassist.ui.app import GkApp

# --- the tests ----------------------------------------------------------------------------------


@pytest.mark.slow  # a whole part of the interview typed through: 5–20 s
async def test_whole_interview_for_the_sample_agency_with_the_zero_shortcuts(tmp_path: Path) -> None:
    from gkassist.render import render, render_to_bytes

    sample = sample_answers()
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await meta(pilot)
        await answer(pilot, sample["overview.intro"])
        await answer(pilot, sample["overview.proactive"])
        await answer(pilot, "")  # 依申请公开: the sample has no paragraph for it
        await answer(pilot, sample["overview.management"])
        await answer(pilot, "")  # 平台建设: likewise
        await answer(pilot, sample["overview.oversight"])
        await answer(pilot, "没有")  # 表二
        await answer(pilot, "没有")  # 表三 …
        assert any("144" in m for m in said(app, "info")), "the zero shortcut asks for a confirmation"
        await answer(pilot, "是")  # … confirmed
        await answer(pilot, "没有")  # 表四
        screen = interview(app)
        assert screen.flow.step_id == "section5.mode"
        await answer(pilot, "否")  # 五 as the sample has it: prose, written by the user
        assert screen.flow.step_id == "rectification"  # asked with or without last year's report
        await answer(pilot, "")  # the sample has no such paragraph (T5 will say so)
        await answer(pilot, sample["problems"])
        await answer(pilot, sample["measures"])
        await answer(pilot, "否")
        editor = screen.query_one("#prose")
        assert "未收取政府信息公开信息处理费" in editor.text  # the fee statement, ready to edit
        await answer(pilot, sample["other_matters"])
        # the last answer leads to the review
        assert type(app.screen).__name__ == "ReviewScreen"
        answers = dict(screen.session.answers)
        assert answers == sample
        # issue 13: a complete report for the sample agency takes at most 20 prompts (each echoed)
        assert len(said(app, "user")) <= 20, said(app, "user")
        assert render(answers, "txt") == render(sample, "txt")
        # T1 notices the two topics the sample leaves out; no N-code error on the sample's figures
        assert not [f for f in screen.findings if f.code.startswith("N") and f.severity == "error"]
        # export from the review screen, as a first-time user would: button, dialog, button
        await pilot.click("#btn-export")
        await settle(pilot)
        assert type(app.screen).__name__ == "ExportScreen"
        await pilot.click("#fmt-txt")
        path_input = app.screen.query_one("#export-path")
        target = tmp_path / "报告.txt"
        path_input.value = str(target)
        await pilot.click("#do-export")
        await settle(pilot)
        if type(app.screen).__name__ == "ConfirmScreen":  # errors remain: confirm
            await pilot.click("#yes")
            await settle(pilot)
        assert target.read_bytes() == render_to_bytes(sample, "txt")
        assert sample["meta.agency"] + "2024年政府信息公开工作年度报告" in target.read_text(encoding="utf-8")


async def test_the_export_dialog_exports_what_it_shows_on_enter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the first format button had the focus: Enter chose txt though docx was shown as chosen, and
    # a path typed went nowhere
    monkeypatch.chdir(tmp_path)  # the default path is in the current folder: not the checkout's
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await meta(pilot)
        await pilot.press("f5")
        await settle(pilot)
        dialog = app.screen
        assert type(dialog).__name__ == "ExportScreen" and app.focused is dialog.query_one("#export-path")
        target = tmp_path / "年报.docx"
        # in one burst, as tmux or a paste sends them: Ctrl+U runs in its place among the keys
        await burst(pilot, "ctrl+u", str(target), "enter")
        if type(app.screen).__name__ == "ConfirmScreen":  # findings remain: confirm
            await pilot.click("#yes")
            await settle(pilot)
        assert target.read_bytes()[:2] == b"PK", "a Word file, the format shown as chosen"


@pytest.mark.slow  # a whole part of the interview typed through: 5–20 s
async def test_nonzero_tables_with_an_imbalance_that_is_then_fixed() -> None:
    from gkassist.render import render

    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await meta(pilot)
        for _ in range(6):
            await answer(pilot, "")  # the six paragraphs of 一 skipped for now
        await answer(pilot, "有")  # 表二
        screen = interview(app)
        assert say("auto_zero") in said(app, "info"), "规章 row filled for a county bureau"
        await answer(pilot, "1 0 3")
        await answer(pilot, "5")
        await answer(pilot, "0")
        await answer(pilot, "0")
        await answer(pilot, "0")
        await answer(pilot, "有")  # 表三
        await answer(pilot, "3 1 0 0 0 0")
        assert any("总计4" in m for m in said(app, "info")), "the row's total is computed and shown"
        await answer(pilot, "0")
        await answer(pilot, "2 1 0 0 0 0")
        await answer(pilot, "0")
        await answer(pilot, "没有")  # （三）不予公开
        await answer(pilot, "有")  # （四）无法提供
        await answer(pilot, "1 0 0 0 0 0")
        await answer(pilot, "0")
        await answer(pilot, "0")
        await answer(pilot, "没有")  # （五）
        await answer(pilot, "没有")  # （六）
        assert screen.flow.step_id == "requests.carry_over"
        assert screen.query_one("#line").value == "0 0 0 0 0 0"  # suggested so that it balances
        await answer(pilot, "1 0 0 0 0 0")  # … but the user types something else
        n4 = [m for m in said(app, "finding-error") if "N4" in m]
        assert n4, said(app)
        assert "3" in n4[0] and "4" in n4[0], "both sides of the equation are shown"
        assert screen.flow.step_id == "review.any", "errors do not block moving on"
        # fix it: back to the row, which keeps its answer
        await answer(pilot, "/back")
        assert screen.flow.step_id == "requests.carry_over"
        assert screen.query_one("#line").value == "1 0 0 0 0 0"
        await answer(pilot, "0")
        assert any("N4" in m for m in said(app, "resolved"))
        assert not [f for f in screen.findings if f.code == "N4"]
        await answer(pilot, "有")  # 表四
        await answer(pilot, "1 0 0 0")
        assert any("总计1" in m for m in said(app, "info"))
        await answer(pilot, "0")
        await answer(pilot, "0")
        await answer(pilot, "否")  # 五 as prose
        await answer(pilot, "上年度报告未列出需要整改的问题。")
        await answer(pilot, "一是政策解读形式单一。")
        await answer(pilot, "下一步，我局将丰富政策解读形式。")
        await answer(pilot, "否")
        await answer(pilot, screen.query_one("#prose").text)  # the standard fee sentence, as offered
        answers = dict(screen.session.answers)
        # the whole conversation is one widget drawn from its lines, the first ones included
        await pilot.press("escape")  # from the review, back to the conversation
        await settle(pilot)
        assert len(chat(app)) > 100 and not screen.chat.children
        first_question = load_script().steps[0].question.split("\n")[0][:8]
        assert not any(first_question in line for line in chat_screen_lines(app))
        screen.chat.scroll_home(animate=False)
        await pilot.pause()
        assert any(first_question in line for line in chat_screen_lines(app))

    expected: dict[str, Any] = {
        "meta.agency": "怀化市洪江区科技和工业信息化局",
        "meta.year": 2024,
        "meta.agency_kind": "department",
        "meta.level": "county",
        "active.rules.issued": 0, "active.rules.repealed": 0, "active.rules.in_force": 0,
        "active.normative.issued": 1, "active.normative.repealed": 0, "active.normative.in_force": 3,
        "active.licensing": 5, "active.penalty": 0, "active.coercion": 0, "active.fees": Decimal("0"),
        "rectification": "上年度报告未列出需要整改的问题。",
        "problems": "一是政策解读形式单一。",
        "measures": "下一步，我局将丰富政策解读形式。",
        "other_matters": "本年度，怀化市洪江区科技和工业信息化局未收取政府信息公开信息处理费。",
    }
    for f in FORM.fields.values():
        if f.table in ("requests", "review") and not f.derived:
            expected[f.id] = 0
    expected.update({
        "requests.new.natural": 3, "requests.new.commercial": 1,
        "requests.granted.natural": 2, "requests.granted.commercial": 1,
        "requests.unable.not_held.natural": 1,
        "review.upheld": 1,
    })
    assert answers == expected
    assert render(answers, "txt") == render(expected, "txt")


async def test_quit_mid_interview_and_continue_at_the_same_question() -> None:
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await answer(pilot, "怀化市洪江区科技和工业信息化局")
        await answer(pilot, "2024")
        await answer(pilot, "2")
        assert interview(app).flow.step_id == "meta.level"
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0

    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        saved = app.screen.query_one("#saved")
        assert saved.option_count == 1
        assert "怀化市洪江区科技和工业信息化局" in str(saved.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await settle(pilot)
        screen = interview(app)
        assert screen.flow.step_id == "meta.level"
        texts = said(app)
        assert any("怀化市洪江区科技和工业信息化局" in t for t in texts), "the conversation so far is shown"
        assert FORM.field("meta.level").label in said(app, "question")[-1]
        await answer(pilot, "4")
        assert screen.session.answers["meta.level"] == "county"
        assert screen.flow.step_id == "overview.intro"


async def test_a_new_report_quit_as_its_first_question_shows_closes_cleanly() -> None:
    # what comes after the first frame (side panel, header, footer, buttons, editor, first check,
    # first write) runs while the app is closing: nothing of it may fail
    app = GkApp(new_session=True)
    async with app.run_test(size=SIZE) as pilot:
        app.exit()
        await pilot.pause()
    assert app.return_code == 0 and app.crash_log is None


async def test_bad_input_is_explained_and_kept_for_fixing() -> None:
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await meta(pilot)
        await answer(pilot, "/goto 三")
        screen = interview(app)
        assert screen.flow.step_id == "requests.any"
        await answer(pilot, "有")
        await answer(pilot, "3 1 0")
        errors = said(app, "error")
        assert errors and "6" in errors[-1]
        assert screen.query_one("#line").value == "3 1 0", "the typed text stays for fixing"
        assert screen.flow.step_id == "requests.new"
        assert "requests.new.natural" not in screen.session.answers
        screen.query_one("#line").value = ""
        await answer(pilot, "/nonsense")
        assert "/nonsense" in said(app, "error")[-1]


async def test_user_text_is_shown_as_typed_never_as_markup() -> None:
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await answer(pilot, "[b]某某局[/b] [link=x]")
        user = said(app, "user")
        assert user[-1] == "[b]某某局[/b] [link=x]"
        assert interview(app).session.answers["meta.agency"] == "[b]某某局[/b] [link=x]"


async def test_review_jumps_to_a_question_and_comes_back(tmp_path: Path) -> None:
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await meta(pilot, "某某局")
        await answer(pilot, "/review")
        assert type(app.screen).__name__ == "ReviewScreen"
        review = app.screen
        key = next(k for k, step in review.targets.items() if step == "meta.agency")
        option_list = review.query_one("#review-list")
        option_list.highlighted = option_list.get_option_index(key)
        await pilot.press("enter")
        await settle(pilot)
        screen = interview(app)
        assert screen.flow.step_id == "meta.agency" and screen.flow.return_to == FINAL
        assert screen.query_one("#line").value == "某某局"
        await answer(pilot, "某某县某某局")
        assert type(app.screen).__name__ == "ReviewScreen", "back to the review after the fix"
        assert screen.session.answers["meta.agency"] == "某某县某某局"
        assert screen.session.answers["meta.year"] == 2024, "later answers are kept"


async def test_side_panel_click_goes_to_a_section_and_shows_progress() -> None:
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await meta(pilot)
        screen = interview(app)
        sections = screen.query_one("#sections")
        sections.highlighted = sections.get_option_index("review")
        sections.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert screen.flow.step_id == "review.any"
        progress = shown(screen.query_one("#progress-text"))
        assert "4/" in progress


async def test_preview_shows_gaps_marked() -> None:
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await meta(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert type(app.screen).__name__ == "PreviewScreen"
        text = app.screen.text
        assert "怀化市洪江区科技和工业信息化局2024年政府信息公开工作年度报告" in text
        assert FORM.gap_marker in text
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is interview(app)


@pytest.mark.slow  # a whole part of the interview typed through: 5–20 s
async def test_export_asks_for_confirmation_while_errors_remain(tmp_path: Path) -> None:
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await meta(pilot)
        await answer(pilot, "/goto 三")
        for text in ("有", "3 0 0 0 0 0", "0", "0", "0", "没有", "没有", "没有", "没有", "0"):
            await answer(pilot, text)  # three applications, none handled, none carried over: N4
        screen = interview(app)
        assert [f for f in screen.findings if f.severity == "error"]
        target = tmp_path / "out.md"
        await answer(pilot, f"/export md {target}")
        assert type(app.screen).__name__ == "ConfirmScreen"
        await pilot.click("#no")
        await settle(pilot)
        assert not target.exists()
        await answer(pilot, f"/export md {target}")
        await pilot.click("#yes")
        await settle(pilot)
        assert target.exists()
        assert any(str(target) in m for m in said(app, "info"))


async def test_new_year_from_a_saved_session_carries_over(home: Path) -> None:
    from gkassist.session import SessionStore

    last_year = sample_answers()
    last_year["requests.new.natural"] = 2
    last_year["requests.carry_over.natural"] = 2  # two applications carried into 2025
    last_year["active.normative.in_force"] = 4
    with SessionStore().create(last_year):
        pass
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.click("#carry")  # the saved report is highlighted: start its next year
        await settle(pilot)
        screen = interview(app)
        session = screen.session
        assert session.previous["meta.agency"] == last_year["meta.agency"]
        assert session.answers["meta.year"] == 2025
        assert session.answers["requests.carried.natural"] == 2
        assert say("picker_carry_done") in said(app, "info"), "the carry-over is explained"
        assert screen.query_one("#line").value == "怀化市洪江区科技和工业信息化局"
        await open_table(pilot, "二")
        assert say("in_force_hint", prev=4) in said(app, "question")[-1], "现行有效 is suggested from last year"
        await open_table(pilot, "三")
        await answer(pilot, "1 0 0 0 0 0")
        assert screen.flow.step_id == "requests.carried"
        assert screen.query_one("#line").value == "2 0 0 0 0 0", "上年结转 = last year's 结转下年度"
        await answer(pilot, "/goto 五")
        await answer(pilot, "否")  # as prose (the items way walks through them: test_ui_wording.py)
        assert screen.flow.step_id == "rectification", "with last year known, its rectification is asked"
        assert last_year["problems"][:20] in said(app, "question")[-1]


async def test_new_year_from_last_years_published_report(home: Path) -> None:
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one("#import-path").value = str(SAMPLE_TXT)
        await pilot.click("#import")
        await settle(pilot)
        screen = interview(app)
        previous = screen.session.previous
        assert previous["meta.agency"] == "怀化市洪江区科技和工业信息化局"
        assert previous["requests.new.natural"] == 0
        assert screen.session.answers["meta.year"] == 2025
        assert not any(FORM.is_derived(f) for f in screen.session.answers), "totals are computed, not stored"


async def test_a_file_that_is_no_report_is_explained_in_the_picker(tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("会议纪要\n今天天气很好。\n", encoding="utf-8")
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one("#import-path").value = str(junk)
        await pilot.click("#import")
        await settle(pilot)
        assert type(app.screen).__name__ == "PickerScreen"
        message = shown(app.screen.query_one("#picker-msg"))
        assert message.startswith(say("picker_import_unreadable", error=""))
        path_input = app.screen.query_one("#import-path")
        path_input.value = str(tmp_path / "missing.txt")
        path_input.focus()
        await pilot.press("enter")  # the keyboard way: Enter in the path field
        await settle(pilot)
        assert say("picker_file_missing", path=tmp_path / "missing.txt") == shown(app.screen.query_one("#picker-msg"))


async def test_picker_with_nothing_saved_starts_a_new_report_on_enter() -> None:
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        picker = app.screen
        assert app.focused is picker.query_one("#new"), "the one useful button has the focus"
        assert picker.query_one("#carry").disabled, "nothing to carry over from"
        await pilot.press("tab")
        assert app.focused is not picker.query_one("#carry")
        await pilot.press("shift+tab")
        assert app.focused is picker.query_one("#new"), "Tab skips the empty list and the disabled button"
        await pilot.press("enter")
        await settle(pilot)
        assert interview(app).flow.step_id == "meta.agency"


async def test_picker_with_saved_reports_resumes_the_newest_on_enter(home: Path) -> None:
    from gkassist.session import SessionStore

    store = SessionStore()
    ids = {}
    for agency, updated in (("甲局", "2025-01-02T09:00:00+08:00"), ("乙局", "2025-03-04T09:00:00+08:00"),
                            ("丙局", "2025-02-03T09:00:00+08:00")):
        with store.create({"meta.agency": agency}) as s:
            ids[agency] = s.id
            path = s.path
        doc = json.loads(path.read_text(encoding="utf-8"))
        doc["updated"] = updated
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        picker = app.screen
        saved = picker.query_one("#saved")
        assert app.focused is saved
        assert saved.get_option_at_index(saved.highlighted).id == ids["乙局"], "the newest is highlighted"
        assert not picker.query_one("#carry").disabled, "a report is selected: it can be carried over"
        await pilot.press("enter")
        await settle(pilot)
        assert interview(app).session.answers["meta.agency"] == "乙局"


def counted(line: str) -> bool:
    """A section line of the side panel counts errors or warnings."""
    marks = [say(key, n=0).replace("0", "") for key in ("status_errors", "status_warnings")]
    return any(mark in line for mark in marks)


async def test_side_panel_counts_no_findings_about_questions_not_reached() -> None:
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        screen = interview(app)
        assert {f.code for f in screen.findings} >= {"T4", "T6"}, "the engine finds the empty paragraphs"
        lines = panel_lines(app)
        assert not [line for line in lines.values() if counted(line)], lines
        # /check still lists everything, saying which are about parts not filled in yet
        await answer(pilot, "/check")
        t6 = [m for m in said(app, "finding-") if "T6" in m]
        assert t6 and t6[-1].endswith(say("finding_unreached"))
        await meta(pilot)
        await answer(pilot, "/goto 五")
        await answer(pilot, "是")
        await answer(pilot, "否")  # last year's report listed no problems
        await answer(pilot, "")  # no problems written: skipped, and now T4 is the user's to see
        assert screen.flow.step_id == "measures.items"
        assert say("status_warnings", n=1) in panel_lines(app)["problems"], panel_lines(app)
        assert not counted(panel_lines(app)["other"])
        await answer(pilot, "/review")  # the full account: everything, the parts not reached marked
        review = app.screen.query_one("#review-list")
        lines = [review.get_option_at_index(i).prompt.plain for i in range(review.option_count)]
        assert any("T6" in line and line.endswith(say("finding_unreached")) for line in lines)
        assert any("T4" in line and say("finding_unreached") not in line for line in lines), "五's problems were skipped"


async def test_resumed_recap_tells_skipped_from_never_seen() -> None:
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await meta(pilot)
        await answer(pilot, "")  # 概述: skipped on purpose
        await answer(pilot, "/goto 二")  # 主动公开 … 监督保障 never seen
        await pilot.press("ctrl+q")
        await pilot.pause()
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        recap = said(app, "recap")
        script = load_script()

        def line(step: str, answer: str) -> str:
            s = script.step(step)
            return say("recap", title=s.title or s.label, answer=say(answer))

        assert line("overview.intro", "recap_skipped") in recap, recap
        assert line("overview.proactive", "recap_unanswered") in recap, recap
        assert line("overview.oversight", "recap_unanswered") in recap, recap


async def test_a_message_folds_without_a_number_left_at_the_start_of_a_line() -> None:
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await meta(pilot)
        await answer(pilot, "/goto 三")
        await answer(pilot, "没有")  # the confirmation: 「表三的全部144个数字将填为0（本年新收…）」
        lines = chat_screen_lines(app)
        first = next(i for i, line in enumerate(lines) if "表三的全部" in line)
        assert "本年新收" in lines[first], "the line is filled before it folds"
        assert not [line for line in lines if line.startswith("0（")], lines


async def test_a_pasted_row_with_tabs_is_echoed_with_spaces() -> None:
    # a tab drawn as it is makes the terminal jump over what is on screen there: the echo of a
    # pasted 「2\t1\t15」 showed words of the line above between the numbers
    from textual import events

    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await meta(pilot)
        await open_table(pilot, "二")
        app.post_message(events.Paste("2\t1\t15\n"))
        await settle(pilot)
        assert interview(app).session.answers["active.normative.in_force"] == 15
        lines = chat_screen_lines(app)
        assert not [line for line in lines if "\t" in line], lines
        assert any("2   1   15" in line for line in lines), lines


async def test_the_newest_question_stays_in_view_when_the_prose_editor_opens() -> None:
    # the editor takes rows from the conversation: the question it answers must not slip below
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await meta(pilot)  # the next question is 一's first, answered in the prose editor
        screen = interview(app)
        assert screen.flow.question().multiline
        lines = [line for line in chat_screen_lines(app) if line]
        assert say("example", text="") in lines[-2] + lines[-1], lines[-4:]
        assert any("一、总体情况" in line for line in lines[-8:]), lines[-8:]


async def test_preview_prose_never_folds_inside_a_number() -> None:
    # at this size the preamble's line is full right at 「…科学技术局2025年…」: Rich's own wrapping
    # split it as 「…20」 / 「25年…」
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await meta(pilot, agency="湖南省怀化市洪江区科学技术局")
        await pilot.press("f2")
        await settle(pilot)
        await pilot.pause()
        # the preview's prose as drawn (its tables are separate, scrolled sideways)
        lines = [strip.text.rstrip() for w in app.screen.query(".preview-prose") for strip in w.render_lines(w.size.region)]
        joined = "".join(line.strip() for line in lines)
        assert "湖南省怀化市洪江区科学技术局2024年政府信息公开工作年度报告如下" in joined
        broken = [(a, b) for a, b in itertools.pairwise(lines) if a[-1:].isdigit() and b.strip()[:1].isdigit()]
        assert not broken, broken


@pytest.mark.slow
def test_an_unexpected_error_exits_with_a_sentence_and_a_log_not_a_traceback(home: Path) -> None:
    import subprocess
    import sys

    code = (
        "from gkassist.ui import prepare_environment\n"
        "prepare_environment()\n"
        "from gkassist.ui.app import GkApp\n"
        "class Broken(GkApp):\n"
        "    def on_ready(self):\n"
        "        raise ZeroDivisionError('boom')\n"
        "app = Broken()\n"
        "app.run(headless=True, size=(120, 40))\n"
        "raise SystemExit(app.return_code)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "GKASSIST_HOME": str(home), "COLUMNS": "200"})
    assert out.returncode == 1
    logs = list((home / "logs").glob("error-*.log"))
    assert len(logs) == 1 and "ZeroDivisionError: boom" in logs[0].read_text(encoding="utf-8")
    assert str(logs[0]) in out.stderr.replace("\n", "")
    assert "Traceback" not in out.stderr and "ZeroDivisionError" not in out.stderr


async def test_a_command_runs_alike_from_its_button_key_and_slash_name() -> None:
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await pilot.click("#btn-help")
        await settle(pilot)
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        await settle(pilot)
        await answer(pilot, "/h")
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.click("#btn-close")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert type(app.screen).__name__ == "PreviewScreen"
        await pilot.press("escape")
        await settle(pilot)
        interview(app).query_one("#line").focus()
        await type_text(pilot, "/quit")
        await pilot.press("enter")
        for _ in range(100):  # quits once the keys before it are in (QuitRequested's way up)
            if not app.is_running:
                break
            await pilot.pause(0.02)
    assert app.return_code == 0 and not app.is_running


def _printed_by_check(session_path: Path) -> list[tuple]:
    """The findings `gkassist check SESSION --json` prints for the saved session."""
    import io

    from gkassist.checking import run_check

    out = io.StringIO()
    run_check([str(session_path)], as_json=True, out=out)
    doc = json.loads(out.getvalue())
    return sorted((f["code"], f["severity"], tuple(f["fields"]), f["message"]) for f in doc["findings"])


def _on_screen(screen: Any) -> list[tuple]:
    return sorted((f.code, f.severity, tuple(f.fields), f.message) for f in screen.findings)


async def test_the_interview_shows_the_findings_gkassist_check_prints_for_the_same_session() -> None:
    # issue 13 item 8: after 「2655元」 the UI kept the N1 hint about it once corrected, and showed it
    # where `gkassist check` of the same session did not: one validation path
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await meta(pilot)
        await open_table(pilot, "二")
        screen = interview(app)
        while screen.flow.step_id != "active.fees":
            await answer(pilot, "0")
        await answer(pilot, "2655元")
        assert _on_screen(screen) == _printed_by_check(screen.session.path)
        await pilot.press("ctrl+q")
        await pilot.pause()
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:  # resumed: the engine starts from the saved session
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = interview(app)
        await open_table(pilot, "二")
        while screen.flow.step_id != "active.fees":
            await answer(pilot, "0")
        await answer(pilot, "0.2655")  # corrected: the note and its N1 hint go
        assert not [f for f in screen.findings if f.code == "N1"]
        assert _on_screen(screen) == _printed_by_check(screen.session.path)
        await answer(pilot, "/goto 三")
        for text in ("有", "3 0 0 0 0 0", "0", "0", "0", "没有", "没有", "没有", "没有", "0"):
            await answer(pilot, text)  # three applications, none handled: N4
        assert [f for f in screen.findings if f.code == "N4"]
        assert _on_screen(screen) == _printed_by_check(screen.session.path)


async def test_progress_counts_every_paragraph_and_a_section_is_done_only_when_nothing_is_left(home: Path) -> None:
    # issue 13 item 9: 4/173 through all of 一; 99% with 五 and 六 empty; 100% with 一 skipped
    from gkassist.session import SessionStore

    sample = sample_answers()
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await meta(pilot)
        screen = interview(app)
        before = screen.session.progress()
        for field in ("overview.intro", "overview.proactive", "overview.on_request", "overview.management",
                      "overview.platform", "overview.oversight"):
            await answer(pilot, sample.get(field) or "本年度无相关情况。")
        after = screen.session.progress()
        assert after[0] == before[0] + 6, "each paragraph of 一 counts"
        assert say("status_done") in panel_lines(app)["overview"]
        assert f"{after[0]}/{after[1]}" in shown(screen.query_one("#progress-text"))

    no_five_six = {k: v for k, v in sample.items() if k not in ("rectification", "problems", "measures", "other_matters")}
    with SessionStore().create(no_five_six) as s:
        answered, total = s.progress()
    assert 100 * answered / total < 95, "五 and 六 empty weigh as four questions of the report, not four of 173"

    no_one = {k: v for k, v in sample.items() if not k.startswith("overview.")}
    skipped = [f"overview.{t}" for t in ("intro", "proactive", "on_request", "management", "platform", "oversight")]
    with SessionStore().create(no_one) as s:
        s.record(workbench={"skipped": skipped}, position={"step": "review_all"})
        path = s.path
    app = GkApp(open_session=str(path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = interview(app)
        answered, total = screen.session.progress()
        assert answered < total, "skipped paragraphs are not answered"
        progress = shown(screen.query_one("#progress-text"))
        assert f"{answered}/{total}" in progress and "100%" not in progress
        overview = panel_lines(app)["overview"]
        assert say("status_done") in overview and say("status_skipped", n=6) in overview, overview
        assert say("status_partial") in panel_lines(app)["problems"], "rectification is not written yet"


async def test_picker_rows_tell_reports_apart_and_a_file_used_again_offers_its_report(home: Path) -> None:
    # issue 13 item 10: four identical lines after importing twice; the same file twice made two copies
    from gkassist.session import SessionStore
    from gkassist.sources import import_file

    with import_file(SAMPLE_TXT) as imported:
        imported_id = imported.id
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one("#import-path").value = str(SAMPLE_TXT)
        await pilot.click("#import")  # last year's report: start 2025 from it
        await settle(pilot)
        carried_id = interview(app).session.id
        await pilot.press("ctrl+q")
        await pilot.pause()
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        picker = app.screen
        saved = picker.query_one("#saved")
        rows = {saved.get_option_at_index(i).id: saved.get_option_at_index(i).prompt.plain for i in range(saved.option_count)}
        assert rows[imported_id] != rows[carried_id]
        for sid, row in rows.items():
            info = next(i for i in SessionStore().list() if i.id == sid)
            assert sid in row and display_time(info.created) in row and display_time(info.updated) in row
        assert say("picker_source_import", file=SAMPLE_TXT.name) in rows[imported_id]
        assert say("picker_source_carry", what=SAMPLE_TXT.name) in rows[carried_id]
        # the same file again: the report already started from it is offered
        picker.query_one("#import-path").value = str(SAMPLE_TXT)
        await pilot.click("#import")
        await settle(pilot)
        assert type(app.screen).__name__ == "ChoiceScreen"
        await pilot.click("#choice-open")
        await settle(pilot)
        assert interview(app).session.id == carried_id
    assert len(SessionStore().list()) == 2, "no copy was made"


def test_importing_a_file_already_imported_says_where_it_is(home: Path, capsys) -> None:
    from gkassist import cli
    from gkassist.session import SessionStore

    assert cli.main(["import", str(SAMPLE_TXT)]) == 0
    first = SessionStore().list()
    assert cli.main(["import", str(SAMPLE_TXT)]) == 0
    assert SessionStore().list() == first, "no second copy"
    assert first[0].id in capsys.readouterr().out
    assert cli.main(["import", str(SAMPLE_TXT), "--again"]) == 0
    assert len(SessionStore().list()) == 2


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_every_button_of_the_conversation_is_whole_on_screen(size: tuple[int, int]) -> None:
    # issue 13 item 11: at 80×24 the 审阅/导出/帮助 buttons were cut off
    app = GkApp()
    async with app.run_test(size=size) as pilot:
        await start_new(pilot)
        await meta(pilot)  # a prose question: 提交 is shown too, the most buttons there are
        screen = interview(app)
        buttons = [b for b in screen.query("#buttons Button") if b.display]
        assert len(buttons) == 8
        row = screen.query_one("#buttons").content_region
        for b in buttons:
            assert b.region.x >= row.x and b.region.right <= row.right, (b.label, b.region, row)
            assert b.region.width >= len(str(b.label)) * 2, b.label


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_with_offers_under_the_editor_the_question_and_the_buttons_stay_in_view(size: tuple[int, int]) -> None:
    # at 80×24 the editor and eight offers took the whole height: the question scrolled out of
    # view above them and the buttons off the screen below
    from drive import to_section_five

    app = GkApp()
    async with app.run_test(size=size) as pilot:
        await start_new(pilot)
        await meta(pilot)
        await to_section_five(pilot)
        await type_text(pilot, "人员兼职")
        await settle(pilot)
        screen = interview(app)
        assert screen.query_one("#suggestions").display, "offers are listed"
        footer = app.screen.query_one("Footer").region
        assert [b for b in screen.query("#buttons Button") if b.display]
        for b in screen.query("#buttons Button"):
            if b.display:
                assert b.region.height and b.region.bottom <= footer.y, (str(b.label), b.region, footer)
        lines = [line.strip() for line in chat_screen_lines(app) if line.strip()]
        example = "".join(say("example", text=screen.flow.question().example).split())
        assert example in "".join("".join(lines[-4:]).split()), lines[-4:]


async def test_the_command_palette_speaks_chinese_and_goes_to_any_part() -> None:
    # issue 13 item 11: the palette's placeholder was English and it had no goto
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        palette = app.screen
        assert palette.query_one("CommandInput").placeholder == say("palette_placeholder")
        palette.query_one("CommandInput").value = say("palette_goto", section="三")[:3]
        await pilot.pause(0.3)
        commands = palette.query_one("CommandList")
        texts = [commands.get_option_at_index(i).prompt for i in range(commands.option_count)]
        target = FORM.section("requests")
        index = next(i for i, t in enumerate(texts) if say("palette_goto", section=target.heading) in str(t))
        commands.highlighted = index
        await pilot.press("enter")
        await settle(pilot)
        assert interview(app).flow.step_id == "requests.any"


def _broken_lines(lines: list[str]) -> list[tuple[str, str]]:
    """Pairs of consecutive lines that break the kinsoku rule or cut a number or a Latin word."""
    from gkassist.ui.chatlog import NO_LINE_END, NO_LINE_START

    bad = []
    for a, b in itertools.pairwise(lines):
        a, b = a.rstrip(), b.strip()
        if not a or not b:
            continue
        if b[0] in NO_LINE_START or a[-1] in NO_LINE_END or (a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum()):
            bad.append((a[-8:], b[:8]))
    return bad


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_no_line_of_the_review_starts_with_closing_punctuation_or_cuts_a_group(size: tuple[int, int]) -> None:
    # issue 13 item 11: wrapped lines started with 「，」 or 「。」; the review cut 「（2」/「）LE」
    from gkassist.session import SessionStore

    answers = sample_answers()
    answers["overview.proactive"] = "（2）LED显示屏、宣传栏公开信息200余条，内容涉及上级文件通知、党建工作、法制宣传。" * 2
    with SessionStore().create(answers) as s:
        s.set_position(step="review_all")
        path = s.path
    app = GkApp(open_session=str(path))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        review = app.screen.query_one("#review-list")
        width = review.scrollable_content_region.width
        options = app.console.options.update_width(width)
        checked = 0
        for i in range(review.option_count):
            prompt = review.get_option_at_index(i).prompt
            lines = ["".join(seg.text for seg in line) for line in app.console.render_lines(prompt, options, pad=False)]
            assert not _broken_lines(lines), (_broken_lines(lines), lines)
            checked += len(lines) > 1
        assert checked, "some rows fold"


async def test_the_preview_shows_table_three_whole_and_scrolls_it_sideways() -> None:
    # issue 13 item 11: at 120 columns the preview's table 三 was cut and did not scroll
    from rich.cells import cell_len

    from gkassist.session import SessionStore

    with SessionStore().create(sample_answers()) as s:
        s.set_position(step="review_all")
        path = s.path
    app = GkApp(open_session=str(path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        boxes = list(app.screen.query(".preview-table"))
        three = next(b for b in boxes if "（七）总计" in shown(b.query_one(".preview-table-text")))
        table = shown(three.query_one(".preview-table-text"))
        assert three.query_one(".preview-table-text").region.width == max(cell_len(line) for line in table.split("\n"))
        assert three.max_scroll_x > 0, "wider than the screen"
        await pilot.press("right", "right", "right")
        await pilot.pause()
        assert three.scroll_x > 0, "← → scroll the tables"
        await pilot.press(*["right"] * 20)
        await pilot.pause()
        assert three.scroll_x == three.max_scroll_x, "to its last column"


async def test_continuing_an_imported_report_keeps_its_own_subheadings_and_numbers_on(home: Path) -> None:
    # issue 13 item 7: after importing the sample the interview asked 「（一）主动公开」 again and the
    # preview showed the agency's （一）（二）（三） followed by a second （一）
    from gkassist.sources import import_file

    with import_file(SAMPLE_TXT) as s:
        path = s.path
    app = GkApp(open_session=str(path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = interview(app)
        assert screen.flow.step_id == "overview.platform", "the first topic the report does not cover"
        question = said(app, "question")[-1]
        assert not question.startswith(("（", "(")) and "主动公开" not in question
        await answer(pilot, "按标准目录维护政府信息公开专栏。")
        assert screen.flow.step_id == "overview.oversight"
        await pilot.press("f2")
        await settle(pilot)
        text = app.screen.text
        one = text[text.index("一、总体情况"):text.index("二、主动公开政府信息情况")]
        assert "(一)完善政府信息公开工作机制" in one and "(三)严格执行政府信息公开有关规定" in one
        assert "（四）政府信息公开平台建设" in one and "（一）政府信息公开平台建设" not in one


async def test_an_export_path_with_textual_markup_is_shown_as_text(tmp_path: Path) -> None:
    """「[@click=app.quit]」 in a folder name was an action in the notification, and 「[/x]」 a
    closing tag that crashed the app (issue 14)."""
    app = GkApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:  # toasts drawn, as for a person
        await start_new(pilot)
        await meta(pilot)
        target = tmp_path / "[@click=app.quit]" / "[/x][b]报告.md"
        await answer(pilot, f"/export md {target}")
        if type(app.screen).__name__ == "ConfirmScreen":  # errors remain in an unfinished report
            await pilot.click("#yes")
        await settle(pilot)
        assert target.exists()
        await pilot.pause(0.2)  # the toast is drawn
        assert app.is_running and app.screen is interview(app)
        assert any(n.message.endswith(str(target)) and not n.markup for n in app._notifications)
        toasts = [str(toast.render()) for toast in app.screen.query("Toast")]
        assert any(str(target) in text for text in toasts), toasts


async def test_side_panel_draws_each_change_and_keeps_the_keyboard_place() -> None:
    """The section list replaces only the entries that changed (ui/widgets.SectionList): what it
    draws must still be every current entry, and an update must not move its cursor."""
    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await meta(pilot)
        screen = interview(app)
        sections = screen.query_one("#sections")
        sections.highlighted = sections.get_option_index("done")

        def drawn() -> str:  # what is on screen, less spaces and the folding of long titles
            lines = [sections.render_line(y).text for y in range(sections.size.height)]
            return "".join("".join(lines).split())

        def entries() -> str:
            return "".join("".join(o.prompt.plain for o in sections.options).split())

        await open_table(pilot, "三")
        for text in ["3 1 0 0 0 0", "0", "2 1 0 0 0 0", "0", "没有", "没有", "没有", "没有", "0"]:
            await answer(pilot, text)  # 3 new, 2 granted, nothing carried over: 三 does not balance
        assert "N4" in {f.code for f in screen.findings}
        assert say("status_errors", n=1) in panel_lines(app)["requests"]
        assert drawn() == entries()
        assert sections.highlighted == sections.get_option_index("done"), "the cursor stays"
        await answer(pilot, "/goto 三")
        await answer(pilot, "有")
        for text in ["3 1 0 0 0 0", "0", "2 1 0 0 0 0", "0", "没有", "没有", "没有", "没有", "1 0 0 0 0 0"]:
            await answer(pilot, text)
        assert "N4" not in {f.code for f in screen.findings}
        assert not counted(panel_lines(app)["requests"])
        assert drawn() == entries()
        assert sections.highlighted == sections.get_option_index("done")


async def test_an_answer_is_written_and_the_panel_updated_once_the_frame_showing_it_is_drawn() -> None:
    """The session is written by a thread whose encoding holds the GIL: started before the frame
    that shows the answer, it held that frame back. Written after it, and every answer of a burst
    is on disk while the interview goes on. The side panel follows in the next frame."""
    import asyncio

    app = GkApp()
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await meta(pilot)
        await open_table(pilot, "三")
        screen = interview(app)
        events: list[str] = []
        frame, write_soon = screen._compositor_refresh, screen.backend.write_soon
        panel = screen.query_one("#side")
        refresh_status = panel.refresh_status

        def panel_updated(*args: Any) -> None:
            events.append("panel")
            refresh_status(*args)

        def framed() -> None:
            frame()
            if any("3 1 0 0 0 7" in line for line in chat_screen_lines(app)):
                events.append("answer drawn")

        def written() -> None:
            events.append("write")
            write_soon()

        screen._compositor_refresh = framed
        screen.backend.write_soon = written
        panel.refresh_status = panel_updated
        before = shown(screen.query_one("#progress-text"))
        await answer(pilot, "3 1 0 0 0 7")  # 新收 of table 三
        await settle(pilot)
        assert events and events[0] == "answer drawn" and {"write", "panel"} <= set(events), events
        assert shown(screen.query_one("#progress-text")) != before, "the panel counts the answer"
        await burst(pilot, "0", "enter", "2 1 0 0 0 0", "enter")  # 结转, then 予以公开

        def on_disk() -> dict[str, int]:
            saved = json.loads(screen.session.path.read_text(encoding="utf-8"))["answers"]
            rows = ("requests.new.", "requests.carried.", "requests.granted.")
            return {row: sum(v for k, v in saved.items() if k.startswith(row)) for row in rows}

        for _ in range(100):  # the writer thread's fsync
            if on_disk() == {"requests.new.": 11, "requests.carried.": 0, "requests.granted.": 3}:
                break
            await asyncio.sleep(0.02)
        assert on_disk() == {"requests.new.": 11, "requests.carried.": 0, "requests.granted.": 3}
