"""gkassist suggest [--measure] TEXT [--json] — what the assistant offers for a 五 item being written.

For a person curating the wording bank (does 「缺乏专业技术人员」 find the right category, and which
phrasing comes first?) and for scripts: the categories the text matches and the phrasings the
interview would offer, best first, from the installed bank or a copy being edited (``--bank``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

PER_CATEGORY = 2  # as the interview offers them: two wordings of each category


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "suggest",
        help="查看助手对第五部分一条问题或措施会推荐哪些规范措辞",
        description=(
            "输入正在写的一条问题（或加 --measure 表示改进措施），列出措辞库认出的类别和助手会推荐的规范措辞，"
            "分数高的在前。供维护措辞库的人员检查匹配效果，也供其他程序调用（--json）。\n"
            "例：gkassist suggest 信息更新不及时\n"
            "    gkassist suggest --measure 加强培训 --json\n"
            "    echo 人员兼职 | gkassist suggest -"
        ),
    )
    p.add_argument("text", nargs="+", metavar="TEXT", help="正在写的文字；写 - 表示从标准输入读取")
    p.add_argument("--measure", action="store_true", help="TEXT 是改进措施（默认是存在的问题）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出（categories、suggestions 两个列表）")
    p.add_argument("--limit", type=int, default=6, metavar="N", help="最多列出几条措辞（默认 6，每类最多 2 条）")
    p.add_argument("--bank", metavar="DIR", help="使用这个文件夹中的措辞库（默认用安装的 prompts/wording）")


def _text(args: argparse.Namespace) -> str:
    from gkassist.errors import UserError

    if args.text == ["-"]:
        try:
            text = sys.stdin.read()
        except UnicodeDecodeError as err:
            raise UserError("标准输入不是 UTF-8 编码的文字，请转换为 UTF-8 后再试。") from err
    else:
        text = " ".join(args.text)
    if not text.strip():
        raise UserError("没有给出要查找的文字。例如：gkassist suggest 信息更新不及时")
    return text.strip()


def result(text: str, kind: str, limit: int, bank_dir: str | None = None) -> dict[str, Any]:
    """What ``--json`` prints: the categories and the suggestions, best first."""
    from gkassist.errors import UserError
    from gkassist.wording.bank import load_bank
    from gkassist.wording.match import Matcher, default_matcher

    if limit < 1:
        raise UserError("--limit 应是大于 0 的整数，例如 --limit 6")
    if bank_dir is not None:
        folder = Path(bank_dir)
        if not folder.is_dir():
            raise UserError(f"找不到措辞库文件夹 {folder}。请指定含 problems.yaml、measures.yaml 的文件夹。")
        matcher = Matcher(load_bank(folder))
    else:
        matcher = default_matcher()
    return {
        "categories": [{"id": c.category, "label": c.label, "score": c.score} for c in matcher.rank(text, kind)],
        "suggestions": [{"category": s.category, "text": s.text, "score": s.score}
                        for s in matcher.suggest(text, kind, limit, per_category=PER_CATEGORY)],
    }


def run(args: argparse.Namespace) -> int:
    kind = "measure" if args.measure else "problem"
    text = _text(args)
    found = result(text, kind, args.limit, args.bank)
    if args.json:
        sys.stdout.write(json.dumps(found, ensure_ascii=False, indent=2) + "\n")
        return 0
    what = "改进措施" if args.measure else "存在的问题"
    if not found["categories"]:
        print(f"「{text}」（{what}）：措辞库中没有相近的类别。文字太短、只有套话，或措辞库还没有这类说法"
              "（可在 prompts/wording 中为相应类别补充关键词）。")
        return 0
    labels = {c["id"]: c["label"] for c in found["categories"]}
    print(f"「{text}」（{what}）")
    print("类别：" + "；".join(f"{c['label']}（{c['id']}）{c['score']:.0f}" for c in found["categories"]))
    print("推荐措辞：")
    for n, s in enumerate(found["suggestions"], 1):
        print(f"  {n}. [{labels.get(s['category'], s['category'])} {s['score']:.0f}] {s['text']}")
    return 0
