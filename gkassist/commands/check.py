"""gkassist check FILE… [--previous FILE] [--json]"""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check",
        help="检查报告：会话文件或已发布的年报（txt / html），可一次检查多份",
        description=(
            "检查一份或多份报告，按部分列出问题（错误、警告、提示），每份报告一行小结，最后是合计。\n"
            "给出文件夹时检查其中的全部文件。--json 输出：一份报告为一个对象，多份为一个数组。\n"
            "退出码：1 发现错误；没有错误但有文件无法读取时为 2；否则为 0。"
        ),
    )
    p.add_argument("files", metavar="FILE", nargs="+", help="会话编号、会话 JSON 文件、已发布年报的 txt / html 文件，或存放它们的文件夹")
    p.add_argument("--previous", metavar="FILE", help="上一年度的年报或会话，用于结转核对（Y1–Y3）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出结果")


def run(args: argparse.Namespace) -> int:
    from gkassist.checking import run_check

    return run_check(args.files, previous=args.previous, as_json=args.json)
