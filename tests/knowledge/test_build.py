"""``chirpy knowledge build``: JSONL and wikimedia/wikipedia parquet in, one store out, written
atomically; a bad input is one ``error:`` line naming the file and row."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from knowledge.builder import build_store
from knowledge.errors import KnowledgeInputError
from knowledge.sources import input_files, read_sources
from knowledge.store import KnowledgeStore


def build(path: Path, out: Path, fmt: str = "auto"):
    return build_store(read_sources(input_files(path, fmt)), out)


def test_jsonl_builds_a_store_with_descriptions_facts_topics_and_aliases(tmp_path: Path, entities, write_jsonl) -> None:
    report = build(write_jsonl(tmp_path / "in.jsonl", entities), tmp_path / "out")
    assert report.entities == len(entities) and report.path == tmp_path / "out" / "knowledge.db"
    store = KnowledgeStore(tmp_path / "out")
    quintet = store.get("the-zorblat-quintet")
    assert quintet.description == "The Zorblat Quintet is a jazz band from the town of Quellmoor."
    assert "They recorded their first album in a lighthouse." in quintet.facts
    assert quintet.topic == "music" and not quintet.generic
    assert store.get("mercury-planet").title == "Mercury"  # "(planet)" is for telling them apart, not for saying
    assert {hit.id for hit in store.names(["zorblats"])} == {"the-zorblat-quintet"}
    assert [e.id for e in store.search([["lighthouse"]])] == ["the-zorblat-quintet"]
    assert list((tmp_path / "out").iterdir()) == [tmp_path / "out" / "knowledge.db"]  # no temp file left behind


def test_wikipedia_parquet_keeps_the_lead_and_takes_aliases_from_redirects(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = {
        "id": ["12", "13", "14"],
        "url": ["https://example.org/wiki/Zibber_Lake", "https://example.org/wiki/Nordic_Snail_League",
                "https://example.org/wiki/List_of_snails"],
        "title": ["Zibber Lake", "Nordic Snail League", "List of snails"],
        "text": [
            "Zibber Lake (Old Norse: Zibbervatn) is a lake in the north of Quellmoor.[1] It freezes over every "
            "November. Fishermen cut holes in the ice to catch trout.\n\nHistory\n\nThe lake was drained in 1850 "
            "and flooded again in 1851.",
            "The Nordic Snail League (NSL) is a racing league for garden snails. Its season opens in May.",
            "This is a list of snails that have raced.",
        ],
        "redirects": [["Lake Zibber", "Zibbervatn"], [], []],
    }
    path = tmp_path / "wiki.parquet"
    pq.write_table(pa.table(rows), path, row_group_size=2)  # two row groups: streamed one at a time
    report = build(path, tmp_path / "out")
    assert report.entities == 2  # the list page is skipped
    store = KnowledgeStore(tmp_path / "out")
    lake = store.get("zibber-lake")
    assert lake.description == "Zibber Lake is a lake in the north of Quellmoor."  # aside and citation gone
    assert lake.facts == ("It freezes over every November.", "Fishermen cut holes in the ice to catch trout.")
    assert lake.topic == "travel"  # guessed from "is a lake"
    assert {h.id for h in store.names(["lake zibber", "zibbervatn"])} == {"zibber-lake"}
    league = store.get("nordic-snail-league")
    assert league.topic == "sports" and {h.id for h in store.names(["nsl"])} == {"nordic-snail-league"}


@pytest.mark.parametrize("content, expected", [
    ('{"title": "A", "text": "A is a thing that exists."}\n{not json}\n', r"in\.jsonl:2: not valid JSON"),
    ('{"title": "A", "text": "A is a thing that exists."}\n{"text": "no title here"}\n', r"in\.jsonl:2: \"title\" must be"),
    ('{"title": "A", "text": "A is a thing.", "aliases": "B"}\n', r"in\.jsonl:1: \"aliases\" must be a list"),
    ('["just", "a", "list"]\n', r"in\.jsonl:1: expected an object"),
])
def test_malformed_jsonl_names_the_file_and_row(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(KnowledgeInputError, match=expected):
        build(path, tmp_path / "out")


def test_a_failed_build_leaves_the_old_store_whole(tmp_path: Path, entities, write_jsonl) -> None:
    out = tmp_path / "out"
    build(write_jsonl(tmp_path / "good.jsonl", entities[:2]), out)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(entities[2]) + "\n" + "{broken\n", encoding="utf-8")
    with pytest.raises(KnowledgeInputError):
        build(bad, out)
    assert sorted(p.name for p in out.iterdir()) == ["knowledge.db"]
    assert KnowledgeStore(out).get("max-verstappen") is not None and KnowledgeStore(out).get("mercury-planet") is None


def test_parquet_without_a_text_column_is_one_clear_error(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "bad.parquet"
    pq.write_table(pa.table({"id": ["1"], "title": ["X"]}), path)
    with pytest.raises(KnowledgeInputError, match=r"bad\.parquet: no 'text' column"):
        build(path, tmp_path / "out")
    not_parquet = tmp_path / "fake.parquet"
    not_parquet.write_text("hello", encoding="utf-8")
    with pytest.raises(KnowledgeInputError, match=r"fake\.parquet: not a"):
        build(not_parquet, tmp_path / "out")


def test_the_cli_builds_and_reports_bad_input_in_one_line(tmp_path: Path, entities, write_jsonl) -> None:
    runner = CliRunner()
    source = write_jsonl(tmp_path / "in.jsonl", entities)
    done = runner.invoke(cli, ["knowledge", "build", str(source), "--out", str(tmp_path / "out"), "--no-progress"])
    assert done.exit_code == 0, done.output
    assert f"{len(entities)} entities" in done.output
    missing = runner.invoke(cli, ["knowledge", "build", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "o2")])
    assert missing.exit_code == 2
    lines = [line for line in missing.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and "nope.jsonl" in lines[0]
    linked = runner.invoke(cli, ["knowledge", "link", "i love the zorblats", "--knowledge", str(tmp_path / "out")])
    assert linked.exit_code == 0 and "The Zorblat Quintet" in linked.output and "lighthouse" in linked.output


def test_a_large_input_is_shaped_in_worker_processes_with_the_same_result(tmp_path: Path, entities, write_jsonl,
                                                                          monkeypatch) -> None:
    import knowledge.builder as builder

    source = write_jsonl(tmp_path / "in.jsonl", entities)
    single = build(source, tmp_path / "single")
    monkeypatch.setattr(builder, "BATCH", 2)  # several batches: the worker pool takes over
    monkeypatch.setattr(builder, "WORKERS", 2)
    pooled = build(source, tmp_path / "pooled")
    assert (pooled.entities, pooled.names) == (single.entities, single.names)
    a, b = KnowledgeStore(tmp_path / "single"), KnowledgeStore(tmp_path / "pooled")
    assert all(a.get(e) == b.get(e) for e in ("the-zorblat-quintet", "mercury-band", "friends"))
    bad = tmp_path / "bad.jsonl"
    bad.write_text("".join(json.dumps(e) + "\n" for e in entities[:4]) + "{oops\n", encoding="utf-8")
    with pytest.raises(KnowledgeInputError, match=r"bad\.jsonl:5: not valid JSON"):
        build(bad, tmp_path / "bad-out")  # the worker's error names the row, and reaches the caller


def test_replay_uses_the_store_given_with_knowledge(tmp_path: Path, store_dir: Path) -> None:
    import sqlite3

    recording = tmp_path / "chat.jsonl"
    recording.write_text(json.dumps(["my name is sam", "i have been listening to the zorblat quintet all week"]) + "\n",
                         encoding="utf-8")
    db = tmp_path / "log.db"
    done = CliRunner().invoke(cli, ["replay", str(recording), "--db", str(db), "--knowledge", str(store_dir),
                                    "--no-progress"])
    assert done.exit_code == 0, done.output
    said = [row[0] for row in sqlite3.connect(db).execute("SELECT bot_text FROM turns ORDER BY turn_index")]
    assert any("Quellmoor" in text or "lighthouse" in text or "kazoo" in text or "1987" in text for text in said), said
