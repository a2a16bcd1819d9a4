"""The bot listens (issue 13): what the user names goes to its topic, a script's question is
answered only by text that answers it, and what the user told it is never asked again nor pushed on
them, within a conversation and in the next one for the same user id."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Callable, Iterator

import pytest

from chirpy.bot import Bot
from chirpy.config import Config
from chirpy.state import ConversationState
from chirpy.turn import TurnResult

FAVOURITE_ARTIST = ("Who's an artist or band you could listen to all day?", "Do you have a favorite singer or band?")
_ids = itertools.count()


def no_linker_config(db: Path | str) -> Config:
    """The shipped bot without the knowledge store: only the gazetteer says what a name is about."""
    order = [n for n in Config.from_dict({}).responder_order if n not in ("neural", "knowledge", "offense")]
    return Config.from_dict({"bot": {"db": str(db), "seed": 0}, "responders": {"order": order},
                             "pipeline": {"annotators": [], "shapers": []}})


@pytest.fixture(scope="module")
def plain_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    bot = Bot(no_linker_config(tmp_path_factory.mktemp("listening") / "log.db"))
    yield bot
    bot.close()


class Talk:
    def __init__(self, bot: Bot, user_id: str | None = None) -> None:
        self.bot, self.user_id, self.id = bot, user_id, f"listening-{next(_ids)}"
        self.lines = [bot.start(self.id, user_id=user_id).text]

    def say(self, text: str) -> TurnResult:
        result = self.bot.respond(self.id, text, user_id=self.user_id)
        self.lines.append(result.text)
        return result

    @property
    def state(self) -> ConversationState:
        state = self.bot.store.load_state(self.id)
        assert state is not None
        return state


@pytest.fixture(params=["linker", "gazetteer"])
def talk(request: pytest.FixtureRequest, understanding_bot: Bot, plain_bot: Bot) -> Callable[..., Talk]:
    """Each behaviour holds with the knowledge linker on (the shipped bot) and with no store at all."""
    bot = understanding_bot if request.param == "linker" else plain_bot
    return lambda user_id=None: Talk(bot, user_id)


def test_a_name_is_never_the_answer_to_a_topic_question(talk) -> None:
    t = talk()
    t.say("hi im priya")
    asked = t.say("lets talk about food")
    assert "food" in asked.text.lower() and asked.text.endswith("?")
    reply = t.say("my name is priya")  # said again: the name handler has nothing to correct
    assert reply.response.responder != "food"
    assert "priya!" not in reply.text.lower() and "pick pizza" not in reply.text


def test_another_topics_name_is_never_taken_as_the_answer(talk) -> None:
    t = talk()
    t.say("hi im sam")
    t.say("lets talk about movies")
    reply = t.say("i love formula 1 verstappen has been dominant")
    assert "formula. nice" not in reply.text.lower() and reply.response.responder != "movies"
    assert t.state.user_facts.answers("likes", "sports")


def test_a_sports_star_goes_to_sports_never_music(talk) -> None:
    t = talk()
    t.say("hi im sam")
    t.say("lets talk about music")
    reply = t.say("lebron james")
    assert reply.response.responder != "music"
    assert "music" not in reply.text.lower()


def test_a_band_goes_to_music(plain_bot: Bot) -> None:
    t = Talk(plain_bot)
    t.say("hi im sam")
    reply = t.say("um radiohead mostly")
    assert reply.response.responder == "music" or (reply.prompt and reply.prompt.responder == "music")


def test_what_they_listen_to_is_never_asked_again(talk) -> None:
    t = talk()
    t.say("hi im sam")
    asked = t.say("lets talk about music")
    assert asked.text.endswith("?") and not any(q in asked.text for q in FAVOURITE_ARTIST)
    t.say("mostly radiohead lately and some old jazz like coltrane")
    for said in ["yeah", "cool", "ok", "sure", "yeah i guess", "mhm"]:
        t.say(said)
    assert not any(q in line for line in t.lines[3:] for q in FAVOURITE_ARTIST), t.lines
    assert not any("listen to a lot of radiohead" in line.lower() for line in t.lines), t.lines  # the knowledge line


def test_a_declined_topic_is_never_pushed(talk) -> None:
    t = talk()
    t.say("hi im sam")
    t.say("lets talk about music")
    reply = t.say("um honestly i'm not really into sports")
    assert "love talking about sports" not in reply.text.lower()
    for said in ["ok", "sure", "yeah", "no", "cool", "i dunno", "ok", "yeah", "sure", "hmm", "ok", "cool"]:
        result = t.say(said)
        if result.ended:
            break
        assert "sports" not in result.text.lower() and result.response.topic != "sports", t.lines
        assert result.prompt is None or result.prompt.topic != "sports", t.lines
    assert t.state.user_facts.declined("sports")


def test_saying_no_to_the_topic_question_leaves_it_for_good(talk) -> None:
    t = talk()
    t.say("hi im sam")
    asked = t.say("lets talk about sports")
    assert asked.prompt is not None and asked.prompt.responder == "sports"
    reply = t.say("nah im not into sports")
    assert reply.prompt is not None and reply.prompt.topic != "sports"
    assert "nice" not in reply.text.lower().split(".")[0]
    asked_again = t.say("ok lets talk about sports then")  # they may still ask for it themselves
    assert "sport" in asked_again.text.lower()


def test_facts_are_kept_for_the_same_user(understanding_bot: Bot) -> None:
    first = Talk(understanding_bot, user_id="listening-user")
    first.say("hi im sam")
    first.say("well i'm not really into sports and i have a dog named miso")
    first.bot.end(first.id, "user_quit")
    second = Talk(understanding_bot, user_id="listening-user")
    known = second.state.user_facts
    assert known.declined("sports") and known.answers("pet", "animals")
    for said in ["ok", "sure", "yeah", "cool", "ok", "yeah", "hmm", "sure"]:
        result = second.say(said)
        assert "sports" not in result.text.lower() and "Do you have any pets" not in result.text
    stranger = Talk(understanding_bot, user_id="someone-else")
    assert not stranger.state.user_facts


def test_facts_are_kept_for_the_same_user_on_postgresql(postgres_url: str) -> None:
    bot = Bot(no_linker_config(postgres_url))
    try:
        first = Talk(bot, user_id="pg-user")
        first.say("hi im sam")
        first.say("my favorite band is radiohead and i'm not into sports")
        second = Talk(bot, user_id="pg-user")
        known = second.state.user_facts
        assert known.declined("sports") and known.answers("named", "music")
    finally:
        bot.close()


def test_a_show_they_named_opens_tv_without_asking_what_they_watch(talk) -> None:
    t = talk()
    t.say("hi im sam")
    reply = t.say("um ive been watching breaking bad")
    assert reply.response.responder == "tv" and "breaking bad" in reply.text.lower()
    assert "What's a show you've been enjoying lately?" not in reply.text
    assert "Are you watching any good shows right now?" not in reply.text


def test_a_declined_topic_is_not_handed_back_after_talking_about_one_of_its_teams(understanding_bot: Bot) -> None:
    t = Talk(understanding_bot)
    t.say("hi im sam")
    t.say("im not really into sports")
    for said in ["my brother loves the new england patriots though", "ok", "cool", "sure", "yeah", "ok"]:
        result = t.say(said)
        assert result.response.responder != "sports", t.lines
        assert result.prompt is None or result.prompt.responder != "sports", t.lines
    assert "sport" in t.say("ok lets talk about sports then").text.lower()  # asked in their own words


def test_the_word_they_judge_with_is_read_and_a_denial_is_not() -> None:
    from chirpy.understanding import understanding

    reader = understanding()
    assert reader.evaluation("its pretty crazy how many injuries the nfl has") == "crazy"
    assert reader.evaluation("my brother told me about the parade and thats so funny") == "funny"
    assert reader.evaluation("thats cool i find most people love them") is None  # judges our line, not theirs
    assert reader.evaluation("thats not crazy at all") is None
    assert reader.evaluation("whats crazy is there hasnt been a third party president since 1853") == "crazy"
    # "scary that they ...": the word opens the clause it judges, with no "it's" before it
    assert reader.evaluation("probably all the time scary that they have chips that can track your location") == "scary"
    assert reader.evaluation("it was a scary movie that i saw") is None
    # "how weird in india ...": judges the fact that follows, told at length
    assert reader.evaluation("hmm how weird in india there was a polling booth in a forest for one single voter") == "weird"
    assert reader.evaluation("she is so sad today") is None  # how a person is, not a judgement of what they tell


def test_having_read_something_is_not_sharing_a_fact() -> None:
    from chirpy.understanding import understanding

    reader = understanding()
    assert reader.shares_fact("i read that the grand snail league has twelve teams")
    assert not reader.shares_fact("i read that but wasnt sure exactly what it meant")


@pytest.mark.parametrize("said, shares", [
    ("anyway do you realize the nfl only has one left handed quarterback", True),
    ("you know that the gsl has twelve teams", True),
    ("you know that's pretty funny", False),  # "you know" as a filler, judging
    ("do you know if he is in the hall of fame", False),  # asking
    ("i wanted to be a prosecutor until i saw that movie", False),  # "that" points at a film, no fact follows
    ("i read that book twice in high school", False),
    ("i read that the movie cost a fortune to make", True),
    ("how about patriots rb green ellis he has never fumbled the ball once in his career", True),  # a record brought up
    ("how about the lakers are they any good", False),  # asked about
    ("the iowa locker room for visiting teams is always painted pink do you know", True),  # a fact, then the check
    ("do you know", False),
])
def test_facts_asked_as_do_you_realize_are_shared_not_asked(said, shares) -> None:
    from chirpy.understanding import understanding

    assert understanding().shares_fact(said) is shares


def test_good_news_denied_is_not_good_news() -> None:
    from chirpy.understanding import understanding

    reader = understanding()
    assert reader.good_news("my mom is recovering well after the surgery")
    assert not reader.good_news("yea wentz hasnt been recovering too well from his injury either")
    assert not reader.good_news("he is not doing better")


def test_a_fact_told_plainly_is_read_as_a_fact_and_a_story_of_their_own_is_not() -> None:
    from chirpy.understanding import understanding

    reader = understanding()
    assert reader.states_fact("yea espn won an emmy for the yellow line that shows the first down")
    assert reader.states_fact("in many states the coaches are the highest paid people")
    assert not reader.states_fact("i had to shovel snow for 2 hours today we got 7 inches")  # their day
    assert not reader.states_fact("no in my opinion that third movie is loud and not much fun")  # a view
    assert not reader.states_fact("he likes pizza a lot")
    assert not reader.states_fact("not only was the food cold but the waiter was rude to us all night")  # a view
    assert reader.states_fact("the waiter was the only one working in the whole restaurant that night")


@pytest.mark.parametrize("said, surprised", [
    ("oh that's cool i had no idea", True),
    ("wow i did not know that at all", True),
    ("huh that's news to me", True),
    ("i have no idea", False),  # unsure, not surprised
    ("i did not know what to do with my weekend", False),
])
def test_news_to_them_is_read_as_surprise(said, surprised) -> None:
    from chirpy.understanding import understanding
    from chirpy.annotations import Annotations

    assert understanding().read(Annotations(text=said)).surprised is surprised


@pytest.mark.parametrize("said, shares", [
    ("i also did not know that comedy central has cancelled over 100 shows", True),
    ("i did not know that at all", False),
])
def test_a_fact_they_just_learned_is_shared(said, shares) -> None:
    from chirpy.understanding import understanding

    assert understanding().shares_fact(said) is shares


def test_disbelief_is_surprise() -> None:
    from chirpy.annotations import Annotations
    from chirpy.understanding import understanding

    assert understanding().read(Annotations(text="i'm finding that one very hard to believe")).surprised


@pytest.mark.parametrize("said, asks", [
    ("personally i don't think so maybe a kicker would be a good start your thoughts", True),
    ("i wonder if they will ever change the rule any thoughts on that", True),
    ("i had some thoughts about that game", False),
])
def test_your_thoughts_at_the_end_asks_us_back(said, asks) -> None:
    from chirpy.annotations import Annotations
    from chirpy.understanding import understanding

    assert understanding().read(Annotations(text=said)).asks_back is asks


def test_like_meaning_such_as_is_no_liking() -> None:
    from chirpy.understanding import understanding

    reader = understanding()
    # "something like that would make me mad": no "I'm with you on that one. It's easy to like."
    assert reader.sentiment("something like that would just make me mad and geek my team up you") != "positive"
    assert reader.sentiment("they look like ants from up there") is None
    assert reader.sentiment("i really like the bears") == "positive"
    # "than i do like dressing up": "like" as "such as" after "i do"; "i do love ..." is a liking
    assert reader.entity_mood("celebrities do nicer things than i do like dressing up to visit sick kids") is None
    assert reader.entity_mood("i do love the new superbowl commercials") == "positive"


def test_no_interest_in_a_thing_is_a_dislike() -> None:
    from chirpy.understanding import understanding

    reader = understanding()
    # "i somehow do not find any interest in mystery fiction": never "That's pretty cool."
    assert reader.sentiment("i somehow do not find any interest in mystery fiction because of its themes") == "negative"
    assert reader.sentiment("im not really interested in golf") == "negative"
    assert reader.sentiment("i have a real interest in old maps") != "negative"


def test_not_believing_or_thinking_is_a_view() -> None:
    from chirpy.understanding import understanding

    # "i don't believe the theory that there is only one electron": their view, not a fact to learn from
    assert understanding().is_opinion("even though i don't believe the theory that there is only one electron in the universe")


@pytest.mark.parametrize("said, shares", [
    ("yeah that sounds cool you know edgar allen poe wrote the oldest known example of a cyborg in fiction", True),
    ("You know Edgar Allen Poe wrote the oldest known example of a cyborg in fiction?", True),
    ("there was a guy that got knighted for his service to literature you know him", False),  # asked about a person
    ("you know what i mean", False),
    ("you know i think he was the best", False),  # "you know" as a filler before their view
])
def test_a_fact_told_as_you_know_is_shared_not_asked(said, shares) -> None:
    from chirpy.understanding import understanding

    assert understanding().shares_fact(said) is shares
