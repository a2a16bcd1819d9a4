"""User-initiative measures: counted as the research counts them, NLL only with a language model."""

from __future__ import annotations

import logging

from chirpy.annotations import Annotations
from initiative.lm import load_utterance_scorer
from initiative.measures import user_measures

from .conftest import details

CHAT = ["launch", "init_chat", "fallback"]


def test_tokens_skip_punctuation_and_noun_phrases_are_distinct():
    ann = Annotations(text="I love dogs, dogs and the beach!", tokens=["I", "love", "dogs", ",", "dogs", "and", "the",
                                                                     "beach", "!"],
                      noun_phrases=["dogs", "Dogs", "the beach"])
    assert user_measures(ann, [], None) == {"tokens": 7, "noun_phrases": 2}


def test_nll_is_logged_when_a_language_model_is_configured(make_bot, tiny_lm):
    bot = make_bot(CHAT, arms={"backchannel": "0"}, initiative={"lm_model": str(tiny_lm)})
    bot.start("c1")
    bot.respond("c1", "i went to the park with my dog")
    bot.respond("c1", "we played fetch for hours and then went home")
    first, second = [r["user_measures"] for r in details(bot, "c1")[1:]]
    for measures in (first, second):
        assert measures["nll"] > 0 and 0 < measures["nll_per_token"] <= measures["nll"]
    assert second["nll"] > first["nll"]  # a longer utterance carries more surprisal in total


def test_nll_depends_on_the_dialogue_so_far(tiny_lm):
    scorer, message = load_utterance_scorer(str(tiny_lm))
    assert message is None
    alone, n = scorer.nll([], "i love cooking pasta")
    in_context, m = scorer.nll(["do you like to cook?"], "i love cooking pasta")
    assert n == m and alone != in_context


def test_a_missing_language_model_costs_one_warning_not_the_bot(make_bot, tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="initiative"):
        bot = make_bot(CHAT, initiative={"lm_model": str(tmp_path / "no-such-model")})
    assert any("NLL off" in r.getMessage() for r in caplog.records)
    bot.start("c1")
    bot.respond("c1", "i went to the park with my dog")
    measures = details(bot, "c1")[-1]["user_measures"]
    assert measures["tokens"] == 8 and "nll" not in measures
