"""The print-and-post folder: a letter is visible whole or not at all — to a reader polling the
folder while letters are written, and after the writing process is killed mid-way — and a
retried post never posts twice, even after the provider collected the first."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from letters.outbox import FolderOutbox, PostedLetter, write_atomically
from settings import Environment
from tests.support import make_settings

BIG = 4 * 1024 * 1024  # large enough that a plain write would be seen half-done


def content(key: str, size: int = BIG) -> bytes:
    """Recognisable bytes: the key repeated, so a truncated file cannot pass for a whole one."""
    unit = (key + "|").encode()
    return (unit * (size // len(unit) + 1))[:size]


def test_a_reader_never_sees_half_a_letter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The folder read at each step of every write (each flush to disk, each rename) — the
    moments a provider collecting concurrently could look — shows whole letters only, and the
    letter being written not at all until its rename."""
    outbox = FolderOutbox(tmp_path, readable_copies=False)
    keys = [f"letter-{n}" for n in range(12)]
    looks: list[str] = []
    bad: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def look(moment: str) -> None:
        looks.append(moment)
        for path in tmp_path.glob("*.pdf"):
            data = path.read_bytes()
            if data != content(path.stem):
                bad.append(f"{moment}: {path.name} has {len(data)} bytes")

    def fsync(descriptor: int) -> None:
        look("flush")
        real_fsync(descriptor)

    def replace(source: str | Path, target: str | Path) -> None:
        target = Path(target)
        look("rename")
        if target.suffix == ".pdf" and target.exists():
            bad.append(f"{target.name} visible before its rename")
        real_replace(source, target)
        look("renamed")

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    for key in keys:
        before = len(looks)
        assert outbox.post(PostedLetter(key, content(key), readable=""))
        assert "flush" in looks[before:] and "rename" in looks[before:], key
    assert bad == []
    assert sorted(p.stem for p in tmp_path.glob("*.pdf")) == sorted(keys)
    assert not list(tmp_path.glob(".*.part"))  # no temporary file left behind


WRITER = """
import sys
from pathlib import Path
from letters.outbox import write_atomically
from tests.unit.test_letter_outbox import content
folder = Path(sys.argv[1])
print("ready", flush=True)
n = 0
while True:
    write_atomically(folder / f"letter-{n}.pdf", content(f"letter-{n}", 16 * 1024 * 1024))
    n += 1
"""


def test_a_killed_writer_leaves_no_partial_letter(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    writer = subprocess.Popen(  # noqa: S603  (this interpreter, a fixed script)
        [sys.executable, "-c", WRITER, str(tmp_path)],
        cwd=root,
        stdout=subprocess.PIPE,
        env=os.environ | {"PYTHONPATH": str(root)},
    )
    assert writer.stdout is not None and writer.stdout.readline().strip() == b"ready"
    # Kill it while a temporary file is being filled (it exists and is not yet complete).
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        parts = list(tmp_path.glob(".*.part"))
        if parts and parts[0].stat().st_size < 16 * 1024 * 1024:
            break
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    assert list(tmp_path.glob(".*.part")), "the writer was not caught mid-write"
    for path in tmp_path.glob("*.pdf"):  # every visible letter is whole
        assert path.read_bytes() == content(path.stem, 16 * 1024 * 1024), path.name


def test_a_failed_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(_: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError):
        write_atomically(tmp_path / "letter.pdf", b"%PDF-")
    assert list(tmp_path.iterdir()) == []


def test_posting_is_idempotent_even_after_collection(tmp_path: Path) -> None:
    outbox = FolderOutbox(tmp_path, readable_copies=False)
    letter = PostedLetter("adhesion-abc-1", b"%PDF-1", readable="code")
    assert outbox.post(letter) is True
    assert outbox.post(letter) is False  # a retried activity: still one letter
    (tmp_path / "adhesion-abc-1.pdf").unlink()  # the provider collected it
    assert outbox.post(letter) is False
    assert not (tmp_path / "adhesion-abc-1.pdf").exists()
    assert outbox.post(PostedLetter("adhesion-abc-2", b"%PDF-2", readable="")) is True
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == ["adhesion-abc-2.pdf"]
    with pytest.raises(ValueError):
        outbox.post(PostedLetter("../escape", b"", readable=""))


def test_development_keeps_a_readable_copy_production_spools_pdfs_only(tmp_path: Path) -> None:
    development = FolderOutbox.from_settings(
        make_settings(tmp_path, 1025, app_env=Environment.DEVELOPMENT)
    )
    assert development.folder == tmp_path / "courrier"
    development.post(PostedLetter("k1", b"%PDF-", readable="Code : aB3dE5fG7hJl"))
    assert (tmp_path / "courrier" / "k1.txt").read_text() == "Code : aB3dE5fG7hJl"
    spool = tmp_path / "spool"
    production = FolderOutbox.from_settings(make_settings(tmp_path, 1025, letter_outbox_dir=spool))
    assert production.folder == spool
    production.post(PostedLetter("k1", b"%PDF-", readable="Code : aB3dE5fG7hJl"))
    assert sorted(p.name for p in spool.iterdir() if not p.name.startswith(".")) == ["k1.pdf"]
