"""Slots in a phrasing: ``{栏目名}`` placeholders the user replaces with the agency's specifics.

A phrasing from the bank is inserted into the user's text with its slots still in braces; the
interview highlights them until they are filled. ``unfilled_slots`` is how everyone (interview,
assembler, the wording rules) tells whether a text still carries one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from gkassist.text import SLOT_RE  # what a slot looks like (also the interview's editor and rule W7)


def slot_names(text: str) -> list[str]:
    """Slot names in ``text`` in order of appearance (repeats kept)."""
    return [m.group(1) for m in SLOT_RE.finditer(text)]


def unfilled_slots(text: str) -> list[str]:
    """Slots still left in ``text`` (each name once, in order of first appearance)."""
    seen: list[str] = []
    for name in slot_names(text):
        if name not in seen:
            seen.append(name)
    return seen


def has_unfilled_slots(text: str) -> bool:
    return SLOT_RE.search(text) is not None


def fill(phrasing: str, slot_values: Mapping[str, object]) -> str:
    """Replace the slots named in ``slot_values``; other slots stay as they are.

    Values are stripped; an empty value leaves its slot unfilled, so that a half-filled phrasing
    keeps saying what is still missing instead of silently losing a word.
    """

    def replace(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in slot_values:
            return m.group(0)
        value = str(slot_values[name]).strip()
        return value if value else m.group(0)

    return SLOT_RE.sub(replace, phrasing)


def strip_slots(text: str) -> str:
    """``text`` without its slots: what is left to compare with what a user typed."""
    return SLOT_RE.sub("", text)
