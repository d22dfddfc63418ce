"""Section 五 as items and back: splitting published text, filling slots, assembling paragraphs."""

import html
import re
from pathlib import Path

import pytest

from gkassist.wording import (
    RectificationEntry,
    assemble_section5,
    fill,
    get_bank,
    has_unfilled_slots,
    problem_title,
    self_reference,
    split_items,
    split_section5,
    unfilled_slots,
)
from gkassist.wording.items import ordinal

FIXTURES = Path(__file__).parent / "fixtures"


def _section5_of(text: str) -> str:
    start = text.index("五、存在的主要问题及改进情况") + len("五、存在的主要问题及改进情况")
    end = text.find("六、", start)
    return text[start: end if end > 0 else len(text)].strip()


# --- splitting last year's 五 ----------------------------------------------------------------------


def test_sample_report_splits_into_its_two_problems_and_two_measures():
    text = (FIXTURES / "hongjiang-kjgxj-2024.txt").read_text(encoding="utf-8")
    parts = split_section5(_section5_of(text))
    assert [problem_title(p) for p in parts.problems] == ["信息质量有待提升", "信息公开工作人员的业务水平参差不齐"]
    assert len(parts.measures) == 2
    assert parts.measures[0].startswith("强化信息审核发布流程")
    assert parts.measures[1].startswith("提升工作人员业务素养")
    # the sample puts 其他需要报告的事项 under 五 as （三）: it is neither problem nor measure
    assert "信息公开处理费" in parts.other_text
    assert not any("处理费" in m for m in parts.measures)


def test_html_report_with_a_rectification_part():
    raw = (FIXTURES / "qinglin-jtj-2023.html").read_text(encoding="utf-8")
    text = html.unescape(re.sub(r"<[^>]+>", "\n", raw))
    parts = split_section5(_section5_of(text))
    assert parts.problems == ["政策解读形式较为单一", "依申请公开答复的规范性有待提高"]
    assert parts.measures == ["2024年丰富解读形式，增加图解和视频解读", "加强答复文书审核，开展专题培训"]
    assert len(parts.rectification) == 1 and "每周巡查" in parts.rectification[0]


@pytest.mark.parametrize(
    "text",
    [
        "当前主要存在三方面问题：一是信息更新不及时；二是人员兼职；三是解读形式单一。",
        "存在的问题：\n1.信息更新不及时。\n2.人员兼职。\n3.解读形式单一。",
        "（一）信息更新不及时。（二）人员兼职。（三）解读形式单一。",
        "(1)信息更新不及时;(2)人员兼职;(3)解读形式单一.",
        "还存在一些不足：第一，信息更新不及时；第二，人员兼职；第三，解读形式单一。",
        "一是信息更新不及时，统一是下一步的重点；二是人员兼职；三是解读形式单一。",
    ],
)
def test_every_enumeration_style_splits_into_the_same_items(text):
    items = split_items(text)
    assert len(items) == 3
    assert items[0].startswith("信息更新不及时")
    assert items[1:] == ["人员兼职", "解读形式单一"]


def test_decimal_numbers_are_not_list_markers():
    assert split_items("收费26.55万元，一是收费偏高；二是公示不及时。") == ["收费偏高", "公示不及时"]


def test_prose_without_headings_is_cut_at_the_transition_sentence():
    parts = split_section5("一是信息更新不及时；二是人员兼职。下一步，我局将从以下方面改进：一是加强培训；二是及时更新。")
    assert parts.problems == ["信息更新不及时", "人员兼职"]
    assert parts.measures == ["加强培训", "及时更新"]


def test_text_without_enumeration_is_one_item():
    assert split_items("我局存在信息更新不及时等问题。") == ["我局存在信息更新不及时等问题"]
    assert split_items("") == []


def test_problem_title_is_the_first_clause():
    assert problem_title("当前，我局网站栏目更新不及时，影响公开效果。") == "当前，我局网站栏目更新不及时"
    assert problem_title("强化信息审核发布流程:积极与上级部门沟通") == "强化信息审核发布流程"
    assert len(problem_title("很" * 50)) <= 32


def test_a_rectification_title_names_every_problem_of_a_pasted_line():
    """One line of last year's 五 making two points is named whole in 「关于“…”的问题」; a clause
    that only says what the problem led to, or restates the same problem, is not added."""
    def title(problem):
        s = assemble_section5([], [], agency="某局", year=2024,
                              rectification=[RectificationEntry(problem=problem, action="加强审核", status="done")])
        return s.rectification.split("关于“")[1].split("”的问题")[0]

    assert title("信息公开内容不够全面，部分栏目更新不及时") == "信息公开内容不够全面，部分栏目更新不及时"
    assert title("栏目更新不及时，工作人员均为兼职。") == "栏目更新不及时，工作人员均为兼职"
    assert title("当前，我局网站栏目更新不及时，影响公开效果。") == "当前，我局网站栏目更新不及时"
    assert title("信息质量有待提升，难以充分满足公众对信息的需求") == "信息质量有待提升"
    assert title("信息公开内容不够全面，公开的广度和深度不够") == "信息公开内容不够全面"
    assert title("2020年，我局取得了一定成效，但仍存在一些不足，如信息更新不及时，工作人员均为兼职") == (
        "信息更新不及时，工作人员均为兼职")
    long = "信息公开内容不够全面，" + "部分栏目的更新很不及时" * 3
    assert title(long) == "信息公开内容不够全面"  # a second point that would make the title too long


def test_ordinals():
    assert [ordinal(n) for n in (1, 2, 10, 11)] == ["一是", "二是", "十是", "十一是"]


# --- slots -------------------------------------------------------------------------------------------


def test_fill_and_detect_unfilled_slots():
    text = "“{栏目名}”栏目全年仅更新{数量}条。"
    assert unfilled_slots(text) == ["栏目名", "数量"]
    half = fill(text, {"栏目名": "通知公告", "数量": "  "})
    assert half == "“通知公告”栏目全年仅更新{数量}条。"
    assert unfilled_slots(half) == ["数量"] and has_unfilled_slots(half)
    done = fill(half, {"数量": 3})
    assert done == "“通知公告”栏目全年仅更新3条。" and not has_unfilled_slots(done)
    # a slot typed with full-width braces is still a slot
    assert unfilled_slots("全年更新｛数量｝条") == ["数量"]


def test_self_reference():
    assert self_reference("怀化市洪江区科技和工业信息化局") == "我局"
    assert self_reference("某市发展和改革委员会") == "我委"
    assert self_reference("某县人民政府办公室") == "我办"
    assert self_reference("某某镇人民政府") == "我镇"
    assert self_reference("某某区人民政府") == "我区"
    assert self_reference("某某街道办事处") == "我街道"
    assert self_reference("") == "本机关"


# --- assembly ----------------------------------------------------------------------------------------


PROBLEMS = [
    "一是部分信息发布不够及时，“通知公告”栏目有5条信息在形成后超过10个工作日才公开；",
    "政务公开工作由办公室2名工作人员兼职承担，人员变动较为频繁。",
    "3. 政策解读形式较为单一，本年度发布的4篇解读均以文字为主",
]
MEASURES = [
    "制定年度培训计划，{下一年度}年组织政务公开专题培训不少于4次，实现各科室信息员全覆盖。",
    "建立“通知公告”栏目的定期更新清单，明确责任科室和更新时限，做到信息形成后5个工作日内公开。",
    "丰富政策解读形式，对重要政策采用图解、短视频等方式进行解读。",
]


def test_problems_and_measures_are_enumerated_after_their_openers():
    s = assemble_section5(PROBLEMS, MEASURES, agency="怀化市洪江区科技和工业信息化局", year=2025)
    assert s.problems.startswith("2025年，我局政府信息公开工作取得一定成效")
    assert "：一是部分信息发布不够及时" in s.problems
    assert "；二是政务公开工作由办公室2名工作人员兼职承担" in s.problems
    assert "；三是政策解读形式较为单一，本年度发布的4篇解读均以文字为主。" in s.problems
    assert s.problems.count("一是") == 1 and "3." not in s.problems
    assert s.measures.startswith("下一步，我局将从以下几个方面加以改进：一是制定年度培训计划，2026年组织")
    assert s.measures.endswith("。") and "三是丰富政策解读形式" in s.measures
    assert not s.unfilled
    assert s.answers() == {"problems": s.problems, "measures": s.measures}


def test_assembled_text_splits_back_into_the_same_items():
    s = assemble_section5(PROBLEMS, MEASURES, agency="某局", year=2025)
    parts = split_section5(s.problems + "\n" + s.measures)
    assert len(parts.problems) == 3 and len(parts.measures) == 3
    assert parts.problems[1] == "政务公开工作由办公室2名工作人员兼职承担，人员变动较为频繁"


def test_one_item_has_no_ordinal_and_items_with_sentences_end_in_full_stops():
    one = assemble_section5(["栏目更新不及时"], agency="某局", year=2025)
    assert "一是" not in one.problems and one.problems.endswith("：栏目更新不及时。")
    two = assemble_section5(["栏目更新不及时。影响公开效果", "人员兼职"], agency="某局", year=2025)
    assert "：一是栏目更新不及时。影响公开效果。二是人员兼职。" in two.problems


def test_a_single_measure_gets_the_single_item_opener_by_default():
    one = assemble_section5(["a"], ["每季度检查一次专栏"], agency="某局", year=2025)
    assert one.measures == "下一步，我局将重点做好以下工作：每季度检查一次专栏。"
    two = assemble_section5(["a"], ["每季度检查一次专栏", "开展培训2次"], agency="某局", year=2025)
    assert two.measures.startswith("下一步，我局将从以下几个方面加以改进：一是")


def test_openers_can_be_chosen_or_written():
    bank = get_bank()
    s = assemble_section5(["a"], ["b"], agency="某委员会", year=2025, problem_opener=2, measure_opener=1)
    assert s.problems.startswith(bank.phrases.problem_openers[2].replace("{自称}", "我委").replace("{报告年度}", "2025"))
    assert s.measures.startswith("针对上述问题，2026年我委将重点做好以下工作：")
    own = assemble_section5(["a"], agency="某局", problem_opener="我局存在以下问题：")
    assert own.problems == "我局存在以下问题：a。"


def test_unfilled_slots_are_reported_per_field():
    s = assemble_section5(["“{栏目名}”栏目全年仅更新{数量}条。"], ["每季度检查一次"], agency="某局", year=2025)
    assert s.unfilled == {"problems": ["栏目名", "数量"]}


def test_rectification_paragraph_from_per_problem_answers():
    entries = [
        RectificationEntry("一是信息质量有待提升，部分公开信息的准确性不足。", "严格落实三级审核制度，每季度开展自查", "done",
                           "全年自查整改信息差错12处，比上年减少5处"),
        RectificationEntry("工作人员的业务水平参差不齐", "组织专题培训2次", "ongoing", "培训覆盖信息员15人"),
        RectificationEntry("政策解读形式单一", "制作图解1篇", "not_done", reason="缺少制作图解和视频的力量"),
    ]
    s = assemble_section5([], [], entries, agency="某局", year=2025)
    r = s.rectification
    assert r.startswith("针对上年度报告中指出的问题，我局逐项明确责任和时限，整改情况如下：")
    assert "一是关于“信息质量有待提升”的问题，严格落实三级审核制度，每季度开展自查，已完成整改，全年自查整改信息差错12处，比上年减少5处。" in r
    assert "二是关于“工作人员的业务水平参差不齐”的问题，组织专题培训2次，整改工作正在持续推进，培训覆盖信息员15人。" in r
    assert "三是关于“政策解读形式单一”的问题，制作图解1篇，尚未完成整改，主要原因是缺少制作图解和视频的力量。" in r
    assert s.answers() == {"rectification": r}


def test_not_done_without_a_reason_leaves_the_reason_to_fill():
    s = assemble_section5(rectification=[RectificationEntry("解读形式单一", "制作图解1篇", "not_done")], agency="某局")
    assert s.unfilled == {"rectification": ["原因"]}


def test_no_problems_last_year_is_said_in_one_sentence():
    s = assemble_section5(rectification=[], agency="某镇人民政府")
    assert s.rectification == "我镇上年度政府信息公开工作年度报告未列出需要整改的问题。"
    assert assemble_section5().answers() == {}


def test_status_is_checked():
    with pytest.raises(ValueError):
        RectificationEntry("a", "b", "finished")


def test_user_text_is_data_not_template_code():
    s = assemble_section5(["{{ 7 * 7 }}栏目{% if true %}x{% endif %}"], agency="某局", year=2025)
    assert "{{ 7 * 7 }}" in s.problems and "49" not in s.problems and "{% if true %}" in s.problems
