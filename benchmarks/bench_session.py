"""A session's size and save time after many edits of long answers (targets: < 1 MB, < 10 ms a save).

Run: .venv/bin/python benchmarks/bench_session.py [edits]

Edits a 2 KB answer of each of the five topics of 一 in turn, ``edits`` times in all (default
10,000), as the interview records them (in memory, written every 100 edits), then times 50 saves
of the resulting document, each a complete atomic write with fsync, in a temporary data folder.
The same 50 saves of a new, nearly empty session give the disk's own floor (two fsyncs), and the
serialising alone is timed too: what the document's size costs is the difference.
Before the bounded history (issue 14) 2,000 edits made a 17.8 MB session and 55 ms saves.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time

FIELDS = ("overview.proactive", "overview.on_request", "overview.management", "overview.platform", "overview.oversight")


def main() -> None:
    edits = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as home:
        os.environ["GKASSIST_HOME"] = home
        from gkassist.session import SessionStore

        store = SessionStore()
        empty = store.create({"meta.agency": "测试局", "meta.year": 2024})
        floor = _save_times(empty)
        empty.close()
        session = store.create({"meta.agency": "测试局", "meta.year": 2024})
        base = "本机关坚持以公开为常态、不公开为例外，" * 35  # ~700 characters, 2 KB in UTF-8
        t0 = time.perf_counter()
        for i in range(edits):
            session.record({FIELDS[i % len(FIELDS)]: f"{base}第{i}次修改。"}, save=False)
            if i % 100 == 99:
                session.flush()
        session.flush()
        edit_time = time.perf_counter() - t0
        size = session.path.stat().st_size
        times = _save_times(session)
        t = time.perf_counter()
        for _ in range(50):
            session.to_json_bytes()
        serialise = (time.perf_counter() - t) / 50
        session.close()
    print(f"edits: {edits:,}  ({edit_time / edits * 1e6:.0f} µs an edit in memory, a write every 100)")
    print(f"history kept: {len(session.history)} entries")
    print(f"session file: {size / 1024:.0f} KB  (target < 1024 KB)")
    print(f"save: median {statistics.median(times) * 1000:.2f} ms, max {max(times) * 1000:.2f} ms  (target < 10 ms)")
    print(f"  of which serialising: {serialise * 1000:.2f} ms")
    print(f"  an empty session's save on this disk (fsync floor): median {statistics.median(floor) * 1000:.2f} ms")


def _save_times(session) -> list[float]:  # noqa: ANN001 - a Session
    times = []
    for _ in range(50):
        t = time.perf_counter()
        session.save()
        times.append(time.perf_counter() - t)
    return times


if __name__ == "__main__":
    main()
