"""The command table: every command's action exists where its key, button or /command runs it,
each has its words in prompts/ui.yaml, and the help lists every /command and key."""

from __future__ import annotations

import pytest

from gkassist.interview.script import load_script
from gkassist.ui import actions
from gkassist.ui.app import GkApp
from gkassist.ui.editor import ProseEditor
from gkassist.ui.help import HelpScreen
from gkassist.ui.interview import InterviewScreen
from gkassist.ui.preview import PreviewScreen
from gkassist.ui.review import ReviewScreen

SCOPES = {
    actions.APP: GkApp, actions.INTERVIEW: InterviewScreen, actions.REVIEW: ReviewScreen,
    actions.PREVIEW: PreviewScreen, actions.HELP: HelpScreen, actions.EDITOR: ProseEditor,
}


@pytest.mark.parametrize("command", actions.COMMANDS, ids=lambda c: c.id)
def test_each_command_has_an_action_wherever_it_can_be_run(command: actions.Command) -> None:
    where = set(command.keys_on) | set(command.buttons_on)
    if command.aliases or command.palette:
        where.add(actions.APP if command.on_app else actions.INTERVIEW)
    for scope in where:
        owner = GkApp if command.on_app and scope != actions.EDITOR else SCOPES[scope]
        assert callable(getattr(owner, f"action_{command.id}", None)), (command.id, scope)


def test_each_command_has_its_words_and_no_name_is_taken_twice() -> None:
    texts = load_script().phrases["commands"]
    assert set(texts) == {c.id for c in actions.COMMANDS}
    for c in actions.COMMANDS:
        assert c.text("label"), c.id
        assert not c.palette or c.text("palette"), c.id
        assert not c.aliases or c.text("help"), c.id
    aliases = [a for c in actions.COMMANDS for a in c.aliases]
    assert len(aliases) == len(set(aliases))


def test_the_bindings_of_each_place_come_from_the_table() -> None:
    for scope, owner in SCOPES.items():
        table = {(c.key, c.id) for c in actions.COMMANDS if c.key and scope in c.keys_on}
        bound = {(b.key, b.action) for b in owner.BINDINGS if not isinstance(b, tuple)}
        assert table <= bound, scope


def test_a_command_line_names_its_command_and_keeps_its_arguments() -> None:
    command, name, args = actions.command_line("Export docx 年报 2024")
    assert command is actions.BY_ID["export"] and name == "Export" and args == ["docx", "年报", "2024"]
    assert actions.command_line("nonsense")[0] is None
    assert actions.command_line("")[1] == ""


@pytest.mark.parametrize(("text", "commands", "rest"), [
    ("整体水平/goto 二", ["goto 二"], "整体水平"),
    ("整体水平／goto 三\n", ["goto 三"], "整体水平"),
    ("公开力度。/skip", ["skip"], "公开力度。"),
    ("公开力度。\n/goto 三", ["goto 三"], "公开力度。"),
    ("比例达50%/s", [], "比例达50%/s"),  # an alias is no command at the end of text
    ("公开力度。/skip 二", [], "公开力度。/skip 二"),  # /skip takes no argument: text
    ("见 www.gov.cn/goto 二", [], "见 www.gov.cn/goto 二"),  # inside a path
    ("整体水平/goto 二 三 四", [], "整体水平/goto 二 三 四"),  # more words than a command takes: text
])
def test_a_command_at_the_end_of_a_text_is_taken_out_of_it(text, commands, rest) -> None:
    assert actions.commands_in(text) == (commands, rest)


def test_help_lists_every_command_and_key() -> None:
    text = actions.help_text()
    for c in actions.COMMANDS:
        if c.aliases:
            assert "/" + c.aliases[0] in text, c.id
        if c.key and (c.on_app or actions.INTERVIEW in c.keys_on):
            assert actions.key_name(c.key) in text, c.id
    assert actions.key_name("ctrl+q") == "Ctrl+Q" and actions.key_name("f5") == "F5"
