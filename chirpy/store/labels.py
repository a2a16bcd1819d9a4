"""Labels: people's judgements of logged turns (``chirpy review`` writes them, ``chirpy eval`` reads them).

Kept beside the log rather than in a file of their own so an erasure (``forget``), an export and an
import carry them with the conversations they judge. A log written before schema version 3 has no
``labels`` table: readers then see no labels, and the first writer that opens it adds the table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Sequence

from chirpy.store.migrations import Cursor
from chirpy.store.records import Label, Row, now

if TYPE_CHECKING:
    from chirpy.store.sql import SQLLogStore

_COLUMNS = ("conversation_id", "turn_index", "kind", "value", "annotator", "created_at")
_SELECT = f"SELECT id, {', '.join(_COLUMNS)} FROM labels"


class LabelMethods:
    """The label half of the store contract (mixed into ``SQLLogStore``)."""

    def has_labels_table(self: SQLLogStore) -> bool:
        with self.guard("read"), self.reading() as cursor:
            return "labels" in self.table_names(cursor)

    def add_label(self: SQLLogStore, label: Label) -> tuple[Label, bool]:
        """Store a label; returns it with its id and stamp, and whether it is new (the same person giving
        the same value to the same turn twice keeps the first)."""
        self._writable()
        stamp = label.created_at or now()
        values = (label.conversation_id, label.turn_index, label.kind, label.value, label.annotator, stamp)
        with self.guard(f"label turn {label.turn_index} of conversation {label.conversation_id}"), \
                self.transaction() as cursor:
            cursor.execute(f"INSERT INTO labels ({', '.join(_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?) "
                           "ON CONFLICT (conversation_id, turn_index, kind, value, annotator) DO NOTHING", values)
            created = cursor.rowcount == 1
            cursor.execute(f"{_SELECT} WHERE conversation_id = ? AND turn_index = ? AND kind = ? AND value = ? "
                           "AND annotator = ?", values[:5])
            return _label(cursor.fetchone()), created

    def labels(self: SQLLogStore, conversation_id: str | None = None) -> list[Label]:
        """Every label (or one conversation's), by conversation, turn and time of labelling."""
        where, params = ("WHERE conversation_id = ? ", (conversation_id,)) if conversation_id is not None else ("", ())
        with self.guard("read labels"), self.reading() as cursor:
            if "labels" not in self.table_names(cursor):
                return []
            cursor.execute(f"{_SELECT} {where}ORDER BY conversation_id, turn_index, id", params)
            return [_label(row) for row in cursor.fetchall()]

    def label(self: SQLLogStore, label_id: int) -> Label | None:
        with self.guard("read labels"), self.reading() as cursor:
            if "labels" not in self.table_names(cursor):
                return None
            cursor.execute(f"{_SELECT} WHERE id = ?", (label_id,))
            row = cursor.fetchone()
            return _label(row) if row else None

    def labelled_conversation_ids(self: SQLLogStore) -> set[str]:
        with self.guard("read labels"), self.reading() as cursor:
            if "labels" not in self.table_names(cursor):
                return set()
            cursor.execute("SELECT DISTINCT conversation_id FROM labels")
            return {row[0] for row in cursor.fetchall()}

    def delete_label(self: SQLLogStore, label_id: int) -> bool:
        """Remove one label; False when there is no such label."""
        self._writable()
        with self.guard(f"delete label {label_id}"), self.transaction() as cursor:
            cursor.execute("DELETE FROM labels WHERE id = ?", (label_id,))
            return cursor.rowcount == 1

    def _label_rows(self: SQLLogStore, cursor: Cursor, conversation_id: str) -> list[Row]:
        """One conversation's labels as export rows (no ids: they are the receiving log's to assign)."""
        if "labels" not in self.table_names(cursor):
            return []
        cursor.execute(f"SELECT {', '.join(_COLUMNS)} FROM labels WHERE conversation_id = ? ORDER BY turn_index, id",
                       (conversation_id,))
        return [dict(zip(_COLUMNS, row)) for row in cursor.fetchall()]

    @staticmethod
    def _insert_labels(cursor: Cursor, conversation_id: str, rows: Iterable[Row]) -> None:
        for row in rows:
            values = [conversation_id if c == "conversation_id" else row.get(c) for c in _COLUMNS]
            cursor.execute(f"INSERT INTO labels ({', '.join(_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?) "
                           "ON CONFLICT (conversation_id, turn_index, kind, value, annotator) DO NOTHING", values)


def _label(row: Sequence[Any]) -> Label:
    label_id, cid, turn_index, kind, value, annotator, created_at = row
    return Label(cid, int(turn_index), kind, value, annotator, created_at or "", int(label_id))
