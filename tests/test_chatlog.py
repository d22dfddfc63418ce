"""The conversation widget (ui/chatlog.ChatLog) on its own: what it draws, what a selection copies,
and that a long conversation leaves the garbage collector little to walk."""

from __future__ import annotations

import gc

from rich.text import Text
from textual.app import App, ComposeResult
from textual.selection import Selection

from gkassist.ui.chatlog import ChatLog, ChatMessage

SIZE = (60, 12)


class LogApp(App):
    def compose(self) -> ComposeResult:
        yield ChatLog(id="chat")


def message(i: int) -> ChatMessage:
    kind = ("question", "user", "info", "finding-warning")[i % 4]
    return ChatMessage(kind, Text(f"第{i}条：本年度新收政府信息公开申请{i}件，上年结转{i % 7}件，办理结果见表三。"))


def squeezed(text: str) -> str:
    return "".join(text.split())


async def test_the_last_messages_are_drawn_and_a_selection_copies_every_message() -> None:
    app = LogApp()
    async with app.run_test(size=SIZE) as pilot:
        log = app.query_one(ChatLog)
        messages = [message(i) for i in range(40)]
        log.write(messages[:30])
        await pilot.pause()
        log.write(messages[30:])
        await pilot.pause()
        drawn = squeezed("".join(log.render_line(y).text for y in range(log.size.height)))
        assert drawn.endswith(squeezed(messages[-1].plain)), "scrolled to the newest"
        copied = squeezed(log.get_selection(Selection(None, None))[0])
        assert copied == "".join(squeezed(m.plain) for m in messages)
        # every line drawn carries its place in the log (what a mouse selection reads)
        strip = log.render_line(log.size.height - 1)
        assert {seg.style.meta.get("offset") for seg in strip if seg.style}.pop()[1] > 40


async def test_a_long_conversation_keeps_few_objects_for_the_garbage_collector() -> None:
    # kept as Textual Strips, every line of the conversation cost some twenty objects that each
    # full collection walked: 50–80 ms stalls in a long interview (docs/performance.md)
    app = LogApp()
    async with app.run_test(size=SIZE) as pilot:
        log = app.query_one(ChatLog)
        n = 400

        async def write(first: int) -> None:
            for start in range(first, first + n, 4):
                log.write([message(i) for i in range(start, start + 4)])
                await pilot.pause()

        await write(0)  # the caches of drawing (Rich's styles, the lines drawn lately) fill up
        gc.collect()
        before, lines_before = len(gc.get_objects()), log.virtual_size.height
        await write(n)
        gc.collect()
        grown, lines = len(gc.get_objects()) - before, log.virtual_size.height - lines_before
        assert lines >= 2 * n, "the messages fold into two lines or more each"
        # each message (ChatMessage, its Text and their lists; Rich's caches of cut segments, which
        # are bounded) and nothing for each of its lines: kept as Strips, some 60 objects a message
        assert grown < 15 * n, (grown, lines)
