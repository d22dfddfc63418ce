"""gkassist check FILE… [--previous FILE|FOLDER] [--json] [--html FILE] [--xlsx FILE]"""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check",
        help="检查报告：会话文件或已发布的年报（txt / html / docx / pdf），可一次检查一个文件夹",
        description=(
            "检查一份或多份报告，按部分列出问题（错误、警告、提示），每份报告一行小结，最后是合计。\n"
            "给出文件夹时检查其中的全部文件，并找出不同机关的报告之间雷同的段落（C1）。\n"
            "--previous 给出上年的报告，或上年报告所在的文件夹（按机关逐份配对，做结转核对）。\n"
            "--html 写出一页汇总（可直接打印），--xlsx 写出工作簿（每个问题一行、每份报告的表格数字一行）。\n"
            "--json 输出：一份报告为一个对象，多份为一个数组。\n"
            "退出码：1 发现错误；没有错误但有文件无法读取时为 2；否则为 0；按 Ctrl+C 中断时为 130（已检查的仍会输出）。"
        ),
    )
    p.add_argument("files", metavar="FILE", nargs="+",
                   help="会话编号、会话 JSON 文件、已发布年报的 txt / html / docx / pdf 文件，或存放它们的文件夹")
    p.add_argument("--previous", metavar="FILE",
                   help="上一年度的年报或会话，或上一年度各报告所在的文件夹，用于结转核对（Y0–Y3）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    p.add_argument("--html", metavar="FILE", help="把检查汇总写成一个网页文件（不需联网，可打印）")
    p.add_argument("--xlsx", metavar="FILE", help="把检查结果写成 Excel 工作簿（WPS、Excel 可打开）")


def run(args: argparse.Namespace) -> int:
    from gkassist.checking import run_check

    return run_check(args.files, previous=args.previous, as_json=args.json, html=args.html, xlsx=args.xlsx)
