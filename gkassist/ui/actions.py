"""Every command of the interface, once: its key, /command names, button, palette entry and help.

``COMMANDS`` is the one table; the key bindings of the app and its screens, the buttons, the
command palette, the /command names typed in the answer line and the help page's list of commands
and keys are all made from it. What the commands are called and how they are explained is in
``prompts/ui.yaml`` (``commands:``), in Chinese, for a domain person to edit.

A command ``id`` is an action: ``action_<id>`` on the app (scope ``app``) or on the screen whose
key or button runs it. A /command with arguments (``/goto 三``, ``/export docx 年报``) calls the
same action with them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from textual.binding import Binding
from textual.widgets import Button

from gkassist.interview.script import load_script

APP, INTERVIEW, REVIEW, PREVIEW, HELP = "app", "interview", "review", "preview", "help"
EDITOR = "editor"  # the prose editor: its keys work while it has the focus


@dataclass(frozen=True)
class Command:
    id: str
    key: str = ""  # Textual key name(s), comma separated
    keys_on: tuple[str, ...] = ()  # where the key works: app (everywhere) or the screens named
    footer_on: tuple[str, ...] = ()  # where the key is listed in the footer
    aliases: tuple[str, ...] = ()  # /command names, the first one is the one help shows
    buttons_on: tuple[str, ...] = ()  # screens with a button for it, in table order
    palette: bool = False  # listed in the command palette (Ctrl+P)
    priority: bool = False  # the key works even where a widget would take it (an editor)
    args: bool = False  # a /command that takes arguments (passed to its action)

    @property
    def on_app(self) -> bool:
        return APP in self.keys_on

    def text(self, part: str) -> str:
        """``label`` | ``title`` | ``palette`` | ``help`` | ``usage`` from prompts/ui.yaml."""
        texts = load_script().phrases["commands"][self.id]
        if part == "title":
            return str(texts.get("title") or texts["label"])
        return str(texts.get(part, ""))


COMMANDS: tuple[Command, ...] = (
    # Ctrl+J is a plain line feed in every terminal, so it works without the Kitty keyboard protocol
    # (off for Chinese input methods); Ctrl+Enter also works where the terminal reports it
    # not a priority key: the editor runs it in its place among the keys typed (widgets.run_own_binding)
    Command("submit", key="ctrl+j,ctrl+enter", keys_on=(EDITOR,), footer_on=(EDITOR,), buttons_on=(INTERVIEW,)),
    Command("back", aliases=("back", "b"), buttons_on=(INTERVIEW,), palette=True),
    Command("skip", aliases=("skip", "s"), buttons_on=(INTERVIEW,), palette=True),
    Command("goto", aliases=("goto", "go", "g"), args=True),
    Command("preview", key="f2", keys_on=(INTERVIEW, REVIEW), footer_on=(REVIEW,), aliases=("preview", "p"),
            buttons_on=(INTERVIEW, REVIEW), palette=True),
    Command("check", key="f3", keys_on=(INTERVIEW,), aliases=("check", "c"), buttons_on=(INTERVIEW,), palette=True),
    Command("review", key="f4", keys_on=(INTERVIEW,), aliases=("review", "r"), buttons_on=(INTERVIEW,), palette=True),
    Command("export", key="f5", keys_on=(INTERVIEW, REVIEW), footer_on=(REVIEW,), aliases=("export", "e"),
            buttons_on=(INTERVIEW, REVIEW), palette=True, args=True),
    Command("close", key="escape", keys_on=(REVIEW, PREVIEW, HELP), footer_on=(REVIEW, PREVIEW, HELP),
            buttons_on=(REVIEW, HELP)),
    Command("help", key="f1", keys_on=(APP,), footer_on=(APP,), aliases=("help", "h", "?"),
            buttons_on=(INTERVIEW,), palette=True),
    Command("command_palette", key="ctrl+p", keys_on=(APP,), priority=True),
    Command("quit", key="ctrl+q", keys_on=(APP,), footer_on=(APP,), aliases=("quit", "q", "exit"),
            palette=True, priority=True),
)
BY_ID = {c.id: c for c in COMMANDS}
BY_ALIAS = {alias: c for c in COMMANDS for alias in c.aliases}
_FULL_NAMES = {c.aliases[0] for c in COMMANDS if c.aliases}


def bindings(scope: str) -> list[Binding]:
    """The key bindings of ``scope`` (the app, or one screen)."""
    return [
        Binding(c.key, c.id, c.text("label"), show=scope in c.footer_on, priority=c.priority, id=c.id)
        for c in COMMANDS
        if c.key and scope in c.keys_on
    ]


def buttons(scope: str, primary: str) -> Iterator[Button]:
    """The buttons of screen ``scope``; pressing one runs its action (on the screen, or the app)."""
    for c in COMMANDS:
        if scope in c.buttons_on:
            action = f"app.{c.id}" if c.on_app else f"screen.{c.id}"
            variant: Any = "primary" if c.id == primary else "default"
            yield Button(c.text("label"), id=f"btn-{c.id}", variant=variant, compact=True, action=action)


def command_line(text: str) -> tuple[Command | None, str, list[str]]:
    """``/goto 三`` → (the command, the name as typed, its arguments); None: no such command."""
    parts = text.split()
    name = parts[0] if parts else ""
    return BY_ALIAS.get(name.lower()), name, parts[1:]


# a command typed at the end of a paragraph (「…公开力度。/skip」「…整体水平/goto 二」): a known name,
# not inside a word or path, with at most two short arguments
_TRAILING_COMMAND = re.compile(r"(?<![A-Za-z0-9./])[/／]([A-Za-z?]+)((?:[ \t\u3000]+[^\s/／]{1,20}){0,2})\s*$")


def command_of_line(line: str) -> str | None:
    """``/goto 三`` (a whole line naming a known command, full-width ／ too) → "goto 三", else None."""
    stripped = line.strip()
    if not stripped.startswith(("/", "／")):
        return None
    command, _, _ = command_line(stripped[1:])
    return stripped[1:] if command is not None else None


def commands_in(text: str) -> tuple[list[str], str]:
    """The /commands typed in a text (each on a line of its own, or at the very end of it) and the
    text without them: what an editor submits is never report text when it names a command."""
    commands: list[str] = []
    kept: list[str] = []
    for line in text.split("\n"):
        command = command_of_line(line)
        if command is not None:
            commands.append(command)
        else:
            kept.append(line)
    while kept and not kept[-1].strip():
        kept.pop()
    if kept and (found := trailing_command(kept[-1])) is not None:
        commands.append(found[0])
        kept[-1] = found[1]
    return commands, "\n".join(kept)


def trailing_command(line: str) -> tuple[str, str] | None:
    """A command typed at the end of a line of text → (the command, the text before it), else None.

    Only a command's full name (/skip, not /s: 「50%/s」 is text), and arguments only for a
    command that takes them (「…整体水平/goto 二」 is never report text)."""
    m = _TRAILING_COMMAND.search(line)
    if m is None or m.group(1).lower() not in _FULL_NAMES:
        return None
    args = m.group(2).strip()
    if args and not BY_ALIAS[m.group(1).lower()].args:
        return None
    return f"{m.group(1)} {args}".strip(), line[: m.start()].rstrip()


def key_name(key: str) -> str:
    """How a key is written in the help: 「F1」「Ctrl+Q」."""
    first = key.split(",")[0]
    return "+".join(p.capitalize() if len(p) > 1 and not p[1:].isdigit() else p.upper() for p in first.split("+"))


def help_text() -> str:
    """The commands and keys part of the help page."""
    say = load_script().say
    lines = [say("help_commands_title")]
    for c in COMMANDS:
        if c.aliases and c.text("help"):
            usage = " ".join(filter(None, ["/" + c.aliases[0], c.text("usage")]))
            lines.append(say("help_command", usage=usage, text=c.text("help")))
    keys = [say("help_key", keys=key_name(c.key), label=c.text("label")) for c in _keys_for_help()]
    lines += ["", say("help_keys", keys="，".join(keys))]
    return "\n".join(lines)


def _keys_for_help() -> list[Command]:
    # the keys that work in the conversation, in order of their key (F1 … F5, then Ctrl+…)
    shown = [c for c in COMMANDS if c.key and (c.on_app or INTERVIEW in c.keys_on)]
    return sorted(shown, key=lambda c: (not c.key.startswith("f"), c.key))
