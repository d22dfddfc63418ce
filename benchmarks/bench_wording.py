"""How long one suggestion takes while the user types (target: ≤ 5 ms median at the real bank size).

Run: .venv/bin/python benchmarks/bench_wording.py [repeats]

"One typed fragment" is what the interview sends on a keystroke: the text of the input so far.
The fragments are the typed problems and measures of tests/test_wording_match.py, each also cut
to its first half (what is there halfway through typing), so short and long inputs both count.
Every fragment is timed ``repeats`` times; the table shows the median and 95th percentile of all
those calls, for ``suggest`` (while typing), ``classify`` (a whole written item, as the T4
facts need it) and ``typing_offers`` on a measure line that holds only a stock opening (it reads the
problems and measures written above: the first keystroke classifies them, later ones find them
cached), against

- the real bank (prompts/wording/), and
- a generated bank of 10,000 phrasings (the real phrasings recombined clause by clause into
  200 categories per kind, with keywords), to show how matching scales with the bank.

Building the matcher (loading + indexing) is timed once per bank.
"""

from __future__ import annotations

import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

FRAGMENTS_PROBLEM = ["信息更新不及时", "人员兼职", "解读形式单一", "培训少", "栏目长期不更新", "公开渠道单一",
                     "留言回复慢", "专栏设置不规范", "答复不规范", "申请人不知道向哪个部门申请", "规范性文件没清理",
                     "承担公开工作的人员多为兼职，队伍不够稳定", "政策解读形式不够多样，以文字为主"]
FRAGMENTS_MEASURE = ["加强培训", "及时更新栏目", "严格审核", "丰富解读形式", "用好微信公众号", "纳入绩效考核",
                     "明确专人负责", "制定培训计划，分级分类开展培训", "加大政务新媒体发布力度，拓宽公开渠道"]
# a report being written: its problems, the measures written so far, and the measure line being typed,
# which holds only a stock opening (typing_offers then offers what answers the unanswered problems)
WRITTEN_PROBLEMS = ["对政务公开工作的重要性认识不足，主动公开意识不强", "部分栏目信息更新不够及时",
                    "工作人员均为兼职，人员变动频繁", "政策解读形式较为单一，以文字为主", "公开渠道单一，新媒体运用不够"]
WRITTEN_MEASURES = ["进一步提高思想认识，强化公开意识", "建立栏目定期更新制度，明确更新时限"]
STOCK_OPENINGS = ["下一步，我局将", "2025年，我局", "三是", "针对以上问题，"]
ITEMS = [  # whole items, for classify
    ("problem", "信息质量有待提升,部分公开信息的准确性、完整性和时效性不足,难以充分满足公众对信息的需求。"),
    ("problem", "政务公开工作由办公室2名工作人员兼职承担，人员变动较为频繁，队伍不够稳定。"),
    ("measure", "提升工作人员业务素养:主动组织开展业务培训活动,培训内容涵盖政府信息公开政策解读、信息撰写技巧、发布平台操作等。"),
]


def typed_inputs() -> list[tuple[str, str]]:
    out = []
    for kind, frags in (("problem", FRAGMENTS_PROBLEM), ("measure", FRAGMENTS_MEASURE)):
        for f in frags:
            out.append((kind, f))
            if len(f) >= 4:
                out.append((kind, f[: len(f) // 2]))
    return out


def generate_bank(source: Path, target: Path, phrasings_per_kind: int, categories_per_kind: int) -> None:
    """A bank shaped like the real one but bigger: clauses of real phrasings recombined."""
    rng = random.Random(7)
    shutil.copytree(source, target)
    for kind, name in (("problem", "problems.yaml"), ("measure", "measures.yaml")):
        raw = yaml.safe_load((source / name).read_text(encoding="utf-8"))
        cats = raw["categories"]
        texts = [p if isinstance(p, str) else p["text"] for c in cats for p in c["phrasings"]]
        clauses = [c for t in texts for c in t.rstrip("。").split("，") if "{" in c or len(c) > 4]
        keywords = [k for c in cats for k in c["keywords"]]
        measure_ids = [f"m{i}" for i in range(categories_per_kind)]
        out = []
        per_cat = phrasings_per_kind // categories_per_kind
        for i in range(categories_per_kind):
            phrasings = []
            for _ in range(per_cat):
                parts = rng.sample(clauses, rng.randint(2, 3))
                if not any("{" in p for p in parts):
                    parts.append(rng.choice([c for c in clauses if "{" in c]))
                text = "，".join(parts) + "。"
                # one slot name once per phrasing (the loader's rule): later repeats become words
                seen: set[str] = set()

                def once(m: re.Match[str], seen: set[str] = seen) -> str:
                    if m.group(1) in seen:
                        return "若干"
                    seen.add(m.group(1))
                    return m.group(0)

                text = re.sub(r"\{([^{}]+)\}", once, text)
                if not seen:
                    text = text.rstrip("。") + "，涉及{事项}。"
                phrasings.append(text)
            cat = {"id": f"{kind[0]}{i}", "label": f"{kind}类别{i}", "keywords": rng.sample(keywords, 8),
                   "phrasings": phrasings}
            if kind == "problem":
                cat["measures"] = [rng.choice(measure_ids)]
            out.append(cat)
        (target / name).write_text(yaml.safe_dump({"categories": out}, allow_unicode=True), encoding="utf-8")
    # the common categories (matching.yaml) must be the generated bank's own
    matching = yaml.safe_load((source / "matching.yaml").read_text(encoding="utf-8"))
    matching["common"] = {kind: [f"{kind[0]}{i}" for i in range(8)] for kind in ("problem", "measure")}
    (target / "matching.yaml").write_text(yaml.safe_dump(matching, allow_unicode=True), encoding="utf-8")


def timed(fn, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def row(label: str, samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, int(0.95 * len(samples)))]
    return f"| {label} | {statistics.median(samples):.2f} ms | {p95:.2f} ms | {len(samples)} |"


def bench(label: str, folder: Path | None, repeats: int) -> list[str]:
    from gkassist.wording.bank import load_bank
    from gkassist.wording.match import Matcher
    from gkassist.wording.offers import typing_offers

    t0 = time.perf_counter()
    bank = load_bank(folder)
    matcher = Matcher(bank)
    build = (time.perf_counter() - t0) * 1000
    n = len(list(bank.phrasings()))
    kw = sum(len(c.keywords) for c in bank.categories.values())
    suggest_times: list[float] = []
    for kind, text in typed_inputs():
        matcher.suggest(text, kind)  # warm the path once
        suggest_times += timed(lambda k=kind, t=text: matcher.suggest(t, k), repeats)
    short = [t for (k, f) in typed_inputs() if len(f) <= 8 for t in timed(lambda k=k, f=f: matcher.suggest(f, k), repeats)]
    classify_times: list[float] = []
    for kind, text in ITEMS:
        classify_times += timed(lambda k=kind, t=text: matcher.classify(t, k), max(3, repeats // 4))
    context_times: list[float] = []
    for opening in STOCK_OPENINGS:
        def offer(o: str = opening) -> None:
            typing_offers(o, "measure", 3, problems=WRITTEN_PROBLEMS, written=WRITTEN_MEASURES, matcher=matcher)
        # the first call reads the written items (cached afterwards, as on every keystroke after the first)
        first = timed(offer, 1)
        context_times += first + timed(offer, repeats - 1)
    return [
        f"\n{label}: {n} phrasings, {len(bank.categories)} categories, {kw} keywords; load + index {build:.0f} ms\n",
        "| call | median | p95 | calls |",
        "|---|---|---|---|",
        row("suggest, every typed input", suggest_times),
        row("suggest, inputs of ≤ 8 characters", short),
        row("classify, a whole item of 40–70 characters", classify_times),
        row("typing_offers, a measure line with a stock opening, 5 problems and 2 measures written", context_times),
    ]


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    from gkassist.resources import prompts_dir

    lines = bench("Real bank (prompts/wording)", None, repeats)
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "wording"
        generate_bank(prompts_dir() / "wording", big, phrasings_per_kind=5000, categories_per_kind=200)
        lines += bench("Generated bank", big, max(5, repeats // 10))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
