"""``gkassist check … --xlsx FILE``: a workbook a reviewer opens in WPS or Excel.

Sheets: 「问题」 one row per finding (file, agency, year, section, code, severity, fields, message),
ready for filters and pivot tables; 「表格数字」 one row per report with the three tables' numbers,
one column per field (header labels from the form; the field ids in the sheet 「栏目」); 「雷同」 the
pairs of reports sharing passages (C1); 「上年配对」 when last year's folder was given.

openpyxl's write-only mode: rows go to temporary files as they are appended, so memory does not
grow with the number of reports.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gkassist.findings import severity_labels
from gkassist.form import FORM
from gkassist.review.summary import Outcome, number_fields, section_title

_FINDINGS = "问题"
_NUMBERS = "表格数字"
_COLUMNS = "栏目"
_COPIES = "雷同"
_PAIRING = "上年配对"
_STATES = {"blank": "（空）", "na": "／", "invalid": "（无效）"}



def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return _STATES.get(value, value)
    return value  # int, Decimal (openpyxl writes it as a number), None (empty)


class ReviewWorkbook:
    """The workbook, filled as outcomes arrive (``add``) and saved once (``write``)."""

    def __init__(self, path: Path) -> None:
        from openpyxl import Workbook

        self.path = path
        self.book = Workbook(write_only=True)
        self.findings = self.book.create_sheet(_FINDINGS)
        self.numbers = self.book.create_sheet(_NUMBERS)
        self.findings.append(["文件", "机关", "年度", "部分", "规则", "严重程度", "涉及栏目", "问题"])
        ids = number_fields()
        self.numbers.append(["文件", "机关", "年度", *(f"{_table_name(fid)}·{FORM.field(fid).label}" for fid in ids)])
        self.labels = severity_labels()

    def add(self, outcome: Outcome) -> None:
        name = Path(outcome.file).name
        if outcome.error is not None:
            self.findings.append([name, outcome.agency, outcome.year, "", "", "无法读取", "", outcome.error])
            return
        for f in outcome.findings:
            label = self.labels[f.severity] if f.kind == "finding" else self.labels["suggestion"]
            fields = "；".join(FORM.field(x).label if x in FORM.fields else x for x in f.fields)
            self.findings.append([name, outcome.agency, outcome.year, section_title(f.section), f.code, label,
                                  fields, f.message])
        if outcome.values is not None:
            self.numbers.append([name, outcome.agency, outcome.year, *(_cell(v) for v in outcome.values)])

    def write(self, *, copies: list = (), pairing: dict | None = None, interrupted: bool = False,
              rules_title: str = "", severity: str = "warning") -> None:
        from gkassist.files import atomic_writer

        for pair in copies:  # C1 on both reports of each pair, each saying it its own way round
            for side in (pair, _swapped(pair)):
                self.findings.append([Path(side.file).name, side.agency, None, "", "C1", self.labels[severity],
                                      "", side.message()])
        columns = self.book.create_sheet(_COLUMNS)
        columns.append(["栏目编号", "表", "栏目"])
        for fid in number_fields():
            columns.append([fid, _table_name(fid), FORM.field(fid).label])
        sheet = self.book.create_sheet(_COPIES)
        sheet.append(["文件", "机关", "另一文件", "另一机关", "相同句数", "字数", "本报告的句子", "对方的句子", "相似度"])
        for pair in copies:
            for s in pair.shared:
                sheet.append([Path(pair.file).name, pair.agency, Path(pair.other_file).name, pair.other_agency,
                              len(pair.shared), pair.chars, s.sentence, s.other, s.score])
        if pairing is not None:
            sheet = self.book.create_sheet(_PAIRING)
            # one row per report of either folder; 说明 says which side is missing, so that a filter on
            # it lists the unpaired ones (an empty 文件 cell alone read as a fault of the workbook)
            sheet.append(["文件", "机关", "年度", "上年报告", "说明"])
            for file, agency, year, previous in pairing.get("rows", ()):
                if previous:
                    sheet.append([Path(file).name, agency, year, Path(previous).name, "已配对"])
                else:
                    sheet.append([Path(file).name, agency, year, None, "上年文件夹里没有找到这个机关的报告"])
            for known in pairing.get("orphans", ()):
                sheet.append([None, known.agency, known.year, Path(known.file).name,
                              "上年的报告，本年文件夹里没有这个机关的报告（年度是上年的）"])
        if interrupted:
            self.findings.append(["", "", None, "", "", "", "", "检查被中断：以上只是已检查部分的结果。"])
        with atomic_writer(self.path, parents=True) as out:  # the zip streamed from the sheets' temp files
            self.book.save(out)


def _table_name(fid: str) -> str:
    s = FORM.section(FORM.field(fid).section)
    return f"表{s.number}"


def _swapped(pair: Any) -> Any:
    from dataclasses import replace

    from gkassist.review.copies import SharedSentence

    return replace(pair, first=pair.second, second=pair.first, file=pair.other_file, agency=pair.other_agency,
                   other_file=pair.file, other_agency=pair.agency,
                   shared=tuple(SharedSentence(s.other, s.sentence, s.score) for s in pair.shared))
