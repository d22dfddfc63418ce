"""gkassist sessions — list saved sessions."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    sub.add_parser(
        "sessions",
        help="列出已保存的报告（会话）",
        description="列出数据文件夹中保存的所有报告：编号、机关、年度、进度（已填/必填）、最后修改时间。",
    )


def run(args: argparse.Namespace) -> int:
    from gkassist.session import print_session_list

    print_session_list()
    return 0
