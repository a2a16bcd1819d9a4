"""Every field a feature declares (``LogField``) is really where the shipped bot writes it: a renamed key
in a writer would otherwise make eval silently read "not logged"."""

from __future__ import annotations

from pathlib import Path

from chirpy.annotations import IS_EMPTY_FIELD, NOUN_PHRASES_FIELD, TOKENS_FIELD, TOPIC_MENTIONS_FIELD, USER_FACTS_FIELD
from chirpy.bot import Bot
from chirpy.config import Config
from initiative import logfields as initiative
from chirpy.store import open_log
from classifiers.dissatisfaction.logfields import DISSATISFACTION
from classifiers.offense.logfields import IS_OFFENSIVE
from responders.offense.logfields import OFFENSE_ACTION, OFFENSE_ARM

DECLARED = [TOKENS_FIELD, NOUN_PHRASES_FIELD, IS_EMPTY_FIELD, IS_OFFENSIVE, DISSATISFACTION, OFFENSE_ARM,
            OFFENSE_ACTION, initiative.RECORD, initiative.MEASURED_TOKENS, initiative.MEASURED_NOUN_PHRASES,
            initiative.RESPONDS_TO, USER_FACTS_FIELD, TOPIC_MENTIONS_FIELD]  # MEASURED_NLL needs a language model: checked by the initiative tests


def test_the_shipped_bot_writes_every_declared_field(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    bot = Bot(Config.load(None, {"bot.db": str(db), "responders.neural.model": ""}))
    try:
        bot.start("c1")
        for text in ["my dog and my cat love the big park", "you are a stupid idiot",
                     "what? i don't understand what you mean", "we went hiking near the lake yesterday"]:
            bot.respond("c1", text)
    finally:
        bot.close()
    with open_log(db, read_only=True) as reader:
        for field in DECLARED:
            values = [value for _, _, value in reader.field_values(field)]
            assert values, f"{field.name} (declared by {field.owner}) is never written"
        assert True in [v for _, _, v in reader.field_values(IS_OFFENSIVE)]
        assert any(v for _, _, v in reader.field_values(DISSATISFACTION))
        assert any(v for _, _, v in reader.field_values(USER_FACTS_FIELD))  # "my dog and my cat": pets
