"""How long rendering a complete report to DOCX takes (target: ≤ 1 s).

Run: .venv/bin/python benchmarks/bench_docx.py [repeats]

The report is the sample session (tests/fixtures/hongjiang-2024.session.json) with all five
topics of 一 and the rectification of 五 filled in, so that every part of the document is built.
"Cold" is the first render in a fresh process, imports of jinja2 / python-docx / lxml included —
what one `gkassist render --format docx` pays; "warm" is every later render in the same process.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "hongjiang-2024.session.json"


def complete_answers() -> dict:
    from gkassist.answers import from_json

    doc = json.loads(FIXTURE.read_text(encoding="utf-8"))
    answers = {k: from_json(k, v) for k, v in doc["answers"].items()}
    answers.setdefault("overview.on_request", "本年度未收到政府信息公开申请，无结转申请。")
    answers.setdefault("overview.platform", "持续做好区政府门户网站信息公开专栏的内容保障。")
    answers.setdefault("rectification", "上年度指出的信息更新不及时问题，已建立每周更新检查制度。")
    return answers


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    t0 = time.perf_counter()
    from gkassist.render import render_to_bytes

    answers = complete_answers()
    data = render_to_bytes(answers, "docx")
    cold = time.perf_counter() - t0

    warm = []
    for _ in range(repeats):
        t = time.perf_counter()
        render_to_bytes(answers, "docx")
        warm.append(time.perf_counter() - t)

    print("render a complete report to DOCX (render_to_bytes(answers, 'docx'))")
    print(f"{'case':<34}{'seconds':>10}")
    print(f"{'cold (first call, with imports)':<34}{cold:>10.3f}")
    print(f"{'warm median of ' + str(repeats):<34}{statistics.median(warm):>10.3f}")
    print(f"{'warm max':<34}{max(warm):>10.3f}")
    print(f"document size: {len(data) / 1024:.0f} KiB; target ≤ 1 s")


if __name__ == "__main__":
    main()
