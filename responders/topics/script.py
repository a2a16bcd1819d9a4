"""A topic script: the data one topic responder runs on, loaded and checked once at start-up.

A script (``scripts/<topic>.toml``) names its topic, the words that bring it up, what the bot says
when asked about it, and a sequence of *threads*. A thread is one exchange: the bot asks (``ask``),
reacts to the answer (``entity`` when the user named something, ``yes`` / ``no`` / ``other``), then
shares its own take (``opinion``). See ``scripts/README.md`` for the format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chirpy.content import load_content
from chirpy.errors import ConfigError
from responders.topics.lines import Line, parse_lines

SCRIPTS = Path(__file__).parent / "scripts"
REACTIONS = ("entity", "yes", "no", "other", "opinion")
KNOWN_FROM = ("named", "likes", "favorite", "job", "pet", "family")


@dataclass(frozen=True)
class Thread:
    id: str
    ask: tuple[Line, ...]
    reactions: dict[str, tuple[Line, ...]]  # slot -> lines; missing slots use the shared reactions
    exit_on_no: bool  # a "no" ends the topic (the opener: "do you like sports?" "no")
    answered_by: re.Pattern[str] | None  # the user already answered it ("i have a dog": skip "any pets?")
    # The thread asks for a name (a title, an artist): its entity lines assume one ("people keep
    # recommending that one"), a lowercase "it was dune part two" is read as a title, and the user
    # saying they like a named thing of the topic ("i like taylor swift") answers it.
    named_answer: bool = False
    # What the user may have told already that answers the thread (chirpy.understanding.facts.UserFacts.answers):
    # "named", "likes", "favorite" (of this topic), or a fact kind ("pet", "job", "family"). Skipped then.
    known_from: tuple[str, ...] = ()


@dataclass(frozen=True)
class Script:
    topic: str
    name: str  # how the bot says the topic ("back to {name}")
    keywords: re.Pattern[str]  # the topic comes up
    asks_bot: re.Pattern[str] | None  # the user asks the bot about the topic
    lines: dict[str, tuple[Line, ...]]  # about_me, mention, handoff, resume, chat (optional)
    threads: tuple[Thread, ...]
    path: str

    def mentions(self, lowered: str) -> bool:
        return bool(self.keywords.search(lowered))

    def asked_about(self, lowered: str) -> bool:
        return bool(self.asks_bot and self.asks_bot.search(lowered))


def words_pattern(patterns: list[str], where: str) -> re.Pattern[str]:
    try:
        return re.compile(r"\b(?:" + "|".join(f"(?:{p})" for p in patterns) + r")\b")
    except re.error as exc:
        raise ConfigError(f"{where}: bad pattern: {exc}") from None


def load_script(path: str | Path) -> Script:
    data = load_content(path, SCRIPTS)
    where = str(path)
    try:
        return _parse(data, where)
    except KeyError as exc:
        raise ConfigError(f"topic script {where}: missing {exc}") from None


def _parse(data: dict[str, Any], where: str) -> Script:
    topic = str(data["topic"])
    keywords = data.get("keywords") or []
    if not keywords:
        raise ConfigError(f"topic script {where}: 'keywords' must list at least one pattern")
    lines = {slot: parse_lines(raw, f"{where} [lines] {slot}") for slot, raw in data["lines"].items()}
    for required in ("about_me", "mention", "handoff", "resume"):
        if required not in lines:
            raise ConfigError(f"topic script {where}: [lines] needs '{required}'")
    threads = []
    for i, raw in enumerate(data["threads"]):
        tid = str(raw.get("id", i))
        ask = parse_lines(raw["ask"], f"{where} thread {tid} ask")
        if not all(line.question for line in ask):
            raise ConfigError(f"topic script {where} thread {tid}: every 'ask' line must be a question")
        reactions = {slot: parse_lines(raw[slot], f"{where} thread {tid} {slot}") for slot in REACTIONS if slot in raw}
        answered = words_pattern(raw["answered_by"], f"{where} thread {tid}") if raw.get("answered_by") else None
        known = raw.get("known_from", [])
        if not isinstance(known, list) or not all(k in KNOWN_FROM for k in known):
            raise ConfigError(f"topic script {where} thread {tid}: known_from entries must be among {KNOWN_FROM}")
        threads.append(Thread(tid, ask, reactions, bool(raw.get("exit_on_no", False)), answered,
                              bool(raw.get("named_answer", False)), tuple(known)))
    if not threads:
        raise ConfigError(f"topic script {where}: needs at least one [[threads]]")
    asks_bot = data.get("asks_bot")
    return Script(
        topic=topic,
        name=str(data.get("name", topic)),
        keywords=words_pattern(keywords, where),
        asks_bot=words_pattern(asks_bot, where) if asks_bot else None,
        lines=lines,
        threads=tuple(threads),
        path=where,
    )
