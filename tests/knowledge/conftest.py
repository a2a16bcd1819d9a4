"""Fixtures for the knowledge store: a small store the tests write themselves (never the dev data),
and a bot that uses it, so every assertion is about entities the test controls."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest

from chirpy.bot import Bot
from chirpy.config import Config
from knowledge.builder import build_store
from knowledge.service import open_knowledge
from knowledge.sources import input_files, read_sources

ENTITIES: list[dict[str, Any]] = [
    {"title": "The Zorblat Quintet", "topic": "music", "popularity": 50, "aliases": ["Zorblats"],
     "text": "The Zorblat Quintet is a jazz band from the town of Quellmoor. They recorded their first album in a "
             "lighthouse. Every member of the band plays the kazoo on stage. The band formed in 1987 at a village fair."},
    {"title": "Max Verstappen", "topic": "sports", "popularity": 70,
     "text": "Max Verstappen is a Dutch racing driver. He won his first world championship in 2021. "
             "He was seventeen when he first raced in Formula One."},
    {"title": "Mercury (planet)", "topic": "science", "popularity": 60,
     "text": "Mercury is the smallest planet in the Solar System. A year on Mercury lasts 88 Earth days."},
    {"title": "Mercury (band)", "topic": "music", "popularity": 20,
     "text": "Mercury is a rock band from the city of Brellin. Their drummer built his own drum kit from pots."},
    {"title": "Honey bee", "topic": "animals", "popularity": 40, "aliases": ["bee", "bees"], "generic": True,
     "text": "Honey bees are insects that live in colonies and make honey. Bees tell each other where flowers "
             "are with a waggle dance. A colony usually has one queen."},
    {"title": "Quorble Cup", "topic": "sports", "popularity": 45, "aliases": ["the quorble cup"],
     "text": "The Quorble Cup is a snail racing tournament held every four years. Snailtown won the 2018 Quorble Cup "
             "in Brellin, beating Slowford in the final. The first Quorble Cup was held in 1930."},
    {"title": "Grand Snail League", "topic": "sports", "popularity": 55, "aliases": ["GSL"],
     "text": "The Grand Snail League is the top professional snail racing league. It has twelve teams. "
             "Its races were first shown on television in 1994. A racing snail is retired after four seasons."},
    {"title": "Ada Spanner", "topic": "sports", "popularity": 55, "aliases": ["Spanner"],
     "text": "Ada Spanner is a champion snail jockey from Brellin. She rode the winning snail in three Quorble Cups."},
    {"title": "Friends", "topic": "tv", "popularity": 60,
     "text": "Friends is an American sitcom about six friends in New York. It ran for ten seasons."},
]


def write_jsonl(path: Path, items: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(item) + "\n" for item in items), encoding="utf-8")
    return path


@pytest.fixture
def entities() -> list[dict[str, Any]]:
    return [dict(item) for item in ENTITIES]


@pytest.fixture(name="write_jsonl")
def write_jsonl_fixture() -> Any:
    return write_jsonl


@pytest.fixture(scope="session")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("knowledge")
    source = write_jsonl(root / "entities.jsonl", ENTITIES)
    build_store(read_sources(input_files(source)), root / "store")
    return root / "store"


@pytest.fixture(scope="session")
def knowledge(store_dir: Path) -> Any:
    return open_knowledge({"path": str(store_dir)})


def knowledge_config(db: Path, store: Path | str, **knowledge: Any) -> Config:
    """The scripted default bot (no neural, no initiative shaper: what a test sees is what was chosen)."""
    order = [n for n in Config.from_dict({}).responder_order if n not in ("neural", "offense")]
    return Config.from_dict({
        "bot": {"db": str(db), "seed": 5, "deadline_seconds": 5.0},
        "pipeline": {"annotators": ["entity_linker"], "filters": ["no_repeat", "safety"], "shapers": []},
        "responders": {"order": order, **({"knowledge": knowledge} if knowledge else {})},
        "knowledge": {"path": str(store)},
    })


@pytest.fixture(scope="session")
def knowledge_bot(tmp_path_factory: pytest.TempPathFactory, store_dir: Path) -> Iterator[Bot]:
    bot = Bot(knowledge_config(tmp_path_factory.mktemp("kbot") / "log.db", store_dir))
    yield bot
    bot.close()


@pytest.fixture
def make_knowledge_bot(tmp_path: Path) -> Iterator[Any]:
    bots: list[Bot] = []

    def factory(store: Path | str, **knowledge: Any) -> Bot:
        bot = Bot(knowledge_config(tmp_path / f"log{len(bots)}.db", store, **knowledge))
        bots.append(bot)
        return bot

    yield factory
    for bot in bots:
        bot.close()
