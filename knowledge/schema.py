"""The store's tables. One SQLite file: entities, the names that point at them, and a full-text
index over what they are, for questions that name no entity ("who won the world cup in 2018")."""

from __future__ import annotations

FORMAT_VERSION = 1
STORE_FILE = "knowledge.db"

# Alias kinds, best first: the linker trusts a full title more than a nickname, and a nickname
# more than one word of a longer name ("verstappen" for "Max Verstappen").
TITLE, ALIAS, PARTIAL = 0, 1, 2

CREATE = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE entities (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL,              -- stable public id (slug of the title, or the input's own id)
    title TEXT NOT NULL,           -- as said back to the user
    description TEXT NOT NULL,     -- one sentence: what it is
    facts TEXT NOT NULL,           -- JSON list of further sentences
    topic TEXT,
    popularity REAL NOT NULL,      -- any non-negative scale; the linker uses log(1 + p) / log(1 + max)
    generic INTEGER NOT NULL       -- 1: the title is a common noun ("Dog"), not a name
);
-- Filled unsorted while building, then copied sorted into `aliases` (a clustered index).
CREATE TABLE alias_stage (name TEXT NOT NULL, entity INTEGER NOT NULL, kind INTEGER NOT NULL, common INTEGER NOT NULL);
CREATE VIRTUAL TABLE entity_text USING fts5(title, body, content='', tokenize='unicode61 remove_diacritics 2');
"""

FINISH = """
CREATE UNIQUE INDEX entities_id ON entities(id);
CREATE TABLE aliases (
    name TEXT NOT NULL,            -- a name key (knowledge.text.name_key)
    entity INTEGER NOT NULL,
    kind INTEGER NOT NULL,         -- TITLE, ALIAS or PARTIAL
    common INTEGER NOT NULL,       -- 1: also an everyday word ("up", "friends"): needs more evidence
    PRIMARY KEY (name, entity)
) WITHOUT ROWID;
"""
