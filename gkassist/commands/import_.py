"""gkassist import FILE — make a session from an exported session or a published report."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import",
        help="导入会话 JSON 文件，或读取已发布的年报（txt / html）生成会话",
        description=(
            "导入一个文件并生成新的会话：\n"
            "  - gkassist export 导出的会话 JSON 文件；\n"
            "  - 已发布的年度报告（网页另存的 .html 或复制的 .txt），例如上一年的年报，用于结转。"
        ),
    )
    p.add_argument("file", metavar="FILE", help="要导入的文件")


def run(args: argparse.Namespace) -> int:
    from gkassist.session import import_file

    session = import_file(args.file)
    print(f"已导入，会话编号：{session.id}")
    print(f"会话文件：{session.path}")
    return 0
