"""The offense classifier on the phrasings users really send: per type, obfuscated, and innocent."""

from __future__ import annotations

from pathlib import Path

import pytest

from classifiers.offense import OFFENSE_TYPES, LexiconError, OffenseClassifier, classify_offense
from classifiers.offense.normalize import DATA_DIR

OFFENSIVE = {
    "sexual": [
        "do you want to have sex with me",
        "suck my dick",
        "show me your tits",
        "i am so horny",
        "are you naked",
        "send nudes",
        "take off your clothes",
        "can i kiss you",
        "i want to fuck you",
        "are you a virgin",
    ],
    "criticism": [
        "you are so stupid",
        "ur dumb",
        "you're a useless piece of junk",
        "stupid bot",
        "how dumb are you",
        "you really do suck",
        "you are not very smart",
        "i hate you",
        "shut up",
        "idiot",
        "you are the most boring thing ever",
        "what a dumb machine",
        "what a stupid answer",
        "your questions are boring",
        "nobody asked you",
    ],
    "curse": [
        "fuck you",
        "you are full of shit",
        "you little bitch",
        "piss off",
        "asshole",
        "motherfucker",
        "screw you",
    ],
    "inappropriate_topic": [
        "let's talk about how to make drugs",
        "heil hitler",
        "r u a paki",
        "you are a faggot",
    ],
    "bodily_harm": [
        "i will kill you",
        "i'm going to punch you",
        "die",
        "go die in a fire",
        "i hope you die",
        "kill yourself",
        "i'm gonna shoot him",
        "i wish you were dead",
    ],
}

OBFUSCATED = [
    "f u c k you",
    "s.h.i.t",
    "sh1t",
    "fuuuuuck",
    "b!tch",
    "a$$hole",
    "f**k off",
    "sh*t",
    "F***",  # ASR-masked profanity
    "YOU ARE STUPID",
    "y o u are s t u p i d",
    "you are stuuuupid",
    "fvck",
    "ur a b1tch",
]

INNOCENT = [
    "I loved Kill Bill",
    "have you seen sex education on netflix",
    "i grew up in essex",
    "we drove through scunthorpe",
    "that was a hell of a game",
    "hell yeah",
    "i watched moby dick last week",
    "my dog died last year",
    "i'm killing time before work",
    "what a cocktail",
    "hello there",
    "i passed my class",
    "i'm dumb sometimes",
    "that was a stupid mistake i made",
    "are you gay",
    "my friend is gay",
    "i am so tired",
    "can you tell me about the assassination of lincoln",
    "i like to shoot hoops",
    "you are so smart",
    "you are not stupid",
    "my name is dickens",
    "i hurt myself playing soccer",
    "a prickly cactus",
    "fire retardant",
    "rapeseed oil",
    "you are freaking awesome",
    "i'll hit you up later",
    "i beat you at chess",
    "i shoot photos for a living",
    "scooby doo and shaggy",
    "this might be a stupid question but how old are you",
    "i don't hate you",
    "that would drive you crazy",
    "he'll be there",
    "a world i can get lost in",
    "the movie die hard is great",
    "bye",
    "",
    "   ",
    "🙂🙂",
    "1234 5678",
    "<span class='emoji-bytes' data-emoji-bytes='[240, 159, 153, 130]'></span>",
]


@pytest.mark.parametrize("kind,text", [(k, t) for k, texts in OFFENSIVE.items() for t in texts])
def test_offensive_phrasings_are_flagged_with_their_type(kind: str, text: str) -> None:
    result = classify_offense(text)
    assert result.is_offensive, text
    assert kind in result.types, (text, result.types)
    assert result.matches, "a verdict always says what matched"


@pytest.mark.parametrize("text", OBFUSCATED)
def test_spacing_leetspeak_repeats_masking_and_case_do_not_hide_offense(text: str) -> None:
    assert classify_offense(text).is_offensive, text


@pytest.mark.parametrize("text", INNOCENT)
def test_innocent_phrases_with_offensive_looking_words_pass(text: str) -> None:
    result = classify_offense(text)
    assert not result.is_offensive, (text, result.matches)
    assert not result.self_harm


@pytest.mark.parametrize("text", [
    "i want to kill myself",
    "I'm going to end my life",
    "i feel suicidal",
    "i just want to die",
    "i don't want to live anymore",
    "i've been cutting myself",
])
def test_self_harm_is_flagged_for_care_not_as_abuse(text: str) -> None:
    result = classify_offense(text)
    assert result.self_harm and result.needs_handling
    assert not result.is_offensive  # the user is not abusing anyone
    assert result.type == "bodily_harm"


def test_threat_is_not_self_harm() -> None:
    result = classify_offense("i am going to kill you")
    assert result.is_offensive and not result.self_harm and result.type == "bodily_harm"


def test_the_most_serious_type_leads() -> None:
    result = classify_offense("die you stupid bitch")
    assert result.type == "bodily_harm"
    assert {"criticism", "curse"} <= set(result.types)


def test_mild_language_is_fine_from_users_but_unsafe_for_the_bot() -> None:
    result = classify_offense("damn, that was crap")
    assert not classify_offense("what a load of bullshit").is_offensive  # about a claim, not a person
    assert not result.is_offensive
    assert result.mild and result.unsafe_for_bot()


def test_result_is_plain_json_data() -> None:
    import json

    data = classify_offense("you are so stupid").to_dict()
    assert json.loads(json.dumps(data))["type"] == "criticism"
    assert set(data["types"]) <= set(OFFENSE_TYPES)


@pytest.mark.parametrize("bad", [None, 42, b"fuck", ["fuck"], "x" * 20000, "\x00\x01", "f" * 5000 + " you"])
def test_odd_input_never_crashes(bad: object) -> None:
    classify_offense(bad)  # type: ignore[arg-type]


def test_bot_names_become_insult_targets() -> None:
    plain = OffenseClassifier()
    named = OffenseClassifier(bot_names=["Chirpy"])
    assert not plain.classify("chirpy is dumb").is_offensive
    assert named.classify("chirpy is dumb").is_offensive


def _copy_data(tmp_path: Path) -> Path:
    for f in DATA_DIR.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    return tmp_path


def test_lexicon_is_data_a_new_term_needs_no_code(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    lexicon = data / "lexicon.toml"
    lexicon.write_text(lexicon.read_text().replace('[curse]\nstrong = [', '[curse]\nstrong = [\n  "frak*",'))
    assert not classify_offense("frakking toaster").is_offensive
    assert OffenseClassifier(data).classify("frakking toaster").is_offensive


def test_broken_lexicon_gives_a_clear_error(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    (data / "lexicon.toml").write_text('[curse]\nstrong = ["f(u)ck"]\n')
    with pytest.raises(LexiconError, match="bad lexicon term"):
        OffenseClassifier(data)
    (data / "lexicon.toml").write_text("[curse\n")
    with pytest.raises(LexiconError, match="invalid TOML"):
        OffenseClassifier(data)


def test_classifiers_with_the_same_bot_names_are_shared() -> None:
    from classifiers.offense import classifier_for

    assert classifier_for(["Chirpy"]) is classifier_for("chirpy")
    assert classifier_for(None) is classifier_for([])
    assert classifier_for("chirpy").classify("chirpy is dumb").is_offensive


def test_missing_normalisation_rules_are_a_clear_error(tmp_path: Path) -> None:
    from classifiers.offense.normalize import NormalizeRules

    with pytest.raises(LexiconError, match="offense data file missing: .*normalize.toml"):
        NormalizeRules.load(tmp_path / "normalize.toml")
    data = _copy_data(tmp_path)
    (data / "normalize.toml").unlink()
    with pytest.raises(LexiconError, match="normalize.toml"):
        OffenseClassifier(data)


def test_types_follow_one_order_most_serious_first() -> None:
    assert OFFENSE_TYPES == ("bodily_harm", "sexual", "inappropriate_topic", "criticism", "curse")
    assert classify_offense("i will kill you, you stupid bitch").types[0] == "bodily_harm"
