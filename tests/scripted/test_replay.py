"""The acceptance figures on a small Topical-Chat-format fixture written for the project: the
scripted bot answers real-style human messages with no turn errors, never repeats itself, and the
universal fallback answers only a small share of turns. (The 100-conversation figures on the real
data come from bench/scripted_replay.py.)"""

from __future__ import annotations

from pathlib import Path

from chirpy.replay import read_conversations, replay
from chirpy.text import normalise_for_comparison

FIXTURE = Path(__file__).parent / "fixtures" / "mini_topical.json"


def test_replayed_conversations_hold_up(scripted_bot) -> None:
    conversations = read_conversations(FIXTURE, fmt="topical", side="agent_1")
    results = []
    summary = replay(scripted_bot, conversations, on_turn=results.append)
    assert summary.conversations == 3
    user_turns = [r for r in results if not r.annotations.is_launch]
    assert not [run for r in results for run in r.runs if run.status != "ok"]
    by_conversation: dict[str, list[str]] = {}
    for r in results:
        by_conversation.setdefault(r.conversation_id, []).append(normalise_for_comparison(r.text))
    for texts in by_conversation.values():
        assert len(texts) == len(set(texts))
    fallback = [r for r in user_turns if r.response.responder in ("fallback", "last_resort")]
    assert len(fallback) <= 0.15 * len(user_turns)
    # The bot said goodbye when the user signed off ("have a great day").
    assert summary.ended_by_bot >= 1
    said = " ".join(r.text.lower() for r in results)
    for named in ("patriots", "miles davis", "japan"):
        assert named in said, f"the bot never referred to {named!r}"


def test_odd_input_never_breaks_a_scripted_turn(chat) -> None:
    chat.say("i'm sam")
    odd = ["{entity} {thing}", "let's talk about {thing}", "🙂🙂", "", "what's your favorite {0}", "ok " * 400,
           "¿qué tal?", "lets talk about", "i dont want to talk about", "say that again " * 3, "??!!", "you?"]
    for text in odd:
        result = chat.say(text)
        assert result.text.strip()
        assert all(run.status == "ok" for run in result.runs), [run.error for run in result.runs]
