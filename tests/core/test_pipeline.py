"""The turn pipeline as a user of the framework sees it: who speaks, handoffs, deadlines, failures."""

from __future__ import annotations

import time

from chirpy.registry import responders
from chirpy.state import ConversationState


def test_launch_greets_and_asks_for_the_name(make_bot):
    bot = make_bot()
    first = bot.start()
    assert first.response.responder == "launch"
    assert first.text.endswith("?") and ("name" in first.text.lower() or "call you" in first.text.lower())
    second = bot.respond(first.conversation_id, "my name is sam")
    assert "Sam" in second.text
    assert bot.store.load_state(first.conversation_id).user_name == "Sam"


def test_bare_name_is_taken_only_right_after_the_bot_asked(make_bot):
    bot = make_bot()
    first = bot.start()
    reply = bot.respond(first.conversation_id, "priya")
    assert "Priya" in reply.text
    later = bot.respond(first.conversation_id, "i'm tired")
    assert bot.store.load_state(first.conversation_id).user_name == "Priya"
    assert "Tired" not in later.text


def test_response_needing_a_prompt_gets_another_responders_prompt(make_bot):
    bot = make_bot(responders={
        "order": ["test_echo", "test_prompter", "fallback"],
        "test_echo": {"needs_prompt": True, "prefix": "heard"},
    })
    turn = bot.respond("c1", "hello there")
    assert turn.text == "heard: hello there Shall we talk about rivers?"
    assert turn.response.responder == "test_echo" and turn.prompt.responder == "test_prompter"
    state = bot.store.load_state("c1")
    assert state.current_topic == "rivers" and state.active_responder == "test_prompter"


def test_without_other_prompts_the_fallback_supplies_one(make_bot):
    bot = make_bot(responders={"order": ["test_echo", "fallback"], "test_echo": {"needs_prompt": True}})
    turn = bot.respond("c1", "hello there")
    assert turn.prompt is not None and turn.prompt.responder == "fallback"
    assert turn.text.startswith("echo: hello there ")


def test_priority_beats_order_and_order_breaks_ties(make_bot):
    bot = make_bot(responders={
        "order": ["low", "high", "tie", "fallback"],
        "low": {"type": "test_echo", "prefix": "low", "priority": "WEAK_CONTINUE"},
        "high": {"type": "test_echo", "prefix": "high", "priority": "CAN_START"},
        "tie": {"type": "test_echo", "prefix": "tie", "priority": "CAN_START"},
    })
    assert bot.respond("c1", "hi").text == "high: hi"


def test_slow_responder_misses_the_deadline_and_the_turn_still_answers(make_bot):
    SlowResponder = responders.get("test_slow")

    SlowResponder.release.clear()
    SlowResponder.finished.clear()
    bot = make_bot(bot={"deadline_seconds": 0.3}, responders={"order": ["test_slow", "fallback"]})
    try:
        turn = bot.respond("c1", "tell me something")
        # The turn came back while the slow responder was still blocked: nobody waited for it.
        assert not SlowResponder.finished.is_set()
    finally:
        SlowResponder.release.set()
    assert turn.response.responder == "fallback"
    slow = next(r for r in turn.runs if r.responder == "test_slow" and r.phase == "response")
    assert slow.status == "timeout"
    rows = bot.store.query(
        "select status from responder_runs where responder = 'test_slow' and phase = 'response'")
    assert rows == [{"status": "timeout"}]
    assert SlowResponder.finished.wait(5)
    # Its late answer is discarded, not slipped into the log afterwards.
    texts = [r["text"] for r in bot.store.query("select text from candidates")]
    assert "I took my time." not in texts


def test_cooperative_responder_is_told_to_stop_at_the_deadline(make_bot):
    PoliteSlowResponder = responders.get("test_polite_slow")

    PoliteSlowResponder.stopped_early.clear()
    bot = make_bot(bot={"deadline_seconds": 0.2}, responders={"order": ["test_polite_slow", "fallback"]})
    bot.respond("c1", "hello")
    time.sleep(0.1)
    assert PoliteSlowResponder.stopped_early == [True]


def test_failing_responders_are_logged_and_skipped(make_bot):
    bot = make_bot(responders={"order": ["test_broken", "test_bad_return", "fallback"]})
    turn = bot.respond("c1", "hello")
    assert turn.response.responder == "fallback"
    statuses = {r.responder: (r.status, r.error) for r in turn.runs if r.phase == "response"}
    assert statuses["test_broken"][0] == "error" and "broken on purpose" in statuses["test_broken"][1]
    assert statuses["test_bad_return"][0] == "error"
    logged = {r["responder"]: r["status"]
              for r in bot.store.query("select responder, status from responder_runs where phase = 'response'")}
    assert logged["test_broken"] == "error"


def test_same_seed_same_conversation(make_bot):
    script = ["my name is lee", "yes", "i have a cat called tom", "ok", "what do you like"]

    def run(bot):
        first = bot.start("fixed-id")
        return [first.text] + [bot.respond("fixed-id", line).text for line in script]

    assert run(make_bot("a.db")) == run(make_bot("b.db"))


def test_the_bot_never_repeats_a_line_while_it_has_alternatives(make_bot):
    bot = make_bot()
    first = bot.start()
    lines = [first.text]
    for _ in range(9):  # the fallback has 10 statements and 10 prompts: enough for 9 turns
        turn = bot.respond(first.conversation_id, "ok")
        lines += [c.text for c in (turn.response, turn.prompt) if c is not None]
    assert len(lines) == len(set(lines))


def test_when_every_line_is_used_up_the_bot_still_answers(make_bot):
    bot = make_bot(responders={"order": ["fallback"]})
    for _ in range(30):
        assert bot.respond("c1", "ok").text


def test_goodbye_ends_the_conversation(make_bot):
    bot = make_bot()
    first = bot.start()
    bot.respond(first.conversation_id, "call me max")
    turn = bot.respond(first.conversation_id, "ok bye")
    assert turn.ended and "Max" in turn.text
    row = bot.store.query("select * from conversations where id = ?", [first.conversation_id])[0]
    assert row["end_reason"] == "user_goodbye" and row["ended_at"]


def test_state_round_trips_through_json(make_bot):
    bot = make_bot()
    first = bot.start()
    bot.respond(first.conversation_id, "my name is ada")
    state = bot.store.load_state(first.conversation_id)
    again = ConversationState.from_json(state.to_json())
    assert again == state
    assert again.to_dict()["version"] == 1


def test_experiment_arms_are_stable_per_conversation_and_overridable(make_bot):
    experiments = {"greeting_style": {"arms": ["warm", "brief"]}}
    bot = make_bot(experiments=experiments)
    arms = {cid: bot.start(cid).conversation_id and bot.store.load_state(cid).arms["greeting_style"]
            for cid in (f"conv-{i}" for i in range(40))}
    assert set(arms.values()) == {"warm", "brief"}  # both arms are used
    again = make_bot("other.db", experiments=experiments)
    for cid, arm in arms.items():
        assert again.start(cid).conversation_id and again.store.load_state(cid).arms["greeting_style"] == arm
    forced = make_bot("forced.db", experiments={"greeting_style": {"arms": ["warm", "brief"], "force": "brief"}})
    assert {forced.store.load_state(forced.start().conversation_id).arms["greeting_style"] for _ in range(5)} == {"brief"}
    turn_arms = bot.store.query("select arms from turns limit 1")[0]["arms"]
    assert "greeting_style" in turn_arms


def test_cross_session_name_by_user_id(make_bot):
    bot = make_bot()
    first = bot.start(user_id="amzn1.ask.account.TEST")
    bot.respond(first.conversation_id, "my name is noor", user_id="amzn1.ask.account.TEST")
    second = bot.start(user_id="amzn1.ask.account.TEST")
    assert "Noor" in second.text


def test_a_shaper_cannot_slip_an_unsafe_line_past_the_filters(make_bot):
    from chirpy.registry import filters, shapers

    @filters.register("test_no_spiders")
    class NoSpiders:
        def __init__(self, config):
            pass

        def check(self, candidate, ctx):
            return "spiders" if "spider" in candidate.text.lower() else None

    @shapers.register("test_spider_shaper")
    class SpiderShaper:
        def __init__(self, config):
            pass

        def shape(self, turn, ctx):
            turn.response.text = "Let me tell you about spiders."

    bot = make_bot(pipeline={"filters": ["no_repeat", "test_no_spiders"], "shapers": ["test_spider_shaper"]},
                   responders={"order": ["test_echo", "fallback"]})
    turn = bot.respond("c1", "hello")
    assert turn.text == "echo: hello"
    assert turn.changes == [{"reverted": "response", "reason": "test_no_spiders: spiders"}]
