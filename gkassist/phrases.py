"""Sentences an officer may want to reword, kept in ``prompts/*.yaml`` and filled in by key.

``say("answers", "not_a_number", typed="abc")`` reads ``prompts/answers.yaml`` once and fills the
``{placeholders}`` of the sentence under ``not_a_number``. Program code names sentences only by
key, so that rewording one is a change of data; tests assert on keys and values, not on wording.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from gkassist.errors import UserError


@cache
def phrases(name: str) -> Mapping[str, Any]:
    """The sentences of ``prompts/<name>.yaml`` by key."""
    from gkassist.resources import prompts_dir, read_yaml

    raw = read_yaml(prompts_dir() / f"{name}.yaml")
    if not isinstance(raw, dict):
        raise UserError(f"prompts/{name}.yaml 的内容应是「名称: 说法」的列表，请检查这个文件。")
    return raw


def say(name: str, key: str, /, **values: Any) -> str:
    """The sentence ``key`` of ``prompts/<name>.yaml`` with its ``{placeholders}`` filled in
    (``name`` and ``key`` are positional only: a sentence may have a ``{name}`` of its own)."""
    text = phrases(name).get(key)
    if not isinstance(text, str):
        raise UserError(f"prompts/{name}.yaml 缺少「{key}」这句说法，请补上。")
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError) as err:
        raise UserError(f"prompts/{name}.yaml 的「{key}」中的花括号写法有误（{err}），请改正。") from None
