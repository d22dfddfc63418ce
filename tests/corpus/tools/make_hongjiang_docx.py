"""Build tests/corpus/reports/hongjiang-kjgxj-2024.docx from the real report's text.

No real .docx report was found in the stored public material, so this one is made from the text of a
real published report (怀化市洪江区科技和工业信息化局 2024, the project's sample
/work/shared/samples/hongjiang-kjgxj-2024.txt, a scrape of the bureau's page) and laid out as agencies
lay out their Word attachments: a centred title, body paragraphs, and the three tables with merged
header cells (colspan → gridSpan, rowspan → vMerge). Every word and number is the report's own, in its
order; the faults of the real report (其他需要报告的事项 as （三） under 五, no 六) are kept.

Run: python tests/corpus/tools/make_hongjiang_docx.py SAMPLE.txt OUT.docx
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt


def _font(run, name: str = "仿宋_GB2312", size: int = 16) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _cell(table, r: int, c: int, text: str, r2: int | None = None, c2: int | None = None) -> None:
    cell = table.cell(r, c)
    if r2 is not None or c2 is not None:
        cell = cell.merge(table.cell(r2 if r2 is not None else r, c2 if c2 is not None else c))
    cell.text = text


def table_two(doc) -> None:
    t = doc.add_table(rows=16, cols=4)
    t.style = "Table Grid"
    rows = [
        ("第二十条第（一）项", None), (["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], 0),
        (["规章", "0", "0", "0"], 0), (["行政规范性文件", "0", "0", "0"], 0),
        ("第二十条第（五）项", None), (["信息内容", "本年处理决定数量"], 1), (["行政许可", "0"], 1),
        ("第二十条第（六）项", None), (["信息内容", "本年处理决定数量"], 1), (["行政处罚", "0"], 1),
        (["行政强制", "0"], 1),
        ("第二十条第（八）项", None), (["信息内容", "本年收费金额（单位：万元）"], 1), (["行政事业性收费", "0"], 1),
    ]
    r = 0
    for cells, span in rows:
        if span is None:  # a block heading across the table
            _cell(t, r, 0, cells, c2=3)
        elif span == 1:  # label + one value spread over three columns
            _cell(t, r, 0, cells[0])
            _cell(t, r, 1, cells[1], c2=3)
        else:
            for c, text in enumerate(cells):
                _cell(t, r, c, text)
        r += 1
    # two spare rows some templates carry at the end are left out: drop them
    for _ in range(16 - r):
        t._tbl.remove(t.rows[-1]._tr)


RESULT_ROWS = [
    ("（一）予以公开", None), ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", None),
    ("（三）不予公开", ["1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
                  "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项"]),
    ("（四）无法提供", ["1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确"]),
    ("（五）不予处理", ["1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
                  "5.要求行政机关确认或重新出具已获取信息"]),
    ("（六）其他处理", ["1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                  "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他"]),
    ("（七）总计", None),
]


def table_three(doc) -> None:
    t = doc.add_table(rows=28, cols=10)
    t.style = "Table Grid"
    _cell(t, 0, 0, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", r2=2, c2=2)
    _cell(t, 0, 3, "申请人情况", c2=9)
    _cell(t, 1, 3, "自然人", r2=2)
    _cell(t, 1, 4, "法人或其他组织", c2=8)
    _cell(t, 1, 9, "总计", r2=2)
    for c, label in enumerate(["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"], start=4):
        _cell(t, 2, c, label)
    zeros = ["0"] * 7

    def values(r: int) -> None:
        for c, v in enumerate(zeros, start=3):
            _cell(t, r, c, v)

    _cell(t, 3, 0, "一、本年新收政府信息公开申请数量", c2=2)
    values(3)
    _cell(t, 4, 0, "二、上年结转政府信息公开申请数量", c2=2)
    values(4)
    _cell(t, 5, 0, "三、本年度办理结果", r2=26)
    r = 5
    for label, subs in RESULT_ROWS:
        if subs is None:
            _cell(t, r, 1, label, c2=2)
            values(r)
            r += 1
        else:
            _cell(t, r, 1, label, r2=r + len(subs) - 1)
            for s in subs:
                _cell(t, r, 2, s)
                values(r)
                r += 1
    _cell(t, 27, 0, "四、结转下年度继续办理", c2=2)
    values(27)


def table_four(doc) -> None:
    t = doc.add_table(rows=4, cols=15)
    t.style = "Table Grid"
    _cell(t, 0, 0, "行政复议", c2=4)
    _cell(t, 0, 5, "行政诉讼", c2=14)
    for c, label in enumerate(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]):
        _cell(t, 1, c, label, r2=2)
    _cell(t, 1, 5, "未经复议直接起诉", c2=9)
    _cell(t, 1, 10, "复议后起诉", c2=14)
    for c in range(5, 15):
        _cell(t, 2, c, ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"][(c - 5) % 5])
    for c in range(15):
        _cell(t, 3, c, "0")


def main(sample: Path, out: Path) -> None:
    lines = sample.read_text(encoding="utf-8").splitlines()
    doc = Document()
    # the prose lines of the sample, in order; the flattened tables are rebuilt as Word tables
    title, body = lines[0], lines[1:]
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(title), "方正小标宋简体", 22)
    tables = {"二、主动公开政府信息情况": table_two, "三、收到和处理政府信息公开申请情况": table_three,
              "四、政府信息公开行政复议、行政诉讼情况": table_four}
    skipping = False
    for line in body:
        if line in tables:
            _font(doc.add_paragraph().add_run(line), "黑体")
            tables[line](doc)
            skipping = True
            continue
        if skipping:
            # the flattened cells of the table just rebuilt end where the next section heading starts
            if line.startswith(("三、", "四、", "五、")) and not line.endswith("|"):
                skipping = False
            else:
                continue
        if line in tables:
            continue
        _font(doc.add_paragraph().add_run(line))
    doc.save(out)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
