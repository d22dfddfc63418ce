"""gkassist export SESSION -o FILE.json — copy a session out, to move it to another machine."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export",
        help="把一份报告（会话）导出为 JSON 文件，以便拷到其他电脑",
        description="把会话导出为一个 JSON 文件；在另一台电脑上用 gkassist import 导入即可继续填写。",
    )
    p.add_argument("session", metavar="SESSION", help="会话编号或会话 JSON 文件路径")
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE.json",
        required=True,
        help="导出的文件（给出文件夹时存为 <编号>.json）",
    )
    p.add_argument(
        "--force", action="store_true", help="导出文件已存在时覆盖它（其他报告的会话文件永远不会被覆盖）"
    )


def run(args: argparse.Namespace) -> int:
    from gkassist.session import export_session

    out = export_session(args.session, args.output, force=args.force)
    print(f"已导出：{out}")
    print(f"把这个文件拷到另一台电脑，运行 gkassist import {out.name} 即可继续填写。")
    return 0
