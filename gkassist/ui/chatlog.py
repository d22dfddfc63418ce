"""The conversation as one widget: each message rendered into lines once, only visible lines drawn.

The conversation used to be a ``VerticalScroll`` with one ``Static`` per message. Every answer then
cost Textual a relayout and redraw of the whole conversation (30–38 ms of a 50 ms turn, growing with
its length). Here a message is folded and rendered once, when it is written (again only when the
width or the theme changes), and appended to a list of lines; drawing is copying the lines on
screen. One answer costs the same however long the conversation has grown. The lines are kept as
plain tuples (``Line``), not as Textual ``Strip``s, so that the garbage collector has little to walk
in a long conversation; only the lines drawn lately are kept as Strips too.

How a message looks is CSS, as before: the component classes ``chat--<kind>`` (``app.tcss``) give
its colours, background, margin and padding, and ``width: auto`` makes a bubble as wide as its text
(the user's answers). Text is never markup: a message is a ``rich.text.Text`` built from the string.

Folding is for Chinese: a line may break between any two wide characters (not only at spaces, as
Textual's and Rich's wrapping do), never before closing punctuation such as 「，」「。」「）」 nor after
an opening one such as 「（」「“」, and never inside a number or a Latin word.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from rich.cells import cell_len, get_character_cell_size
from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region, Size
from textual.reactive import Reactive
from textual.scroll_view import ScrollView
from textual.selection import Selection
from textual.strip import Strip

from gkassist.text import NO_LINE_END, NO_LINE_START

KINDS = (
    "question", "user", "recap", "info", "note", "error",
    "finding-error", "finding-warning", "finding-hint", "offer", "resolved",
)
# kinsoku (no line starts with 「，」, none ends with 「（」): gkassist.text
TAB_SIZE = 4  # a tab in a message (a pasted table row) is spaces up to the next multiple of this
MAX_MESSAGES = 2000  # older messages are dropped in batches (the review screen has every answer)
DROP_BATCH = 200
DRAWN_KEPT = 128  # lines kept as Strips, the most recently drawn (a few screens of them)

# A line of the conversation as kept: its pieces of text, each with the number of its style in
# ``ChatLog._styles``. Tuples of strings and numbers only, which Python's garbage collector stops
# tracking: kept as Textual Strips (each with seven caches, some of them holding the strip itself),
# the lines of a long conversation were most of what every full collection walked, a stall of
# 50–80 ms every 20–30 answers after a few hundred.
Line = tuple[tuple[str, int], ...]


@dataclass
class ChatMessage:
    """One message: who speaks (``kind``: question, user, info, finding-warning …) and what."""

    kind: str
    text: Text
    plain: str = field(init=False)

    def __post_init__(self) -> None:
        self.plain = self.text.plain


def _wide(ch: str) -> bool:
    return get_character_cell_size(ch) == 2 or ch in NO_LINE_START or ch in NO_LINE_END


def fold_offsets(line: str, width: int) -> list[int]:
    """Where to break ``line`` (no newlines) so that each piece fits ``width`` cells.

    Greedy: a piece takes as much as fits, and breaks at the last place allowed — at a space, or
    between two characters of which one is wide (Chinese) — unless that would start a line with
    closing punctuation or end one with opening punctuation. With no such place, it breaks where
    the line is full. Spaces at a break hang past the width and are dropped by the caller.
    """
    offsets: list[int] = []
    start, col, last_break = 0, 0, -1
    for i, ch in enumerate(line):
        if i > start:
            prev = line[i - 1]
            if ch != " " and ch not in NO_LINE_START and (
                prev == " " or ((_wide(prev) or _wide(ch)) and prev not in NO_LINE_END)
            ):
                last_break = i
        w = get_character_cell_size(ch)
        if ch != " " and col + w > width and i > start:
            cut = last_break if last_break > start else i
            offsets.append(cut)
            start, last_break = cut, -1
            col = cell_len(line[cut:i])
        col += w
    return offsets


def fold(text: Text, width: int) -> list[Text]:
    """``text`` folded to ``width`` cells, one ``Text`` per screen line (styles kept)."""
    width = max(width, 2)
    out: list[Text] = []
    for paragraph in text.split("\n", allow_blank=True):
        if "\t" in paragraph.plain:
            # a tab is no cell of the screen: drawn as it is, the terminal jumps over what is on
            # screen there (a pasted row 「2\t1\t15」 showed the words of the line above between)
            paragraph.expand_tabs(TAB_SIZE)
        offsets = fold_offsets(paragraph.plain, width)
        pieces = paragraph.divide(offsets) if offsets else [paragraph]
        for piece in pieces:
            piece.rstrip()
            out.append(piece)
    return out


class Folded:
    """A Rich renderable: ``text`` folded as above, at whatever width it is drawn (the preview, the
    review list, the hints and dialogs: every text of the screens that may fold)."""

    def __init__(self, text: Text | str) -> None:
        self.text = text if isinstance(text, Text) else Text(text)

    @property
    def plain(self) -> str:
        return self.text.plain

    def __str__(self) -> str:
        return self.text.plain

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in fold(self.text, options.max_width):
            line.end = "\n"
            line.no_wrap = True
            yield line


class ChatLog(ScrollView, can_focus=True):
    """The conversation: messages appended at the bottom, scrolled to the newest."""

    COMPONENT_CLASSES = {f"chat--{kind}" for kind in KINDS}
    # the height of the conversation: Widget's reactive asks for a relayout of the whole screen
    # (and so a repaint of every widget) when it changes, which is at every message; the log's
    # own size never depends on it, so the scrollbar is updated here instead (_update_size)
    virtual_size = Reactive(Size(0, 0), layout=False, repaint=False)
    ALLOW_SELECT = True
    DEFAULT_CSS = """
    ChatLog {
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id, classes=classes)
        self.messages: list[ChatMessage] = []
        self._lines: list[Line] = []  # every message's lines, at ``_width``
        self._styles: list[Style | None] = []  # the styles of the lines' pieces, by number
        self._style_ids: dict[Style | None, int] = {}
        self._drawn: OrderedDict[int, Strip] = OrderedDict()  # line number → its Strip, as drawn lately
        self._width = 0  # the width ``_lines`` were rendered at (0: not yet)
        self._kind_styles: dict[str, tuple[Style, tuple[int, int, int, int], tuple[int, int, int, int], bool]] = {}

    def on_mount(self) -> None:
        # stay at the newest message when the log's height changes too (the prose editor opens
        # below it), until the user scrolls up; Textual's compositor keeps an anchored widget there
        self.anchor()

    # --- writing ----------------------------------------------------------------------------

    def write(self, messages: list[ChatMessage]) -> None:
        """Append ``messages`` (rendered now, once) and show the newest."""
        if not messages:
            return
        self.messages.extend(messages)
        if len(self.messages) > MAX_MESSAGES + DROP_BATCH:
            # dropping renumbers every line: done rarely, in batches, by rendering afresh
            del self.messages[: len(self.messages) - MAX_MESSAGES]
            self._width = 0
        width = self.size.width
        if width and width == self._width:
            for message in messages:
                self._lines.extend(self._keep(strip) for strip in self._render_message(message, width))
            self._update_size()
        else:
            self._reflow()
        self.scroll_end(animate=False, immediate=True, x_axis=False)
        self.refresh()

    def clear(self) -> None:
        self.messages.clear()
        self._reflow()

    def _reflow(self, *, refresh: bool = True) -> None:
        """Render every message afresh (first size, new width or theme)."""
        width = self.size.width
        self._lines, self._styles, self._style_ids = [], [], {}
        self._drawn.clear()
        self._width = width
        if width:
            for message in self.messages:
                self._lines.extend(self._keep(strip) for strip in self._render_message(message, width))
        self._update_size()
        if refresh:
            self.refresh()

    def _update_size(self) -> None:
        self.virtual_size = Size(self._width, len(self._lines))
        self._scroll_update(self.virtual_size)  # what a relayout does: the scrollbar and its limits

    def on_resize(self) -> None:
        if self.size.width != self._width:
            at_end = self.is_vertical_scroll_end
            self._reflow()
            if at_end:
                self.scroll_end(animate=False, immediate=True, x_axis=False)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        # a theme change: the colours of every message are in its rendered lines
        self._kind_styles.clear()
        if self._width:
            self.call_later(self._reflow)

    # --- rendering ----------------------------------------------------------------------------

    def _style_of(self, kind: str) -> tuple[Style, tuple[int, int, int, int], tuple[int, int, int, int], bool]:
        """(rich style, margin, padding, shrink to the text) of a kind of message, from the CSS."""
        cached = self._kind_styles.get(kind)
        if cached is None:
            name = f"chat--{kind}" if kind in KINDS else "chat--info"
            styles = self.get_component_styles(name)
            width = styles.width
            cached = (
                self.get_component_rich_style(name),
                tuple(styles.margin),
                tuple(styles.padding),
                width is not None and width.is_auto,
            )
            self._kind_styles[kind] = cached
        return cached

    def _render_message(self, message: ChatMessage, width: int) -> list[Strip]:
        style, (m_top, m_right, m_bottom, m_left), (p_top, p_right, p_bottom, p_left), shrink = self._style_of(message.kind)
        base = self.rich_style
        console = self.app.console
        avail = max(width - m_left - m_right, 4)
        inner = max(avail - p_left - p_right, 2)
        lines = fold(message.text, inner)
        box = min(avail, max((line.cell_len for line in lines), default=0) + p_left + p_right) if shrink else avail
        left = Segment(" " * m_left, base) if m_left else None
        blank_box = Strip([*([left] if left else []), Segment(" " * box, style)]).extend_cell_length(width, base)
        out = [Strip.blank(width, base)] * m_top + [blank_box] * p_top
        for line in lines:
            segments = [left] if left else []
            if p_left:
                segments.append(Segment(" " * p_left, style))
            segments.extend(Segment.apply_style(line.render(console), style=style))
            fill = box - p_left - line.cell_len
            if fill > 0:
                segments.append(Segment(" " * fill, style))
            out.append(Strip(segments).extend_cell_length(width, base).crop(0, width))
        out += [blank_box] * p_bottom + [Strip.blank(width, base)] * m_bottom
        return out

    def _keep(self, strip: Strip) -> Line:
        """A rendered line as kept (``Line``)."""
        ids, styles = self._style_ids, self._styles
        pieces = []
        for text, style, _control in strip:
            number = ids.get(style)
            if number is None:
                number = ids[style] = len(styles)
                styles.append(style)
            pieces.append((text, number))
        return tuple(pieces)

    def _strip(self, index: int) -> Strip:
        """Line ``index`` as Textual draws it (with the offsets that text selection reads)."""
        drawn = self._drawn
        strip = drawn.get(index)
        if strip is not None:
            drawn.move_to_end(index)
            return strip
        styles = self._styles
        segments = [Segment(text, styles[number]) for text, number in self._lines[index]]
        strip = drawn[index] = Strip(segments, self._width).apply_offsets(0, index)
        if len(drawn) > DRAWN_KEPT:
            drawn.popitem(last=False)
        return strip

    def render_lines(self, crop: Region) -> list[Strip]:
        width = self.size.width
        if width and width != self._width:
            # the first frame at a new size (the first of all, at start): fold now, so that this
            # frame shows the conversation rather than a blank one until on_resize comes round
            at_end = not self._width or self.is_vertical_scroll_end
            self._reflow(refresh=False)
            if at_end:
                self.scroll_end(animate=False, immediate=True, x_axis=False)
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        index = round(self.scroll_offset.y) + y
        width = self.size.width
        if index >= len(self._lines):
            return Strip.blank(width, self.rich_style)
        strip = self._strip(index)
        if strip.cell_length != width:  # resized, not reflowed yet
            strip = strip.crop_extend(0, width, self.rich_style)
        selection = self.text_selection
        if selection is not None and (span := selection.get_span(index)) is not None:
            strip = self._selected(strip, span).apply_offsets(0, index)
        return strip

    def _selected(self, strip: Strip, span: tuple[int, int]) -> Strip:
        text = Text.assemble(*[(segment.text, segment.style) for segment in strip])
        start, end = span
        text.stylize(self.screen.get_component_rich_style("screen--selection"), start, len(text) if end == -1 else end)
        return Strip(text.render(self.app.console), strip.cell_length)

    # --- selecting text with the mouse ------------------------------------------------------------

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        text = "\n".join("".join(text for text, _ in line) for line in self._lines)
        extracted = selection.extract(text)
        return "\n".join(line.strip() for line in extracted.split("\n")), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self.refresh()
