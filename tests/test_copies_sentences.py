"""C1's sentences (gkassist.review.copies.sentences_of and the helpers it uses) give what the plain
definitions give: the faster ways of cutting, normalising and masking must not change a hash."""

from __future__ import annotations

import random
import re

from gkassist.review.copies import _hash, _masker, copy_rules, sentences_of
from gkassist.similarity import normalise_nfkc, split_sentences
from gkassist.text import SENTENCE_END, nfkc, strip_marker

# the definitions as they were first written (a look-behind split, two substitutions, re.sub)
_PLAIN_SPLIT = re.compile(f"(?<=[{SENTENCE_END}：:])|\n+")
_PLAIN_NOISE = re.compile(r"[\s\W_]+")
_PLAIN_DIGITS = re.compile(r"\d+")


def _plain_split(text: str) -> list[str]:
    return [s.strip() for s in _PLAIN_SPLIT.split(text) if s and s.strip()]


def _plain_normalise(sentence: str) -> str:
    return _PLAIN_NOISE.sub("", _PLAIN_DIGITS.sub("#", strip_marker(sentence.strip())))


# characters that make the cases: the place words and their first characters, clause and sentence
# marks, digits of several scripts, white space, list markers, 「_」 and 「#」
_ALPHABET = [*"自治区州县特别行政省市盟旗镇乡街道村社一二三是第本人民政府〇a1２٣ ，。！？!?；;：:\n\t、（）()_#.",
             "自治区", "特别行政区", "街道", "社区", "2023年", "一是", "（一）"]


def _texts(n: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(_ALPHABET) for _ in range(rnd.randint(0, 40))) for _ in range(n)]


def test_sentences_are_cut_and_normalised_as_the_plain_definitions_do():
    for text in _texts(20_000, 1):
        assert split_sentences(text) == _plain_split(text), text
        assert normalise_nfkc(text) == _plain_normalise(text), text


def test_normalising_keeps_what_the_plain_definition_keeps_for_every_character():
    for code in range(0, 0x110000, 7):
        c = chr(code)
        assert normalise_nfkc(f"甲{c}乙") == _plain_normalise(f"甲{c}乙"), hex(code)


def test_the_chinese_characters_tried_first_are_all_kept_as_the_plain_definition_keeps_them():
    # normalise_nfkc takes a run of U+4E00–U+9FFF before the letter test: each must be a letter
    for code in range(0x4E00, 0xA000):
        assert _plain_normalise(chr(code)) == chr(code), hex(code)
    # and a run of them next to other letters, digits and marks keeps what the plain definition keeps
    rnd = random.Random(4)
    pieces = ["一", "鿿", "䷿", "ꀀ", "é", "Ω", "a", "_", "1", "٣", "〇", "，", " ", "中文", "丅丆"]
    for _ in range(5000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12)))
        assert normalise_nfkc(text) == _plain_normalise(text), text


def test_the_place_mask_masks_what_re_sub_masks():
    place = copy_rules().place
    fast = _masker(place)
    assert fast is not None and getattr(fast, "func", None) is None  # the shape was recognised
    assert fast("本区政府和洪江区人民政府在新疆维吾尔自治区，香港特别行政区") == "〇政府〇人民政府在新疆〇，〇"
    for text in _texts(20_000, 2):
        assert fast(text) == place.sub("〇", text), text


def test_a_mask_of_another_shape_is_plain_re_sub():
    other = re.compile(r"[甲乙]+(?:县|市)?")
    assert _masker(other)("甲乙县丙甲") == other.sub("〇", "甲乙县丙甲") == "〇丙〇"


def test_clauses_too_short_are_left_out_and_long_ones_hashed():
    text = "本机关认真贯彻落实政府信息公开条例要求，进一步加强组织领导和制度建设，及时回应。"
    [(sentence, form, _, clauses)] = sentences_of({"overview.intro": text}, None)
    assert sentence == text
    assert form == "本机关认真贯彻落实政府信息公开条例要求进一步加强组织领导和制度建设及时回应"
    assert len(clauses) == 2  # 「及时回应」 is too short


def _plain_sentences(answers: dict, agency: str | None) -> list:
    """sentences_of as first written: each sentence masked with re.sub, each clause cut from the
    masked sentence and normalised on its own (NFKC of the piece)."""
    rules = copy_rules()
    out = []
    for fid in rules.fields():
        text = answers.get(fid)
        if not isinstance(text, str):
            continue
        for sentence in _plain_split(text):
            hidden = sentence.replace(agency, "〇") if agency else sentence
            hidden = rules.place.sub("〇", rules.year.sub("〇", hidden))
            form = _plain_normalise(nfkc(hidden))
            if len(form) < rules.min_chars or any(s in form for s in rules.stock):
                continue
            parts = re.split(r"[，,；;：:、]", hidden)
            clauses = [] if len(parts) == 1 else [
                c for c in (_plain_normalise(nfkc(p)) for p in parts) if len(c) >= rules.min_clause_chars and c != form]
            out.append((sentence, form, _hash(form), [_hash(c) for c in clauses]))
    return out


# longer pieces, so that sentences and clauses reach the lengths compared, and characters NFKC
# makes clause marks of (「﹐」「︰」「🄁」)
_LONG = [*_ALPHABET, "政务公开工作", "信息公开申请", "主动公开政府信息", "﹐", "︰", "🄁", "﹔", "本机关"]


def test_sentences_and_clauses_are_what_the_plain_definition_gives():
    rnd = random.Random(3)
    fields = copy_rules().fields()
    for _ in range(3000):
        answers = {fid: "".join(rnd.choice(_LONG) for _ in range(rnd.randint(0, 60))) for fid in fields[:3]}
        agency = rnd.choice([None, "", "本机关", "人民政府"])
        assert sentences_of(answers, agency) == _plain_sentences(answers, agency), (answers, agency)
