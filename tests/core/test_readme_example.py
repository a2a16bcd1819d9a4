"""The README's custom-responder example, run exactly as written there."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from chirpy.bot import Bot
from chirpy.config import Config

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_examples() -> dict[str, str]:
    """Code blocks announced by ``<!-- example: PATH -->`` in the README, by PATH."""
    text = README.read_text(encoding="utf-8")
    found = re.findall(r"<!-- example: (\S+) -->\s*```\w*\n(.*?)```", text, flags=re.S)
    return dict(found)


@pytest.fixture
def coffee_bot(tmp_path, monkeypatch):
    examples = readme_examples()
    module = tmp_path / "my_bot" / "coffee.py"
    module.parent.mkdir()
    module.write_text(examples["my_bot/coffee.py"])
    (module.parent / "__init__.py").write_text("")
    config_file = tmp_path / "bot.toml"
    config_file.write_text(examples["bot.toml"])
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("my_bot.coffee", None)
    config = Config.load(config_file, {"bot.db": str(tmp_path / "log.db")})  # as a user runs it
    bot = Bot(config)
    yield bot
    bot.close()


def test_readme_example_responder_speaks_and_hands_off(coffee_bot):
    first = coffee_bot.start()
    turn = coffee_bot.respond(first.conversation_id, "i really need a coffee right now")
    assert turn.response.responder == "coffee"
    assert turn.response.text == "Coffee! A flat white is my idea of a perfect morning."
    assert turn.prompt is not None and turn.prompt.responder != "coffee"  # handed the conversation on
    state = coffee_bot.store.load_state(first.conversation_id)
    assert state.responder_states["coffee"] == {"cups": 1}
    assert "coffee" in state.topics_covered


def test_readme_example_offers_its_topic_as_a_prompt_once(coffee_bot):
    first = coffee_bot.start()
    turn = coffee_bot.respond(first.conversation_id, "my name is lou")
    assert turn.prompt is not None and turn.prompt.text == "Are you a coffee person or a tea person?"
    later = [coffee_bot.respond(first.conversation_id, "hmm ok").text for _ in range(4)]
    assert not any("coffee person" in text for text in later)


def test_readme_example_keeps_every_built_in_part_on(coffee_bot):
    builtin = Config.load().responder_order
    expected = builtin[:builtin.index("closing") + 1] + ["coffee"] + builtin[builtin.index("closing") + 1:]
    assert coffee_bot.config.responder_order == expected
    # Everything but the neural responder (no model offline) runs, with the built-in annotators and shaper.
    assert list(coffee_bot.responders) == [n for n in expected if n != "neural"]
    assert [n for n, _ in coffee_bot.annotators] == Config.load().pipeline["annotators"]
    assert [n for n, _ in coffee_bot.shapers] == ["initiative"]
    first = coffee_bot.start()
    insult = coffee_bot.respond(first.conversation_id, "you are a stupid bot")
    assert insult.response.responder == "offense"
    movies = coffee_bot.respond(first.conversation_id, "lets talk about movies")
    assert (movies.prompt or movies.response).responder == "movies"
