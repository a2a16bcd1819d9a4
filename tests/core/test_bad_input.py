"""Whatever a person types or pastes, the bot answers sensibly and the log stays whole."""

from __future__ import annotations

import pytest

NASTY = {
    "empty": "",
    "spaces": "   \t  \n ",
    "huge paste": "word " * 20_000,
    "control characters": "hel\x00lo\x07 there\x1b[31m red\u200b",
    "emoji": "🙂🙂🐶🔥",
    "emoji in text": "i love my 🐶 so much",
    "japanese": "こんにちは、元気ですか",
    "russian": "привет как дела",
    "right-to-left": "مرحبا كيف حالك",
    "lone surrogate": "hello \udce9 world",
    "sql": "'; drop table turns; --",
    "markup": "[bold red]hi[/] <script>alert(1)</script>",
}


@pytest.mark.parametrize("name", list(NASTY))
def test_nasty_input_gets_an_answer_and_is_logged(make_bot, name):
    bot = make_bot()
    first = bot.start()
    turn = bot.respond(first.conversation_id, NASTY[name])
    assert turn.text.strip()
    assert all(r.status == "ok" for r in turn.runs)
    logged = bot.store.turns(first.conversation_id)
    assert len(logged) == 2 and logged[1]["bot_text"] == turn.text
    assert len(logged[1]["user_text"]) <= bot.max_input_chars


@pytest.mark.parametrize("text", ["", "   ", "🙂🙂", "..."])
def test_nothing_to_understand_makes_the_bot_ask_to_repeat(make_bot, text):
    bot = make_bot()
    first = bot.start()
    bot.respond(first.conversation_id, "my name is bo")
    turn = bot.respond(first.conversation_id, text)
    assert turn.annotations.is_empty
    assert any(word in turn.text.lower() for word in ("repeat", "again", "catch", "missed", "one more time"))


def test_non_english_gets_an_english_only_answer(make_bot):
    bot = make_bot()
    turn = bot.respond("c2", "привет как дела у тебя")
    assert "english" in turn.text.lower()


def test_a_huge_paste_is_cut_and_flagged(make_bot):
    bot = make_bot()
    turn = bot.respond("c1", "a" * 100_000)
    assert turn.annotations.truncated and turn.annotations.raw_length == 100_000
    assert len(turn.annotations.text) <= bot.max_input_chars
