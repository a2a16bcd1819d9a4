"""Names: taken only when the user is saying their own name, and only when it can be a first name."""

from __future__ import annotations

import pytest

NOT_NAMES_IN_ANSWER = [
    # The examples: answers to "what's your name" that are not names.
    "i dunno", "im good", "i am working", "i'm obsessed with football", "obvious", "working", "high", "yea",
    "i'm tired", "i am good thanks", "no", "i don't want to tell you", "why do you want to know", "i'm not telling",
    "hi there", "hello", "um hi how are you", "none of your business", "me gusta el fútbol",
]


@pytest.mark.parametrize("text", NOT_NAMES_IN_ANSWER)
def test_answers_to_the_name_question_that_are_not_names(annotate, text):
    assert annotate(text, expecting="name").user_name is None


@pytest.mark.parametrize("text", ["obvious", "working", "high", "yea", "i dunno", "i'm high", "sam", "i'm mark",
                                  "i'm will", "i'm justin bieber's biggest fan", "this is awesome"])
def test_no_name_from_ordinary_talk(annotate, text):
    assert annotate(text).user_name is None


@pytest.mark.parametrize("text, name", [
    ("my name is sam", "Sam"), ("hi my name's olivia", "Olivia"), ("call me alex", "Alex"),
    ("you can call me dee", "Dee"), ("My name is María", "María"), ("um well my name is priya", "Priya"),
    ("my name is will", "Will"), ("actually my name is bea", "Bea"), ("oh by the way my name is jordan", "Jordan"),
    ("i'm sam and i love dogs", "Sam"), ("this is priya", "Priya"),
])
def test_introductions(annotate, text, name):
    assert annotate(text).user_name == name


@pytest.mark.parametrize("text, name", [
    ("sam", "Sam"), ("i'm jordan", "Jordan"), ("it's kim", "Kim"), ("im taylor", "Taylor"), ("will", "Will"),
    ("it's grace", "Grace"), ("um hi i'm sam", "Sam"), ("miso", "Miso"), ("bea", "Bea"),
])
def test_answers_to_the_name_question(annotate, text, name):
    assert annotate(text, expecting="name").user_name == name


@pytest.mark.parametrize("text", ["call me crazy but i love pineapple pizza", "call me maybe", "call me when you can"])
def test_call_me_without_a_name(annotate, text):
    assert annotate(text).user_name is None


@pytest.mark.parametrize("text", ["i have a cat actually her name is miso", "my dog's name is rex",
                                  "my sister is called emma", "his name is tom hanks"])
def test_someone_elses_name_is_never_the_users(annotate, text):
    assert annotate(text).user_name is None
    assert annotate(text, expecting="name").user_name is None


def test_a_correction_counts_only_right_after_the_bot_used_the_name(annotate):
    context = {"known_name": "Bee", "last_bot_text": "Nice to meet you, Bee! What do you like to do?"}
    assert annotate("no it's bea", **context).user_name == "Bea"
    assert annotate("no it's bea", **context).name_source == "correction"
    assert annotate("no it's fine", **context).user_name is None
    assert annotate("no it's bea", known_name="Bee", last_bot_text="What do you like to do?").user_name is None


# -- in conversation ----------------------------------------------------------------------------
def test_a_greeting_instead_of_a_name_gets_the_question_once_more(conversation):
    chat = conversation()
    reply = chat.say("hi there")
    assert reply.response.responder == "launch"
    assert "name" in reply.text.lower() or "call you" in reply.text.lower()
    assert "Okay!" not in reply.text
    reply = chat.say("sam")
    assert chat.name == "Sam" and "Sam" in reply.text
    second = conversation()
    second.say("hello")
    reply = second.say("hello")  # asked once more only: a second greeting does not loop
    assert "name" not in reply.response.text.lower()


def test_a_greeting_and_a_question_are_answered_then_the_name_is_asked(conversation):
    chat = conversation()
    reply = chat.say("hi how are you")
    assert reply.response.responder == "bot_facts"
    assert reply.prompt is not None and reply.prompt.responder == "launch"
    chat.say("i'm priya")
    assert chat.name == "Priya"


def test_what_is_my_name(conversation):
    chat = conversation()
    chat.say("my name is priya")
    for question in ("what's my name", "what is my name", "do you know my name", "um whats my name again"):
        reply = chat.say(question)
        assert "Priya" in reply.text, question
        assert "mystery" not in reply.text


def test_what_is_my_name_when_the_bot_does_not_know_it(conversation):
    chat = conversation()
    chat.say("i'd rather not say")
    reply = chat.say("what is my name")
    assert "don't know" in reply.text.lower() or "told me" in reply.text.lower()
    reply = chat.say("it's jordan")
    assert chat.name == "Jordan" and "Jordan" in reply.text


def test_the_user_corrects_their_name(conversation):
    chat = conversation()
    chat.say("my name is bee")
    assert chat.name == "Bee"
    reply = chat.say("no it's bea")
    assert chat.name == "Bea" and "Bea" in reply.text and reply.response.responder == "launch"
    reply = chat.say("actually my name is beatrice")
    assert chat.name == "Beatrice" and "Beatrice" in reply.text


def test_a_pets_name_does_not_rename_the_user(conversation):
    chat = conversation()
    chat.say("my name is dana")
    chat.say("i have a cat actually her name is miso")
    assert chat.name == "Dana"
    assert "Dana" in chat.say("what's my name").text
