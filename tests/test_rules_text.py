"""Text helpers behind the narrative rules: sentence similarity (Y3), list numbering (T8), numerals (T3)."""

from __future__ import annotations

import pytest

from gkassist import similarity
from gkassist.features import enumeration_breaks
from gkassist.phrases import say
from gkassist.text import parse_int

LAST_YEAR = "一是信息公开的及时性有待提高，部分栏目更新较慢。二是工作人员多为兼职，业务能力参差不齐。"


def test_sentences_split_on_chinese_end_punctuation_and_lines():
    assert similarity.split_sentences("甲乙丙。丁戊；己庚！\n辛壬") == ["甲乙丙。", "丁戊；", "己庚！", "辛壬"]


def test_a_sentence_copied_with_another_marker_and_number_is_still_a_copy():
    this_year = "二是信息公开的及时性有待提高，部分栏目更新较慢。2025年新增政策解读专栏3个。"
    matches = similarity.near_copies(this_year, LAST_YEAR)
    assert [m.sentence for m in matches] == ["二是信息公开的及时性有待提高，部分栏目更新较慢。"]
    assert matches[0].previous.startswith("一是") and matches[0].score == 100.0
    share, _ = similarity.copied_share(this_year, LAST_YEAR)
    assert 40 < share < 80


def test_a_copied_first_item_after_a_lead_in_is_found_and_the_lead_in_is_not():
    last_year = "2024年，我局政府信息公开工作仍存在以下不足：一是信息公开的及时性有待提高，部分栏目更新较慢。"
    this_year = "2025年，我局政府信息公开工作仍存在以下不足：一是信息公开的及时性有待提高，部分栏目更新较慢。"
    matches = similarity.near_copies(this_year, last_year)
    assert [m.sentence for m in matches] == ["一是信息公开的及时性有待提高，部分栏目更新较慢。"]


def test_new_text_is_not_a_copy():
    assert similarity.near_copies("政策解读形式单一，图解和视频偏少。", LAST_YEAR) == []
    assert similarity.copied_share("", LAST_YEAR)[0] == 0
    assert similarity.closeness(LAST_YEAR, LAST_YEAR) == 100.0


@pytest.mark.parametrize(
    "text, breaks",
    [
        ("一是甲。二是乙。三是丙。", []),
        ("二是乙。三是丙。", [("是", 0, 2)]),
        ("一是甲。三是丙。", [("是", 1, 3)]),
        ("（一）甲（二）乙（四）丁", [("（）", 2, 4)]),
        ("1. 甲\n2. 乙\n4. 丁", [("1.", 2, 4)]),
        ("共公开3.5万条。一是甲。一是乙。", []),  # a decimal is no list item; a restarted list is fine
    ],
)
def test_enumeration_breaks(text, breaks):
    assert enumeration_breaks(text) == breaks


def test_a_break_is_described_by_its_markers():
    late, skip = enumeration_breaks("二是乙。")[0], enumeration_breaks("（一）甲（二）乙（四）丁")[0]
    assert late.describe() == say("checks", "enumeration_starts_late", found="二是", first="一是")
    assert skip.describe() == say("checks", "enumeration_skips", before="（二）", found="（四）", missing="（三）")


@pytest.mark.parametrize("text, value", [("3", 3), ("３", 3), ("十二", 12), ("两", 2), ("一百零五", 105), ("三点五", None)])
def test_numbers_in_prose(text, value):
    assert parse_int(text) == value


def test_small_numerals_are_read_as_cn2an_reads_them():
    # the numerals of list markers are read without cn2an (its import would delay every batch):
    # each one must read exactly as cn2an reads it, and the table must hold all of 1 … 99
    import cn2an

    from gkassist.text import SMALL_NUMERALS, numeral

    assert set(SMALL_NUMERALS.values()) == set(range(1, 100))
    assert {text: cn2an.cn2an(text, "normal") for text in SMALL_NUMERALS} == SMALL_NUMERALS
    assert [numeral(n) for n in range(1, 100)] == [cn2an.an2cn(str(n)) for n in range(1, 100)]


def test_a_batch_check_does_not_import_cn2an_for_list_markers(tmp_path):
    # a separate process: in this one another test may have imported cn2an already
    import subprocess
    import sys

    report = tmp_path / "report.txt"
    report.write_text("五、存在的主要问题及改进情况\n一是公开不够及时。二是解读形式单一。十一是培训不足。\n", encoding="utf-8")
    code = ("import sys\nfrom gkassist.checking import check_files\ncheck_files([sys.argv[1]], workers=1)\n"
            "print('cn2an' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code, str(report)], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
