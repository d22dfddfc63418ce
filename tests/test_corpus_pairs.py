"""Last year's folder on real reports (tests/corpus/pairs.yaml): the reviewer's folder check
(`gkassist check THIS_YEAR --previous LAST_YEAR`) pairs each report with the same organ's report of
the year before and no other, and the Y rules say nothing where a pair's tables or 五 are cut off.

Each run of the list is made as a reviewer makes it: this year's files in one folder, last year's in
another, copied from tests/corpus/reports/ unchanged (benchmarks/corpus_check.py --pairs prints the same
figures). The expectations were written by hand before the checker ran on the files (docs/corpus.md: the
fourth round)."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
import yaml

from gkassist.checking import run_check
from tests.test_corpus import corpus_check

REPORTS = corpus_check.CORPUS
RUNS = corpus_check.load_pairs()
_stem = corpus_check._stem


def _folder(base: Path, slugs: list[str]) -> Path:
    base.mkdir()
    for slug in slugs:
        shutil.copy(corpus_check.report_file(slug), base)
    return base


def test_every_pair_names_reports_of_the_corpus_one_year_apart():
    for run in RUNS:
        assert set(run["pairs"]) == set(run["this_year"]), run["name"]
        for this, last in run["pairs"].items():
            assert yaml.safe_load((REPORTS / f"{this}.expected.yaml").read_text(encoding="utf-8"))
            if last is not None:
                assert last in run["previous"]
                years = [yaml.safe_load((REPORTS / f"{s}.expected.yaml").read_text(encoding="utf-8"))["year"]
                         for s in (this, last)]
                assert years[0] == years[1] + 1, (this, last)


@pytest.mark.parametrize("run", RUNS, ids=[r["name"] for r in RUNS])
def test_the_folder_check_pairs_each_report_with_its_own_organs_and_reports_no_y_it_cannot_see(run, tmp_path):
    got = corpus_check.check_pair_run(run, tmp_path)
    assert got.paired == run["pairs"]
    assert got.y == sorted(tuple(x) for x in run["y"])
    assert got.orphans == set(run["previous"]) - {v for v in run["pairs"].values() if v}
    assert got.copies == []


def test_the_page_of_a_folder_whose_tables_are_all_unseen_sums_nothing(tmp_path):
    # the 2022 reports of the list are all cut before 表三 (or have none): the page must not print 0
    # applications received from 「5 份报告的表三」
    from lxml import html as lxml_html

    run = next(r for r in RUNS if r["name"] == "2022 against 2021")
    this = _folder(tmp_path / "this", run["this_year"])
    page = tmp_path / "page.html"
    run_check([str(this)], html=str(page), out=io.StringIO(), progress=False, workers=1)
    root = lxml_html.fromstring(page.read_text(encoding="utf-8"))
    for cell in ("sum-received", "sum-handled", "sum-review", "sum-litigation"):
        assert root.get_element_by_id(cell).text_content().strip() == "—", cell
    assert "0 份报告的表三" in root.get_element_by_id("sums").text_content()


def test_a_region_s_report_and_its_government_office_s_are_no_copies_of_each_other(tmp_path):
    # 上海市 (the city's report) and 上海市人民政府办公厅 (the office that drafts it) both print the
    # government's own documents of 2022 in the same sentences: one drafting office, not C1 between units
    this = _folder(tmp_path / "this", ["shanghai-shi-2022", "shanghai-bgt-2022"])
    out = io.StringIO()
    run_check([str(this)], as_json=True, out=out, progress=False, workers=1)
    folder = next(d for d in json.loads(out.getvalue()) if "file" not in d) if "copies" in out.getvalue() else {}
    assert not folder.get("copies")


@pytest.mark.parametrize(("a", "b", "same"), [
    ("上海市", "上海市人民政府办公厅", True),
    ("贵阳市", "贵阳市人民政府(市人民政府办公厅)", True),
    ("广东省人民政府", "广东省人民政府办公厅", True),
    ("示范市甲区人民政府", "示范市甲区人民政府办公室", True),
    ("上海市", "上海市人民政府外事办公室", False),
    ("浑南区民族和宗教事务局", "区政府国资局", False),
    ("广州市人民政府办公厅", "广东省人民政府办公厅", False),
])
def test_one_drafting_office_is_a_government_its_office_and_its_region(a, b, same):
    from gkassist.review.pairing import family_key

    assert (family_key(a) == family_key(b)) == same


def test_a_report_that_names_no_organ_pairs_with_its_divisions_report_only_when_no_other_claims_it(tmp_path):
    # 上海市松江区 2025 (the district's report, by title) and the 2024 report that names only
    # 「松江区人民政府办公室」 for questions pair; two reports that both name their organ
    # (广东省人民政府办公厅 2023, 广东省人民政府 2022) do not (run 「2023 against 2022」 above)
    from gkassist.review.pairing import Known, PreviousIndex

    index = PreviousIndex()
    index.add(Known("songjiang-2024", "松江区人民政府办公室", 2024, named=False))
    index.add(Known("guangdong-2022", "广东省人民政府", 2022))
    assert index.find("上海市松江区", 2025) is None  # no name of the same organ
    found = index.find_office("上海市松江区", 2025)
    assert found is not None and found.file == "songjiang-2024" and found.office
    assert index.find_office("广东省人民政府办公厅", 2023) is None  # both name themselves
    assert index.find_office("上海市普陀区投资促进办公室", 2025) is None  # no division's own report


def test_a_pair_made_by_drafting_office_says_so(tmp_path):
    run = next(r for r in RUNS if r["name"] == "2025 against 2024")
    this = _folder(tmp_path / "this", ["songjiang-qu-2025"])
    last = _folder(tmp_path / "last", run["previous"])
    out = io.StringIO()
    run_check([str(this)], previous=str(last), as_json=True, out=out, progress=False, workers=1)
    data = json.loads(out.getvalue())
    report = next(d for d in (data if isinstance(data, list) else [data]) if "file" in d)
    assert _stem(report["previous"]) == "songjiang-qu-2024" and report["previous_agency"] == "松江区人民政府办公室"
    assert not [f for f in report["findings"] if f["code"] == "Y0"]


def test_an_empty_folder_of_last_year_is_said_and_never_listed_as_a_report(tmp_path):
    from gkassist.checking import InputUnreadable

    this = _folder(tmp_path / "this", ["shanghai-bgt-2020"])
    (tmp_path / "last").mkdir()
    with pytest.raises(InputUnreadable, match="空文件夹"):
        run_check([str(this)], previous=str(tmp_path / "last"), out=io.StringIO(), progress=False, workers=1)


@pytest.mark.parametrize(("a", "b"), [
    ("河北区", "河北区人民政府"),  # hebei-qu-2024's title, hebei-qu-2023's first words
    ("九原区人民政府", "九原区"),  # the same district's reports of 2021 and 2023 in the page store
    ("二道河镇人民政府", "二道河镇"),
    ("上海市", "上海市人民政府"),
])
def test_a_division_and_its_people_s_government_are_one_organ(a, b):
    from gkassist.review.pairing import same_agency

    assert same_agency(a, b)


@pytest.mark.parametrize(("a", "b"), [
    ("上海市", "上海市人民政府办公厅"),  # the government's office is an organ of its own
    ("贵阳市", "贵阳市人民政府(市人民政府办公厅)"),  # the government's own report next to the region's
    ("广东省人民政府", "广东省人民政府办公厅"),
    ("河北区", "河北省人民政府"),
])
def test_a_government_s_office_is_not_its_division(a, b):
    from gkassist.review.pairing import same_agency

    assert not same_agency(a, b)


@pytest.mark.parametrize(("previous", "codes"), [
    # cut inside 一: the prose says 「结转下年度9件」, no cell of any table is seen
    ("guangdong-bgt-2023", []),
    # 表二 and 表三 printed as labels without a number: blank cells, not zeros
    ("wujin-tyjrswj-2022", []),
    # 表二 seen (行政规范性文件 现行有效 0), 表三 cut after 「二、上年结转」: Y2 can compare, Y1 cannot
    ("changchun-tyjrswj-2023", ["Y2"]),
])
def test_the_y_rules_compare_only_the_cells_last_year_s_file_shows(previous, codes):
    # this year: longgang-bm-2024 (表三 上年结转 2, 表二 行政规范性文件 现行有效 25 = ? + 5 − 1). Last year's
    # answers are given as the pair check gives them once a pair is made; these files are other organs'
    # (no real pair with its tables seen on both sides was found), which is no matter for what a rule
    # reads of the cells: an unseen cell is no 0.
    from gkassist.checking import check_input, load_input
    from gkassist.sources import read_source

    this = load_input(str(corpus_check.report_file("longgang-bm-2024")))
    last = read_source(corpus_check.report_file(previous))
    found = sorted({f.code for f in check_input(this, last.answers) if f.code.startswith("Y")})
    assert found == codes
