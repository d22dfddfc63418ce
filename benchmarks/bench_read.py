"""The read stage of a reviewer's batch (issue 17 item 7): CPU per report of turning a file into
what the rules judge (``checking.load_input``: answers, cell states, outline, structure facts), per
kind of file of the batch benchmark's folder.

Run: .venv/bin/python benchmarks/bench_read.py [--reports 1200] [--passes 3] [--folder DIR]

* the folder: ``bench_batch.make_folder`` (a third scraped text, a third portal pages, a sixth Word
  files, a sixth gkassist-made HTML), made in a temporary folder unless ``--folder`` names one
  (made there when empty, so that two versions of the code can read the same files);
* every report read once to warm up, then ``--passes`` passes over the whole folder; for each kind
  the cheapest pass (CPU of this process, ``time.process_time``): on a shared machine the other
  processes only ever make a pass dearer;
* ``mix``: the mean over the folder's reports (each kind weighted by its share of the folder).

To compare two versions of the code on a busy machine, run them alternately on the same folder,
e.g. ``PYTHONPATH=/path/to/old/tree .venv/bin/python benchmarks/bench_read.py --folder /tmp/f``.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_batch  # noqa: E402  (the folder and its kinds of file)

KINDS = ("scraped text", "portal page", "Word (.docx)", "gkassist HTML")  # bench_batch.kind_of


def measure(paths: list[Path], passes: int) -> dict[str, float]:
    """The cheapest pass's CPU ms per report of each kind."""
    from gkassist.checking import load_input

    by_kind: dict[str, list[str]] = {k: [] for k in KINDS}
    for p in paths:
        by_kind.setdefault(bench_batch.kind_of(p), []).append(str(p))
    for p in paths:
        load_input(str(p))
    gc.collect()
    gc.freeze()  # as the batch does before it forks its workers
    best: dict[str, float] = {}
    for _ in range(passes):
        for kind, files in by_kind.items():
            if not files:
                continue
            t = time.process_time()
            for f in files:
                load_input(f)
            took = (time.process_time() - t) / len(files) * 1000
            best[kind] = min(best.get(kind, took), took)
    gc.unfreeze()
    best = {k: best[k] for k in by_kind if by_kind[k]}
    counts = {k: len(v) for k, v in by_kind.items() if v}
    best["mix"] = sum(best[k] * counts[k] for k in counts) / sum(counts.values())
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=1200, help="reports in the folder")
    ap.add_argument("--passes", type=int, default=3, help="passes over the folder (the cheapest counts)")
    ap.add_argument("--folder", type=Path, help="read (or make) the folder here instead of a temporary one")
    args = ap.parse_args()
    import gkassist

    print(f"CPU cores: {os.cpu_count()}, Python {sys.version.split()[0]}, gkassist from "
          f"{Path(gkassist.__file__).parent}, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.folder or Path(tmp) / "f"
        folder.mkdir(parents=True, exist_ok=True)
        paths = sorted(folder.iterdir()) or bench_batch.make_folder(folder, args.reports)
        got = measure(paths, args.passes)
    print(f"\nread stage (checking.load_input), {len(paths)} reports, CPU ms per report, best of {args.passes} passes:\n")
    print("| " + " | ".join(got) + " |")
    print("|" + "---|" * len(got))
    print("| " + " | ".join(f"{v:.2f}" for v in got.values()) + " |")
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
