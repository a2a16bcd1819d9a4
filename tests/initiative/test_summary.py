"""The per-arm figures the replay benchmark prints, read back from a log the bot wrote."""

from __future__ import annotations

import pytest

from chirpy.errors import StoreError
from eval.initiative import by_previous_move, controller_summary
from eval.log import load_log

from .conftest import details

TEXTS = ["i went hiking with my cousins", "we saw a huge waterfall near the lake", "then we had a picnic by the river"]


def test_summary_counts_what_the_controller_logged(make_bot):
    bot = make_bot(["launch", "init_chat", "fallback"], arms={"backchannel": "100", "question_removal": "0"})
    for c in range(2):
        bot.start(f"c{c}")
        for text in TEXTS:
            bot.respond(f"c{c}", text)
    (arm,) = controller_summary(bot.config.bot["db"])
    figures = arm.to_dict()
    assert figures["arm"] == "100" and figures["conversations"] == 2 and figures["bot_turns"] == 8
    assert figures["backchannels"] == 4 and figures["backchannel_rate_eligible"] == 1.0
    assert figures["backchannel_skips"] == {"not_user_led": 2, "after_backchannel": 2}
    assert figures["user_turns"] == 6
    measured = [r["user_measures"]["tokens"] for r in details(bot) if r["user_measures"]]
    assert figures["mean_tokens"] == pytest.approx(sum(measured) / 6, abs=1e-4)
    groups = by_previous_move(load_log(bot.config.bot["db"]))
    assert groups["backchannel"]["user_turns"] == 2  # the 3rd utterance of each conversation answered a back-channel


def test_missing_log_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="not found"):
        controller_summary(tmp_path / "nope.db")
