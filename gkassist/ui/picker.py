"""The first screen: resume a saved report, start a new one, or start from last year's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from gkassist.errors import UserError
from gkassist.interview.script import load_script
from gkassist.interview.start import carry_over
from gkassist.ui.chatlog import Folded
from gkassist.ui.widgets import HEADER_ICON


def _time(iso: str | None) -> str:
    from gkassist.session import display_time

    return display_time(iso)


class PickerScreen(Screen):
    def __init__(self, store_root: Path | None = None) -> None:
        super().__init__()
        self.say = load_script().say
        self.store_root = store_root
        self.infos: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        say = self.say
        yield Header(icon=HEADER_ICON)
        with Vertical(id="picker"):
            yield Static(Folded(say("picker_intro")), id="picker-intro")
            yield OptionList(id="saved")
            yield Static("", id="picker-msg", markup=False)
            with Horizontal(classes="picker-buttons"):
                yield Button(say("picker_new"), id="new", variant="primary", compact=True)
                # needs a saved report highlighted in the list: enabled once there is one
                yield Button(say("picker_carry"), id="carry", compact=True, disabled=True)
                yield Button(say("picker_quit"), id="quit", compact=True)
            with Horizontal(classes="picker-buttons"):
                yield Input(placeholder=say("picker_import_hint"), id="import-path", compact=True)
                yield Button(say("picker_import"), id="import", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.title = self.say("app_title")
        self.sub_title = self.say("picker_title")
        self.refresh_list()

    def store(self) -> Any:
        from gkassist.session import SessionStore

        return SessionStore(self.store_root)

    def refresh_list(self) -> None:
        from gkassist.session import display_time

        say = self.say
        saved = self.query_one("#saved", OptionList)
        saved.clear_options()
        self.infos = {}
        try:
            infos = self.store().list()
        except UserError as err:
            self.message(err.message)
            infos = []
        for info in infos:
            self.infos[info.id] = info
            if info.status != "ok":
                saved.add_option(Option(Text(f"{info.id}  {info.problem}", style="dim"), id=info.id, disabled=True))
                continue
            line = Text(say(
                "picker_row",
                agency=info.agency or say("picker_row_unnamed"),
                year=info.year or "？",
                answered=info.answered,
                required=info.required,
            ))
            if info.editing:
                line.append(f"  （{info.editing}）")
            line.append("\n")
            line.append(say("picker_row_more", id=info.id, created=display_time(info.created),
                            updated=display_time(info.updated), source=self.source_text(info)), style="dim")
            saved.add_option(Option(Folded(line), id=info.id))
        resumable = [i for i, info in enumerate(infos) if info.status == "ok"]
        # an empty (or all-broken) list is no place for the keyboard: Tab would pass through it
        saved.disabled = not resumable
        if not infos:
            self.message(say("picker_empty"))
        if resumable:
            # the newest report (the store lists newest first), so that Enter resumes it
            saved.highlighted = resumable[0]
            saved.focus()
        else:
            self.query_one("#new", Button).focus()
        self._update_carry()

    def source_text(self, info: Any) -> str:
        """How a report began: new, imported from a file, or started from last year's report."""
        say = self.say
        source, previous = info.source or {}, info.previous_source or {}
        if source.get("kind") == "import":
            return say("picker_source_import", file=Path(str(source.get("file") or "")).name or "？")
        if previous:
            what = Path(str(previous["file"])).name if previous.get("file") else previous.get("id") or "？"
            if previous.get("kind") == "session" and previous.get("id"):
                what = say("picker_source_session", id=previous["id"])
            return say("picker_source_carry", what=what)
        return say("picker_source_new")

    def _update_carry(self) -> None:
        saved = self.query_one("#saved", OptionList)
        self.query_one("#carry", Button).disabled = saved.disabled or saved.highlighted is None

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._update_carry()

    def message(self, text: str) -> None:
        self.query_one("#picker-msg", Static).update(Folded(text))

    # --- choosing ------------------------------------------------------------------------------

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.open_ref(event.option.id)

    def open_ref(self, ref: str) -> None:
        try:
            session = self.store().open(ref)
        except UserError as err:
            self.message(err.message)
            return
        self.app.start_interview(session, resumed=bool(session.answers or session.position))

    def start_new(self, answers: dict | None = None, previous: Any = None, intro: str | None = None) -> None:
        try:
            session = self.store().create(answers or {}, previous=previous)
        except UserError as err:
            self.message(err.message)
            return
        self.app.start_interview(session, resumed=False, intro=intro)

    def start_from_previous(self, previous_answers: dict, source: dict) -> None:
        self.start_new(
            carry_over(previous_answers),
            previous={"answers": previous_answers, "source": source},
            intro=self.say("picker_carry_done"),
        )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        button = event.button.id
        if button == "new":
            self.start_new()
        elif button == "carry":
            self.carry_selected()
        elif button == "import":
            self.import_file(self.query_one("#import-path", Input).value)
        elif button == "quit":
            self.app.exit()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.import_file(event.value)

    def carry_selected(self) -> None:
        saved = self.query_one("#saved", OptionList)
        if saved.highlighted is None or saved.option_count == 0:
            self.message(self.say("picker_need_selection"))
            return
        ref = saved.get_option_at_index(saved.highlighted).id
        try:
            prev = self.store().open(ref, lock=False)
        except UserError as err:
            self.message(err.message)
            return
        self.start_from_previous(dict(prev.answers), {"kind": "session", "id": prev.id, "file": str(prev.path)})

    def import_file(self, raw: str) -> None:
        text = raw.strip().strip("'\"")
        if not text:
            self.message(self.say("picker_import_hint"))
            return
        path = Path(text).expanduser()
        if not path.is_file():
            self.message(self.say("picker_file_missing", path=path))
            return
        try:
            made = self.store().made_from(path, "last_year")
        except UserError:
            made = []
        if made:
            # the same file again: offer the report already made from it rather than a copy
            from gkassist.ui.dialogs import ChoiceScreen

            info = made[0]
            question = self.say("picker_already_made", file=path.name, id=info.id, updated=_time(info.updated),
                                agency=info.agency or self.say("picker_row_unnamed"), year=info.year or "？")

            def chosen(choice: str | None) -> None:
                if choice == "open":
                    self.open_ref(info.id)
                elif choice == "new":
                    self._start_from_file(path)

            self.app.push_screen(ChoiceScreen(question, [("open", self.say("picker_open_existing")),
                                                         ("new", self.say("picker_make_another")),
                                                         ("cancel", self.say("btn_no"))]), chosen)
            return
        self._start_from_file(path)

    def _start_from_file(self, path: Path) -> None:
        from gkassist.sources import read_source

        try:
            answers = dict(read_source(path).answers)
        except UserError as err:
            self.message(self.say("picker_import_unreadable", error=err.message))
            return
        except Exception as err:  # an unreadable file is the user's to know about, not a crash
            self.message(self.say("picker_import_unreadable", error=f"{type(err).__name__}: {err}"))
            return
        self.start_from_previous(answers, {"kind": "import", "file": str(path.resolve())})

