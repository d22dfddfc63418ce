"""Every rule code of the catalogue: a case that triggers it (with the numbers its message names)
and a case that does not. Reports are the sample fixture and variants of it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gkassist.engine import check
from gkassist.findings import Finding


def only(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


def test_the_sample_gives_no_number_error(sample_answers):
    findings = check(sample_answers())
    assert [f for f in findings if f.code.startswith("N")] == []
    assert not [f for f in findings if f.severity == "error"]


def test_a_consistent_report_with_numbers_checks_clean_on_the_tables(consistent_answers):
    findings = check(consistent_answers())
    assert [f.code for f in findings if f.code[0] in "NY"] == []


# --- N: numbers ----------------------------------------------------------------------------------


def test_n1_a_negative_count_is_an_error_naming_what_was_written(one_finding, sample_answers):
    f = one_finding(check({**sample_answers(), "requests.new.legal": -1}), "N1")
    assert f.severity == "error"
    assert f.fields == ("requests.new.legal",)
    assert "「-1」" in f.message and f.numbers["raw"] == "-1"


def test_n1_a_fraction_in_a_count_and_five_decimals_of_money_are_errors(sample_answers):
    findings = check({**sample_answers(), "requests.new.legal": "1.5", "active.fees": Decimal("1.00001")})
    n1 = {f.fields[0]: f for f in only(findings, "N1")}
    assert set(n1) == {"requests.new.legal", "active.fees"}
    assert n1["active.fees"].numbers["raw"] == "1.00001"


def test_n1_a_blank_read_as_zero_is_shown_as_a_hint_with_its_note(one_finding, sample_answers):
    note = "原表此格为「/」，按0计"
    findings = check(sample_answers(), notes={"active.rules.in_force": note})
    f = one_finding(findings, "N1")
    assert f.severity == "hint" and note in f.message and f.fields == ("active.rules.in_force",)


def test_n1_a_note_on_a_number_other_than_zero_is_not_asked_about_zero(one_finding, sample_answers):
    # issue 13 item 8: after 「2655元」 (read as 0.2655 万元, with a note) the hint asked whether the item
    # was “不适用” rather than “没有” and to confirm 0, though the value is not 0. The note on a 0
    # and the note on another number are two cases of N1: their messages differ beyond the note.
    zero_note, money_note = "「无」按0计", "按2655元＝0.2655万元计（本栏单位为万元）"
    zero = one_finding(check(sample_answers(), notes={"active.fees": zero_note}), "N1")
    money = one_finding(check({**sample_answers(), "active.fees": Decimal("0.2655")}, notes={"active.fees": money_note}), "N1")
    assert zero.severity == money.severity == "hint" and zero.fields == money.fields == ("active.fees",)
    assert money_note in money.message
    assert zero.message.replace(zero_note, "") != money.message.replace(money_note, "")


def test_n1_silent_for_plain_numbers(consistent_answers):
    assert only(check(consistent_answers()), "N1") == []


def test_n2_row_total_differs_from_the_applicants(consistent_answers, one_finding):
    f = one_finding(check({**consistent_answers(), "requests.new.total": 5}), "N2")
    assert f.numbers["row"] == "一、本年新收政府信息公开申请数量"
    assert (f.numbers["total"], f.numbers["right"], f.numbers["diff"]) == (5, 4, 1)
    assert "自然人 3 + 商业企业 1 + 科研机构 0" in f.message
    assert "requests.new.total" in f.fields and "requests.new.natural" in f.fields


def test_n2_silent_when_the_printed_total_is_right(consistent_answers):
    assert only(check({**consistent_answers(), "requests.new.total": 4}), "N2") == []


def test_n3_column_total_differs_from_the_results(consistent_answers, one_finding):
    f = one_finding(check({**consistent_answers(), "requests.total.natural": 4}), "N3")
    assert f.numbers["column"] == "自然人"
    assert (f.numbers["total"], f.numbers["right"], f.numbers["diff"]) == (4, 3, 1)
    assert "requests.granted.natural" in f.fields


def test_n3_silent_when_printed_totals_are_right(consistent_answers):
    assert only(check({**consistent_answers(), "requests.total.natural": 3}), "N3") == []


def test_n4_the_message_of_the_brief(one_finding, sample_answers):
    answers = {**sample_answers(), "requests.new.natural": 3, "requests.carried.natural": 1,
               "requests.granted.natural": 2, "requests.carry_over.natural": 1}
    f = one_finding(check(answers), "N4")
    assert f.severity == "error" and f.section == "requests"
    assert f.message == (
        "表三「自然人」列：第一项 3 + 第二项 1 = 4，但第三项（七）总计 2 + 第四项 1 = 3，两边相差 1。"
        "请核对办理结果和结转下年度的件数。"
    )
    assert f.fields == ("requests.new.natural", "requests.carried.natural", "requests.total.natural",
                        "requests.carry_over.natural")


def test_n4_a_printed_total_column_is_checked_too(consistent_answers, one_finding):
    # an imported report prints the 总计 column; a wrong one is its own finding
    answers = {**consistent_answers(), "requests.new.total": 4, "requests.carried.total": 1,
               "requests.total.total": 4, "requests.carry_over.total": 2}
    f = one_finding(check(answers), "N4")
    assert f.numbers["column"] == "总计" and (f.numbers["left"], f.numbers["right"]) == (5, 6)


def test_n4_silent_while_the_column_is_incomplete(consistent_answers):
    answers = consistent_answers()
    del answers["requests.carry_over.natural"]
    answers["requests.new.natural"] = 9
    assert only(check(answers), "N4") == []


def test_n5_review_total_differs_from_its_parts(consistent_answers, one_finding):
    f = one_finding(check({**consistent_answers(), "review.total": 3}), "N5")
    assert f.numbers["group"] == "行政复议"
    assert (f.numbers["total"], f.numbers["right"], f.numbers["diff"]) == (3, 1, 2)


def test_n5_names_the_litigation_groups_with_their_parent(consistent_answers, one_finding):
    f = one_finding(check({**consistent_answers(), "litigation_after_review.total": 1}), "N5")
    assert f.numbers["group"] == "行政诉讼·复议后起诉"


def test_n5_silent_when_right(consistent_answers):
    assert only(check({**consistent_answers(), "review.total": 1}), "N5") == []


def test_n6_more_issued_than_in_force(consistent_answers, one_finding):
    f = one_finding(check({**consistent_answers(), "active.normative.issued": 6}), "N6")
    assert f.severity == "warning" and f.numbers["row"] == "行政规范性文件"
    assert (f.numbers["issued"], f.numbers["in_force"]) == (6, 5)


def test_n6_silent_otherwise(consistent_answers):
    assert only(check(consistent_answers()), "N6") == []


def test_n7_rules_row_of_a_county_body_is_an_error(consistent_answers, one_finding):
    f = one_finding(check({**consistent_answers(), "active.rules.in_force": 2}), "N7")
    assert f.severity == "error" and f.section == "active"
    assert f.numbers["active.rules.in_force"] == 2
    assert "active.rules.in_force" in f.fields


def test_n7_a_city_department_gets_a_warning_and_a_city_government_nothing(consistent_answers, one_finding):
    answers = {**consistent_answers(), "active.rules.issued": 1, "active.rules.in_force": 1, "meta.level": "city"}
    assert one_finding(check(answers), "N7").severity == "warning"
    assert only(check({**answers, "meta.agency_kind": "government"}), "N7") == []


def test_n8_fee_entered_in_yuan(consistent_answers, one_finding):
    f = one_finding(check({**consistent_answers(), "active.fees": Decimal("265500")}), "N8")
    assert f.numbers["active.fees"] == Decimal("265500") and f.numbers["right"] == Decimal("10000")
    assert "265500万元" in f.message and "10000" in f.message


def test_n8_silent_for_a_plausible_fee_and_for_a_province(consistent_answers):
    assert only(check(consistent_answers()), "N8") == []
    assert only(check({**consistent_answers(), "active.fees": Decimal("265500"), "meta.level": "province"}), "N8") == []


# --- Y: last year --------------------------------------------------------------------------------


def test_y1_carried_differs_from_last_years_carry_over(consistent_answers, one_finding):
    previous = {**consistent_answers(), "requests.carry_over.natural": 2}
    f = one_finding(check(consistent_answers(), previous=previous), "Y1")
    assert f.numbers["column"] == "自然人"
    assert (f.numbers["carried"], f.numbers["previous.carry_over"], f.numbers["diff"]) == (1, 2, 1)
    assert f.fields == ("requests.carried.natural",)


def test_y1_silent_without_last_year_and_when_equal(consistent_answers):
    assert only(check(consistent_answers()), "Y1") == []
    assert only(check(consistent_answers(), previous=consistent_answers()), "Y1") == []


def test_y2_in_force_does_not_follow_from_last_year(consistent_answers, one_finding):
    previous = {**consistent_answers(), "active.normative.in_force": 3}
    f = one_finding(check(consistent_answers(), previous=previous), "Y2")
    assert (f.numbers["in_force"], f.numbers["right"], f.numbers["diff"]) == (5, 4, 1)
    assert "上年现行有效 3 件 + 本年制发 2 件 − 本年废止 1 件" in f.message


def test_y2_silent_without_last_year_and_when_it_follows(consistent_answers):
    assert only(check(consistent_answers()), "Y2") == []
    assert only(check(consistent_answers(), previous={**consistent_answers(), "active.normative.in_force": 4}), "Y2") == []


def test_y3_problems_copied_from_last_year_name_the_sentences(one_finding, sample_answers):
    answers = sample_answers()
    previous = {**sample_answers(), "problems": answers["problems"].replace("2024", "2023"), "measures": "下一步将加强培训。"}
    f = one_finding(check(answers, previous=previous), "Y3")
    assert f.fields == ("problems",)
    assert "100%：「当前" in f.message
    assert f.numbers["copied_share"] == 100 and f.numbers["copied_share_count"] >= 2
    assert "一是信息质量有待提升" in f.message


def test_y3_silent_without_last_year_or_for_new_text(sample_answers):
    answers = sample_answers()
    assert only(check(answers), "Y3") == []
    previous = {**answers, "problems": "政策解读形式单一，图解和视频解读偏少。公开专栏栏目设置不够规范，部分栏目长期未更新。",
                "measures": "下一步将丰富解读形式，每季度至少制作一期图解。"}
    assert only(check(answers, previous=previous), "Y3") == []


# --- T: narrative ---------------------------------------------------------------------------------


def test_t1_names_the_missing_topic(one_finding, sample_answers):
    f = one_finding(check(sample_answers()), "T1")
    assert f.severity == "hint" and f.section == "overview"
    assert "「政府信息公开平台建设」" in f.message and "overview.platform" in f.fields


def test_t1_names_each_missing_topic_by_its_label(sample_answers):
    from gkassist.form import FORM

    topics = [f for f in FORM.section_fields("overview") if f.topic]
    answers = {k: v for k, v in sample_answers().items() if not k.startswith("overview.")}
    messages = [f.message for f in check(answers) if f.code == "T1"]
    assert len(messages) == len(topics)
    for topic, message in zip(topics, messages, strict=True):
        assert f"「{topic.label}」" in message, message


def test_t1_silent_when_every_topic_is_there(sample_answers):
    answers = {**sample_answers(), "overview.platform": "依托区政府门户网站信息公开专栏发布信息，全年巡查栏目12次。"}
    assert only(check(answers), "T1") == []


def test_t2_a_peoples_government_without_assessment_results(one_finding, sample_answers):
    answers = {**sample_answers(), "meta.agency_kind": "government"}
    f = one_finding(check(answers), "T2")
    assert (f.numbers["assessment"], f.numbers["public_review"], f.numbers["accountability"]) == (0, 0, 0)


def test_t2_silent_when_stated_or_for_a_department(sample_answers):
    assert only(check(sample_answers()), "T2") == []
    answers = {**sample_answers(), "meta.agency_kind": "government",
               "overview.oversight": "将政务公开纳入年度工作考核；开展社会评议1次；本年度未发生责任追究情况。"}
    assert only(check(answers), "T2") == []


def test_t3_prose_number_differs_from_table_three(consistent_answers, one_finding):
    answers = {**consistent_answers(), "overview.on_request": "2024年共收到政府信息公开申请2件，均已按时答复。"}
    f = one_finding(check(answers), "T3")
    assert (f.numbers["said"], f.numbers["table"]) == (2, 4)
    assert f.numbers["text"] == "收到政府信息公开申请2件"
    assert f.fields == ("overview.on_request", "requests.new.total")


def test_t3_chinese_numerals_and_review_cases(consistent_answers, one_finding):
    answers = {**consistent_answers(), "overview.on_request": "全年共受理依申请公开四件，发生行政复议1起。"}
    assert only(check(answers), "T3") == []
    answers["overview.on_request"] = "全年共受理依申请公开三件，发生行政复议1起。"
    f = one_finding(check(answers), "T3")
    assert (f.numbers["said"], f.numbers["table"]) == (3, 4)
    answers["overview.on_request"] = "全年共受理依申请公开四件，发生行政复议2起。"
    assert one_finding(check(answers), "T3").numbers["claim"] == "行政复议案件"


def test_t3_saying_none_were_received_when_the_table_has_some(consistent_answers, one_finding):
    answers = {**consistent_answers(), "overview.on_request": "本年度未收到政府信息公开申请。"}
    f = one_finding(check(answers), "T3")
    assert (f.numbers["said"], f.numbers["table"]) == (0, 4)


def test_t4_missing_measures_and_missing_problems(one_finding, sample_answers):
    answers = {**sample_answers(), "measures": ""}
    f = one_finding(check(answers), "T4")
    assert f.fields[0] == "measures" and "改进措施" in f.message
    answers = {**sample_answers(), "problems": "我局政府信息公开工作开展顺利。"}
    f = one_finding(check(answers), "T4")
    assert f.fields == ("problems",) and f.numbers["problems.chars"] == 15


def test_t4_silent_for_the_sample(sample_answers):
    assert [f for f in only(check(sample_answers()), "T4") if f.fields in (("problems",), ("measures",))] == []


def test_t5_no_word_on_last_years_problems(one_finding, sample_answers):
    f = one_finding(check(sample_answers()), "T5")
    assert f.severity == "warning" and f.section == "problems"


def test_t5_silent_with_a_rectification_paragraph(sample_answers):
    answers = {**sample_answers(), "rectification": "针对上年度报告指出的信息更新不及时问题，已建立每周更新机制，整改完成。"}
    assert only(check(answers), "T5") == []


def test_t6_section_six_silent_on_fees(one_finding, sample_answers):
    f = one_finding(check({**sample_answers(), "other_matters": "无。"}), "T6")
    assert f.section == "other" and f.fields == ("other_matters",)


def test_t6_silent_for_the_sample(sample_answers):
    assert only(check(sample_answers()), "T6") == []


def _overdue_fee(a: dict) -> dict:
    """``a`` (consistent answers) with one 自然人 application closed for an unpaid fee notice."""
    a["requests.granted.natural"] = 1
    a["requests.other.overdue_fee.natural"] = 1
    return a


def test_t6b_unpaid_fee_notice_but_no_fee_said(one_finding, consistent_answers):
    f = one_finding(check(_overdue_fee(consistent_answers())), "T6b")  # the sample's 六 says no fee arose
    assert f.numbers["requests.other.overdue_fee.total"] == 1
    assert [x for x in check(_overdue_fee(consistent_answers())) if x.code == "N4"] == []


def test_t6b_silent_when_the_fee_notice_is_explained(consistent_answers):
    answers = {**_overdue_fee(consistent_answers()), "other_matters": "本年度发出信息处理费收费通知1件，申请人逾期未缴纳，已终止处理。"}
    assert only(check(answers), "T6b") == []


def test_t7_measures_that_report_this_year(one_finding, sample_answers):
    answers = {**sample_answers(), "measures": "2024年我局开展了3次业务培训，完善了信息审核制度。"}
    f = one_finding(check(answers), "T7")
    assert f.severity == "hint" and f.numbers["past_work_text"] == "2024年我局"


def test_t7_silent_for_plans(sample_answers):
    assert only(check(sample_answers()), "T7") == []
    answers = {**sample_answers(), "measures": "2025年，我局将每季度开展一次业务培训。"}
    assert only(check(answers), "T7") == []


def test_t8_broken_enumeration(one_finding, sample_answers):
    f = one_finding(check({**sample_answers(), "problems": "二是信息更新不及时，部分栏目长期未更新。三是人员不足，兼职较多。"}), "T8")
    assert f.numbers["broken_enumeration_text"] == "「二是」之前没有「一是」"
    f = one_finding(check({**sample_answers(), "problems": "一是信息更新不及时，部分栏目未更新。三是人员不足，兼职较多。"}), "T8")
    assert "缺少「二是」" in f.message


def test_t8_silent_for_the_sample(sample_answers):
    assert only(check(sample_answers()), "T8") == []


def test_t9_number_missing_in_prose(one_finding, sample_answers):
    f = one_finding(check({**sample_answers(), "overview.proactive": "2024年共主动公开条，其中政策文件5件。"}), "T9")
    assert f.numbers["number_missing_text"] == "共主动公开条"
    assert f.fields == ("overview.proactive",)


def test_t9_silent_for_the_sample(sample_answers):
    assert only(check(sample_answers()), "T9") == []


def test_t10_applications_counted_in_tiao(consistent_answers, one_finding):
    f = one_finding(check({**consistent_answers(), "overview.on_request": "全年共收到政府信息公开申请4条。"}), "T10")
    assert "申请4条" in f.message


def test_t10_silent_in_jian(consistent_answers):
    assert only(check({**consistent_answers(), "overview.on_request": "全年共收到政府信息公开申请4件。"}), "T10") == []


# --- D: dates -------------------------------------------------------------------------------------


def test_d1_published_after_the_departments_deadline(one_finding, sample_answers):
    f = one_finding(check({**sample_answers(), "meta.published": "2025-02-15"}), "D1")
    assert f.numbers["meta.published"] == "2025-02-15" and f.numbers["right"] == "2025-01-31"
    assert "2025年2月15日" in f.message and "2025年1月31日" in f.message


@pytest.mark.parametrize(
    "kind, published",
    [("department", "2025-01-20"), ("government", "2025-03-15"), ("department", None)],
)
def test_d1_silent_in_time_or_without_a_date(sample_answers, kind, published):
    answers = {**sample_answers(), "meta.agency_kind": kind}
    if published:
        answers["meta.published"] = published
    assert only(check(answers), "D1") == []


def test_every_catalogue_code_has_a_rule():
    from gkassist.rulebook import default_rulebook

    codes = {r.code for r in default_rulebook().rules}
    expected = {f"N{i}" for i in range(1, 9)} | {"Y1", "Y2", "Y3", "D1", "T6b"} | {f"T{i}" for i in range(1, 11)}
    assert expected <= codes


def test_findings_come_in_report_order_most_severe_first(consistent_answers):
    answers = {**consistent_answers(), "requests.new.natural": 9, "measures": "", "meta.published": "2025-03-01"}
    findings = check(answers)
    ranks = [s for s in ("meta", "overview", "active", "requests", "review", "problems", "other")]
    keys = [(ranks.index(f.section), ("error", "warning", "hint").index(f.severity)) for f in findings]
    assert keys == sorted(keys)
    assert findings[0].code == "D1"
