"""The topic engine: one responder class, instantiated once per topic from a script.

Enable a topic with ``[responders.movies] type = "topic", script = "movies.toml"``. The responder

- opens its topic with a prompt (asking the first thread's question) when it is next in the
  conversation's topic rotation, when the user brought the topic up, or when the user asked for it;
- while the topic is on, reacts to each answer (to what the user named, if anything), then
  alternates between sharing its own opinion and asking the next thread's question, so that not
  every turn ends with a question;
- answers questions about its topic ("what's your favorite movie?", "what about you?");
- hands off (a closing remark that needs another responder's prompt) when its threads run out or
  the user keeps giving it nothing to work with; a covered topic is never re-opened by the bot.

Private state: ``open`` (the thread is live), ``thread`` (index), ``stage`` ("asked" | "opined"),
``asked`` (thread ids used), ``last_ask`` / ``last_statement`` (the pending question and its
statement form), ``strikes`` (low-engagement answers in a row), and the phrasing memory.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from chirpy.content import normalise
from chirpy.errors import ConfigError
from chirpy.registry import responders
from chirpy.responder import Candidate, Handoff, Priority, Responder, Returned, TurnContext
from chirpy.text import normalise_for_comparison, spoken_name
from chirpy.topics import Topic
from responders.topics.lines import REACTIONS, Said, build, choose, fact_slot, fresh, shared_reactions
from responders.topics.listening import (LISTEN_TURNS, LONG_TURN_WORDS, TALKED_ABOUT_TURNS, about, follow_up,
                                        quiet_turns, spoke_at_length, user_leads, user_told)
from responders.topics.script import Script, Thread, load_script
from chirpy.understanding import understanding
from chirpy.understanding.facts import UserFacts

# Dissatisfaction types that mean "leave this topic": the user-initiative handlers answer them.
LEAVE_TYPES = frozenset({"disinterest", "change_topic", "end_conversation", "offensive"})


# The shared reaction slot for each way a statement is taken in (``Reading.told``).
TOLD_SLOTS = {"opinion": "long_opinion", "judgement": "mirror", "fact": "fact"}
# Reactions to a long turn of the user's own, after which the user may keep the floor.
LISTENING_REACTIONS = frozenset({"long", "long_opinion", "mirror", "fact", "fact_entity"})
# ... and to any remark of theirs (not an answer, a yes or a no) that they may go on from.
REMARK_REACTIONS = LISTENING_REACTIONS | {"other", "positive", "negative", "surprised"}
# How they ask what we make of their view, at the end of it.
ASKS_OUR_VIEW = re.compile(r"\b(?:what do you think|your thoughts|do you agree|don'?t you think|wouldn'?t you agree)$")
REMARK_WORDS = 5  # shorter remarks ("ok cool") give nothing to go on: the script leads
# Reactions said as written, never swapped for a back-channel: agreeing in their word, or their fact
# taken in as news ("Right." to "the highest score ever was 222 0" would not have heard it).
TAKEN_IN_AS_SAID = frozenset({"mirror", "fact", "fact_entity"})


# Topics whose names are titles of works: a short answer naming one may be read as another kind.
WORK_TOPICS = frozenset({"movies", "tv", "music", "books", "games"})


@responders.register("topic")
class TopicResponder(Responder):
    defaults = {
        "script": "",  # required: a file in scripts/ or any path
        "topic": "",  # "": the script's topic id
        "reactions": "",  # "": content/reactions.toml
        "long_answer_words": LONG_TURN_WORDS,  # a longer answer is the user taking the lead
        "answer_words": 8,  # a reply to our question up to this long answers it, even naming nothing we know
        "listen_turns": LISTEN_TURNS,  # bot turns in a row without a question, after which a long turn of theirs no longer keeps the floor
        "max_strikes": 2,  # answers in a row that give nothing before the topic hands off
        "salient_words": 12,  # an utterance up to this long naming the topic is about it
    }
    def __init__(self, config: dict[str, Any] | None = None) -> None:
        super().__init__(config)
        if not self.config["script"]:
            raise ConfigError("a topic responder needs script = \"<file>.toml\" in its [responders.NAME] table")
        self.script: Script = load_script(self.config["script"])
        self.topic = str(self.config["topic"] or self.script.topic)
        self.shared = shared_reactions(Path(self.config["reactions"]) if self.config["reactions"] else REACTIONS)
        self.reading = understanding()
        self.long_answer_words = int(self.config["long_answer_words"])
        self.answer_words = int(self.config["answer_words"])
        self.listen_turns = int(self.config["listen_turns"])
        self.max_strikes = int(self.config["max_strikes"])
        self.salient_words = int(self.config["salient_words"])

    def claims(self, phrase: str) -> bool:
        """Does a phrase ("let's talk about *films*") name this topic?"""
        return self.script.mentions(normalise(phrase))

    @functools.cached_property
    def entry(self) -> Topic:
        """This responder's topic in the shared index (built on first use: the bot names us first)."""
        return Topic(self.topic, self.name, self.script.keywords, self.salient_words)

    def topics(self) -> list[Topic]:
        return [self.entry]

    # -- the two phases --------------------------------------------------------------------------
    def respond(self, ctx: TurnContext) -> Returned:
        ann = ctx.annotations
        if ann.is_launch or ann.is_empty or not ann.is_english or LEAVE_TYPES & set(ann.dissatisfaction):
            return None
        if self._active(ctx):
            return self._continue(ctx)
        return self._mentioned(ctx)

    def prompt(self, ctx: TurnContext) -> Returned:
        if ctx.response is not None and ctx.response.ends_conversation:
            return None
        handoff = (ctx.response.handoff if ctx.response is not None else None) or Handoff()
        private = dict(ctx.private)
        known = self._known(ctx)
        if known.declined(self.topic) and not self.script.mentions(normalise(ctx.annotations.text)):
            # "i'm not into sports": never pushed, resumed, or handed back to (the knowledge responder
            # after a team's facts) again, unless they ask for it in their own words.
            return None
        if handoff.requested and self.claims(handoff.requested):
            return self._open(ctx, private, Priority.FORCE_START, [])
        if handoff.avoid and self.claims(handoff.avoid):
            return None
        if known.declined(self.topic):
            return None  # they named the topic without asking for it
        if any(f.kind == "dislikes" and f.topic == self.topic for f in ctx.annotations.user_facts):
            return None  # "i don't follow football very closely": not the moment for "who do you root for?"
        if (spoke_at_length(ctx, self.long_answer_words) and not handoff.leave_topic
                and (not self._about_us(ctx) or self._outweighed(ctx))):
            # They told or asked us about something else at length (our words in it only the setting of
            # another topic's story: "cheerleaders may not eat in the restaurant the players are in"):
            # our script would talk over it (the fallback follows a story up). Unless the response said
            # "let's switch it up": a new topic must follow.
            return None
        if self._active(ctx):
            if handoff.leave_topic:
                return None
            return self._open(ctx, private, Priority.STRONG_CONTINUE, [self._say(ctx, "resume", private)])
        if self.topic in ctx.state.topics_covered or (handoff.leave_topic and ctx.state.current_topic == self.topic):
            return None
        closed = [*ctx.state.topics_covered, *known.declined_topics()]
        if self.script.mentions(self._about(ctx)) or self.topic in self._name_topics(ctx):
            priority = Priority.STRONG_CONTINUE
        elif (upcoming := ctx.topics.next_to_open(ctx.state.seed_key, closed)) and \
                upcoming.responder == self.name:
            priority = Priority.CAN_START
        else:
            priority = Priority.WEAK_CONTINUE
        return self._open(ctx, private, priority, [])

    # -- opening and moving on -------------------------------------------------------------------
    def _active(self, ctx: TurnContext) -> bool:
        return ctx.state.current_topic == self.topic and bool(ctx.private.get("open"))

    def _next_thread(self, private: dict[str, Any], known: UserFacts | None = None, into: bool = False) -> int | None:
        asked = set(private.get("asked", []))
        for i, thread in enumerate(self.script.threads):
            if thread.id in asked:
                continue
            if known and any(known.answers(need, self.topic) for need in thread.known_from):
                continue  # they told us already ("mostly radiohead lately"): never ask what is known
            if into and "likes" in thread.known_from:
                continue  # they are telling us about it at length: "are you into sports?" would not listen
            return i
        return None

    def _talked_about(self, ctx: TurnContext) -> bool:
        """Has the user brought our topic up in a few turns of their own? Then they are into it."""
        said = [normalise(text) for text in ctx.state.user_utterances()] + [self._about(ctx)]
        return sum(1 for text in said if self.script.mentions(text)) >= TALKED_ABOUT_TURNS

    @staticmethod
    def _known(ctx: TurnContext) -> UserFacts:
        """What the user told us: the conversation's facts plus this utterance's (added after the turn)."""
        return ctx.state.user_facts.including(ctx.annotations.user_facts)

    def _ask(self, ctx: TurnContext, private: dict[str, Any], into: bool = False) -> Said | None:
        """Ask the next thread's question, updating ``private``; None when the script is used up."""
        index = self._next_thread(private, self._known(ctx), into or self._talked_about(ctx))
        if index is None:
            return None
        thread = self.script.threads[index]
        said = choose(thread.ask, f"ask:{thread.id}", ctx, private)
        private.update(open=True, thread=index, stage="asked", last_ask=said.text, last_statement=said.statement,
                       asked=[*private.get("asked", []), thread.id])
        return said

    def _open(self, ctx: TurnContext, private: dict[str, Any], priority: Priority, lead: list[Said | None],
              into: bool = False) -> Candidate | None:
        private["strikes"] = 0
        question = self._ask(ctx, private, into)
        if question is None:
            return None
        return build([*lead, question], priority, topic=self.topic, state=private,
                     entity=ctx.state.current_entity if ctx.state.current_topic == self.topic else None)

    def _handoff(self, ctx: TurnContext, private: dict[str, Any], lead: list[Said | None], entity: str | None,
                 reaction: str) -> Candidate:
        private["open"] = False
        return build([*lead, self._say(ctx, "handoff", private)], Priority.STRONG_CONTINUE, needs_prompt=True,
                     handoff=Handoff(leave_topic=True), topic=self.topic, entity=entity, state=private,
                     meta={"reaction": reaction})

    def _decline(self, ctx: TurnContext, private: dict[str, Any]) -> Candidate:
        """They said they are not into our topic: accept it in one line (the opener's "no", which is
        about the whole topic: "sports aren't for everyone"), no closing remark about a chat that did
        not happen, and let another topic's prompt follow."""
        private["open"] = False
        opener = next((t for t in self.script.threads if t.exit_on_no), self.script.threads[0])
        return build([self._react(ctx, opener, "no", private)], Priority.STRONG_CONTINUE, needs_prompt=True,
                     handoff=Handoff(leave_topic=True), topic=self.topic, state=private, meta={"reaction": "declined"})

    # -- while the topic is on -------------------------------------------------------------------
    def _continue(self, ctx: TurnContext) -> Returned:
        ann, reading = ctx.annotations, self.reading
        private = dict(ctx.private)
        thread = self.script.threads[int(private.get("thread", 0))]
        reaction = "asked_back"
        lowered = normalise(ann.text)
        n_words = ann.reading.words
        answering = private.get("stage") == "asked" and self._pending_was_said(ctx, private)
        if answering and self._spoken_as_statement(ctx, private):
            # The initiative controller said our take instead of asking: the user is replying to a
            # statement, so react generically and move on to the next thread.
            private["stage"], answering = "opined", False
        entity: str | None = None
        if ann.user_name:
            return None  # "my name is priya" answers no topic question: the name handler takes it
        if self._declines_here(ctx):
            # "i'm not really into sports": leave at once, gently, and never push the topic again.
            return self._decline(ctx, private)
        if self._known(ctx).declined(self.topic):
            return None  # declined while another responder had the turn: the topic is over
        # "what about you" after a thing of another topic ("i do like bruno mars ... what about you")
        # asks about that thing, not our question: the answers responder takes it.
        # "it sounds like cheating to me what do you think" asks our view of theirs, not our question.
        asks_our_view = ann.reading.told in ("opinion", "judgement") and bool(ASKS_OUR_VIEW.search(lowered))
        asks_us_back = ann.reading.asks_back and not asks_our_view and not self._elsewhere(ctx, lowered, answering)
        if asks_us_back and private.get("last_statement") and answering:
            lead: Said | None = Said(str(private["last_statement"]), False)
            private["stage"] = "opined"  # that was our take: move on to the next question
        elif self.script.asked_about(lowered) or asks_us_back:
            lead, reaction = self._say(ctx, "about_me", private), "about_me"
        elif ann.is_question and not ann.reading.shares_fact:
            return None  # not ours to answer: another responder will, then our prompt resumes the thread
        elif self._elsewhere(ctx, lowered, answering) or (ann.reading.shares_fact and not self.script.mentions(lowered)):
            return None  # another topic's turn, or a fun fact about something else: the reaction answers it
        else:
            if answering and thread.exit_on_no and ann.is_no and n_words <= 4:
                return self._handoff(ctx, private, [self._react(ctx, thread, "no", private)], None, "no")
            self._already_answered(lowered, private, ann)  # "i like taylor swift": no "favorite singer?" next
            lead, entity, engaged, reaction = self._reaction(ctx, thread, private, answering, n_words)
            engaged = engaged and (entity is not None or not ann.is_backchannel)  # "ok", "cool": nothing given
            private["strikes"] = 0 if engaged else int(private.get("strikes", 0)) + 1
        named_now = entity
        # A thing they named that is ours to talk about (a short answer to our question, something our
        # script knows, or named in a turn about our topic) is what they want to talk about; one in
        # passing in a point of their own ("a us president" said to the animals topic, "india" in a
        # long story told in reply to "which part of science?") does not make our next scripted line
        # a reply to it.
        on_topic = self.script.mentions(self._about(ctx))
        ours = named_now is not None and ((answering and n_words <= self.answer_words)
                                          or self.script.mentions(named_now.lower()) or on_topic)
        entity = entity or ctx.state.current_entity
        if reaction in ("bad_news", "sympathy"):  # sympathy alone: no opinion or question right after sad news
            return build([lead], Priority.STRONG_CONTINUE, topic=self.topic, entity=entity, state=private,
                         must_stay=True, meta={"reaction": reaction})  # never swapped for "Hmm."
        if int(private.get("strikes", 0)) >= self.max_strikes:
            return self._handoff(ctx, private, [lead], entity, reaction)
        if (not answering and reaction in REMARK_REACTIONS and not ours and n_words >= REMARK_WORDS
                and not on_topic and quiet_turns(ctx) < self.listen_turns):
            # A remark of theirs about something else, not a reply to a question of ours ("or you would
            # think cumberland would have forfeited"): taken in; our next scripted line would ignore it.
            return build([lead], Priority.STRONG_CONTINUE, topic=self.topic, entity=entity, state=private,
                         user_led=True, must_stay=reaction in TAKEN_IN_AS_SAID,
                         meta={"reaction": reaction, "thread": thread.id, "listening": True})
        if reaction in LISTENING_REACTIONS and not ours and user_leads(ctx, self.long_answer_words, self.listen_turns):
            # A long turn of their own (a story, a fact, a view) naming nothing we asked for: take it
            # in and let them go on, since our next scripted line would ignore it. After a few such
            # turns in a row we lead again.
            # Agreeing in their word or taking in their fact is said as written; a plain nod may be
            # swapped for a back-channel by the initiative controller.
            return build([lead], Priority.STRONG_CONTINUE, topic=self.topic, entity=entity, state=private,
                         user_led=True, must_stay=reaction in TAKEN_IN_AS_SAID,
                         meta={"reaction": reaction, "thread": thread.id, "listening": True})
        if reaction in LISTENING_REACTIONS and not ours and user_told(ctx, self.long_answer_words):
            # They have told us things for a few turns: we lead again, on what they said; the thread waits.
            return build([lead, follow_up(ctx, private)], Priority.STRONG_CONTINUE, topic=self.topic, entity=entity,
                         state=private, meta={"reaction": reaction, "thread": thread.id, "follow_up": True})
        asked_us = reaction == "about_me" and not ann.reading.asks_back
        if asked_us and fresh(self.shared["ask_back"], ctx):
            # They asked about our taste: answer, then ask it back ("What about you?"), as people do,
            # rather than piling on our next opinion or leaving the topic.
            follow: Said | None = choose(self.shared["ask_back"], "ask_back", ctx, private)
            private["stage"] = "asked_back"
        else:
            # Our own answer ("Mine is chess.") follows theirs: not a long reply that named nothing.
            answered = answering and (named_now is not None or n_words <= self.answer_words)
            follow = self._follow_up(ctx, thread, private, answered)
        if follow is None and reaction == "about_me":
            # Answered their question with nothing left to ask: stay a turn rather than switch topic.
            follow = Said(choose(self.shared["stay"], "stay", ctx, private).text, False)
            private["stage"] = "opined"
        if follow is None:
            return self._handoff(ctx, private, [lead], entity, reaction)
        return build([lead, follow], Priority.STRONG_CONTINUE, topic=self.topic, entity=entity, state=private,
                     user_led=n_words > self.long_answer_words and not follow.question,
                     meta={"reaction": reaction, "thread": thread.id})

    def _pending_was_said(self, ctx: TurnContext, private: dict[str, Any]) -> bool:
        """Is the user replying to our question, spoken last turn (as asked, in its statement form
        if the initiative controller swapped it, or repeated by the repeat handler)?"""
        last = normalise_for_comparison(ctx.state.last_bot_text or "")
        pending = [private.get("last_ask"), private.get("last_statement")]
        return any(p and normalise_for_comparison(str(p)) in last for p in pending)

    @staticmethod
    def _spoken_as_statement(ctx: TurnContext, private: dict[str, Any]) -> bool:
        last = normalise_for_comparison(ctx.state.last_bot_text or "")
        ask, statement = private.get("last_ask"), private.get("last_statement")
        return bool(statement) and normalise_for_comparison(str(statement)) in last and not (
            ask and normalise_for_comparison(str(ask)) in last)

    def _elsewhere(self, ctx: TurnContext, lowered: str, answering: bool) -> bool:
        """The user moved on to another topic, not ours: let that topic (or the reaction) take the
        turn. A short answer to our question stays ours ("the lion king" answers "favorite movie?")."""
        if self.script.mentions(self._about(ctx)):
            return False
        if self._names_elsewhere(ctx, answering):
            return True  # "lebron james" to "which band?": a sports name is never a music answer
        others = ctx.topics.others(self.name)
        named = about(ctx.annotations)  # "high school football" names no school
        if not answering:  # they are not replying to our question: any other topic they name wins
            return any(t.mentions(named) for t in others)
        if len(lowered.split()) <= 4:
            # A short reply that is only another topic's word ("i love pizza" to "which band?") goes
            # there; one that merely contains one ("the lion king" to "favorite movie?") stays ours.
            phrase = self.reading.answer_phrase(lowered)
            return bool(phrase) and self._is_keyword(ctx, phrase, topics=others)
        return any(t.salient(named, strict=True) for t in others)

    def _names_elsewhere(self, ctx: TurnContext, answering: bool) -> bool:
        """Did the user name things of other topics and none of ours? A short answer to our question
        trusts only the gazetteer (the linker may read "dune part two" as the novel); a longer
        utterance trusts the linker too. A longer reply to our question goes elsewhere only when it
        says how they feel about the thing ("i love formula 1, verstappen has been dominant"), not
        when it names one in passing ("mostly the stranger things soundtrack honestly")."""
        ann = ctx.annotations
        short = answering and ann.reading.words <= 6
        if answering and not short and ann.reading.entity_mood is None:
            return False
        # A short answer trusts the linker only for names that are not works ("qatar" is a place to
        # "any pets?"); a work's title may be read as another kind of work ("dune part two").
        named = [*[m.topic for m in ann.topic_mentions],
                 *[e.topic for e in ann.linked_entities if e.topic and e.topic not in WORK_TOPICS
                   and not self._is_keyword(ctx, normalise(e.span))]] if short else self._name_topics(ctx)
        return bool(named) and self.topic not in named

    def _about(self, ctx: TurnContext) -> str:
        """The utterance as our topic's words are looked for in it (``listening.about``)."""
        return about(ctx.annotations, self.topic)

    def _about_us(self, ctx: TurnContext) -> bool:
        """Is a long turn about our topic? A story or a fact of theirs only when our topic is its
        subject ("the airport" in a story about a shop is not travel talk); a question of theirs, once
        answered, when it names our topic at all ("i grew up reading them ... do you like superheroes")."""
        text = self._about(ctx)
        return self.salient(text) if user_told(ctx, self.long_answer_words) else self.script.mentions(text)

    def _outweighed(self, ctx: TurnContext) -> bool:
        """Is another topic's the utterance rather than ours: it names a thing of another topic and
        none of ours (the nfl, in a story set in a restaurant), or another topic has as many words in it?"""
        if self.topic in self._name_topics(ctx):
            return False
        if any(e.topic and e.topic != self.topic for e in ctx.annotations.linked_entities):
            return True
        text = self._about(ctx)
        ours = self.entry.hits(text)
        return any(other.hits(text) >= ours for other in ctx.topics.others(self.name))

    def _name_topics(self, ctx: TurnContext) -> list[str]:
        """The topics of the names the user said: linked entities and gazetteer names, leaving out a
        topic word the linker resolved ("rock" → rock music): the topics' keywords route those."""
        ann = ctx.annotations
        linked = [e.topic for e in ann.linked_entities if e.topic and not self._is_keyword(ctx, normalise(e.span))]
        return list(dict.fromkeys([*linked, *(m.topic for m in ann.topic_mentions)]))

    def _declines_here(self, ctx: TurnContext) -> bool:
        return any(f.kind == "declined" and f.topic == self.topic for f in ctx.annotations.user_facts)

    def _follow_up(self, ctx: TurnContext, thread: Thread, private: dict[str, Any], answered: bool = True) -> Said | None:
        """After reacting: the bot's own opinion once per thread (after their answer), else the next question."""
        opinions = thread.reactions.get("opinion")
        if private.get("stage") == "asked" and answered and opinions and fresh(opinions, ctx):
            private["stage"] = "opined"
            return choose(opinions, f"opinion:{thread.id}", ctx, private)
        return self._ask(ctx, private)

    def _reaction(
        self, ctx: TurnContext, thread: Thread, private: dict[str, Any], answering: bool, n_words: int
    ) -> tuple[Said, str | None, bool, str]:
        """React to what the user said: (line, the thing they named, did they give us something, slot)."""
        ann, reading = ctx.annotations, self.reading
        text = ann.text
        entity, source = self._named_thing(ctx, thread, answering, n_words)
        sentiment = ann.reading.sentiment
        mood = ann.reading.entity_mood if entity else None
        if entity and source == "phrase" and (
                reading.is_generic(entity) or reading.is_possessed(entity) or reading.says_nothing(entity)
                or not mood and (self._is_keyword(ctx, entity) or not self._whole_reply(text, entity))):
            # "a movie", "your brother", or "work" in "i have to go to work tomorrow": a thing in
            # passing is nothing to cheer about ("Oh nice, work."); a reply that is only a name
            # ("the lakers") still is.
            entity = None
        if news := ann.reading.news:  # sorry (and glad, if it is getting better), or glad: never "Got it."
            return choose(self.shared[news], news, ctx, private), None, True, "bad_news" if ann.reading.bad_news else news
        if ann.reading.thanks:
            return choose(self.shared["thanks"], "thanks", ctx, private), None, True, "thanks"
        feeling = ann.reading.feeling
        if feeling and not ann.reading.shares_fact:
            # "not really i'm pretty tired today": how they are matters more than the question.
            slot = f"feeling_{feeling[0]}"
            return choose(self.shared[slot], slot, ctx, private, feeling=feeling[1]), None, True, slot
        if ann.reading.sympathy and not ann.reading.shares_fact:  # "it must be horrible to live with that"
            return choose(self.shared["sympathy"], "sympathy", ctx, private), None, True, "sympathy"
        if ann.reading.shares_fact:
            slot = "fact_entity" if entity else "fact"
        elif ann.reading.surprised and not entity and n_words <= self.long_answer_words:
            slot = "surprised"  # "that's cool i had no idea": our line was news to them
        elif ann.reading.unsure:
            return self._react(ctx, thread, "unsure", private), None, False, "unsure"
        elif ann.reading.starts_negative and not entity and sentiment != "positive" and n_words <= self.long_answer_words:
            # "not really", "nah i don't": a no, however it goes on; never an upbeat "Oh, nice."
            return self._react(ctx, thread, "no", private), None, n_words > 3, "no"
        elif n_words > self.long_answer_words:
            # "i do love the new superbowl commercials those are fun": what they enjoy, met warmly, not "I hear you."
            slot = TOLD_SLOTS.get(ann.reading.told or "") or ("positive" if mood == "positive" or (
                not entity and ann.reading.entity_mood == "positive") else "long")
        elif entity and ann.reading.told == "fact" and not (answering and n_words <= 6):
            # A fact they tell, not an answer to our question: news to us, about the thing only when
            # it is the fact's subject ("over 300 registered superheroes in the united states" is not).
            entity = None if reading.is_setting(text, entity) else entity
            slot = "fact_entity" if entity else "fact"
        elif entity:
            slot = {"negative": "entity_negative", "positive": "entity_positive"}.get(mood or "", "entity")
            if answering and slot != "entity_negative" and "entity" in thread.reactions:
                slot = "entity"
        elif ann.reading.told == "fact":
            slot = "fact"  # "that's cool the highest score ever was 222 0": news to us, not "That's so nice to hear."
        elif ann.is_yes and n_words <= 3:
            slot = "yes"
        elif ann.is_no and n_words <= 3:
            return self._react(ctx, thread, "no", private), None, n_words > 3, "no"
        elif sentiment and not ann.is_backchannel:  # "cool" is a nod, not enthusiasm
            slot = sentiment
        else:
            return self._react(ctx, thread, "other", private), None, n_words > 2, "other"
        fields = {"entity": entity, "Entity": entity[:1].upper() + entity[1:]} if entity else {}
        if slot == "mirror":
            fields["evaluation"] = str(ann.reading.evaluation)
        # The thread's own entity lines assume the thing answers its question: a short answer, or
        # something the topic knows ("the lakers" to "favorite team?", not "nuts" in a long reply).
        own = not entity or (answering and (n_words <= 6 or self.script.mentions(entity.lower())))
        if entity and thread.named_answer != (source in ("title", "entity")) and source != "answer":
            own = False  # "it was dune part two" does not answer "what kind of movies?" (nor a kind a title)
        return self._react(ctx, thread, slot, private, own=own, **fields), entity, True, slot

    def _named_thing(self, ctx: TurnContext, thread: Thread, answering: bool, n_words: int) -> tuple[str | None, str]:
        """What the user named, and how we know: "title" ("it was dune part two"), "entity" (spaCy
        found a name), "answer" (a short reply to our question is the thing itself), "phrase" (a
        noun phrase in passing: "a movie", "work")."""
        ann, reading = ctx.annotations, self.reading
        if any(t.named_answer for t in self.script.threads) and (title := ann.reading.title):
            return title, "title"
        if (ours := self._our_name(ctx)) is not None:
            return ours, "entity"  # "formula 1", not the noun phrase "formula"
        things = reading.things(ann, self.script.mentions)
        if things and reading.is_named(things[0], ann):
            return things[0], "entity"
        if (answering or ctx.private.get("stage") == "asked_back") and n_words <= 6:
            answer = reading.entity(ann, short_answer=True, prefer=self.script.mentions)
            if answer and not reading.is_generic(answer) and not reading.says_nothing(answer):
                return (reading.title_case(answer) if thread.named_answer else answer), "answer"
        return (things[0], "phrase") if things else (None, "phrase")

    def _whole_reply(self, text: str, thing: str) -> bool:
        """Is the reply just this phrase ("the lakers", "probably the lakers")?"""
        phrase = self.reading.answer_phrase(text)
        return bool(phrase) and phrase.lower() == thing.lower()

    def _is_keyword(self, ctx: TurnContext, thing: str, topics: list[Topic] | None = None) -> bool:
        """'work', 'the movies': the phrase is only a topic word (any topic's), not a thing named."""
        words = [w for w in thing.lower().split() if w not in self.reading.lowercase_openers]
        if len(words) != 1:
            return False
        if topics is None:
            topics = list(ctx.topics) or [self.entry]
        return any(topic.is_keyword(words[0]) for topic in topics)

    def _react(self, ctx: TurnContext, thread: Thread, slot: str, private: dict[str, Any], own: bool = True,
               **fields: str) -> Said:
        """The thread's own line for a slot if it has one (and ``own``), else the shared reaction."""
        if slot in ("fact", "fact_entity") and ctx.annotations.reading.grim:
            slot, own = "fact_grim", False  # "... lost the right to vote": sober, whatever the thread says
        lines = thread.reactions.get(slot) if own else None
        if lines and fresh(lines, ctx, **fields):
            return choose(lines, f"{slot}:{thread.id}", ctx, private, **fields)
        if slot == "entity" and "entity" not in self.shared:
            slot = "other"
        return choose(self.shared[slot], slot, ctx, private, **fields)

    def _say(self, ctx: TurnContext, slot: str, private: dict[str, Any], **fields: str) -> Said:
        return choose(self.script.lines[slot], slot, ctx, private, **fields)

    # -- when the topic is not on ----------------------------------------------------------------
    def _mentioned(self, ctx: TurnContext) -> Returned:
        """The user brought the topic up: react, then open it (or, if covered, just share a thought)."""
        ann, reading = ctx.annotations, self.reading
        lowered = normalise(ann.text)
        asked = self.script.asked_about(lowered)
        if self._known(ctx).declined(self.topic) and not asked:
            return None  # "i'm not into sports" names sports: no "Oh, I love talking about sports!"
        # A judgement or a fact they tell names our topic only in passing unless it is very short or
        # names it twice: "it's so unfair that the cheerleaders have to leave the restaurant" is not food talk.
        judged = ann.reading.told is not None
        if not asked and not self.salient(self._about(ctx), strict=judged) and not self._named_here(ctx, lowered):
            return None
        if not asked and ann.reading.words > self.salient_words and self._outweighed(ctx):
            # "saints cheerleaders may not eat in the same restaurant as an nfl player": a story about
            # another topic's things; our words in it are the setting, not the subject.
            return None
        if ann.reading.bad_news or (ann.reading.feeling or ("",))[0] == "negative":
            return None  # "my cat died": sympathy (the reaction responder), not "Aw, animals!"
        fact = ann.reading.shares_fact or ann.reading.told == "fact"  # "did you know ...", or told plainly
        if ann.is_question and not asked and not ann.reading.shares_fact:
            return None  # "who won the world cup?": a question we cannot answer, not an invitation
        private = dict(ctx.private)
        named = self._our_name(ctx)
        entity = named or reading.entity(ann, prefer=self.script.mentions)
        if entity and not named and reading.is_generic(entity):
            entity = None  # "he's a great actor": a kind of thing, never said back as what they love
        answered = self._already_answered(lowered, private, ann)
        if asked:
            lead = self._say(ctx, "about_me", private)
        elif answered is not None and entity and not fact and (reading.is_named(entity, ann) or ann.reading.title):
            fields = {"entity": entity, "Entity": entity[:1].upper() + entity[1:]}
            lead = self._react(ctx, answered, "entity", private, **fields)
        elif ctx.state.current_topic == self.topic or self.topic in ctx.state.topics_covered:
            lead = self._heard(ctx, private)  # we are already on it: no "Oh, I love talking about sports!"
        else:
            lead = self._mention_reaction(ctx, private, entity, fact, named=named is not None)
        if self.topic not in ctx.state.topics_covered:
            # Telling us about it at length ("bowling is a sport but not nearly so strenuous ..."): they are into it.
            into = not asked and ann.reading.words > self.answer_words and not ann.is_question
            opened = self._open(ctx, private, Priority.CAN_START, [lead], into)
            if opened is not None:
                opened.entity = entity
                return opened
        chat = self.script.lines.get("chat")
        if asked:
            return build([lead], Priority.CAN_START, needs_prompt=True, state=private, entity=entity)
        if chat and fresh(chat, ctx):
            return build([lead, self._say(ctx, "chat", private)], Priority.WEAK_CONTINUE, state=private, entity=entity)
        return None

    def salient(self, lowered: str, strict: bool = False) -> bool:
        return self.entry.salient(lowered, strict)

    def _our_name(self, ctx: TurnContext) -> str | None:
        """The first thing the user named that is of our topic: the linker's title ("LeBron James"),
        else the gazetteer's name, capitalised for speech ("Formula 1")."""
        ann = ctx.annotations
        # A topic word the linker resolved ("football" → "Association football") names nothing: skip it.
        linked = next((spoken_name(e.span, e.title) for e in ann.linked_entities if e.topic == self.topic
                       and not self._is_keyword(ctx, normalise(e.span))), None)
        if linked:
            return linked
        listed = next((m.span for m in ann.topic_mentions if m.topic == self.topic), None)
        return self.reading.title_case(listed) if listed else None

    def _named_here(self, ctx: TurnContext, lowered: str) -> bool:
        """A short utterance naming only things of our topic ("lebron james", "i love radiohead") is
        about it, though no topic word was said."""
        return self._name_topics(ctx) == [self.topic] and len(lowered.split()) <= self.salient_words

    def _already_answered(self, lowered: str, private: dict[str, Any], ann: Any = None) -> Thread | None:
        """Mark threads the user's words already answer as asked (no redundant questions); the first one.
        Saying they like a named thing ("i love taylor swift") answers the threads asking for a name."""
        first = None
        likes_a_name = ann is not None and self.reading.likes_re.search(lowered) is not None and any(
            self.reading.is_named(thing, ann) for thing in self.reading.things(ann)[:1])
        for thread in self.script.threads:
            said = (thread.answered_by is not None and thread.answered_by.search(lowered)) or (thread.named_answer and likes_a_name)
            if said and thread.id not in private.get("asked", []):
                private["asked"] = [*private.get("asked", []), thread.id]
                first = first or thread
        return first

    def _heard(self, ctx: TurnContext, private: dict[str, Any]) -> Said:
        """A nod to a statement on a topic we already talk about: to their fact, their view, in their
        own word ("It really is crazy!"), or to what they told us."""
        reading = ctx.annotations.reading
        slot = "fact" if reading.shares_fact else TOLD_SLOTS.get(reading.told or "", "long")
        named = self._our_name(ctx)
        if slot == "fact":  # "did you know there's one left-handed qb in the nfl": about the NFL
            return choose(self.shared[fact_slot(reading, named)], "fact", ctx, private,
                          **({"entity": named, "Entity": named} if named else {}))
        return choose(self.shared[slot], slot, ctx, private, evaluation=reading.evaluation or "")

    def _mention_reaction(self, ctx: TurnContext, private: dict[str, Any], entity: str | None, fact: bool,
                          named: bool = False) -> Said:
        fields = {"entity": entity, "Entity": entity[:1].upper() + entity[1:]} if entity else {}
        if fact:
            return choose(self.shared[fact_slot(ctx.annotations.reading, entity)], "fact", ctx, private, **fields)
        mood = ctx.annotations.reading.entity_mood
        if entity and mood:
            return choose(self.shared[f"entity_{mood}"], f"entity_{mood}", ctx, private, **fields)
        told = ctx.annotations.reading.told
        if ctx.annotations.reading.words > self.answer_words:
            # "i think rene lacoste made them popular in tennis", "the average engineer earns more than an
            # nfl player", "not uncommon especially in europe and japan": their point taken in, never
            # "Sports, nice." or "Ah, Europe. Nice." as if they had only named it.
            slot = TOLD_SLOTS.get(told or "") or "long"
            return choose(self.shared[slot], slot, ctx, private, evaluation=ctx.annotations.reading.evaluation or "")
        if entity and named and fresh(self.shared["entity"], ctx, **fields):
            return choose(self.shared["entity"], "entity", ctx, private, **fields)  # "lebron james": "Ooh, LeBron James."
        return self._say(ctx, "mention", private)
