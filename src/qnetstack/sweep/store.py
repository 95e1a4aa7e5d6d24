"""The results file of a sweep: one JSON line per finished point, appended as it finishes.

Why this survives interruption:

* only the parent process writes, one whole line (``json + "\\n"``) with one ``write`` on a
  file opened in append mode, followed by ``fsync``; a line is either complete on disk or it is
  the file's last, torn line;
* :meth:`ResultsStore.open` repairs a torn last line (left by a kill or a crash mid-write): a
  tail that is a complete JSON object only lacks its newline and gets it; anything else is cut
  off, and that point simply runs again;
* the file is locked (``flock``) while a sweep appends, so two sweeps cannot interleave lines in
  one file; a second sweep on the same file is refused with a clear message;
* a rerun reads the keys already present and skips those points, so nothing finished is lost
  and nothing is repeated.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

__all__ = ["ResultsStore", "StoreError", "read_lines"]

try:  # POSIX; elsewhere the file is not locked
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


class StoreError(Exception):
    """The results file cannot be used; the message says why."""


def _parse(raw: bytes) -> dict[str, Any] | None:
    """A line as a point record, or ``None`` when it is not one."""
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) and isinstance(value.get("key"), str) else None


def read_lines(path: Path) -> tuple[list[dict[str, Any]], int]:
    """Read a results file without changing it.

    Returns:
        ``(records, skipped)``: the complete point records in file order, and how many lines
        were not records (a torn last line, or damage).

    Raises:
        StoreError: The file cannot be read.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise StoreError(f"{path}: cannot read: {exc.strerror or exc}") from None
    records: list[dict[str, Any]] = []
    skipped = 0
    for raw in data.splitlines():
        if not raw.strip():
            continue
        record = _parse(raw)
        if record is None:
            skipped += 1
        else:
            records.append(record)
    return records, skipped


class ResultsStore:
    """An open results file: what it holds, and an atomic :meth:`append`.

    Use :meth:`open`, and :meth:`close` (or ``with``) when done.

    Attributes:
        path: The file.
        records: Point records found when it was opened, in file order.
        keys: Keys of every point recorded so far (including those appended since).
        repaired: What was done to a torn last line: ``None``, ``"completed"`` or ``"dropped"``.
        damaged: Lines (other than the last) that are not point records; they are kept.
    """

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd
        self.records: list[dict[str, Any]] = []
        self.keys: set[str] = set()
        self.repaired: str | None = None
        self.damaged = 0

    @classmethod
    def open(cls, path: Path) -> ResultsStore:
        """Open (creating it if needed), lock, repair and read ``path``.

        Raises:
            StoreError: The directory does not exist, the file cannot be opened, or another
                sweep holds it.
        """
        if not path.parent.is_dir():
            raise StoreError(f"{path}: directory {path.parent} does not exist")
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        except OSError as exc:
            raise StoreError(f"{path}: cannot open: {exc.strerror or exc}") from None
        store = cls(path, fd)
        try:
            store._lock()
            store._load()
        except BaseException:
            store.close()
            raise
        return store

    def _lock(self) -> None:
        if fcntl is None or self._fd is None:  # pragma: no cover - Windows
            return
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise StoreError(
                f"{self.path}: another sweep is writing to this file; wait for it, or use "
                "another --out"
            ) from None

    def _load(self) -> None:
        assert self._fd is not None
        size = os.fstat(self._fd).st_size
        data = os.pread(self._fd, size, 0) if size else b""
        cut = data.rfind(b"\n") + 1  # 0 when there is no newline at all
        complete, tail = data[:cut], data[cut:]
        if tail.strip():
            if _parse(tail) is not None:  # whole record, only its newline is missing
                self._write(b"\n")
                complete += tail
                self.repaired = "completed"
            else:
                os.ftruncate(self._fd, cut)
                self.repaired = "dropped"
        for raw in complete.splitlines():
            if not raw.strip():
                continue
            record = _parse(raw)
            if record is None:
                self.damaged += 1
                continue
            self.records.append(record)
            self.keys.add(record["key"])

    def append(self, record: dict[str, Any]) -> None:
        """Write one record as one line, then ``fsync``; its key counts as done from now on."""
        line = json.dumps(record, ensure_ascii=False) + "\n"
        self._write(line.encode("utf-8"))
        self.keys.add(record["key"])

    def _write(self, data: bytes) -> None:
        if self._fd is None:
            raise StoreError(f"{self.path}: closed")
        view = memoryview(data)
        while view:  # one write on regular files; loop only in case the OS writes less
            written = os.write(self._fd, view)
            view = view[written:]
        os.fsync(self._fd)

    def close(self) -> None:
        """Release the lock and close the file (idempotent)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> ResultsStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
