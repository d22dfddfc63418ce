"""The form model holds every field of the national format, with the ids of DESIGN.md."""

from gkassist.form import FORM


def test_field_counts_match_the_national_format():
    by_table = {}
    for f in FORM.fields.values():
        by_table[f.table] = by_table.get(f.table, 0) + 1
    assert by_table["active"] == 10
    assert by_table["requests"] == 175
    assert by_table["review"] == 15


def test_design_field_ids_exist():
    for fid in [
        "active.rules.issued", "active.normative.in_force", "active.licensing", "active.penalty",
        "active.coercion", "active.fees", "requests.new.natural", "requests.carried.legal",
        "requests.denied.state_secret.research", "requests.unable.not_held.total",
        "requests.rejected.confirmation.social", "requests.other.overdue_fee.commercial",
        "requests.total.total", "requests.carry_over.other", "review.upheld",
        "litigation_direct.pending", "litigation_after_review.total", "overview.proactive",
        "problems", "measures", "rectification", "other_matters", "meta.agency", "meta.year",
        "meta.agency_kind", "meta.level",
    ]:
        assert fid in FORM.fields, fid


def test_derived_cells_and_their_formulas():
    assert FORM.field("requests.new.total").derived
    assert FORM.field("requests.total.natural").derived
    assert len(FORM.formulas["requests.total.natural"]) == 21
    assert FORM.formulas["requests.new.total"] == tuple(
        f"requests.new.{c}" for c in ("natural", "commercial", "research", "social", "legal", "other")
    )
    assert FORM.formulas["review.total"] == ("review.upheld", "review.corrected", "review.other", "review.pending")
    assert not FORM.field("requests.carry_over.natural").derived


def test_computed_values():
    answers = {f"requests.new.{c}": i for i, c in enumerate(["natural", "commercial", "research", "social", "legal", "other"])}
    assert FORM.value("requests.new.total", answers) == 15
    assert FORM.value("requests.carried.total", answers) is None
    assert FORM.value("requests.new.total", {**answers, "requests.new.total": 99}) == 99  # printed value kept


def test_table_three_rows_in_official_order():
    labels = [r.label for r in FORM.requests_rows]
    assert labels[0] == "一、本年新收政府信息公开申请数量"
    assert labels[2] == "（一）予以公开"
    assert labels[-2] == "（七）总计"
    assert labels[-1] == "四、结转下年度继续办理"
    assert sum(r.is_result for r in FORM.requests_rows) == 21


def test_section_headings():
    assert [s.heading for s in FORM.sections if s.number] == [
        "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项",
    ]
