"""gkassist sessions — list saved sessions."""

from __future__ import annotations

import argparse

from rich.cells import cell_len

AGENCY_WIDTH = 36  # display columns; a longer name is cut with …


def register(sub: argparse._SubParsersAction) -> None:
    sub.add_parser(
        "sessions",
        help="列出已保存的报告（会话）",
        description="列出数据文件夹中保存的所有报告：编号、机关、年度、进度（已填/必填）、最后修改时间。",
    )


def _fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` display columns (a CJK character takes two)."""
    if cell_len(text) <= width:
        return text
    out = ""
    for ch in text:
        if cell_len(out + ch) > width - 1:
            break
        out += ch
    return out + "…"


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - cell_len(text))


def format_session_list(infos: list, folder: str) -> str:
    """The table printed by ``gkassist sessions``; aligned by display width."""
    from gkassist.session import display_time

    if not infos:
        return (
            f"还没有保存的报告（数据文件夹：{folder}）。\n"
            "运行 gkassist 开始填写新报告；已有导出的会话文件或去年的年报，可用 gkassist import 文件 导入。"
        )
    header = ("编号", "机关", "年度", "进度", "最后修改")
    rows: list[tuple[str, ...]] = []
    for info in infos:
        if info.status == "ok":
            state = f"{info.answered}/{info.required}"
            agency = _fit(info.agency or "（未填机关名称）", AGENCY_WIDTH)
            last = display_time(info.updated)
            if info.editing:
                last += f"  正在编辑（{info.editing}）"
            rows.append((info.id, agency, str(info.year or "—"), state, last))
        elif info.status == "newer":
            rows.append((info.id, "（需升级 gkassist）", "", "", info.problem or ""))
        else:
            rows.append((info.id, "（文件已损坏，无法读取）", "", "", _fit(info.problem or "", 60)))
    widths = [max(cell_len(r[i]) for r in (header, *rows)) for i in range(len(header))]
    lines = []
    for row in (header, *rows):
        cells = [_pad(cell, widths[i]) if i < len(row) - 1 else cell for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    ok = sum(1 for i in infos if i.status == "ok")
    bad = len(infos) - ok
    tail = f"共 {ok} 份报告" + (f"，另有 {bad} 个文件无法打开" if bad else "") + f"。数据文件夹：{folder}"
    hint = "继续填写：gkassist；生成报告：gkassist render 编号；导出：gkassist export 编号 -o 文件.json"
    return "\n".join([*lines, "", tail, hint])


def run(args: argparse.Namespace) -> int:
    from gkassist.session import SessionStore

    store = SessionStore()
    print(format_session_list(store.list(), str(store.root)))
    return 0
