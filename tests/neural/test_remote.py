"""The openai backend against a real HTTP server speaking the OpenAI wire format (started here)."""

from __future__ import annotations

import json
import logging
import socket
import time

import pytest

from chirpy.bot import Bot
from chirpy.config import Config
from chirpy.errors import ConfigError
from responders.neural.contract import GenerationSettings
from responders.neural.remote import OpenAIBackend, RemoteSettings, chat_messages, completion_prompt
from responders.neural.standin import LINES, StandInServer

HISTORY = ["How has your day been so far?", "pretty good, i walked by the river"]


@pytest.fixture
def server():
    with StandInServer() as running:
        yield running


def _backend(server: StandInServer, api: str, **settings: object) -> OpenAIBackend:
    remote = RemoteSettings(base_url=server.base_url, model="gpt2-ed", api=api)
    return OpenAIBackend(remote, GenerationSettings(**({"num_candidates": 6} | settings)))


@pytest.mark.parametrize("api", ["completions", "chat"])
def test_one_request_brings_all_candidates_with_logprobs(server, api):
    backend = _backend(server, api)
    result = backend.generate(HISTORY, seed=0, deadline=time.monotonic() + 5)
    assert len(server.state.requests) == 1
    path, body = server.state.requests[0]
    assert path.endswith("/chat/completions" if api == "chat" else "/v1/completions")
    assert (body["n"], body["max_tokens"], body["temperature"], body["top_p"], body["stop"], body["seed"]) == (
        6, 20, 0.7, 0.9, ["\n"], 0)
    assert body["logprobs"] in (1, True)
    texts = [c.text for c in result.candidates]
    assert texts == list(LINES[:6]) and result.stop == "complete"
    # choice i: every token at -(0.5 + 0.25 i), so the mean log-probability ranks them in order
    assert [round(c.mean_logprob, 2) for c in result.candidates] == [-0.5, -0.75, -1.0, -1.25, -1.5, -1.75]
    backend.close()


def test_prompts_follow_the_dialogue_layout():
    assert completion_prompt(HISTORY, 10_000, "<|endoftext|>") == (
        "<|endoftext|>How has your day been so far?\npretty good, i walked by the river\n")
    assert completion_prompt(["a" * 50, "b" * 50, "c  c"], 60, "") == "b" * 50 + "\nc c\n"  # newest that fit
    assert chat_messages(["x", "y", "z"], 1000) == [
        {"role": "user", "content": "x"}, {"role": "assistant", "content": "y"}, {"role": "user", "content": "z"}]


def test_a_line_cut_at_max_tokens_is_never_offered(server):
    result = _backend(server, "completions", max_new_tokens=6).generate(HISTORY, seed=0)
    assert all(len(c.text.split()) <= 6 for c in result.candidates)
    assert {c.ending for c in result.unfinished} == {"length"} and result.unfinished


def test_key_comes_from_the_named_variable(server, monkeypatch):
    seen = []
    monkeypatch.setenv("MY_LLM_KEY", "sekrit")
    remote = RemoteSettings(base_url=server.base_url, model="m", api_key_env="MY_LLM_KEY")
    backend = OpenAIBackend(remote, GenerationSettings(num_candidates=1))
    backend._client.event_hooks["request"] = [lambda request: seen.append(request.headers.get("authorization"))]
    backend.generate(HISTORY)
    assert seen == ["Bearer sekrit"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _bot(tmp_path, base_url: str, deadline: float = 30.0, api: str = "completions") -> Bot:
    return Bot(Config.from_dict({
        "bot": {"db": str(tmp_path / "log.db"), "deadline_seconds": deadline, "seed": 1},
        "pipeline": {"annotators": [], "filters": ["no_repeat"], "shapers": []},
        "responders": {
            "order": ["launch", "neural", "simple_topic", "fallback"],
            "neural": {"backend": "openai", "base_url": base_url, "model": "gpt2-ed", "api": api},
        },
    }))


@pytest.mark.parametrize("api", ["completions", "chat"])
def test_in_the_bot_filters_ranking_and_logging_are_the_same(tmp_path, server, api):
    bot = _bot(tmp_path, server.base_url, api=api)
    try:
        bot.start("c1")
        bot.respond("c1", "my name is ann")
        turn = bot.respond("c1", "it was great, i went hiking")
        rows = [r for r in bot.store.candidates(turn.turn_id) if r["responder"] == "neural"]
    finally:
        bot.close()
    assert turn.response.responder == "neural"
    offered = [r for r in rows if not r["rejected"]]
    assert turn.response.text == max(offered, key=lambda r: json.loads(r["scores"])["likelihood"])["text"]
    reasons = {(r["text"], (r["rejected"] or "").split(":")[0]) for r in rows}
    assert ("You should drink more water.", "neural.advice") in reasons
    assert "neural.duplicate" in {reason for _, reason in reasons}  # 20 samples of 8 lines
    assert all("likelihood" in json.loads(r["scores"]) for r in rows)
    assert len(rows) == 20  # every one of the N candidates reaches the log


def _neural_turns(bot: Bot, count: int, name: str = "c") -> list:
    turns = []
    for i in range(count):
        bot.start(f"{name}{i}")
        bot.respond(f"{name}{i}", "my name is ann")
        started = time.monotonic()
        turn = bot.respond(f"{name}{i}", "it was great, i went hiking")
        turns.append((turn, time.monotonic() - started))
    return turns


def test_a_dead_server_costs_the_neural_candidates_not_the_turn_with_one_warning(tmp_path, caplog):
    bot = _bot(tmp_path, f"http://127.0.0.1:{_free_port()}/v1")
    try:
        with caplog.at_level(logging.INFO, logger="chirpy.neural"):
            turns = _neural_turns(bot, 3)
    finally:
        bot.close()
    assert all(turn.text and turn.response.responder != "neural" for turn, _ in turns)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and r.name == "chirpy.neural"]
    assert len(warnings) == 1 and "failing" in warnings[0].getMessage()


def test_a_slow_server_is_given_up_at_the_deadline_then_used_again(tmp_path, server, caplog):
    server.state.delay_s = 3.0
    bot = _bot(tmp_path, server.base_url, deadline=1.0)
    try:
        with caplog.at_level(logging.INFO, logger="chirpy.neural"):
            slow = _neural_turns(bot, 2)
            server.state.delay_s = 0.0
            (back, _), = _neural_turns(bot, 1, name="later")
    finally:
        bot.close()
    for turn, _ in slow:
        assert turn.text and turn.response.responder != "neural"
        # "ok", not "timeout": the backend itself gave up at the deadline instead of the runner abandoning it.
        assert next(r for r in turn.runs if r.responder == "neural" and r.phase == "response").status == "ok"
    assert back.response.responder == "neural"
    messages = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "chirpy.neural"]
    assert sum(level == logging.WARNING for level, _ in messages) == 1
    assert any("answers again" in text for _, text in messages)


@pytest.mark.parametrize("status, garbage", [(500, False), (200, True)])
def test_an_error_or_garbage_answer_is_one_warning(server, caplog, status, garbage):
    server.state.status, server.state.garbage = status, garbage
    backend = _backend(server, "completions")
    with caplog.at_level(logging.WARNING, logger="chirpy.neural"):
        results = [backend.generate(HISTORY, deadline=time.monotonic() + 5) for _ in range(3)]
    assert all(r.stop == "failed" and not r.candidates and "gave up" in r.stop_note() for r in results)
    assert len(caplog.records) == 1


@pytest.mark.parametrize("neural, problem", [
    ({"backend": "openai", "model": "m"}, "base_url"),
    ({"backend": "openai", "base_url": "http://x/v1", "model": "m", "api": "embeddings"}, "api must be"),
    ({"backend": "grpc"}, "unknown neural backend"),
])
def test_bad_backend_config_is_one_line(tmp_path, neural, problem):
    with pytest.raises(ConfigError, match=problem) as err:
        Bot(Config.from_dict({"bot": {"db": str(tmp_path / "log.db")},
                              "responders": {"order": ["neural", "fallback"], "neural": neural}}))
    assert "\n" not in str(err.value)
