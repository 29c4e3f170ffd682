"""The raw reports, kept by content hash beside the database, and a journal of what was loaded.

The database can always be rebuilt from here (`python -m etl rebuild`): the journal replays every
load in order, with the same choice of current version, from the archived bytes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


class Archive:
    """data/budget.archive/ for data/budget.duckdb: <sha256><suffix> files and journal.jsonl."""

    def __init__(self, db: Path) -> None:
        self.root = db.with_name(f"{db.stem}.archive")
        self.journal = self.root / "journal.jsonl"

    def path(self, sha256: str, suffix: str) -> Path:
        return self.root / f"{sha256}{suffix.lower()}"

    def find(self, sha256: str) -> Path | None:
        """The archived file with this hash, whatever its suffix; None when it is not kept."""
        if not self.root.is_dir():
            return None
        for candidate in sorted(self.root.glob(f"{sha256}*")):
            exact = candidate.name == sha256 or candidate.name[len(sha256)] == "."
            if exact and ".tmp-" not in candidate.name:
                return candidate
        return None

    def put(self, data: bytes, sha256: str, suffix: str) -> Path:
        """Store the bytes once (atomically); returns where they are."""
        target = self.path(sha256, suffix)
        if not target.exists():
            self.root.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}")
            tmp.write_bytes(data)
            os.replace(tmp, target)
        return target

    def record(self, entries: list[dict[str, Any]]) -> None:
        """Append journal entries durably; called only after the database swap succeeded."""
        if not entries:
            return
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.journal, "a", encoding="utf-8") as handle:
            for entry in entries:
                handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def entries(self) -> list[dict[str, Any]]:
        """Journal entries in load order; a torn last line (crash mid-append) is skipped."""
        if not self.journal.exists():
            return []
        out = []
        for line in self.journal.read_text(encoding="utf-8").splitlines():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                continue
        return out
