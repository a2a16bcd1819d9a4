"""Each candidate filter rejects what it should, with a reason, and keeps ordinary chit-chat."""

from __future__ import annotations

import pytest

from responders.neural.filters import FilterContext, build_filters, first_rejection
from responders.neural.filters.advice import AdviceFilter
from responders.neural.filters.answered import AnsweredQuestionFilter
from responders.neural.filters.human_life import HumanLifeFilter
from responders.neural.filters.offensive import OffensiveFilter
from responders.neural.filters.repetition import RepetitionFilter

CTX = FilterContext.from_history([
    "Hi! How was your day?",
    "It was good. My name is Ann and I have a dog called Rex.",
    "Nice to meet you, Ann! Do you like movies?",
    "Yes, I watched a great movie about space last night.",
])


def test_history_split_by_speaker():
    assert CTX.user_turns[-1].startswith("Yes, I watched")
    assert CTX.bot_turns == ["Hi! How was your day?", "Nice to meet you, Ann! Do you like movies?"]


@pytest.mark.parametrize("text", ["That is so fucking cool.", "You are an IDIOT", "shut up about it"])
def test_offensive(text):
    assert "offensive" in OffensiveFilter().check(text, CTX)


def test_offensive_keeps_clean_and_extra_words():
    assert OffensiveFilter().check("That sounds like a lovely evening.", CTX) is None
    assert OffensiveFilter({"extra_words": ["broccoli"]}).check("I hate broccoli", CTX) is not None


@pytest.mark.parametrize("text, why", [
    ("cool cool cool cool cool", "repeats itself"),
    ("Nice to meet you! What else do you enjoy?", "earlier bot words"),
    ("Do you like movies?", "earlier bot words"),
    ("I watched a great movie about space last night.", "parrots the user"),
])
def test_repetition(text, why):
    assert why in RepetitionFilter().check(text, CTX)


@pytest.mark.parametrize("text", ["What kind of movies do you like?", "A movie about space? That sounds amazing."])
def test_repetition_allows_common_phrases_and_short_echoes(text):
    assert RepetitionFilter().check(text, CTX) is None


@pytest.mark.parametrize("text, slot", [
    ("What's your name?", "name"),
    ("Do you have any pets?", "pets"),
    ("That's nice. How was your day today?", "day"),
])
def test_answered_question(text, slot):
    assert AnsweredQuestionFilter().check(text, CTX) == f"asks about {slot}, which the user already answered"


def test_question_already_asked_by_bot():
    assert AnsweredQuestionFilter().check("So do you like movies?", CTX) == "asks a question the bot already asked"


@pytest.mark.parametrize("text", ["Where do you live?", "What was the movie called?", "I love dogs."])
def test_new_questions_and_statements_pass(text):
    assert AnsweredQuestionFilter().check(text, CTX) is None


@pytest.mark.parametrize("text", ["You should get more sleep.", "I recommend going outside.",
                                  "Have you tried meditation?", "Make sure you drink water."])
def test_advice(text):
    assert AdviceFilter().check(text, CTX).startswith("gives advice")


@pytest.mark.parametrize("text, category", [
    ("My wife loves space movies too.", "family"),
    ("I had a long day at work.", "job"),
    ("I'm a teacher so I know.", "job"),
    ("I ate too much pizza last night.", "body"),
    ("When I was a kid I had a dog.", "body"),
    ("My dog would love Rex.", "home"),
])
def test_human_life(text, category):
    assert HumanLifeFilter().check(text, CTX).startswith(f"claims a human {category}")


@pytest.mark.parametrize("text", ["I love movies about space.", "That sounds like a wonderful night!"])
def test_opinions_are_not_human_life(text):
    assert HumanLifeFilter().check(text, CTX) is None


def test_chain_reports_first_filter_and_rejects_unknown_names():
    chain = build_filters()
    assert first_rejection("You should tell my wife.", CTX, chain)[0] == "advice"
    assert first_rejection("That sounds like a wonderful night!", CTX, chain) is None
    assert [f.name for f in build_filters(["advice"])] == ["advice"]
    with pytest.raises(ValueError, match="unknown neural filter"):
        build_filters(["nope"])


class CountingTurns(list):
    """A list of turns that counts how often a filter walks through it."""

    walks = 0

    def __iter__(self):
        CountingTurns.walks += 1
        return super().__iter__()


def test_conversation_sets_are_built_once_per_turn_not_per_candidate():
    filters = build_filters(["repetition", "answered_question"])
    candidates = [f"Is the park number {i} near your home? I think the weather is nice." for i in range(20)]

    def walks(texts: list[str]) -> tuple[int, list]:
        ctx = FilterContext(user_turns=CountingTurns(CTX.user_turns), bot_turns=CountingTurns(CTX.bot_turns))
        CountingTurns.walks = 0
        verdicts = [first_rejection(text, ctx, filters) for text in texts]
        return CountingTurns.walks, verdicts

    one, _ = walks(candidates[:1])
    twenty, verdicts = walks(candidates)
    assert one > 0 and twenty == one  # the 19 other candidates reuse what the first one built
    assert verdicts == [first_rejection(text, CTX, filters) for text in candidates]  # same answers as before
