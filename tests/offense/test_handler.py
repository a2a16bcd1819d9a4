"""The offense handler as users meet it: strategies per arm, stable arms, escalation, self-harm care,
and the log that eval reads."""

from __future__ import annotations

import json

import pytest

from chirpy.bot import Bot
from responders.offense import ARMS, DEFAULT_ARM
from responders.offense.strategy import Strategy


def _named_conversation(bot: Bot, cid: str = "c1", name: str | None = "sam") -> None:
    bot.start(cid)
    bot.respond(cid, f"my name is {name}" if name else "i'd rather not say")


@pytest.mark.parametrize("arm", ARMS)
@pytest.mark.parametrize("name", ["sam", None])
def test_each_strategy_has_its_shape(make_bot, arm: str, name: str | None) -> None:
    bot = make_bot(arm=arm)
    _named_conversation(bot, name=name)
    assert bot.store.load_state("c1").current_topic == "rivers"  # the topic the offense interrupts
    turn = bot.respond("c1", "you are so stupid")
    strategy = Strategy.parse(arm)

    assert turn.response.responder == "offense"
    meta = turn.response.meta
    assert meta["offense_arm"] == arm and meta["offense_type"] == "criticism"
    assert ("Sam" in turn.response.text) == (strategy.use_name and name is not None)
    assert meta["offense_strategy"] == strategy.used(name_known=name is not None)
    if strategy.redirect:
        assert turn.prompt is not None and turn.prompt.responder != "offense"
        assert turn.text == f"{turn.response.text} {turn.prompt.text}"
    else:
        assert turn.prompt is None and turn.text == turn.response.text
    if strategy.base == "why":
        assert turn.response.text.endswith("?")
    state = bot.store.load_state("c1")
    assert state.current_topic != "rivers"  # the interrupted topic is dropped, not resumed
    assert meta["dropped_topic"] == "rivers"


def test_default_arm_is_empathetic_name_redirect(make_bot) -> None:
    bot = make_bot()
    _named_conversation(bot)
    turn = bot.respond("c1", "fuck you")
    assert bot.store.load_state("c1").arms["offense_strategy"] == DEFAULT_ARM == "empathetic_name_redirect"
    assert turn.response.text.startswith(("Sam,", "Hey Sam,")) and turn.prompt is not None


def test_arm_is_stable_per_conversation_and_varies_across_them(make_bot, equal_arms) -> None:
    first = make_bot(db_name="a.db", experiments=equal_arms)
    second = make_bot(db_name="b.db", experiments=equal_arms)  # another worker process, same seed
    arms = {}
    for i in range(40):
        cid = f"conv-{i}"
        first.start(cid)
        second.start(cid)
        arms[cid] = first.store.load_state(cid).arms["offense_strategy"]
        assert second.store.load_state(cid).arms["offense_strategy"] == arms[cid]
    assert len(set(arms.values())) >= 5  # the experiment really spreads users over the arms
    cid = "conv-0"
    used = {first.respond(cid, text).response.meta["offense_arm"] for text in ("you suck", "shut up")}
    assert used == {arms[cid]}


def test_phrasings_rotate_least_recently_used_first(make_bot) -> None:
    bot = make_bot(arm="avoidance", responders={"offense": {"escalate_after": 10, "end_after": 0}})
    _named_conversation(bot)
    texts = [bot.respond("c1", "you are so stupid").response.text for _ in range(3)]
    assert len(set(texts)) == 3


def test_repeat_offender_is_offered_a_way_out_then_let_go(make_bot) -> None:
    bot = make_bot(arm="avoidance_redirect", responders={"offense": {"escalate_after": 2, "end_after": 4}})
    _named_conversation(bot)
    assert bot.respond("c1", "fuck you").response.meta["offense_action"] == "strategy"
    offer = bot.respond("c1", "you suck")
    assert offer.response.meta["offense_action"] == "offer_end"
    assert offer.text.endswith("?") and offer.prompt is None
    declined = bot.respond("c1", "no")
    assert declined.response.meta["offense_action"] == "declined_end_offer" and declined.prompt is not None
    assert bot.respond("c1", "shut up").response.meta["offense_action"] == "strategy"  # no second offer
    last = bot.respond("c1", "idiot")
    assert last.ended and last.response.meta["offense_action"] == "end"
    assert bot.store.load_state("c1").end_reason == "repeated_offense"


def test_accepting_the_offer_ends_the_conversation(make_bot) -> None:
    bot = make_bot(responders={"offense": {"escalate_after": 1}})
    _named_conversation(bot)
    assert bot.respond("c1", "you are useless").response.meta["offense_action"] == "offer_end"
    turn = bot.respond("c1", "yes")
    assert turn.ended and bot.store.load_state("c1").end_reason == "accepted_end_offer"


@pytest.mark.parametrize("arm", ["why", "avoidance_name_redirect", "counter_redirect"])
def test_self_harm_gets_care_and_help_whatever_the_arm(make_bot, arm: str) -> None:
    bot = make_bot(arm=arm)
    _named_conversation(bot)
    turn = bot.respond("c1", "i want to kill myself")
    assert turn.response.responder == "offense"
    assert "988" in turn.text and turn.prompt is None and not turn.ended
    assert turn.response.meta["offense_action"] == "self_harm"
    assert turn.response.meta["offense_count"] == 0  # care does not count towards escalation


def test_help_line_is_configurable(make_bot) -> None:
    bot = make_bot(responders={"offense": {"help_line": "call Samaritans on 116 123"}})
    _named_conversation(bot)
    assert "116 123" in bot.respond("c1", "i feel suicidal").text


def test_inoffensive_turns_are_left_to_other_responders(make_bot) -> None:
    bot = make_bot()
    _named_conversation(bot)
    assert bot.respond("c1", "i love the kill bill movies").response.responder != "offense"


def test_log_holds_what_eval_needs(make_bot) -> None:
    bot = make_bot(arm="why_name")
    _named_conversation(bot)
    bot.respond("c1", "suck my dick")
    row = bot.store.turns("c1")[-1]
    annotations = json.loads(row["annotations"])
    details = json.loads(row["details"])
    assert annotations["offense"]["is_offensive"] and annotations["offense"]["type"] == "sexual"
    meta = details["response_meta"]
    assert meta["offense_type"] == "sexual"
    assert meta["offense_arm"] == "why_name" and meta["offense_strategy"] == "why_name"
    assert json.loads(row["arms"])["offense_strategy"] == "why_name"
    chosen = [c for c in bot.store.candidates(row["id"]) if c["chosen"]]
    assert json.loads(chosen[0]["meta"])["offense_type"] == "sexual"


def test_bad_strategy_config_is_a_clear_error(make_bot) -> None:
    from chirpy.errors import ConfigError

    with pytest.raises(ConfigError, match="escalate_after"):
        make_bot(responders={"offense": {"escalate_after": "often"}})


def test_handler_classifies_by_itself_when_the_annotator_is_off(make_bot) -> None:
    bot = make_bot(pipeline={"annotators": []})
    _named_conversation(bot)
    turn = bot.respond("c1", "you are a moron")
    assert turn.annotations.offense is None
    assert turn.response.responder == "offense" and turn.response.meta["offense_type"] == "criticism"


def test_every_strategy_has_several_phrasings_per_offense_type() -> None:
    import tomllib

    from classifiers.offense import OFFENSE_TYPES
    from responders.offense.handler import CONTENT

    strategies = tomllib.loads(CONTENT.read_text())["strategy"]
    assert {Strategy.parse(arm).base for arm in ARMS} <= set(strategies)
    for base, by_type in strategies.items():
        for kind in OFFENSE_TYPES:
            assert len(by_type.get(kind, by_type["default"])) >= 2, (base, kind)


def test_care_is_never_dropped_when_its_phrasings_run_out(make_bot) -> None:
    bot = make_bot(arm="avoidance", responders={"offense": {"escalate_after": 20, "end_after": 0}})
    _named_conversation(bot)
    for _ in range(4):  # more turns than there are phrasings: the core's no-repeat filter must not win
        assert bot.respond("c1", "you are so stupid").response.responder == "offense"
    for _ in range(3):
        turn = bot.respond("c1", "i want to kill myself")
        assert turn.response.responder == "offense" and "988" in turn.text
