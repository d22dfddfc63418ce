"""How the tests drive the interview: the flow without a screen, and the app through Pilot.

Not a test module: the interview's and the UI's tests import it (pytest puts ``tests/`` on the
path). Every helper types and clicks as a person would; none reaches into Textual's internals.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import yaml

from gkassist.interview.flow import Flow
from gkassist.interview.script import load_script
from gkassist.text import SLOT_RE
from gkassist.ui.chatlog import ChatMessage

FIXTURES = Path(__file__).parent / "fixtures"
SESSION = FIXTURES / "hongjiang-2024.session.json"  # the sample agency's 2024 report as a session
SAMPLE_TXT = FIXTURES / "hongjiang-kjgxj-2024.txt"  # the published sample, copied
AGENCY = "怀化市洪江区科技和工业信息化局"
SIZE = (120, 40)
# the values an officer would type into each {slot} of the wording bank
SLOT_VALUES = yaml.safe_load((Path(__file__).parent / "data" / "slot_values.yaml").read_text(encoding="utf-8"))


def say(key: str, **kw: Any) -> str:
    """A phrase of prompts/ui.yaml: tests compare with it, never with words of their own."""
    return load_script().say(key, **kw)


def sample_answers() -> dict[str, Any]:
    """The sample agency's typed answers, less what the interview does not ask (the preamble)."""
    from gkassist.answers import from_json

    raw = json.loads(SESSION.read_text(encoding="utf-8"))["answers"]
    return {fid: from_json(fid, v) for fid, v in raw.items() if fid != "meta.preamble"}


# --- the flow without a screen ----------------------------------------------------------------


def make_state(answers: dict | None = None, previous: dict | None = None) -> SimpleNamespace:
    return SimpleNamespace(answers=dict(answers or {}), previous=previous, workbench={})


def apply(flow: Flow, text: str) -> Any:
    """Submit ``text`` and, as the screen does after saving, store the outcome and move on."""
    out = flow.submit(text)
    if out.ok:
        flow.state.answers.update(out.values)
        for f in out.clears:
            flow.state.answers.pop(f, None)
        flow.state.workbench.update(out.workbench)
        flow.advance(out)
    return out


# --- the app through Pilot -----------------------------------------------------------------------


async def settle(pilot: Any) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def interview(app: Any) -> Any:
    for screen in app.screen_stack:
        if type(screen).__name__ == "InterviewScreen":
            return screen
    raise AssertionError(f"no interview screen in {app.screen_stack}")


async def type_text(pilot: Any, text: str) -> None:
    """Type ``text`` key by key, as a terminal sends it (an IME's committed text included).

    ``pilot.press`` drops Chinese punctuation (「，」「、」「《」「“」…): Textual 8 turns such a
    character into a key name it cannot turn back, so the key comes without its character. A real
    terminal sends the character (the tmux walkthrough proves it); so do these key events.
    """
    from textual import events

    for ch in text:
        if ch.isascii() or ch.isalnum():
            await pilot.press(ch)
        else:
            pilot.app.post_message(events.Key(ch, ch))
            await pilot.pause()


def key_event(key: str) -> Any:
    """The key event a terminal's bytes give for ``key`` (a character, or a name: "enter", "ctrl+u")."""
    from textual import events
    from textual.keys import _character_to_key

    if len(key) == 1:
        return events.Key(_character_to_key(key), key)
    return events.Key(key, {"enter": "\r", "tab": "\t", "ctrl+j": "\n"}.get(key))


async def burst(pilot: Any, *keys: str) -> None:
    """Keys as a terminal delivers a paste or a fast typist's keys: read at once, all handed to the
    app before any is handled (``pilot.press`` waits for each key to be handled, which hides
    ordering bugs: Textual issue 6605). Strings of several characters are typed character by
    character unless they name a key. Waits until every answer typed has had its turn."""
    names = {"enter", "tab", "ctrl+j", "ctrl+u", "ctrl+q", "ctrl+end", "backspace", "end", "home", "escape"}
    for item in keys:
        for key in [item] if item in names else list(item):
            pilot.app.post_message(key_event(key))
    await settle_all(pilot)


async def settle_all(pilot: Any) -> None:
    """Wait until the interview has taken every answer in its queue (and everything is drawn)."""
    for _ in range(400):
        await settle(pilot)
        screens = [s for s in pilot.app.screen_stack if type(s).__name__ == "InterviewScreen"]
        if not pilot.app.is_running or not screens or not getattr(screens[0], "busy", False):
            break
    await settle(pilot)


async def answer(pilot: Any, text: str) -> None:
    """Type ``text`` into the line (key by key) or the prose editor, and submit it."""
    screen = interview(pilot.app)
    assert pilot.app.screen is screen, f"expected the conversation, got {pilot.app.screen}"
    if screen.flow.question().multiline:
        editor = screen.query_one("#prose")
        editor.load_text(text)  # long prose is pasted, as people do; short answers are typed
        await pilot.press("ctrl+j")
    else:
        # no clearing: a prefilled answer is selected, so typing replaces it as it does for a
        # person; anything else left in the line would show up as a wrong answer
        await type_text(pilot, text)
        await pilot.press("enter")
    await settle(pilot)


def chat(app: Any) -> list[ChatMessage]:
    return interview(app).conversation()


def said(app: Any, kind_prefix: str = "") -> list[str]:
    return [m.plain for m in chat(app) if m.kind.startswith(kind_prefix)]


async def start_new(pilot: Any) -> None:
    await settle(pilot)
    await pilot.click("#new")
    await settle(pilot)


async def meta(pilot: Any, agency: str = AGENCY) -> None:
    await answer(pilot, agency)
    await answer(pilot, "2024")
    await answer(pilot, "2")
    await answer(pilot, "4")


def panel_lines(app: Any) -> dict[str, str]:
    sections = interview(app).query_one("#sections")
    options = [sections.get_option_at_index(i) for i in range(sections.option_count)]
    return {o.id: o.prompt.plain for o in options}


def shown(widget: Any) -> str:
    """The text a Static shows (plain, as it was given to it)."""
    return str(widget.content)


def chat_screen_lines(app: Any) -> list[str]:
    """The conversation as drawn on the terminal, line by line (cells cropped to the chat area)."""
    log = app.screen.query_one("#chat")
    return [log.render_line(y).text.strip() for y in range(log.size.height)]


# --- section 五's editor ---------------------------------------------------------------------------


RECTIFICATION = [  # last year's two problems: what was done, how far (1/2/3), the result
    ("落实信息发布三级审核制度，每季度开展一次信息质量自查", "1", "全年自查整改信息差错6处，比上年减少4处"),
    ("组织政务公开专题培训2次，培训信息员12人次", "2", "信息员业务考试合格率由75%提高到92%"),
]


def editor(app: Any) -> Any:
    return interview(app).query_one("#prose")


def offers(app: Any) -> list[str]:
    suggestions = interview(app).query_one("#suggestions")
    if not suggestions.display:
        return []
    return [str(suggestions.get_option_at_index(i).prompt) for i in range(suggestions.option_count)]


def current_line(app: Any) -> str:
    ed = editor(app)
    return ed.document.get_line(ed.cursor_location[0])


async def fill_slots(pilot: Any) -> None:
    """Type a value over each {slot} of the line, as a person does: the slot is selected, Tab goes on."""
    while True:
        ed = editor(pilot.app)
        m = SLOT_RE.fullmatch(ed.selected_text)
        assert m, f"a slot is selected after taking an offer or pressing Tab, not {ed.selected_text!r}"
        await type_text(pilot, SLOT_VALUES[m.group(1)])
        if not SLOT_RE.search(current_line(pilot.app)):
            break
        await pilot.press("tab")
    await settle(pilot)


async def take(pilot: Any, typed: str, expect: str | None = None) -> str:
    """Type ``typed`` on a new line, take the highlighted offer with Tab, fill its slots."""
    if typed:
        await type_text(pilot, typed)
    await settle(pilot)
    listed = offers(pilot.app)
    assert listed, f"nothing offered for {typed!r}"
    if expect:
        assert expect in listed[0], listed
    await pilot.press("tab")
    await fill_slots(pilot)
    return current_line(pilot.app)


RECTIFIED_NONE = "上年度报告未列出需要整改的问题。"  # what an officer writes when last year listed none


async def to_section_five(pilot: Any, *, items: bool = True) -> None:
    """To 五's problems, as items (or as prose): last year's report listed no problems."""
    await answer(pilot, "/goto 五")
    assert interview(pilot.app).flow.step_id == "section5.mode"
    await answer(pilot, say("ask_yes" if items else "ask_no"))
    step = interview(pilot.app).flow.step_id
    if step == "rectification.listed":
        await answer(pilot, say("ask_no"))
    elif step == "rectification":
        await answer(pilot, RECTIFIED_NONE)


async def import_last_year(pilot: Any) -> None:
    await settle(pilot)
    pilot.app.screen.query_one("#import-path").value = str(SAMPLE_TXT)
    await pilot.click("#import")
    await settle(pilot)


async def walk(pilot: Any) -> None:
    for action, status, result in RECTIFICATION:
        await answer(pilot, action)
        await answer(pilot, status)
        await answer(pilot, result)
