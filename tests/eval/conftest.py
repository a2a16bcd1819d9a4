"""Fixtures for eval/replay tests: a bot on a temporary log (blank spaCy: fast, no model needed)
and helpers that write small hand-built logs with the real SQLiteStore."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from chirpy.bot import Bot
from chirpy.config import Config


def bot_config(db: Path, experiments: dict[str, Any] | None = None) -> Config:
    config = Config.from_dict({
        "bot": {"db": str(db), "seed": 3, "deadline_seconds": 2.0, "spacy_model": "blank"},
        "pipeline": {"annotators": [], "filters": ["no_repeat"], "shapers": []},
        "responders": {"order": ["launch", "closing", "simple_topic", "fallback"]},
    })
    config.data["experiments"] = experiments or {}  # only what the test declares
    return config


@pytest.fixture
def make_bot(tmp_path: Path) -> Iterator[Callable[..., Bot]]:
    bots: list[Bot] = []

    def factory(db_name: str = "log.db", experiments: dict[str, Any] | None = None,
                arm_overrides: dict[str, str] | None = None) -> Bot:
        bot = Bot(bot_config(tmp_path / db_name, experiments), arm_overrides=arm_overrides)
        bots.append(bot)
        return bot

    yield factory
    for bot in bots:
        bot.close()


# -- hand-built logs ---------------------------------------------------------------------------------
def user_turn(words: int, *, offensive: bool | None = False, nps: list[str] | None = None,
              dissatisfaction: list[str] | None = None, responder: str = "fallback", bot: str | None = None,
              nll: float | None = None, offense_arm: str | None = None, responds_to: dict[str, Any] | None = None,
              candidates: list[dict[str, Any]] | None = None, runs: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """One turn spec: a user utterance of ``words`` words (plus a '.' token, which must not count)."""
    return {"user_text": " ".join(f"w{i}" for i in range(words)) + ".", "tokens": [f"w{i}" for i in range(words)] + ["."],
            "offensive": offensive, "nps": nps or [], "dissatisfaction": dissatisfaction or [],
            "responder": responder, "bot": bot, "nll": nll, "offense_arm": offense_arm, "responds_to": responds_to,
            "candidates": candidates or [], "runs": runs or []}


def launch_turn(**kwargs: Any) -> dict[str, Any]:
    spec = user_turn(0, responder="launch", offensive=None, **kwargs)
    spec["user_text"] = None
    spec["tokens"] = []
    return spec


def write_log(path: Path, conversations: list[dict[str, Any]], latencies: list[float] | None = None) -> Path:
    """Write conversations (id, arms, end_reason, turns=[specs]) with the real SQLiteStore."""
    from chirpy.state import ConversationState
    from chirpy.store import SQLiteStore, TurnRecord

    store = SQLiteStore(path)
    k = 0
    for conv in conversations:
        turns = conv["turns"]
        for i, spec in enumerate(turns):
            last = i == len(turns) - 1
            state = ConversationState(conversation_id=conv["id"], turn_index=i + 1, arms=conv["arms"],
                                      ended=last and conv.get("end_reason") is not None,
                                      end_reason=conv.get("end_reason") if last else None)
            offense = None if spec["offensive"] is None else {"is_offensive": spec["offensive"], "types": []}
            details: dict[str, Any] = {"response_meta": {}}
            if spec["offense_arm"]:
                details["response_meta"] = {"offense_arm": spec["offense_arm"], "offense_action": "strategy"}
            if spec["nll"] is not None:
                details["initiative"] = {"user_measures": {
                    "tokens": len(spec["tokens"]) - 1, "noun_phrases": len({n.lower() for n in spec["nps"]}),
                    "nll": spec["nll"], "responds_to": spec["responds_to"]}}
            record = TurnRecord(
                conversation_id=conv["id"], turn_index=i, user_text=spec["user_text"],
                bot_text=spec["bot"] or f"bot line {conv['id']} {i}", response_responder=spec["responder"],
                prompt_responder=None, latency_ms=latencies[k] if latencies else 10.0, arms=conv["arms"],
                annotations={"text": spec["user_text"] or "", "tokens": spec["tokens"], "noun_phrases": spec["nps"],
                             "offense": offense, "dissatisfaction": spec["dissatisfaction"], "extra": {}},
                ended=state.ended, details=details, candidates=spec["candidates"], runs=spec["runs"],
            )
            store.save_turn(record, state)
            k += 1
    store.close()
    return path


def candidate(kind: str, responder: str, text: str, chosen: bool = True, scores: dict[str, float] | None = None) -> dict[str, Any]:
    return {"kind": kind, "responder": responder, "text": text, "priority": 3, "rank": 0, "chosen": int(chosen),
            "rejected": None, "needs_prompt": 0, "is_question": int(text.endswith("?")), "scores": scores or {},
            "meta": {}}


def run(responder: str, latency: float, status: str = "ok") -> dict[str, Any]:
    return {"responder": responder, "phase": "response", "status": status, "latency_ms": latency,
            "error": None if status == "ok" else status, "n_candidates": 1}


PETS = "Do you have any pets at home?"
MOVIES = "I really love talking about movies with you"


def fixture_conversations() -> list[dict[str, Any]]:
    """Six conversations whose figures the tests work out by hand (see test_metrics.py)."""
    A0 = {"offense_strategy": "A", "backchannel": "0"}
    B33 = {"offense_strategy": "B", "backchannel": "33"}
    return [
        {"id": "c1", "arms": A0, "end_reason": "user_goodbye", "turns": [
            launch_turn(runs=[run("slow", 100.0), run("fast", 1.0)]),
            user_turn(1, offensive=True, nps=["The cat", "the cat", "dogs"], responder="offense", offense_arm="A",
                      runs=[run("slow", 200.0, "timeout")]),
            user_turn(2, runs=[run("slow", 300.0, "error")]),
            user_turn(3, offensive=True, responder="offense", runs=[run("slow", 400.0)]),
            user_turn(4)]},
        {"id": "c2", "arms": A0, "end_reason": "user_goodbye", "turns": [
            launch_turn(), user_turn(5), user_turn(5, offensive=True, responder="offense"),
            user_turn(5, dissatisfaction=["clarification"], bot=MOVIES), user_turn(5), user_turn(5, bot=MOVIES + " too")]},
        {"id": "c3", "arms": A0, "end_reason": None, "turns": [
            launch_turn(), user_turn(2, offensive=True, responder="offense"),
            user_turn(2, offensive=True, responder="offense")]},
        {"id": "c4", "arms": B33, "end_reason": "replay_input_exhausted", "turns": [
            launch_turn(), user_turn(6, offensive=True, nps=["music"], responder="offense", nll=2.0,
                                     responds_to={"action": "backchannel", "ends_with_question": False}),
            user_turn(6, nll=4.0, responds_to={"action": "none", "ends_with_question": True})]},
        {"id": "c5", "arms": B33, "end_reason": "replay_input_exhausted", "turns": [
            launch_turn(),
            user_turn(1, candidates=[candidate("response", "fallback", "Okay."), candidate("prompt", "simple_topic", PETS)]),
            user_turn(1, responder="simple_topic", candidates=[
                candidate("response", "simple_topic", PETS), candidate("response", "fallback", "Nope.", chosen=False)])]},
        {"id": "c6", "arms": B33, "end_reason": "replay_input_exhausted", "turns": [
            launch_turn(), user_turn(3, offensive=True, responder="offense"), user_turn(3),
            user_turn(3, dissatisfaction=["repetition", "criticism"]), user_turn(3), user_turn(3)]},
    ]


@pytest.fixture
def fixture_log(tmp_path: Path) -> Path:
    return write_log(tmp_path / "fixture.db", fixture_conversations(), latencies=[10.0 * (k + 1) for k in range(26)])


@pytest.fixture
def builders() -> Any:
    """The log-building helpers above, for tests (importlib mode cannot import conftest by name)."""
    from types import SimpleNamespace

    return SimpleNamespace(user_turn=user_turn, launch_turn=launch_turn, write_log=write_log, candidate=candidate,
                           run=run, conversations=fixture_conversations)
