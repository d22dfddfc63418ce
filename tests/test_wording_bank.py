"""The wording bank in prompts/wording/: its size and shape, and a loader that refuses faulty files."""

import re
import shutil

import pytest

from gkassist.resources import prompts_dir
from gkassist.wording import BankError, get_bank, load_bank, unfilled_slots

BANK = get_bank()


def test_bank_has_at_least_150_phrasings_each_with_a_slot_the_user_fills():
    phrasings = list(BANK.phrasings())
    assert len(phrasings) >= 150
    for p in phrasings:
        assert p.slots, p.key
        assert set(p.hints) == set(p.slots), p.key
        assert all(BANK.hint(s) or p.hints[s] for s in p.slots)
        assert p.text.endswith("。"), p.key


def test_every_category_has_several_phrasings_and_keywords():
    for c in BANK.categories.values():
        assert len(c.phrasings) >= 3, c.id
        assert len(c.keywords) >= 4, c.id


def test_the_categories_the_issue_names_are_there():
    problems = {c.label for c in BANK.of_kind("problem")}
    measures = {c.label for c in BANK.of_kind("measure")}
    for word in ["公开内容不够全面", "思想认识", "队伍与专业能力", "时效性", "政策解读", "公开形式与平台", "学习培训",
                 "互动回应", "平台与专栏规范化", "依申请公开办理质量", "决策公开与公众参与"]:
        assert any(word in label for label in problems), word
    for word in ["培训", "及时更新、扩大公开", "提高思想认识", "完善制度与审核", "丰富解读", "拓展平台与新媒体",
                 "考核督导", "组织领导", "回应关切", "标准化规范化"]:
        assert any(word in label for label in measures), word


def test_each_problem_category_has_a_paired_measure_category():
    for c in BANK.of_kind("problem"):
        measures = BANK.measures_for(c.id)
        assert measures, c.id
        assert all(m.kind == "measure" for m in measures)
    # and every measure answers at least one problem (no measure the assistant could never propose)
    for m in BANK.of_kind("measure"):
        assert BANK.problems_answered_by(m.id), m.id


def test_research_pairings_hold():
    # wording-research.md §6: P1→M2/M6, P3→M1/M8, P4→M2/M4, P5→M5, P7→M1, P9→M9
    pairs = {"content_coverage": {"update_expand", "channels"}, "staffing": {"training", "leadership"},
             "timeliness": {"update_expand", "procedures"}, "interpretation_gap": {"interpretation"},
             "training_gap": {"training"}, "interaction_gap": {"response"}}
    for problem, wanted in pairs.items():
        assert wanted <= {m.id for m in BANK.measures_for(problem)}, problem


def test_measures_read_as_plans_and_problems_as_the_report_year():
    for p in BANK.phrasings("measure"):
        assert not re.search(r"已|了|本年度|今年", p.text), p.key
    for p in BANK.phrasings("problem"):
        assert not re.search(r"下一步|将(?!其)|计划", p.text), p.key
    for opener in BANK.phrases.measure_openers:
        assert "将" in opener


def test_openers_use_only_automatic_slots_and_end_with_a_colon():
    auto = {n for n, s in BANK.slots.items() if s.auto}
    for opener in (*BANK.phrases.problem_openers, *BANK.phrases.measure_openers, *BANK.phrases.rectification_openers):
        assert set(unfilled_slots(opener)) <= auto
        assert opener.endswith("：")


def test_phrasing_keys_round_trip():
    for p in BANK.phrasings():
        assert BANK.phrasing(p.key) is p


def test_data_slots_name_table_fields():
    with_data = [p for p in BANK.phrasings() if p.data]
    assert with_data
    for p in with_data:
        assert set(p.data) <= set(p.slots)


# --- a faulty bank is refused, naming file, entry and fault ----------------------------------------


@pytest.fixture
def bank_copy(tmp_path):
    folder = tmp_path / "wording"
    shutil.copytree(prompts_dir() / "wording", folder)
    return folder


def _edit(folder, name, old, new):
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_copy_loads(bank_copy):
    assert len(list(load_bank(bank_copy).phrasings())) == len(list(BANK.phrasings()))


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        # a slot without a hint
        ("problems.yaml", "全年仅发布相关信息{数量}条", "全年仅发布相关信息{条目数}条",
         ["problems.yaml", "类别 content_coverage 第 1 条措辞", "{条目数}", "slots.yaml"]),
        # a phrasing without any slot
        ("measures.yaml", "{下一年度}年组织政务公开专题培训不少于{次数}次", "明年组织政务公开专题培训不少于四次",
         ["measures.yaml", "类别 training 第 1 条措辞", "至少要有一个填空"]),
        # a measure that does not exist
        ("problems.yaml", "measures: [interpretation]", "measures: [interpretations]",
         ["problems.yaml", "类别 interpretation_gap", "interpretations", "不存在"]),
        # a problem with no measure
        ("problems.yaml", "measures: [cleanup]", "measures: []",
         ["problems.yaml", "类别 document_cleanup", "至少要有一类"]),
        # an unquoted phrasing that starts with a slot: YAML reads a mapping
        ("measures.yaml", "      - 探索{创新举措}等公开新方式", "      - {创新举措}等公开新方式",
         ["measures.yaml", "YAML", "引号"]),
        # the same id twice
        ("measures.yaml", "  - id: reporting\n", "  - id: innovation\n",
         ["measures.yaml", "类别 innovation", "重复"]),
        # an opener with a slot the user would have to fill
        ("phrases.yaml", "下一步，{自称}将从以下几个方面加以改进：", "下一步，{科室}将从以下几个方面加以改进：",
         ["phrases.yaml", "measure_openers 第 1 条", "自动填空"]),
        # the same slot twice in one phrasing
        ("problems.yaml", "仅做到{周期}更新一次", "仅做到{周期}更新一次，{周期}检查一次",
         ["problems.yaml", "类别 timeliness", "同一填空出现了两次"]),
        # data that is not a table number
        ("problems.yaml", "data: {文件件数: active.normative.in_force}", "data: {文件件数: active.normative.count}",
         ["problems.yaml", "类别 document_cleanup", "active.normative.count"]),
        # a condition on a field that is no table number
        ("problems.yaml", "only_when: {requests.new.total: 0}\n      - 依申请", "only_when: {requests.new.count: 0}\n      - 依申请",
         ["problems.yaml", "类别 request_awareness", "requests.new.count"]),
        # a conditional link misspelt
        ("problems.yaml", "      - {id: update_expand, measure_says: [主动公开, 尽公开, 主动], problem_says: [主动, 公开意识, 公开的意识]}",
         "      - {id: update_expand, measure_say: [主动公开]}", ["problems.yaml", "类别 awareness_gap", "measures 第 4 项"]),
        # a conditional link to a measure that does not exist
        ("problems.yaml", "      - {id: update_expand, measure_says: [主动公开, 尽公开, 主动], problem_says: [主动, 公开意识, 公开的意识]}",
         "      - {id: update_expands, measure_says: [主动公开]}", ["problems.yaml", "类别 awareness_gap", "update_expands", "不存在"]),
        # matching.yaml without its list of stock words
        ("matching.yaml", "generic:", "generics:", ["matching.yaml", "generic"]),
        # an entry matching.yaml does not know
        ("matching.yaml", "\nsame:", "\nsames:", ["matching.yaml", "不认识的项 sames"]),
        # a common category that does not exist, or is of the other kind
        ("matching.yaml", "  problem: [content_coverage,", "  problem: [content_coverages,",
         ["matching.yaml", "common.problem", "content_coverages"]),
        ("matching.yaml", "  problem: [content_coverage,", "  problem: [training,", ["matching.yaml", "common.problem", "training"]),
        # concessive words that are not a list
        ("matching.yaml", "concessive: [虽然, 虽说, 尽管, 虽]", "concessive: 虽然", ["matching.yaml", "concessive"]),
        # broad that is not true or false
        ("problems.yaml", "    broad: true", "    broad: 是", ["problems.yaml", "类别 general_gap", "broad"]),
    ],
)
def test_a_faulty_bank_is_refused_with_file_entry_and_fault(bank_copy, file, old, new, expected):
    _edit(bank_copy, file, old, new)
    with pytest.raises(BankError) as err:
        load_bank(bank_copy)
    message = str(err.value)
    assert message.startswith("措辞库有误")
    for part in expected:
        assert part in message, (part, message)


def test_all_faults_are_reported_at_once(bank_copy):
    _edit(bank_copy, "problems.yaml", "全年仅发布相关信息{数量}条", "全年仅发布相关信息{条目数}条")
    _edit(bank_copy, "measures.yaml", "{下一年度}年组织政务公开专题培训不少于{次数}次", "明年组织培训四次")
    with pytest.raises(BankError) as err:
        load_bank(bank_copy)
    assert len(err.value.problems) == 2


def test_a_missing_file_is_named(bank_copy):
    (bank_copy / "slots.yaml").unlink()
    with pytest.raises(BankError, match="slots.yaml：找不到文件"):
        load_bank(bank_copy)


def test_matching_settings_are_read():
    assert BANK.category("general_gap").broad and not BANK.category("timeliness").broad
    assert "虽然" in BANK.concessive
    for kind in ("problem", "measure"):
        assert BANK.common[kind] and all(BANK.category(c).kind == kind for c in BANK.common[kind])


def test_links_keep_their_conditions():
    timeliness = {link.id: link for link in BANK.category("timeliness").links}
    assert "及时" in timeliness["update_expand"].measure_says
    assert timeliness["update_expand"].fits_measure("建立栏目定期更新清单") and not timeliness["update_expand"].fits_measure("扩大公开范围")
    staffing = {link.id: link for link in BANK.category("staffing").links}
    assert staffing["training"].fits_problem("工作人员业务能力不足") and not staffing["training"].fits_problem("缺少专业技术人员")
    assert [c.id for c in BANK.measures_for("timeliness")] == [link.id for link in BANK.category("timeliness").links]


def test_the_new_categories_of_the_corpus_are_in_the_bank():
    import yaml

    from gkassist.resources import prompts_dir

    new = yaml.safe_load((prompts_dir().parent / "tests" / "corpus" / "section5" / "new_categories.yaml").read_text(encoding="utf-8"))
    for c in new["categories"]:
        assert BANK.category(c["id"]).kind == c["kind"], c["id"]
