"""gkassist import FILE — make a session from an exported session or a published report."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import",
        help="导入会话 JSON 文件，或读取已发布的年报（txt / html）生成会话",
        description=(
            "导入一个文件并生成新的会话：\n"
            "  - gkassist export 导出的会话 JSON 文件；\n"
            "  - 已发布的年度报告（网页另存的 .html 或复制的 .txt），例如上一年的年报，用于结转。\n"
            "若该编号在本机已被占用，导入的会话会得到一个新编号。"
        ),
    )
    p.add_argument("file", metavar="FILE", help="要导入的文件")
    p.add_argument("--again", action="store_true", help="这个文件导入过，也再导入一份")


def run(args: argparse.Namespace) -> int:
    from gkassist.session import SessionStore, display_time
    from gkassist.sources import import_file

    if not args.again:
        done = SessionStore().made_from(args.file, "import")
        if done:  # the same file twice would give two identical reports: say where the first is
            info = done[0]
            print(f"这个文件已经导入过：会话编号 {info.id}（{info.agency or '未填机关名称'}，最后修改 {display_time(info.updated)}）。")
            print("继续填写：运行 gkassist，在报告列表中选中它；确实要再导入一份，请加 --again。")
            return 0
    with import_file(args.file) as session:
        unreadable = session.source.get("unreadable") or []
        if unreadable:
            sys.stderr.write(f"以下 {len(unreadable)} 处内容未能读取，请在填写时补上：\n")
            for message in unreadable:
                sys.stderr.write(f"  - {message}\n")
        agency = session.agency or "（未填机关名称）"
        year = f"{session.year} 年度" if session.year else "（未填年度）"
        answered, required = session.progress()
        print(f"已导入：{agency} {year}，已填 {answered}/{required} 项。")
        print(f"会话编号：{session.id}")
        print(f"会话文件：{session.path}")
    return 0
