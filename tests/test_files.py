"""The one atomic writer (sessions, exports, rendered reports) and the crash-log helper."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from gkassist import cli, files

posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes and devices are POSIX")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_write_replaces_the_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "报告.txt"
    target.write_bytes(b"old")
    files.atomic_write(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["报告.txt"]


def test_parents_are_made_only_when_asked(tmp_path):
    target = tmp_path / "a" / "b" / "r.md"
    with pytest.raises(FileNotFoundError):
        files.atomic_write(target, b"x")
    files.atomic_write(target, b"x", parents=True)
    assert target.read_bytes() == b"x"


def test_a_failed_rename_keeps_the_old_file_and_removes_the_temp(tmp_path, monkeypatch):
    target = tmp_path / "s.json"
    target.write_bytes(b"old")

    def disk_full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", disk_full)
    with pytest.raises(OSError):
        files.atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["s.json"]


@posix_only
def test_a_new_file_gets_the_umask_mode_and_a_replaced_one_keeps_its_own(tmp_path):
    old_umask = os.umask(0o022)
    try:
        new = tmp_path / "new.txt"
        files.atomic_write(new, b"x")
        assert mode(new) == 0o644  # not mkstemp's 0600
        kept = tmp_path / "kept.json"
        kept.write_bytes(b"x")
        kept.chmod(0o640)
        files.atomic_write(kept, b"y")
        assert mode(kept) == 0o640
    finally:
        os.umask(old_umask)


@posix_only
def test_a_device_is_written_to_never_replaced(tmp_path):
    before = os.stat(os.devnull)
    files.atomic_write(Path(os.devnull), b"a report nobody keeps")
    after = os.stat(os.devnull)
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


def test_stale_temps_of_one_file_are_removed_and_nothing_else(tmp_path):
    target = tmp_path / "k7f3q2ab.json"
    target.write_bytes(b"{}")
    stale = tmp_path / ".k7f3q2ab.json.1a2b3c4d.tmp"
    other = tmp_path / ".m2n3p4q5.json.1a2b3c4d.tmp"
    stale.write_bytes(b"half")
    (tmp_path / "..k7f3q2ab.json.journal.5e6f7a8b.tmp").write_bytes(b"half")  # a journal's own temp
    other.write_bytes(b"half")
    files.remove_stale_temps(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == [other.name, target.name]


@posix_only
@pytest.mark.parametrize("kind", ["symlink", "hard link"])
def test_a_linked_file_is_written_through_keeps_its_mode_and_stays_linked(tmp_path, kind):
    real = tmp_path / "a.json"
    real.write_bytes(b"old content, longer than the new")
    real.chmod(0o640)
    link = tmp_path / "b.json"
    if kind == "symlink":
        link.symlink_to(real.name)
    else:
        os.link(real, link)
    files.atomic_write(link, b"new")
    assert real.read_bytes() == link.read_bytes() == b"new" and mode(real) == 0o640
    assert link.is_symlink() == (kind == "symlink") and os.path.samefile(real, link)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.json"]  # no temp, no journal


@posix_only
def test_an_in_place_rewrite_cut_short_is_read_from_its_journal_and_finished(tmp_path, monkeypatch):
    first = tmp_path / "a.json"
    first.write_bytes(b"old")
    os.link(first, tmp_path / "b.json")

    def killed(path, data):  # the process dies half way through the copy over the file
        path.write_bytes(data[:2])
        raise KeyboardInterrupt

    with monkeypatch.context() as m, pytest.raises(KeyboardInterrupt):
        m.setattr(files, "_write_in_place", killed)
        files.atomic_write(first, b"new content")
    assert first.read_bytes() == b"ne"  # torn
    assert files.read_current(first) == b"new content"  # the journal is beside the name written
    files.recover(first)
    assert first.read_bytes() == (tmp_path / "b.json").read_bytes() == b"new content"
    assert not files.journal_path(first).exists()
    assert files.read_current(first) == b"new content"


def _raise(message: str) -> BaseException:
    try:
        raise RuntimeError(message)
    except RuntimeError as err:
        return err


def test_crash_logs_in_the_same_second_keep_both_tracebacks(gkassist_home):
    first = files.log_crash(_raise("first bug"))
    second = files.log_crash(_raise("second bug"), kind="check-error", context="r01.txt")
    assert first and second and first != second
    assert first.parent == second.parent == gkassist_home / "logs"
    assert first.name.startswith("error-") and second.name.startswith("check-error-")
    assert "RuntimeError: first bug" in first.read_text(encoding="utf-8")
    text = second.read_text(encoding="utf-8")
    assert text.startswith("r01.txt\n") and "RuntimeError: second bug" in text


def test_a_log_that_cannot_be_written_is_none(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("GKASSIST_HOME", str(blocker / "home"))
    assert files.log_crash(_raise("bug")) is None


def test_two_internal_errors_of_the_command_leave_two_logs(gkassist_home, monkeypatch, capsys):
    def bug(argv):  # noqa: ANN001
        raise RuntimeError("a bug in a command")

    monkeypatch.setattr(cli, "build_parser", lambda: SimpleNamespace(parse_args=bug))
    assert cli.main(["sessions"]) == cli.EXIT_INTERNAL
    assert cli.main(["sessions"]) == cli.EXIT_INTERNAL
    err = capsys.readouterr().err
    assert "Traceback" not in err
    logs = sorted((gkassist_home / "logs").glob("error-*.log"))
    assert len(logs) == 2
    assert all(str(log) in err for log in logs)
    assert all("a bug in a command" in log.read_text(encoding="utf-8") for log in logs)


def test_the_interview_app_logs_through_the_same_helper(gkassist_home):
    from gkassist.ui.app import _log_crash

    log = Path(_log_crash(_raise("a bug in a screen")))
    assert log.parent == gkassist_home / "logs" and "a bug in a screen" in log.read_text(encoding="utf-8")


if sys.platform == "win32":  # pragma: no cover - the writer's POSIX half is what these tests cover
    pytestmark = pytest.mark.skip("POSIX file semantics")
