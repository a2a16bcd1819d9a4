"""The dissatisfaction detector on realistic phrasings (typed and ASR-style) and on look-alikes."""

from __future__ import annotations

import pytest

from classifiers.dissatisfaction import DISSATISFACTION_TYPES, detect_dissatisfaction

POSITIVES: dict[str, list[str]] = {
    "clarification": [
        "what do you mean",
        "What do you mean by that?",
        "um what do you mean",
        "what are you talking about",
        "what are you even saying",
        "huh",
        "Huh?",
        "what",
        "sorry what",
        "i don't understand",
        "i dont get it",
        "i didn't catch that",
        "can you repeat that",
        "could you say that again please",
        "i'm confused",
        "that doesn't make sense",
        "what does that mean",
        "what is that supposed to mean",
    ],
    "misheard": [
        "that's not what i said",
        "thats not what i meant",
        "no i said cats not hats",
        "No, I said dogs.",
        "i didn't say that",
        "i never said that",
        "you misheard me",
        "you misunderstood me",
        "you didn't understand me",
        "i already told you",
        "are you even listening",
        "you're not listening to me",
    ],
    "criticism": [
        "you're so stupid",
        "youre dumb",
        "you are annoying",
        "you are not very smart",
        "you suck",
        "you make no sense",
        "you're not making any sense",
        "that's a stupid question",
        "thats a weird thing to say",
        "that's not true",
        "that was rude",
        "what a dumb answer",
        "bad bot",
        "why would you say that",
        "that doesn't answer my question",
        "you're wrong",
    ],
    "repetition": [
        "you already said that",
        "you just asked me that",
        "you said that already",
        "you asked me that before",
        "you keep saying the same thing",
        "you keep asking me that",
        "you're repeating yourself",
        "stop repeating yourself",
        "same question again",
        "we already talked about this",
        "you've already told me that",
        "why do you keep asking",
    ],
    "privacy": [
        "none of your business",
        "that's none of your business",
        "mind your own business",
        "that's personal",
        "that's too personal",
        "why do you want to know",
        "why do you need to know that",
        "i don't want to tell you",
        "i'd rather not say",
        "i'm not telling you",
        "i'm not going to tell you that",
        "i won't tell you",
        "stop asking me personal questions",
        "you're being creepy",
    ],
    "offensive": [
        "fuck you",
        "shut up",
        "you're a piece of crap",
        "screw you",
        "go to hell",
        "i hate you",
        "you idiot",
        "you're such a bitch",
        "what the fuck",
    ],
    "end_conversation": [
        "stop",
        "Alexa, stop.",
        "bye",
        "goodbye",
        "ok bye",
        "okay goodbye alexa",
        "good night",
        "i have to go",
        "i gotta go now",
        "i need to leave",
        "let's stop talking",
        "can we stop",
        "end the conversation",
        "stop talking to me",
        "exit",
        "leave me alone",
        "i don't want to talk anymore",
        "i'm done talking to you",
        "turn off",
    ],
    "change_topic": [
        "can we talk about something else",
        "let's talk about something different",
        "change the subject",
        "change topic",
        "i don't want to talk about that",
        "i dont want to talk about this anymore",
        "i don't want to talk about my job",
        "can we stop talking about movies",
        "enough about sports",
        "new topic please",
        "something else",
        "let's move on",
        "i'm tired of talking about this",
    ],
    "disinterest": [
        "i don't care",
        "i dont really care about that",
        "who cares",
        "whatever",
        "so what",
        "boring",
        "that's boring",
        "this is so boring",
        "you're boring",
        "i'm bored",
        "i'm bored of this conversation",
        "i'm not interested",
        "not interested",
        "i could not care less",
    ],
}

# Things users say all the time that must NOT be read as dissatisfaction.
NEGATIVES: list[str] = [
    "i don't know what to say",
    "what do you like",
    "i'm bored at work today but it's fine",
    "i don't know",
    "what do you think about dogs",
    "what do you do for fun",
    "what does it mean to be happy",
    "i don't understand why people like golf",
    "i have to go to work tomorrow",
    "i need to go shopping later",
    "i said hi to my neighbor this morning",
    "i just said hello to my mom",
    "i never said goodbye to my grandma",
    "my brother keeps repeating the same jokes",
    "i keep forgetting my keys",
    "i'd rather not go outside in the rain",
    "i can't tell you how much i love this song",
    "i don't want to go to school",
    "that's weird",
    "that's so interesting",
    "really",
    "seriously",
    "that's a good question",
    "you're funny",
    "you are so nice",
    "you're smart",
    "my sister is so annoying",
    "school is boring sometimes",
    "i'm not interested in sports but i love music",
    "who cares about calories on a holiday",
    "i don't care what other people think",
    "bye bye birdie is my favorite musical",
    "the bus stop was crowded",
    "i'm done with my homework",
    "i'm confused about my career",
    "can we talk about movies",
    "let's talk about music",
    "tell me something interesting",
    "i hate mondays",
    "no i don't have a dog",
    "yes i do",
    "i love talking about movies",
    "why do you like pizza",
    "what",  # placeholder replaced below; kept out of NEGATIVES
    "hello",
    "good morning",
    "i'm doing good how are you",
    "i think it's going to rain",
    "my friend told me that already happened",
    "something else happened today",
    "the dog misheard his name",
    "i am so tired today",
    "i want to stop eating sugar",
    "stop motion movies are cool",
    "ok",
    # Reactions to a fact, inside a longer turn (seen in real human chat, Topical-Chat):
    "What? Really? That's insane!",
    "Never thought of the point-of-view, huh. That could very well be.",
    "That is just dumb, lol. Is it true that the highest score ever was 222-0?",
    "that is terrible even citizens in austin voted to rename the dump",
    "Only two black QBs have won the Superbowl. I say, so what? The NFL could have female players.",
    "I am kind of sick of them being in the Super Bowl every year, it's boring!",
    "Again, thank you so much.",
    "The Patriots pulled it out at the end, again.",
    "Not to change the subject but do you use an iPhone?",
    "",
    "   ",
]
NEGATIVES.remove("what")


def _cases() -> list[tuple[str, str]]:
    return [(kind, text) for kind, texts in POSITIVES.items() for text in texts]


def test_every_type_has_examples() -> None:
    assert set(POSITIVES) == set(DISSATISFACTION_TYPES)


@pytest.mark.parametrize(("kind", "text"), _cases())
def test_detects_type(kind: str, text: str) -> None:
    assert kind in detect_dissatisfaction(text), text


@pytest.mark.parametrize(("kind", "text"), _cases())
def test_asr_style_text_is_detected_too(kind: str, text: str) -> None:
    """Voice input arrives lowercase without punctuation or apostrophes."""
    asr = "".join(ch for ch in text.lower() if ch.isalnum() or ch == " ")
    assert kind in detect_dissatisfaction(asr), asr


@pytest.mark.parametrize("text", NEGATIVES)
def test_does_not_fire_on_ordinary_talk(text: str) -> None:
    assert detect_dissatisfaction(text, use_offense_classifier=False) == []


def test_asr_run_on_sentences() -> None:
    assert detect_dissatisfaction("you already said that what do you mean") == ["clarification", "repetition"]
    assert detect_dissatisfaction("you just told me that dogs cant see colors is that true") == []


def test_several_types_at_once() -> None:
    found = detect_dissatisfaction("you already said that. can we talk about something else?")
    assert found == ["repetition", "change_topic"]


@pytest.mark.parametrize("bad", [None, 42, b"bytes", "\x00\x01", "?!?!", "a" * 10_000])
def test_bad_input_never_crashes(bad: object) -> None:
    assert isinstance(detect_dissatisfaction(bad), list)  # type: ignore[arg-type]
