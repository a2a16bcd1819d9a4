"""Answering what real users ask (issue 13): questions about the bot's tastes and experiences, often at
the end of a run-on sentence of speech text, get an answer about the thing asked, never "I don't know";
news is answered with sympathy or gladness, never a filler; "let's wrap up" closes politely."""

from __future__ import annotations

import itertools
import random
import re
import threading
import time

import pytest

from chirpy.responder import Candidate, Handoff, Priority, TurnContext
from chirpy.state import ConversationState, Utterance
from chirpy.text import clean_user_text
from chirpy.understanding import understanding

DONT_KNOW = re.compile(r"don'?t know|not sure|no idea|mystery|wish i knew|afraid i", re.IGNORECASE)
FILLERS = ("got it", "makes sense", "i see", "fair enough", "oh, okay", "right.")


_ids = itertools.count()


@pytest.fixture
def chat(new_chat):
    """Our own conversation ids: the shared counter stays as the other scripted tests expect it."""
    return new_chat(f"answers-{next(_ids)}")


def named(chat):
    chat.say("i'm sam")
    return chat


@pytest.mark.parametrize("question, about", [
    ("um i agree do you watch much tv", "tv"),  # the question ends a run-on: the segment is read, not the whole
    ("hilarious what about jazz do you like jazz", "jazz"),
    ("yeah i was surprised about that too and did you watch the shining", "the shining"),
    ("lol yes did you ever try to play the violin", "the violin"),
    ("i agree have you heard about normalman", "normalman"),
    ("are you a fan of marvel comics", "marvel comics"),
    ("so what do you think about tom brady", "tom brady"),
])
def test_questions_about_the_bots_taste_are_answered_about_the_thing(chat, question, about):
    result = named(chat).say(question)
    assert result.response.responder == "answers", result.text
    assert about in result.response.text.lower()
    assert not DONT_KNOW.search(result.text)


def test_a_bot_is_honest_about_what_it_cannot_do_and_never_says_i_dont_know_to_it(chat):
    result = named(chat).say("are you a big wine drinker i am not but i might make an exception for this one")
    assert result.response.responder == "answers" and result.response.meta["kind"] == "do_you_do", result.text
    assert not DONT_KNOW.search(result.text)


def test_a_bare_question_is_turned_back_but_one_with_a_story_is_not(chat):
    alone = named(chat).say("do you like comics")
    assert alone.response.is_question and alone.prompt is None  # "...Do you?": the user answers next
    told = chat.say("i grew up reading them every weekend with my brother do you like superheroes")
    assert not told.response.is_question and told.prompt is not None  # they told theirs: back to a topic


def test_favourites_are_real_picks_not_a_dodge(chat):
    result = named(chat).say("um whats your favorite superhero")
    assert result.response.responder == "answers"
    assert "Spider-Man" in result.text and not DONT_KNOW.search(result.text)
    # No pick for that kind of thing: honest, but still no "I don't know".
    other = chat.say("do you have a favorite kitchen appliance")
    assert "kitchen appliance" in other.text and not DONT_KNOW.search(other.text)


def answers_to(bot, said: str, bot_line: str, active: str | None = None):
    """The answers responder alone, on a turn after ``bot_line`` (said by ``active``)."""
    state = ConversationState(conversation_id="answers-unit", active_responder=active)
    state.history.append(Utterance("bot", bot_line, active))
    ann = bot.annotator.annotate(clean_user_text(said, 1000))
    ctx = TurnContext("answers-unit", 1, ann, state, {}, random.Random(0), time.monotonic() + 5, threading.Event(),
                      topics=bot.topics)
    return bot.responders["answers"].respond(ctx)


def test_how_about_you_after_a_story_of_theirs_is_not_agreed_with(scripted_bot):
    """"i grew up with a rotary phone how about you": a bot has no such story, and says so."""
    story = answers_to(scripted_bot, "yeah i'm that age lol i grew up with a rotary phone in my house how about you",
                       "I couldn't live without the internet, literally.")
    assert "bot" in story.text.lower() and "lean your way" not in story.text and "with you" not in story.text
    liked = answers_to(scripted_bot, "i love pizza how about you", "I couldn't live without the internet, literally.")
    assert "bot" not in liked.text.lower()  # a taste to share, not a story


def test_what_about_you_gets_our_own_answer_to_our_own_question(scripted_bot, new_chat):
    pets = answers_to(scripted_bot, "no i don't um what about you", "Okay! Do you have any pets?")
    assert "pet" in pets.text and "dog" in pets.text  # our own answer to our own question
    name = answers_to(scripted_bot, "im sam and you", "Hi there! What's your name?")
    assert "Chirpy" in name.text
    fan = answers_to(scripted_bot, "i love it im a steelers fan how about you", "Hi there! What's your name?")
    assert "Chirpy" not in fan.text and not DONT_KNOW.search(fan.text)  # no name given: not "I'm Chirpy!"
    chat = new_chat(f"answers-{next(_ids)}")
    result = chat.say("i love it im a steelers fan how about you")
    assert result.response.responder == "answers" and not DONT_KNOW.search(result.text)


def test_thinking_aloud_is_wondered_along_with_not_answered_i_dont_know(chat):
    result = named(chat).say("i wonder why they paint the visitors locker room pink")
    assert result.response.responder == "answers" and result.response.meta["kind"] == "wonder"
    assert not DONT_KNOW.search(result.text)


def test_a_statement_read_as_a_question_gets_no_i_dont_know(chat):
    reader = understanding()
    assert not reader.is_interrogative("they have had 53 animated feature films")
    assert reader.is_interrogative("so do you know who won") and reader.is_interrogative("that was wild right")
    result = named(chat).say("they have had 53 animated feature films wow i thought it was like 25")
    assert not DONT_KNOW.search(result.text), result.text


def test_what_do_you_think_after_their_view_sides_with_it(scripted_bot, chat):
    result = chat.say("honestly i think the new rules ruined the game what do you think")
    assert result.response.responder == "answers" and result.response.meta["kind"] == "your_view"
    # Right after a topic's question, the topic's own take answers better: ours steps back.
    after_topic = answers_to(scripted_bot, "i think it's overrated what do you think", "What's a movie you love?",
                             active="movies")
    assert after_topic.priority < result.response.priority


# -- acknowledging what was said (item 5) -------------------------------------------------------------
@pytest.mark.parametrize("setup", [[], ["let's talk about sports"],
                                   ["lets talk about music", "mostly radiohead lately and some old jazz like coltrane"]])
def test_mixed_news_gets_sorry_and_glad_never_a_filler(chat, setup):
    named(chat)
    for line in setup:
        chat.say(line)
    chat.say("not great my grandma has been sick")
    result = chat.say("thanks. she fell last week but shes doing a bit better")
    reply = result.response.text.lower()
    assert "sorry" in reply and ("glad" in reply or "good to hear" in reply)
    assert not any(filler in reply for filler in FILLERS)


@pytest.mark.parametrize("news", ["um i got a new job last week", "we got engaged on saturday"])
def test_good_news_is_met_with_gladness(chat, news):
    reply = named(chat).say(news).response.text.lower()
    assert any(word in reply for word in ("great news", "wonderful", "exciting", "happy for you"))
    assert not any(filler in reply for filler in FILLERS)


def test_news_words_in_passing_are_not_news():
    reader = understanding()
    assert reader.bad_news("my grandma has been sick") and reader.bad_news("she fell down the stairs")
    assert not reader.bad_news("i fell in love with that show") and not reader.bad_news("he broke his record")
    assert not reader.good_news("i got a new phone case")


@pytest.mark.parametrize("wrap_up", ["yeah lets wrap up", "ok let's call it a day", "um i think we can wrap it up here"])
def test_asking_to_wrap_up_closes_politely(chat, wrap_up):
    result = named(chat).say(wrap_up)
    assert result.ended and result.response.responder == "closing"
    assert "Lets" not in result.text and "know much" not in result.text


def test_a_sign_off_at_the_end_of_a_long_turn_ends_the_chat(chat):
    result = named(chat).say("they totally deserved an emmy for that well it was great chatting with you tonight")
    assert result.ended and result.response.responder == "closing"


@pytest.mark.parametrize("sign_off", [
    "the highest score ever was two hundred to nothing its been fun chatting",
    "have a good day gotta run",
    "thanks friend it was nice chatting with you as well enjoy the rest of your day",
    "interesting for sure it was so nice chatting with a fellow bears fan",
    "well it was nice talking to you even though i dont know a lot about football",
    "i couldnt imagine a game without it well nice chatting",
    "no i dont really follow it anyway nice chatting with you ttyl",
    "hes great hey its been awesome chatting with you",
    "well i enjoyed chatting with ya",
    "cleveland can hope so thanks for talking football with me",
    "some one around here deserves something take it easy out there",
    "in any case thanks for chatting",
    "yes nice chatting have a pleasant evening",
    "i'm going to go for a walk though it was great to chat with you hope you have a great rest of the day",
    "thanks for chatting with me this evening",
    "i guess i have to become an engineer then lol anyway nice chat a lot of useful info about football",
    "i trust the science of the soul anyway thanks for the heart to heart chat peace",
    "likewise take care",
])
def test_sign_offs_people_really_say_end_the_chat(chat, sign_off):
    result = named(chat).say(sign_off)
    assert result.ended and result.response.responder == "closing"


@pytest.mark.parametrize("not_a_sign_off", ["did you have a good day", "its fun talking about movies with my friends",
                                            "i try to take it easy on weekends and just read",
                                            "thanks for chatting about football it got me thinking",
                                            "i love talking to you about music", "i hope you have a good day at work",
                                            "we watched a peace talk on the news"])
def test_chat_about_days_and_talking_is_not_a_sign_off(chat, not_a_sign_off):
    result = named(chat).say(not_a_sign_off)
    assert not result.ended and result.response.responder != "closing"


def test_a_topic_switch_is_never_answered_as_a_question(chat):
    named(chat).say("let's talk about sports")
    result = chat.say("not really. can we talk about movies instead")
    assert "movies" in (result.response.topic or "") + (result.prompt.topic if result.prompt else "") or "movie" in result.text.lower()
    assert not DONT_KNOW.search(result.text) and "good question" not in result.text.lower()


def test_i_dunno_is_neither_a_name_nor_a_thing(chat):
    result = chat.say("i dunno")  # to "what's your name?"
    assert result.annotations.user_name is None and "dunno" not in result.text.lower()
    named_later = chat.say("um i dunno")
    assert "dunno" not in named_later.text.lower()


def test_a_question_nobody_can_answer_gets_an_honest_answer_turned_back(chat):
    result = named(chat).say("um how many games are in a hockey season i always forget")
    assert result.response.responder == "fallback" and result.response.meta["slot"] == "question"
    assert result.response.is_question and result.prompt is None  # "...Do you know?": the user answers next


def test_the_thing_asked_about_is_said_back_without_the_users_clause(chat):
    result = named(chat).say("yes the best really what about neil gaiman he's good too")
    assert "neil gaiman" in result.response.text.lower() and "good too" not in result.response.text


def test_the_thing_asked_about_ends_where_they_move_on(chat):
    # "by the way" starts something new: never "I mostly get to know by the way through people like you".
    result = named(chat).say("that is a long time did you ever play by the way apparently the rules were set in the 1800s")
    assert result.response.responder == "answers", result.text
    assert "by the way" not in result.text.lower() and "apparently" not in result.text.lower(), result.text


def test_did_you_hear_with_a_fact_after_it_is_their_fact_not_a_question(chat):
    result = named(chat).say("yeah that is a unlikely story did you hear the iowa state visiting locker room is pink")
    assert result.response.responder != "answers", result.text  # not "I haven't heard the iowa state ... myself"
    assert "locker room" not in result.text.lower() and not DONT_KNOW.search(result.text), result.text
    asked = chat.say("have you been to paris")
    assert asked.response.responder == "answers" and "paris" in asked.text.lower(), asked.text


@pytest.mark.parametrize("question, about", [("What about birds, do you like birds?", "birds"),
                                             ("what about horror films do you watch them", "them")])
def test_what_about_x_then_a_question_answers_the_question_never_garbled(chat, question, about):
    result = named(chat).say(question)
    assert result.response.responder == "answers" and about in result.text.lower(), result.text
    assert " do me " not in result.text and " do you " not in result.text.lower(), result.text


def test_who_are_you_rooting_for_asks_our_pick_not_our_name(chat):
    result = named(chat).say("I am indifferent. I root for a good game and a good storyline. Who are you rooting for?")
    assert result.response.responder == "answers" and "underdog" in result.text, result.text
    assert "Chirpy" not in result.text and not result.text.startswith("Sure")


def test_a_typed_greeting_is_no_thing_to_talk_about(new_chat):
    result = new_chat("typed-greeting").say("Hi, how are youse doing tonight?")
    assert result.response.responder == "bot_facts", result.text  # how the bot is, not "Oh, Hi how are youse, nice."
    assert "youse" not in result.text.lower()


def test_a_what_if_of_their_own_is_taken_up_not_answered_i_dont_know(chat):
    result = named(chat).say("probably they can't meet the players maybe it's pretty rude like what if they are not done eating")
    assert result.response.responder == "answers" and result.response.meta["kind"] == "what_if", result.text
    assert not DONT_KNOW.search(result.text)


@pytest.mark.parametrize("question, word", [
    ("i don't know much about the teams does your family have a connection to spain", "family"),
    ("do you have kids", "family"),
    ("it is said they fight but really does it not depend did your dog care at all about the cats", "pet"),
])
def test_asked_about_a_family_or_pet_the_bot_says_it_has_none(chat, question, word):
    result = named(chat).say(question)
    assert result.response.responder == "bot_facts" and word in result.response.text.lower(), result.text
    assert not DONT_KNOW.search(result.text)


@pytest.mark.parametrize("question, garbled", [
    ("good morning do you like or watch football", "or watch"),
    ("yes it is have you heard of the saints rules for its cheerleaders", "rules for"),
])
def test_a_broken_piece_of_a_clause_is_never_said_back(chat, question, garbled):
    result = named(chat).say(question)
    assert result.response.responder == "answers" and garbled not in result.response.text.lower()


def test_a_favourite_of_a_kind_is_that_kinds_pick(chat):
    result = named(chat).say("i love ice hockey too who's your favorite nhl team")
    assert "Canadiens" in result.text and "Packers" not in result.text


def test_a_question_instead_of_a_name_is_answered_not_brushed_off(chat):
    result = chat.say("do you like birds")  # to "what's your name?"
    assert result.response.responder == "answers" and "birds" in result.response.text


@pytest.mark.parametrize("question, kind, about", [
    ("did you happen to catch the super bowl", "have_you", ("super bowl",)),
    ("what do you do in your spare time", "pastime", ("spare time", "facts", "space")),
    ("um do you have any hobbies", "pastime", ("spare time", "facts", "space")),
    ("do you think we will ever see a game where a team scores 222 points", "will_ever", ("never", "someday", "bet")),
    ("whose your favorite player", "favorite", ("serena williams",)),  # "whose": a misspelt "who's"
    ("what team's your favorite", "favorite", ("packers",)),
    ("cool were you rooting for the patriots to win the super bowl again", "rooting", ("root", "underdog")),
    ("i like snakes what do you do for a living", "job", ("job",)),
    ("they've had their moments are you familiar with alex smith", "familiar", ("alex smith",)),
    ("yes alot do you know ruben fleischer", "familiar", ("ruben fleischer",)),
    ("are you from ne i will be using chips too i think it will be bbq chips for the game", "where_from", ("bot", "cloud")),
    ("on a different note do you ever think about the planet mars", "have_you", ("the planet mars",)),
    ("i heard its faster than ours here in the us is that true", "agree", ("right", "so", "agree", "onto", "lean")),
    ("interesting how is that even possible", "surprise", ("wild", "guessed", "picture", "surprised")),
    ("definitely something to look into were you ever a fan of michael jordan", "do_you_like", ("michael jordan",)),
    ("it was a big comeback at the end who were you rooting for this year", "rooting_who", ("underdog",)),
    ("how on earth did he do that i want to see the footage", "surprise", ("wild", "guessed", "picture", "surprised")),
])
def test_personal_questions_get_a_real_answer(chat, question, kind, about):
    result = named(chat).say(question)
    assert result.response.responder == "answers" and result.response.meta["kind"] == kind, result.text
    assert any(words in result.response.text.lower() for words in about)
    assert not DONT_KNOW.search(result.text) and "that's something" not in result.text.lower()


def test_did_you_know_shares_a_fact_it_does_not_ask_if_we_know_a_thing(chat):
    result = named(chat).say("not so much really did you know women can play too if they make the cut")
    assert "women can play" not in result.text and result.response.meta.get("kind") != "familiar", result.text


def test_do_you_know_a_thing_the_store_knows_gets_its_fact(chat):
    result = named(chat).say("um do you know tom brady")
    assert result.response.responder == "knowledge" and "Patriots" in result.text


def test_a_famous_or_long_gone_persons_death_is_not_the_users_bad_news(chat):
    reader = understanding()
    assert not reader.bad_news("yeah she was an icon she died in 1886 at the tender age of 55")
    assert not reader.bad_news("the king died in the 1500s")
    assert reader.bad_news("my grandma died in 2019") and reader.bad_news("our dog died at the age of 14")
    result = named(chat).say("yeah she was an icon she died in 1886 at the tender age of 55")
    assert "sorry" not in result.text.lower() and "must be hard" not in result.text.lower(), result.text


def test_a_fact_about_something_else_is_acknowledged_not_answered_with_more_of_ours(chat, new_chat):
    first = named(chat).say("are you familiar with the olympics")
    assert first.response.responder == "knowledge", first.text
    result = chat.say("demetri martin wrote a 224 word palindrome poem")
    assert result.response.responder == "knowledge" and result.response.meta["kind"] == "heard_elsewhere"
    assert "games" not in result.text.lower() and "olympic" not in result.text.lower(), result.text
    # Still about the Olympics ("them"): the thread goes on.
    other = named(new_chat(f"answers-{next(_ids)}"))
    assert other.say("are you familiar with the olympics").response.responder == "knowledge"
    going_on = other.say("yeah i watched them with my family every summer as a kid")
    assert going_on.response.responder == "knowledge" and going_on.response.meta.get("kind") == "more", going_on.text


def react_to(bot, said: str, responder: str = "reaction", quiet: int = 1, phase: str = "respond",
             after: Candidate | None = None):
    """One responder alone (the reaction by default), on a turn after ``quiet`` plain bot lines;
    in the prompt phase, after the response ``after``."""
    state = ConversationState(conversation_id="reaction-unit")
    for _ in range(quiet):
        state.history.append(Utterance("bot", "I love hearing about that.", None))
    ann = bot.annotator.annotate(clean_user_text(said, 1000))
    ctx = TurnContext("reaction-unit", 1, ann, state, {}, random.Random(0), time.monotonic() + 5, threading.Event(),
                      response=after, topics=bot.topics)
    return getattr(bot.responders[responder], phase)(ctx)


STORY = "my neighbour built a tiny greenhouse out of old windows and now she grows lemons there all winter long"


def test_a_long_story_of_theirs_gets_no_scripted_line_piled_on(scripted_bot):
    """After two quiet turns the reaction would lead; a long story of theirs keeps the floor a while longer:
    no prompt asked for, and the fallback offers none ("What's on your mind?" would ignore it)."""
    assert react_to(scripted_bot, "i guess that sounds kind of nice", quiet=2).needs_prompt  # a short reply: we lead
    assert not react_to(scripted_bot, STORY, quiet=2).needs_prompt
    assert react_to(scripted_bot, STORY, "fallback", quiet=2, phase="prompt") is None
    assert react_to(scripted_bot, STORY, "fallback", quiet=3, phase="prompt") is not None  # then we lead again


def test_a_topic_that_says_lets_switch_is_always_followed_by_a_prompt(scripted_bot):
    """"Sports are always fun to talk about. Let's switch it up though." must not dangle, however long
    the user's turn was."""
    switching = Candidate("Let's switch it up though.", Priority.STRONG_CONTINUE, needs_prompt=True,
                          handoff=Handoff(leave_topic=True), responder="sports")
    assert react_to(scripted_bot, STORY, "fallback", quiet=1, phase="prompt", after=switching) is not None
    assert react_to(scripted_bot, STORY, "music", quiet=3, phase="prompt", after=switching) is not None


@pytest.mark.parametrize("said, noun", [
    ("they really have internet data stored in chips in the shoulder pads of football players", "internet data"),
    ("i watched the game last night and it was really fun to see how they covered it on espn", "espn"),
    ("well there is no written rule against them playing so if they make the cut they play", "the cut"),
])
def test_a_noun_in_passing_is_not_said_back_as_the_point(scripted_bot, said, noun):
    reaction = react_to(scripted_bot, said)
    assert reaction is not None and noun not in reaction.text.lower(), reaction.text


def test_a_name_in_passing_late_in_a_long_turn_is_not_said_back(scripted_bot):
    said = "really that is pretty cool i found it very interesting that a store in alabama only sells lost luggage"
    reaction = react_to(scripted_bot, said)
    assert reaction is not None and "alabama" not in reaction.text.lower(), reaction.text
    opened = react_to(scripted_bot, "sam darnold is only twenty one and already starting for the jets this season")
    assert "sam darnold" in opened.text.lower(), opened.text  # the name they open with is the point


def test_what_they_love_is_said_back(scripted_bot):
    reaction = react_to(scripted_bot, "honestly i really love the national anthem it gives me chills every single time")
    assert "national anthem" in reaction.text.lower(), reaction.text


@pytest.mark.parametrize("question, thing", [("did you watch the world cup back in 2014", "world cup"),
                                             ("did you see the super bowl last year", "super bowl")])
def test_when_it_happened_is_not_said_back_as_part_of_the_thing(chat, question, thing):
    result = named(chat).say(question)
    assert thing in result.text.lower() and "2014" not in result.text and "last year" not in result.text


@pytest.mark.parametrize("filler", ["ya", "ya for sure", "yep"])
def test_a_filler_is_never_said_back_as_a_thing(chat, filler):
    named(chat).say("i like music")
    result = chat.say(filler)  # to the music script's question
    assert filler.split()[0] not in result.text.lower().replace(",", " ").replace(".", " ").split()


def test_which_of_two_fans_gets_a_pick_not_a_fan_of_both(chat):
    result = named(chat).say("back to your shatner comment are you a star wars or star trek fan")
    assert result.response.meta.get("kind") == "either_or", result.text
    assert "star wars or star trek" not in result.text


def test_something_they_hate_is_never_liked_back(scripted_bot):
    reaction = react_to(scripted_bot, "snakes the answer to what do i hate more is always snakes i cant even look at them")
    assert reaction is not None and "like that" not in reaction.text and "great" not in reaction.text, reaction.text
    assert any(w in reaction.text.lower() for w in ("fair", "not for everyone")), reaction.text


def test_after_answering_a_long_turn_no_topic_line_is_piled_on(chat):
    """A question at the end of a long turn about something no topic covers: the answer is the reply."""
    named(chat)
    result = chat.say("that takes a lot of dedication i agree with you there what do you think of the winners")
    assert result.response.responder == "answers" and result.prompt is None, result.text


@pytest.mark.parametrize("said", ["isn't he dead", "wasn't that in 1990", "weren't they derived from dunce caps",
                                  "um didn't they win it back in the sixties"])
def test_a_fact_checked_with_us_gets_a_hedge_not_agreement(scripted_bot, said):
    """We cannot confirm what we do not know: never a flat "I'd agree with that" to "isn't he dead"."""
    checked = answers_to(scripted_bot, said, "I read that the team was founded a long time ago.")
    assert checked.meta.get("kind") == "check", (said, checked.text)
    judged = answers_to(scripted_bot, "isn't it great", "I read that the team was founded a long time ago.")
    assert judged.meta.get("kind") == "agree", judged.text  # a judgement is agreed with


@pytest.mark.parametrize("said, never", [
    ("i do believe they are re releasing lion king have you heard about that as live action i think", "as live action"),
    ("do you know anymore details on how it", "how it"),
    ("did you ever see brave that movie was great i loved how they did her hair", "brave that movie"),
])
def test_a_clause_is_said_back_as_that_never_garbled(scripted_bot, said, never):
    reply = answers_to(scripted_bot, said, "I read that the movie came out a long time ago.")
    assert reply is not None and never not in reply.text, reply.text


@pytest.mark.parametrize("said, kind, never", [
    ("do you have a fav pro team", "favorite", "don't have one"),
    ("what's your fave movie", "favorite", "don't have one"),
    ("are you a big football fan", None, "big football"),
    ("wow thats great i prefer baseball though what do you like about football", "what_you_like", "mystery"),
    ("i will watch it for sure with friends and family what team are you rooting for", "favorite", "wish i knew"),
    ("thats cool what position would you play quarterback", "favorite", "mystery"),
    ("i bet what kind of dog do you have", "do_you_have", "mystery"),
])
def test_how_people_really_ask_about_our_tastes(scripted_bot, said, kind, never):
    reply = answers_to(scripted_bot, said, "I read that the team was founded a long time ago.")
    assert reply is not None and never not in reply.text, reply.text
    assert kind is None or reply.meta.get("kind") == kind, (reply.text, reply.meta)


@pytest.mark.parametrize("said, kind", [
    ("do you believe there is life elsewhere in the universe", "believe"),
    ("netflix still pays a ton on postage why do you think", "why_guess"),
    ("it's even made from wood how expensive do you think they are", "amount_guess"),
    ("i often wonder if we are alone in the universe or if other life is out there", "wonder"),
    ("super cool do you ride horses at all", "do_you_do"),  # a bot has no body: honest, not "I don't know"
    ("right i don't want your brain on a stick do you smoke", "habit"),  # never "I wish I could smoke"
])
def test_a_question_asking_our_view_or_guess_gets_one_not_i_dont_know(scripted_bot, said, kind):
    reply = answers_to(scripted_bot, said, "I read that the team was founded a long time ago.")
    assert reply is not None and reply.meta.get("kind") == kind and not DONT_KNOW.search(reply.text), (said, reply)


@pytest.mark.parametrize("said", [
    "have you heard how elton john and bernie taupin met",
    "did you ever hear why the team painted the locker room pink",
])
def test_have_you_heard_how_invites_their_story_not_a_recommendation(scripted_bot, said):
    reply = answers_to(scripted_bot, said, "I read that the band formed a long time ago.")
    assert reply is not None and reply.meta.get("kind") == "heard_how", (said, reply)
    assert "recommend" not in reply.text and not DONT_KNOW.search(reply.text), reply.text


def test_the_user_asks_back_about_a_thing_of_their_own_not_our_question(chat):
    # "are you into science?" then "i do like bruno mars ... what about you": they ask about the singer.
    named(chat)
    reply = chat.say("i do like bruno mars hes one of my favorite artists what about you do you like him")
    assert reply.response.meta.get("kind") == "asks_back", reply.text
    assert not any(word in reply.response.text.lower() for word in ("space", "science", "job", "chatting")), reply.text


# -- questions inside long turns (issue 13): read where the question starts, asked the long way round --
@pytest.mark.parametrize("said, kind, about", [
    # Speech: the acts leave the lead-in on the question segment.
    ("thats a good question this is off topic but have you used virtual reality", "have_you", "virtual reality"),
    ("i love football too who is your team", "favorite", "packers"),
    # Typed: a comma joins the lead-in to the question.
    ("That would be terrible for the players. Speaking of entertainment, did you ever play the NES?", "have_you", "nes"),
    ("A lot of dedication, I agree with you there, what do you think of the winners?", "what_do_you_think", "the winners"),
])
def test_a_question_after_a_lead_in_is_read_where_it_starts(chat, said, kind, about):
    result = named(chat).say(said)
    assert result.response.responder == "answers" and result.response.meta["kind"] == kind, result.text
    assert about in result.response.text.lower() and not DONT_KNOW.search(result.text)


@pytest.mark.parametrize("said", ["would you say you have a favorite team", "I like the Bears. Would you say you have a favorite team?"])
def test_a_question_asked_the_long_way_round_gets_the_plain_questions_answer(chat, said):
    result = named(chat).say(said)  # not "Maybe! I'd have to think it over"
    assert result.response.meta.get("kind") == "favorite" and "Packers" in result.text, result.text


@pytest.mark.parametrize("said, kind", [
    ("i got bit by a neighbor's dog once have you ever been bitten", "happened_to_you"),
    ("I like the NFC too. Will you be watching the Super Bowl?", "plans"),
    ("good evening planning to watch any football this weekend", "plans"),
])
def test_what_needs_a_body_gets_the_bots_honest_no_not_maybe_or_on_my_list(chat, said, kind):
    result = named(chat).say(said)
    assert result.response.responder == "answers" and result.response.meta["kind"] == kind, result.text
    assert "bot" in result.response.text.lower() or "no body" in result.response.text.lower(), result.text
    assert not re.search(r"maybe|on my list|now i'm curious", result.response.text, re.IGNORECASE), result.text


@pytest.mark.parametrize("said, about", [("hi how are you do you like toys", "toys"), ("Hi, how are you? Do you like radio?", "radio")])
def test_a_greeting_before_a_question_does_not_swallow_the_question(chat, said, about):
    result = chat.say(said)  # to "what's your name?"
    assert result.response.responder == "answers" and about in result.response.text.lower(), result.text
    assert re.search(r"thank|well|good|great", result.response.text, re.IGNORECASE)  # how we are, too
    assert chat.say("hi how are you").response.responder == "bot_facts"  # a greeting alone is bot_facts'


@pytest.mark.parametrize("said, kind, not_said", [
    ("i mostly like rock what do you listen to", "listening", DONT_KNOW),
    ("that's an interesting thought do you have anything specific in mind", "in_mind", re.compile("one of my own")),
    ("do you you read the full terms when buying a product online", "do_you_do", DONT_KNOW),  # a stutter
    ("you a sports fan i always wanted to be a quarterback", "do_you_like", DONT_KNOW),  # "are" dropped
    ("i think he has a good point there do you wear hats by the way", "do_you_do", DONT_KNOW),
])
def test_real_phrasings_of_questions_to_the_bot_get_their_answer(chat, said, kind, not_said):
    result = named(chat).say(said)
    assert result.response.responder == "answers" and result.response.meta["kind"] == kind, result.text
    assert not not_said.search(result.response.text), result.text


@pytest.mark.parametrize("said", [
    "thats great there is also only one left handed quarter back in the nfl weird huh",
    "There is also only one left handed quarterback in the NFL, weird huh",
])
def test_a_statement_with_a_tag_is_agreed_with_not_answered_i_dont_know(chat, said):
    result = named(chat).say(said)
    assert result.response.responder == "answers" and result.response.meta["kind"] == "tag", result.text
    assert not DONT_KNOW.search(result.text)


@pytest.mark.parametrize("said", ["What arts do you enjoy? Music? Poetry?", "which kinds of books do you read"])
def test_a_wh_question_is_not_cut_at_its_do_you(scripted_bot, said):
    # "what arts do you enjoy" asks which arts, not "do you enjoy": no "I'd say yes" / "Not myself".
    reply = answers_to(scripted_bot, said, "I read that the band formed a long time ago.")
    assert reply is None or reply.meta.get("kind") not in ("do_you_like", "do_you_do"), reply.text
