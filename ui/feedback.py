"""Feedback on answers, kept locally in SQLite under CLINQA_HOME; never sent anywhere."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    session TEXT NOT NULL,
    question TEXT NOT NULL,
    standalone_query TEXT NOT NULL,
    answer TEXT NOT NULL,
    cited_chunk_ids TEXT NOT NULL,
    index_version TEXT NOT NULL,
    rating TEXT,
    comment TEXT
)
"""


class FeedbackStore:
    """Appends feedback rows; safe to share between the server's threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        with self._lock:
            self._db.execute(SCHEMA)
            self._db.commit()

    def record(
        self,
        *,
        session: str,
        question: str,
        standalone_query: str,
        answer: str,
        cited_chunk_ids: Sequence[str],
        index_version: str,
        rating: str | None,
        comment: str | None,
    ) -> int:
        """Store one piece of feedback; returns its row id."""
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO feedback (created_at, session, question, standalone_query, answer, cited_chunk_ids,"
                " index_version, rating, comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    session,
                    question,
                    standalone_query,
                    answer,
                    json.dumps(list(cited_chunk_ids)),
                    index_version,
                    rating,
                    (comment or "")[:5000] or None,
                ),
            )
            self._db.commit()
            return int(cursor.lastrowid or 0)

    def rows(self) -> list[dict[str, Any]]:
        with self._lock:
            cursor = self._db.execute("SELECT * FROM feedback ORDER BY id")
            names = [c[0] for c in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
