"""``--db`` takes an SQLite path or a postgresql:// URL; anything else, or a dead database, is one line."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from chirpy.store import StoreError, StoreUnavailable, open_log, parse_location


def _dead_port() -> int:
    with socket.socket() as sock:  # bound, never listening: connections are refused at once
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_locations_are_parsed_by_scheme() -> None:
    assert parse_location("logs/chat.db").backend == "sqlite"
    assert parse_location("sqlite:///var/lib/chirpy/log.db").target == "/var/lib/chirpy/log.db"
    url = parse_location("postgresql://chirpy:s3cret@db.internal:5432/chirpy")
    assert url.backend == "postgresql" and "s3cret" not in url.display and "s3cret" in url.target
    with pytest.raises(StoreError, match="unknown log location scheme mysql://"):
        parse_location("mysql://root@localhost/chirpy")


@pytest.fixture
def empty_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    return cwd


@pytest.mark.parametrize("command", [["eval", "--no-progress"], ["replay", "INPUT", "--no-progress"],
                                     ["train", "dissatisfaction"]])
def test_a_dead_postgresql_is_one_line_and_never_a_folder(command: list[str], empty_cwd: Path) -> None:
    utterances = empty_cwd.parent / "in.txt"
    utterances.write_text("hello\n")
    url = f"postgresql://chirpy:s3cret@127.0.0.1:{_dead_port()}/chirpy"
    result = CliRunner().invoke(cli, [*[str(utterances) if c == "INPUT" else c for c in command], "--db", url])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error: cannot connect to the PostgreSQL log at postgresql://chirpy:***@")
    assert result.output.count("\n") == 1 and "s3cret" not in result.output
    assert os.listdir(empty_cwd) == []  # nothing named postgresql: (or anything else) was created


def test_an_unknown_scheme_is_one_line(empty_cwd: Path) -> None:
    result = CliRunner().invoke(cli, ["eval", "--db", "mysql://root@localhost/chirpy", "--no-progress"])
    assert result.exit_code == 2
    assert result.output == ("error: unknown log location scheme mysql:// in 'mysql://root@localhost/chirpy': "
                             "use an SQLite file path or a postgresql:// URL\n")
    assert os.listdir(empty_cwd) == []


def test_a_dead_postgresql_at_start_up_is_store_unavailable() -> None:
    with pytest.raises(StoreUnavailable, match="cannot connect to the PostgreSQL log"):
        open_log(f"postgresql://postgres@127.0.0.1:{_dead_port()}/chirpy")


def test_a_configured_store_must_match_the_location(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match='set \\[bot\\] store = "auto"'):
        open_log("postgresql://localhost/chirpy", store="sqlite")
    with pytest.raises(StoreError, match="unknown store 'cassandra'"):
        open_log(tmp_path / "log.db", store="cassandra")
