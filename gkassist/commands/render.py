"""gkassist render SESSION --format txt|md|html|docx|pdf [-o OUT [--force]]"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

FORMATS = ("txt", "md", "html", "docx", "pdf")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "render",
        help="把报告生成为 txt / md / html / docx / pdf",
        description="把一份报告（会话编号或会话 JSON 文件）生成为完整的年度报告。未填写的内容标为【待填写】。",
    )
    p.add_argument("session", metavar="SESSION", help="会话编号（见 gkassist sessions）或会话 JSON 文件路径")
    p.add_argument("--format", "-f", choices=FORMATS, default="txt", help="输出格式（默认 txt）")
    p.add_argument("-o", "--output", metavar="OUT", help="输出文件；省略时 txt/md/html 打印到屏幕")
    p.add_argument("--force", action="store_true", help="输出文件已存在时覆盖它（报告会话文件永远不会被覆盖）")


def run(args: argparse.Namespace) -> int:
    from gkassist.errors import UserError, os_error_message
    from gkassist.files import atomic_write
    from gkassist.render import render_to_bytes
    from gkassist.session import check_output, load_session
    from gkassist.text import clean

    if args.format in ("docx", "pdf") and not args.output:
        # say so before the work, not after it
        raise UserError(f"{args.format} 是二进制格式，请用 -o 指定输出文件，例如：-o 报告.{args.format}")
    session = load_session(args.session)
    if args.output:  # refused before the work, and again after it (the file may have appeared)
        check_output(Path(args.output), force=args.force, inputs=(session.path,))
    data = render_to_bytes(session, args.format)
    if args.format == "pdf":
        from gkassist.render.pdf import missing_cjk_font

        if missing_cjk_font():
            sys.stderr.write(
                "提示：本机没有中文字体，PDF 中的汉字可能显示为方框。"
                "请安装中文字体（例如 Debian / Ubuntu：sudo apt-get install fonts-noto-cjk）后重新生成。\n"
            )
    if args.output:
        out = Path(args.output)
        check_output(out, force=args.force, inputs=(session.path,))
        try:
            atomic_write(out, data, parents=True)
        except OSError as err:
            raise UserError(f"无法写入文件 {out}：{os_error_message(err)}。请检查路径和写入权限。") from err
        print(f"已生成：{out}")
    else:
        # the report holds only clean text; a terminal is still never handed a control character
        sys.stdout.write(clean(data.decode("utf-8")))
    return 0
