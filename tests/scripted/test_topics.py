"""Topic scripts: opening, multi-turn exchanges that refer to what the user named, handoffs,
no re-opening, variety, and the question/statement marks the initiative controller relies on."""

from __future__ import annotations

from pathlib import Path

import pytest

from chirpy.errors import ConfigError
from chirpy.text import normalise_for_comparison
from responders.topics.engine import TopicResponder
from responders.topics.script import SCRIPTS, load_script

TOPICS = sorted(p.name for p in SCRIPTS.glob("*.toml"))


def topic_of(result) -> str | None:
    last = result.prompt or result.response
    return last.topic


@pytest.mark.parametrize("script", TOPICS)
def test_every_script_loads_with_marked_questions(script: str) -> None:
    loaded = load_script(script)
    assert len(loaded.threads) >= 3
    for thread in loaded.threads:
        assert all(line.question and line.statement for line in thread.ask), f"{script} {thread.id}: say = ... missing"
        assert len(thread.ask) >= 1
    assert len(loaded.lines["about_me"]) >= 2 and len(loaded.lines["handoff"]) >= 2


def test_at_least_ten_everyday_topics_are_enabled(scripted_bot) -> None:
    topics = {r.topic for r in scripted_bot.responders.values() if isinstance(r, TopicResponder)}
    assert len(topics) >= 10
    assert {"movies", "music", "books", "food", "travel", "sports", "animals", "games"} <= topics


def test_a_topic_opens_after_the_name_and_is_tracked(chat) -> None:
    result = chat.say("i'm sam")
    assert "Sam" in result.text
    assert result.prompt is not None and result.prompt.is_question
    assert chat.state().current_topic == result.prompt.topic
    assert chat.state().topics_covered == [result.prompt.topic]


def test_the_reply_refers_to_what_the_user_named(chat) -> None:
    chat.say("my name is dana")
    chat.say("let's talk about movies")
    result = chat.say("probably inception")  # ASR-style: no capital, no punctuation, no parse entity
    assert "inception" in result.text.lower()
    assert result.response.responder == "movies"
    assert chat.state().current_entity.lower() == "inception"


def test_a_named_pet_is_picked_up_and_the_redundant_question_skipped(chat) -> None:
    chat.say("call me robin")
    result = chat.say("i have a golden retriever named max")
    assert result.response.responder == "animals"
    assert "golden retriever" in result.text.lower() or "max" in result.text.lower()
    assert "any pets" not in result.text.lower() and "pet at home" not in result.text.lower()


def test_a_thread_reacts_shares_an_opinion_and_moves_on(chat) -> None:
    chat.say("i'm lee")
    chat.say("let's talk about food")
    reply = chat.say("pizza for sure")
    assert "pizza" in reply.text.lower()
    assert not reply.response.is_question  # reaction + the bot's own opinion, no question this time
    follow = chat.say("yeah pizza is great")
    assert follow.response.responder == "food" and follow.response.is_question


def test_what_about_you_gets_the_bots_own_answer(chat) -> None:
    chat.say("i'm kim")
    asked = chat.say("lets talk about animals")
    assert asked.prompt.responder == "animals"
    result = chat.say("what about you")
    pending = asked.prompt.statements[0].text
    assert normalise_for_comparison(pending) in normalise_for_comparison(result.text)


def test_i_dont_know_gets_a_kind_reaction_not_the_fallback(chat) -> None:
    chat.say("i'm jo")
    chat.say("can we talk about books")
    result = chat.say("i dont know")
    assert result.response.responder == "books"
    assert result.response.meta["reaction"] == "unsure"


def test_topic_hands_off_when_it_runs_out_and_is_never_reopened(chat) -> None:
    chat.say("i'm ari")
    chat.say("let's talk about sports")
    answers = ["yeah basketball", "the lakers", "i play tennis", "sometimes", "it is fun", "sure", "yes", "ok then"]
    handed_off = False
    for answer in answers:
        result = chat.say(answer)
        if result.response.handoff:
            handed_off = True
            assert result.prompt is not None and result.prompt.topic not in (None, "sports")
            break
    assert handed_off
    for filler in ["that sounds nice", "i like that a lot", "sure thing", "yes i think so", "maybe later"] * 3:
        result = chat.say(filler)
        assert not (result.prompt and result.prompt.responder == "sports")
    covered = chat.state().topics_covered
    assert len(covered) == len(set(covered))


def test_two_disengaged_answers_end_the_topic(chat) -> None:
    chat.say("i'm pat")
    chat.say("let's talk about travel")
    chat.say("i dont know")
    result = chat.say("not really")
    assert result.response.handoff and result.prompt.topic != "travel"


def test_questions_carry_statement_forms_for_the_initiative_controller(chat) -> None:
    result = chat.say("i'm sam")
    prompt = result.prompt
    assert prompt.statements and not prompt.statements[0].text.rstrip().endswith("?")
    assert prompt.statements[0].type in {"opinion", "experience", "general"}


def test_not_every_turn_ends_with_a_question_and_nothing_repeats(chat) -> None:
    lines = ["i'm max", "yeah", "i love it", "pizza", "sure", "i dont know", "cool", "i like hiking with my dog",
             "that is nice", "ok", "no", "maybe", "yes", "i guess", "whatever you like", "sounds good",
             "tell me more", "really", "haha", "nice", "hmm", "right", "i see", "interesting", "okay"]
    for line in lines:
        chat.say(line)
    texts = [normalise_for_comparison(t) for t in chat.bot_lines]
    assert len(texts) == len(set(texts)), "the bot repeated itself"
    questions = sum(t.rstrip().endswith("?") for t in chat.bot_lines[1:])
    assert 0 < questions < len(lines) * 0.8


def test_conversations_open_with_different_topics(new_chat) -> None:
    first_topics = {new_chat().say("i'm sam").prompt.topic for _ in range(8)}
    assert len(first_topics) >= 3


def test_long_statements_get_a_specific_reaction_not_the_fallback(chat) -> None:
    chat.say("i'm val")
    result = chat.say("I read somewhere that the Eiffel Tower grows about six inches taller in the summer heat")
    assert result.response.responder != "fallback"
    assert "eiffel tower" in result.text.lower()


def test_a_mislabelled_script_line_is_a_clear_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('topic = "x"\nkeywords = ["x"]\n[lines]\nabout_me = ["Do you like x?"]\n'
                   'mention = ["a"]\nhandoff = ["b"]\nresume = ["c"]\n[[threads]]\nask = ["What?"]\n')
    with pytest.raises(ConfigError, match="bad.toml.*ends with '\\?'"):
        load_script(bad)
    with pytest.raises(ConfigError, match="needs script"):
        TopicResponder({})


def test_back_on_a_covered_topic_their_words_are_taken_in_not_cheered(chat) -> None:
    """After the sports script handed off, a sports fact is met as a fact and a judgement in the
    user's own word, never "Oh, I love talking about sports!" as if sports were new."""
    for said in ("i'm sam", "i like sports", "ok", "ok"):
        chat.say(said)
    fact = chat.say("i read that football players only play eleven minutes in a whole game")
    judged = chat.say("yeah what a sport football is its crazy how popular it is")
    for turn in (fact, judged):  # (taken in by the sports topic or the generic reaction)
        assert turn.response.responder in ("sports", "reaction") and "love talking about" not in turn.text.lower()
    assert "crazy" in judged.text.lower()


def test_our_own_answer_follows_only_an_answer(chat) -> None:
    """"For me, the best part is ..." presumes they told us theirs: never after a long reply to the
    question that named nothing."""
    chat.say("i'm sam")
    asked = chat.say("i work at a bakery")
    assert asked.text.rstrip().endswith("?")
    reply = chat.say("unfortunately with all the automated phone menus these days it would be hard to get by")
    assert "for me" not in reply.text.lower() and "mine " not in reply.text.lower()
    answered = chat.say("i guess the mornings")
    assert answered.response.responder == asked.response.responder


def test_someone_elses_thing_is_never_said_back_even_when_disliked(chat) -> None:
    chat.say("i'm sam")
    chat.say("i like music")
    reply = chat.say("i never really listened to their music thats hilarious")
    assert "their music" not in reply.text.lower()


def test_a_long_fact_told_plainly_is_met_as_news_to_us(chat) -> None:
    chat.say("i'm sam")
    chat.say("i like sports")
    reply = chat.say("former patriots running back green ellis never fumbled the football in his whole career")
    assert any(words in reply.text.lower() for words in ("didn't know", "never would have guessed", "wild", "fascinating",
                                                         "surprising", "fun fact", "learning stuff", "never knew",
                                                         "wow, really", "new to me", "remember that one"))


def test_a_long_turn_of_their_own_keeps_the_floor_for_a_while(chat) -> None:
    """A story that answers nothing we asked gets taken in, without our next scripted line piled on;
    after three such quiet turns the bot leads again."""
    chat.say("i'm sam")
    chat.say("i like sports")
    stories = ["my uncle used to drive three hours every weekend just to watch the local team lose again and again",
               "and then one year they finally made the playoffs and the whole town threw a parade down main street",
               "anyway after that season half the players retired and the team went right back to losing every game",
               "my uncle still wears the old jersey from that playoff year to every single home game they play"]
    replies = [chat.say(story) for story in stories]
    assert not replies[0].text.rstrip().endswith("?") and replies[0].response.meta.get("listening")
    assert any(r.text.rstrip().endswith("?") or r.prompt is not None or not r.response.meta.get("listening")
               for r in replies[1:])  # the bot leads again within a few turns


@pytest.mark.parametrize("said, never", [("ya that score is insane cumberland must have felt horrible", "that score"),
                                         ("they have all been either republicans or democrats since 1853", "either"),
                                         ("no president has been a non republican or non democrat since 1853", "non ")])
def test_a_pointed_at_or_half_phrase_is_never_said_back(chat, said, never) -> None:
    chat.say("i'm sam")
    chat.say("i like tv")
    reply = chat.say(said)
    assert never not in reply.text.lower()


def test_news_to_them_is_met_with_surprise_not_enthusiasm(chat) -> None:
    chat.say("i'm sam")
    chat.say("i like music")
    reply = chat.say("oh that's cool i had no idea")
    assert "enjoy it" not in reply.text and "enthusiasm" not in reply.text, reply.text
    assert any(w in reply.text.lower() for w in ("surprised", "fun one")), reply.text


def test_a_topic_they_tell_us_about_at_length_does_not_open_with_are_you_into_it(chat) -> None:
    chat.say("i'm sam")
    chat.say("i'd rather not talk about work")
    reply = chat.say("bowling is a sport but not nearly so strenuous or violent as football probably")
    assert reply.response.responder == "sports" and reply.response.text.rstrip().endswith("?"), reply.text
    assert "into sports" not in reply.text and "follow any sports" not in reply.text, reply.text


def test_after_listening_a_while_the_bot_leads_on_what_they_told(chat) -> None:
    """After three long turns of theirs the bot leads again: with a question on what they said, not a
    scripted line from a topic they are not talking about."""
    chat.say("i'm sam")
    stories = ["my neighbour built a tiny greenhouse out of old windows and now grows lemons there all winter long",
               "she says the trick is a small heater and a lot of patience with the soil and the watering",
               "last week she gave me a basket of them and my kitchen smells like a lemon grove now honestly",
               "i might try building one of my own next spring if i can find enough old windows around town"]
    last = [chat.say(story) for story in stories][-1]
    follow_ups = ("come across that", "find that out", "make of that", "makes you say that", "seen it that way",
                  "thinking about that", "feel about it", "followed for a while")
    assert any(f in last.text for f in follow_ups), last.text


def test_a_noun_that_only_modifies_another_names_no_topic(chat, scripted_bot) -> None:
    from chirpy.text import clean_user_text

    ann = scripted_bot.annotator.annotate(clean_user_text("he played high school football before the draft", 1000))
    assert "football" in ann.about_text and "school" not in ann.about_text
    chat.say("i'm sam")
    chat.say("i'd rather not talk about work")
    reply = chat.say("did you know 15 of the tea party movement identified with democrat")
    assert reply.response.responder != "food" and (reply.prompt is None or reply.prompt.responder != "food"), reply.text


def test_which_is_your_favourite_team_names_a_team(chat) -> None:
    chat.say("i'm sam")
    chat.say("i like sports")
    reply = chat.say("which is your favourite team")
    assert any(team in reply.text for team in ("Warriors", "Packers", "Barcelona")), reply.text


def test_someone_who_keeps_talking_about_a_topic_is_not_asked_if_they_are_into_it(chat) -> None:
    chat.say("i'm sam")
    chat.say("did you know the nfl has thirty two teams")
    opened = chat.say("wow football is wild")
    assert opened.response.responder == "sports", opened.text
    assert "into sports" not in opened.text and "follow any sports" not in opened.text, opened.text


def test_a_remark_about_something_else_gets_no_scripted_line(chat) -> None:
    """Our last line was a statement; their remark is about something else: taken in, no next question."""
    chat.say("i'm sam")
    chat.say("lets talk about music")
    told = chat.say("mostly jazz")
    assert not told.text.rstrip().endswith("?"), told.text  # (the script said its own take)
    remark = chat.say("or you would think cumberland would have forfeited")
    assert remark.response.meta.get("listening") and not remark.text.rstrip().endswith("?"), remark.text


def test_a_thing_named_in_passing_in_their_own_point_gets_no_scripted_line(chat) -> None:
    """A long fact of theirs that names something no topic of ours asked about ("a us president" to
    the animals topic) is taken in; our next scripted line would not be a reply to it."""
    chat.say("i'm sam")
    chat.say("lets talk about animals")
    chat.say("dogs")
    told = chat.say("there hasnt been a us president who wasnt a republican or democrat since 1853")
    assert told.response.responder == "animals" and told.response.meta.get("listening"), told.text
    assert not told.text.rstrip().endswith("?") and "favorite animal" not in told.text.lower(), told.text


def test_a_fact_after_that_s_cool_is_news_to_us_not_a_nice_thing(chat) -> None:
    """"that's cool" judges our line; the fact after it is theirs: "Really? That's fascinating.", never
    "That's so nice to hear." nor a back-channel."""
    chat.say("i'm sam")
    chat.say("i like sports")
    reply = chat.say("that's cool the highest ever football score was 222 0")
    assert reply.response.meta.get("reaction") == "fact", (reply.text, reply.response.meta)
    assert "nice to hear" not in reply.text and "pretty cool" not in reply.text, reply.text


def responder_alone(bot, responder: str, said: str, phase: str = "respond", seed: int = 0):
    """One responder's ``respond`` or ``prompt`` alone, on a turn after the knowledge responder ran out
    of facts, with the bot's annotators (the entity linker too) run on the utterance."""
    import random
    import threading
    import time

    from chirpy.responder import TurnContext
    from chirpy.state import ConversationState, Utterance

    state = ConversationState(conversation_id="topic-unit")
    state.history.append(Utterance("bot", "I think that's all my NFL facts!", "knowledge"))
    ann = bot.annotate(state, said)  # as in a turn: the entity linker ("nfl" is the NFL) and the user's facts
    ctx = TurnContext("topic-unit", 1, ann, state, {}, random.Random(seed), time.monotonic() + 5, threading.Event(),
                      topics=bot.topics)
    return getattr(bot.responders[responder], phase)(ctx)


def test_a_story_about_another_topic_s_things_does_not_open_a_topic_on_a_setting_word(scripted_bot) -> None:
    """"eat" and "restaurant" are the setting of a story about the nfl: the food topic neither opens on
    them nor prompts after another responder's answer; a story about food still opens it."""
    story = "i guess that is a good point saints cheerleaders are not allowed to eat in the same restaurant as an nfl player"
    assert responder_alone(scripted_bot, "food", story) is None
    assert responder_alone(scripted_bot, "food", story, "prompt") is None
    food = "we went out to eat at a new restaurant last night and the food was honestly amazing"
    assert responder_alone(scripted_bot, "food", food) is not None


def test_their_fact_taken_in_is_never_swapped_for_a_back_channel(chat) -> None:
    """A fact of theirs taken in while they hold the floor is marked to be said as written, so the
    initiative controller never swaps it for a back-channel: "Right." would not have heard it."""
    for line in ("i'm sam", "i like sports", "yes"):
        chat.say(line)
    reply = chat.say("that's cool the highest ever football score was 222 0")
    assert reply.response.meta.get("listening") and reply.response.meta.get("reaction") == "fact", reply.response.meta
    assert reply.response.must_stay, reply.text


def test_a_long_story_told_in_reply_to_our_question_is_listened_to(chat) -> None:
    """A long reply to "which part of science?" that tells a story about something else (a place named
    in passing) is taken in; no scripted line of ours follows it."""
    chat.say("i'm sam")
    asked = chat.say("lets talk about science")
    assert asked.text.rstrip().endswith("?"), asked.text
    told = chat.say("hmm how weird in india they made the effort to include people who could not easily vote "
                    "there was a polling booth in a forest full of lions for one single voter")
    assert told.response.meta.get("listening") and not told.text.rstrip().endswith("?"), told.text


def test_a_thing_they_do_not_follow_is_not_followed_by_its_topic_s_question(scripted_bot) -> None:
    """"i don't follow football very closely": the sports topic does not prompt "who do you root for?"."""
    said = "i don't really follow football"
    assert responder_alone(scripted_bot, "sports", said, "prompt") is None
    assert responder_alone(scripted_bot, "sports", "i follow football very closely", "prompt") is not None


def test_one_topic_word_in_a_long_story_brings_no_prompt_of_that_topic(scripted_bot) -> None:
    said = "i found it very interesting that a store in alabama only sells items found in unclaimed baggage at the airport"
    assert responder_alone(scripted_bot, "travel", said, "prompt") is None
    trip = "we flew to rome last summer and the trip was amazing i want to travel there again and see more of italy"
    assert responder_alone(scripted_bot, "travel", trip, "prompt") is not None


def test_what_they_enjoy_is_met_with_warmth_not_as_an_argument(scripted_bot) -> None:
    """The generic reaction to "i like X i feel ...": warmth, not "I think you're onto something there"."""
    reply = responder_alone(scripted_bot, "reaction", "i like watching comedy i feel very relaxed watching comedy")
    assert reply.meta.get("kind") == "statement" and "onto something" not in reply.text, reply.text
    assert any(w in reply.text for w in ("enjoy", "enthusiasm", "nice to hear", "clicks")), reply.text


def test_a_kind_of_thing_is_never_said_back_as_what_they_love(scripted_bot) -> None:
    reply = responder_alone(scripted_bot, "movies", "yeah he's a great actor i really like his movies")
    assert reply is not None and "great actor" not in reply.text, reply.text


@pytest.mark.parametrize("said", ["i did not know that that's pretty cool",
                                  "did you know that superheroine is another word for a female superhero",
                                  "lol here's a good stat former patriots rb green ellis never fumbled the football in his career"])
def test_news_either_way_is_said_as_written_never_swapped_for_a_back_channel(scripted_bot, said) -> None:
    reply = responder_alone(scripted_bot, "reaction", said)
    assert reply is not None and reply.must_stay, (said, reply)


def test_a_judgement_naming_a_topic_word_in_passing_does_not_open_it(scripted_bot) -> None:
    """"it's so unfair that the cheerleaders have to leave the restaurant" judges a rule; it is not food
    talk, and their word is agreed with."""
    assert responder_alone(scripted_bot, "food", "it's so unfair that the cheerleaders have to leave the restaurant") is None
    assert responder_alone(scripted_bot, "food", "we had the best pizza at a new restaurant") is not None
    reply = responder_alone(scripted_bot, "reaction", "it's so unfair that the cheerleaders have to leave the restaurant")
    assert "unfair" in reply.text, reply.text


def test_after_they_said_how_they_feel_the_follow_up_never_asks_it(scripted_bot) -> None:
    """Leading again on a long turn that already says how they feel: never "How do you feel about it?"."""
    import random
    import threading
    import time

    from chirpy.responder import TurnContext
    from chirpy.state import ConversationState
    from responders.topics.listening import follow_up

    def asked(said: str) -> set[str]:
        state = ConversationState(conversation_id="follow-up-unit")
        ctx = TurnContext("follow-up-unit", 1, scripted_bot.annotate(state, said), state, {}, random.Random(0),
                          time.monotonic() + 5, threading.Event(), topics=scripted_bot.topics)
        private: dict = {}
        return {follow_up(ctx, private).text for _ in range(4)}

    assert any("feel" in q for q in asked("my neighbour built a little shed out of old doors behind the house last spring"))
    felt = asked("i love that old show so much it always makes me laugh when i watch it with my family")
    assert felt and not any("feel" in q for q in felt), felt


@pytest.mark.parametrize("responder", ["reaction", "sports"])
def test_grim_news_told_as_a_fact_is_met_soberly(scripted_bot, responder) -> None:
    said = {"reaction": "did you know that thousands of men in that state lost the right to vote permanently",
            "sports": "did you know a football player got arrested"}[responder]
    reply = responder_alone(scripted_bot, responder, said)
    assert reply is not None and ("sad" in reply.text or "rough" in reply.text or "shame" in reply.text), reply.text
    cheerful = responder_alone(scripted_bot, responder, {"reaction": "did you know the first tv ad aired in 1941",
                                                         "sports": "did you know football players once wore leather helmets"}[responder])
    assert cheerful is not None and "sad" not in cheerful.text and "shame" not in cheerful.text, cheerful


def test_a_topic_word_inside_a_name_of_another_topic_is_not_that_topic(chat) -> None:
    # "mars" is a science word, but "bruno mars" is a singer: the music topic leads on, never science.
    chat.say("i'm sam")
    result = chat.say("i do like bruno mars hes one of my favorite artists what about you do you like him")
    assert result.response.responder != "science" and result.prompt is not None, result.text
    assert result.prompt.topic == "music", result.text


@pytest.mark.parametrize("said", [
    "ha i know it must be horrible to live with that for the rest of your life",
    "yeah i feel bad for those people honestly",
])
def test_feeling_for_someone_is_met_with_fellow_feeling_not_as_a_dislike(scripted_bot, new_chat, said) -> None:
    from responders.topics.lines import shared_reactions

    sympathy = {line.text for line in shared_reactions()["sympathy"]}
    alone = responder_alone(scripted_bot, "reaction", said)  # no topic running
    chat = new_chat(f"sympathy-{len(said)}")
    chat.say("i'm sam")
    chat.say("let's talk about sports")
    in_topic = chat.say(said)  # the sports topic running
    assert in_topic.response.responder == "sports"
    for reply in (alone, in_topic.response):
        assert reply is not None and reply.text in sympathy, reply.text


def test_a_place_that_is_only_where_their_fact_happens_gets_no_fact_and_is_no_answer(scripted_bot, new_chat) -> None:
    said = "there are over 300 registered superheroes in the united states"
    alone = responder_alone(scripted_bot, "knowledge", said)
    assert alone is None or "1776" not in alone.text, alone.text  # not the country's history
    chat = new_chat("setting-place")
    chat.say("i'm sam")  # a topic opens with a question of its own
    reply = chat.say(said)
    assert "united states" not in reply.text.lower(), reply.text  # not "The United States, cool."
    listed = responder_alone(scripted_bot, "knowledge",
                             "that is true smoking it is not that uncommon especially in europe and south america and japan and china")
    assert listed is None or "islands" not in listed.text, listed.text  # Japan is one of the places, not the subject
    subject = responder_alone(scripted_bot, "knowledge", "canada is the only country in the world with two national sports")
    assert subject is not None and "Canada" in subject.text  # the place is what the fact is about


def test_what_do_you_think_after_their_view_asks_ours_of_it_not_our_question(new_chat) -> None:
    chat = new_chat("asks-our-view")
    chat.say("i'm sam")
    chat.say("let's talk about sports")
    reply = chat.say("i did it sounds like cheating to me what do you think")
    assert reply.response.responder == "answers", reply.text  # our view of cheating, not our favourite team


def test_what_they_say_of_themselves_is_never_met_as_news(scripted_bot) -> None:
    said = "i do like to try less expensive wines because i do not know the difference as much between vintages"
    replies = {responder_alone(scripted_bot, "reaction", said, seed=seed).text for seed in range(12)}
    assert not any(news in reply for reply in replies for news in ("never knew", "news to me", "didn't know")), replies


@pytest.mark.parametrize("said", [
    "i think rene lacoste made them popular in tennis",
    "they really invest in these players but you are correct the average earnings of an engineer over his life is more than an nfl player",
])
def test_a_view_naming_our_topic_is_taken_in_not_greeted_as_a_topic(new_chat, said) -> None:
    chat = new_chat(f"view-opens-topic-{len(said)}")
    chat.say("i'm sam")
    reply = chat.say(said)
    mention = {line.text for line in load_script("sports.toml").lines["mention"]}
    assert not any(line in reply.text for line in mention), reply.text  # never "Sports, nice."


def test_cheerleaders_are_sports_words_so_a_restaurant_rule_for_them_is_no_food_talk(scripted_bot) -> None:
    said = "new orleans cheerleaders on the other hand are not allowed to eat in the same restaurant as the players i wonder why that rule is"
    assert responder_alone(scripted_bot, "food", said, "prompt") is None


def test_a_long_turn_about_what_they_enjoy_is_met_warmly_not_with_a_nod(new_chat) -> None:
    from responders.topics.lines import shared_reactions

    chat = new_chat("enjoy-long")
    chat.say("i'm sam")
    chat.say("let's talk about science")
    reply = chat.say("thats true the rest is commercials although i do love the new superbowl commercials those are fun")
    warm = {line.text for line in shared_reactions()["positive"]}
    assert any(line in reply.text for line in warm), reply.text  # not "I hear you."


def test_a_fact_beside_their_point_is_not_recited(scripted_bot, new_chat) -> None:
    # The NFL is named inside a point about tracking chips: "It has thirty-two teams" would talk past it.
    said = "i guess a lot comes with being a football player the nfl actually uses tracking chips to record their movements on the field"
    alone = responder_alone(scripted_bot, "knowledge", said)
    assert alone is None, alone.text
    chat = new_chat("beside-the-point")
    chat.say("i'm sam")
    chat.say("let's talk about sports")
    reply = chat.say(said)
    assert "thirty-two" not in reply.text and reply.response.responder != "fallback", reply.text
    # A fact shared about the thing itself still invites one of ours.
    offered = responder_alone(scripted_bot, "knowledge", "did you know the nfl once had a team that never scored a single touchdown")
    assert offered is not None and "NFL" in offered.text, offered
    later = responder_alone(scripted_bot, "knowledge", "did you know that back in the sixties the best bowlers earned more than anyone in the nfl")
    assert later is None, later.text  # shared, but about bowlers' pay: the NFL comes up in passing
    # Their time with the thing is no point beside it: a fact about it is welcome, and no "That's a good point".
    told = responder_alone(scripted_bot, "knowledge", "i have watched the super bowl since i was a kid")
    assert told is not None and "Super Bowl" in told.text and "good point" not in told.text.lower(), told


def test_a_place_where_their_fact_happens_is_not_said_back_as_their_subject(scripted_bot) -> None:
    said = "in america it has been over a century of football the highest scoring game ever was in 1916 with a score of 222 0"
    reply = responder_alone(scripted_bot, "reaction", said)
    assert reply is not None and "america" not in reply.text.lower(), reply.text  # not "Oh, America, nice."


def test_a_name_said_back_is_the_name_alone_spelled_as_stored(scripted_bot) -> None:
    # The parse reads "amazing nasa" as one name; said back it was "I always want to learn more about Amazing Nasa."
    reply = responder_alone(scripted_bot, "reaction", "wow that is amazing nasa apparently has a list of words that writers can use")
    assert reply is not None and "amazing" not in reply.text.lower() and "Nasa" not in reply.text, reply.text


def test_calling_a_rule_lame_is_never_met_as_cool(scripted_bot) -> None:
    reply = responder_alone(scripted_bot, "reaction", "anything is possible with that team that is a lame rule sexist and unfair")
    from responders.topics.lines import shared_reactions

    negative = {line.text for line in shared_reactions()["negative"]}
    assert reply is not None and reply.text in negative, reply.text  # not "Oh, interesting." nor "That's pretty cool."


def test_a_name_that_only_modifies_another_noun_is_not_said_back(scripted_bot) -> None:
    # "uk" only modifies "prime minister": the thing to refer to is not "Uk" ("I had never heard that about Uk").
    from chirpy.state import ConversationState
    from chirpy.understanding import understanding

    ann = scripted_bot.annotate(ConversationState(conversation_id="modifier"),
                                "yep libraries are pretty important especially to uk prime minister william gladstone "
                                "he founded his own public library")
    assert (understanding().entity(ann) or "").lower() not in ("uk", "the uk"), understanding().things(ann)
