"""kill -9 for real: a process saving in a loop is killed at random moments, many times.

After every kill the session must load, hold the last value the child reported as saved or the
one it was writing, and the lock must be free again for the next process.
"""

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gkassist.session import SessionError, SessionStore, load_session

pytestmark = [pytest.mark.slow, pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")]

FIXTURE = Path(__file__).parent / "fixtures" / "hongjiang-2024.session.json"
FIELD = "requests.new.natural"
KILLS = 40

# The child continues from what is on disk and reports each value after set_answer returned,
# with an unbuffered write so that a report is never lost in a buffer when the kill comes.
SAVER = """
import os, sys
from gkassist.session import SessionStore
s = SessionStore().open(sys.argv[1])
i = s.answers.get(sys.argv[2], 0)
os.write(1, b"ready\\n")
while True:
    i += 1
    s.set_answer(sys.argv[2], i)
    os.write(1, b"%d\\n" % i)
"""

HOLDER = """
import os, sys, time
from gkassist.session import SessionStore
s = SessionStore().open(sys.argv[1])
os.write(1, b"ready\\n")
time.sleep(600)
"""


def _start(code: str, *args: str) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=os.environ.copy(),
    )
    line = proc.stdout.readline()
    if line != b"ready\n":
        proc.kill()
        proc.wait()
        raise AssertionError(f"child did not start: {line!r} {proc.stderr.read().decode(errors='replace')}")
    return proc


def _sample_session(gkassist_home: Path) -> str:
    """A full report (the sample's 178 answers and prose), so each save writes a real-sized file."""
    doc = json.loads(FIXTURE.read_text(encoding="utf-8"))
    with SessionStore().create() as s:
        sid = s.id
    path = gkassist_home / "sessions" / f"{sid}.json"
    path.write_text(json.dumps({**doc, "id": sid}, ensure_ascii=False), encoding="utf-8")
    return sid


def test_kill_9_in_a_save_loop_never_breaks_the_session(gkassist_home):
    sid = _sample_session(gkassist_home)
    rng = random.Random()
    expected = load_session(sid).answers[FIELD]
    full = load_session(sid).progress()
    saves = torn = 0
    for kill in range(KILLS):
        proc = _start(SAVER, sid, FIELD)
        # the child is in its loop now; kill it somewhere in the next 0–60 ms
        if rng.random() < 0.8:
            time.sleep(rng.uniform(0, 0.06))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert proc.returncode == -signal.SIGKILL, proc.stderr.read().decode(errors="replace")
        reported = proc.stdout.read().split()
        last = int(reported[-1]) if reported else expected
        saves += len(reported)

        stored = load_session(sid)  # must load: never a broken document
        value = stored.answers[FIELD]
        # at most the change being written is lost; nothing is ever older
        assert value in (last, last + 1), f"kill {kill}: reported {last}, stored {value}"
        assert stored.progress() == full  # the rest of the report is intact
        expected = value
        # a temp file left behind means this kill landed in the middle of a write
        torn += len(list((gkassist_home / "sessions").glob(f".{sid}.json.*.tmp")))

    print(f"{KILLS} kills, {saves} saves reported, {torn} temp files left by kills mid-write")
    assert saves > KILLS, "the children hardly saved: the kills did not land in the save loop"
    # the next editor gets the lock at once and tidies temp files left by the kills
    with SessionStore().open(sid) as s:
        assert s.answers[FIELD] == expected
        s.set_answer(FIELD, expected + 1)
    assert not list((gkassist_home / "sessions").glob(".*.tmp"))
    history = [h for h in load_session(sid).history if h["field"] == FIELD]
    assert history[-1]["new"] == expected + 1


def test_a_lock_held_by_a_killed_process_does_not_block(gkassist_home):
    with SessionStore().create({"meta.agency": "测试局"}) as s:
        sid = s.id
    holder = _start(HOLDER, sid)
    try:
        with pytest.raises(SessionError) as err:
            SessionStore().open(sid)
        assert f"进程 {holder.pid}" in err.value.message
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    # the kernel released the dead process's lock: no waiting, no manual clean-up
    with SessionStore().open(sid) as again:
        again.set_answer(FIELD, 1)
    assert load_session(sid).answers[FIELD] == 1
