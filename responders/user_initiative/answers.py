"""Answers to what people ask the bot about itself: "do you like jazz", "have you seen the shining",
"what's your favorite team", "what do you think about tom brady", "what about you".

Real users ask these all the time, usually at the end of a run-on sentence ("i agree do you watch
much tv"), so each question sentence the dialogue acts found is read, last first. The answer is an
opinion, a preference or an honest "not me, I'm a bot" about the thing asked, never an "I don't
know"; when the user said nothing of their own, the question is turned back to them ("Do you?"),
otherwise a prompt brings the conversation back to its topic. "What about you" after one of our
own questions gets our own answer to it. Everything said is content (``content/answers.toml``).

Priority is strong-continue, listed before the topics (an active topic reads "i wonder why ..." as
an answer to its question); weak-continue where a topic script may know better: a question naming a
topic's word ("what's your favorite movie": the movie script's own voice) or "what about you" right
after a topic's question (its own take). Ours stands when no script answers.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from chirpy.content import normalise
from chirpy.errors import ConfigError
from chirpy.registry import responders
from chirpy.responder import Candidate, Priority, Responder, Returned, TurnContext
from chirpy.understanding.acts.vocabulary import QUESTION_ACTS
from responders.topics.lines import Line, Said, build, choose, parse_lines
from responders.user_initiative.intents import Intent, load_intents, match

CONTENT = Path(__file__).parent / "content" / "answers.toml"
# The user wants out of the conversation or the topic: the complaint and topic handlers answer that.
LEAVE_TYPES = frozenset({"disinterest", "change_topic", "end_conversation", "offensive", "repetition"})
MAX_THING_WORDS = 6  # a longer "thing" is a clause, said back as "that"
OWN_WORDS = 4  # the user said this many words besides their question: no need to turn it back


# When it happened, at the end of the thing: "the world cup back in 2014" is said back as "the world cup".
_WHEN = re.compile(r"(?:\s+(?:back )?in (?:the )?(?:\d{4}|\d0s|\d{4}s|'\d0s))+$")


# A wh-phrase just before a "do you": "what arts do you enjoy" is one question, not a lead-in to "do you enjoy".
# ("what about horror films | do you watch them" is two: "what about" asks nothing of its own.)
_WH_BEFORE = re.compile(r"\b(?:what|which|who|whom|whose|how|where|when|why)(?! about\b)(?: [a-z0-9']+){0,3} $")
# A word said twice in a row, as people stutter or type ("do you you read").
_STUTTER = re.compile(r"\b([a-z']+)(?: \1\b)+")


def _phrases(words: list[str]) -> re.Pattern[str]:
    """One alternation of literal phrases, longest first (callers anchor it)."""
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


@responders.register("answers")
class AnswersResponder(Responder):
    defaults = {"content": ""}  # "": the file beside this module

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        super().__init__(config)
        path = self.config["content"] or CONTENT
        self.intents, data = load_intents(path, CONTENT.parent)
        where = str(path)
        try:
            fillers = _phrases(data["leading_fillers"])
            self.leading = re.compile(rf"^(?:(?:{fillers.pattern})\s+)+")
            self.trailing = re.compile(rf"(?:(?:^|\s+)(?:{_phrases(data['trailing_fillers']).pattern}))+$")
            self.openers = re.compile(rf"^(?:(?:{_phrases(data['thing_openers']).pattern})\s+)+")
            self.swaps: dict[str, str] = dict(data["pronoun_swaps"])
            self.stops = frozenset(data["thing_stops"])
            self.fact_verbs = frozenset(data["fact_verbs"])
            self.shifts = re.compile(rf"(?:^|\s)(?:{_phrases(data['thing_shifts']).pattern})(?:\s|$)")
            self.pointing_back = frozenset(data["pointing_back"])
            self.dangling_openers = frozenset(data["dangling_openers"])
            self.dangling_ends = frozenset(data["dangling_ends"])
            self.pronoun_openers = frozenset(data["pronoun_openers"])
            self.pronoun_leads = frozenset(data["pronoun_leads"])
            self.participles: dict[str, str] = dict(data["participles"])
            self.favorites: dict[str, str] = dict(data["favorites"])
            self.topic_favorites: dict[str, str] = dict(data["topic_favorites"])
            self.favorite_other = parse_lines(data["favorite_other"]["lines"], f"{where} [favorite_other]")
            self.favorite_none = parse_lines(data["favorite_other"]["none"], f"{where} [favorite_other] none")
            self.own = [(re.compile(o["asked"]), str(o["say"]), bool(o.get("needs_name"))) for o in data["own_answers"]]
            self.asks_back = {k: parse_lines(v, f"{where} [asks_back] {k}") for k, v in data["asks_back"].items()}
            self.story = [re.compile(p) for p in data["story"]["patterns"]]
            self.starts = [re.compile(p) for p in data["question_starts"]]
            self.greeting = [re.compile(p) for p in data["greeting_asked"]]
            self.greeting_replies = parse_lines(data["greeting_replies"], f"{where} greeting_replies")
            self.reworded: dict[str, str] = dict(data["rewordings"])
            self.rewordings = re.compile(rf"^(?:{_phrases(list(self.reworded)).pattern})\b")
        except KeyError as exc:
            raise ConfigError(f"{where}: missing {exc}") from None
        except re.error as exc:
            raise ConfigError(f"{where}: bad pattern: {exc}") from None
        # A statement is read only for these: a question's intent (agree's "... huh") must not hide them.
        self.statement_intents = [i for i in self.intents if i.meta.get("statement_ok")]
        self.extra = {i.id: {k: parse_lines(i.meta[k], f"{where} intent {i.id} {k}") for k in ("back", "lines_plain")
                             if k in i.meta} for i in self.intents}

    def respond(self, ctx: TurnContext) -> Returned:
        ann = ctx.annotations
        if ann.is_launch or ann.is_empty or not ann.is_english or LEAVE_TYPES & set(ann.dissatisfaction):
            return None
        private = dict(ctx.private)
        # Thinking aloud ("i wonder why they paint it pink") reads as a statement but wants an answer too.
        sentences = ann.reading.question_sentences if ann.is_question else [normalise(s.text) for s in ann.segments][-1:]
        for sentence in sentences:
            # "... what about you do you like him": they turn their own thing back to us (asks_back below).
            found = self.read(sentence, self.intents if ann.is_question else self.statement_intents,
                              inside=not ann.reading.asks_back)
            if found is not None and self._tells_a_fact(*found):
                return None  # theirs to tell: the knowledge responder or the reaction takes it in
            if found is not None:
                intent, matched = found
                answer = self._answer(ctx, private, intent, matched)
                # "do you know radiohead": the knowledge responder's fact about a thing it knows beats "a little!".
                known = bool(intent.meta.get("entity_may_answer")) and bool(ctx.annotations.linked_entities)
                return self._deferring(ctx, answer, known or intent.meta.get("topic_may_answer") == "asks_back"
                                       or (bool(intent.meta.get("topic_may_answer")) and self._mentions_topic(ctx, sentence)))
        if ann.reading.asks_back:
            return self._deferring(ctx, self._own_answer(ctx, private), True)
        return None

    @staticmethod
    def _mentions_topic(ctx: TurnContext, sentence: str) -> bool:
        return any(topic.mentions(sentence) for topic in ctx.topics)

    def _tells_a_fact(self, intent: Intent, matched: re.Match[str]) -> bool:
        """"did you hear the iowa state locker room is pink": a fact told in the form of a question (a
        verb after the thing), not a question about "the iowa state locker room"."""
        if not intent.meta.get("fact_form"):
            return False
        words = (matched.groupdict().get("thing") or "").split()
        # Where the thing ends: at a verb, it is a fact; at "that movie" ("did you ever see brave that
        # movie was great") or another clause, still a question about the thing.
        end = self._thing_end(words, also=self.fact_verbs)
        return end < len(words) and words[end] in self.fact_verbs

    @staticmethod
    def _deferring(ctx: TurnContext, answer: Candidate, topic_may_answer: bool) -> Candidate:
        """Weak-continue where a topic script may know better: "do you like football" (the sports
        script's own voice), or "what about you" right after a topic's question (its own take). Ours
        stands when no script answers."""
        if not topic_may_answer:
            return answer
        if answer.meta.get("kind") in ("asks_back", "your_view"):
            asked = (ctx.state.last_bot_text or "").rstrip().endswith("?")
            if not (asked and ctx.topics.of_responder(ctx.state.active_responder or "")):
                return answer
        answer.priority = Priority.WEAK_CONTINUE
        return answer

    # -- answering -------------------------------------------------------------------------------
    def _answer(self, ctx: TurnContext, private: dict[str, Any], intent: Intent, matched: re.Match[str]) -> Candidate:
        groups = {k: v.strip() for k, v in matched.groupdict().items() if v}
        thing = self.thing(groups.get("thing", ""))
        verb = groups.get("verb", "")
        extra = self.extra.get(intent.id, {})
        if intent.id == "favorite":
            line = self._favorite(ctx, private, intent, thing or self._topic_thing(ctx))
        elif (not thing or thing.startswith("to ")) and "lines_plain" in extra:  # "do you like to vote"
            line = choose(extra["lines_plain"], f"{intent.id}_plain", ctx, private)
        else:
            fields = {**groups, "thing": thing or "it", "verb": verb, "done": self.participles.get(verb, verb)}
            line = choose(intent.lines, intent.id, ctx, private, **fields)
        if not intent.prompt:  # "no idea, tell me!": the user keeps the floor
            return self._build(ctx, private, intent.id, [line], needs_prompt=False)
        back = extra.get("back")
        if back and self._own_words(ctx) < OWN_WORDS:
            return self._build(ctx, private, intent.id, [line, choose(back, f"{intent.id}_back", ctx, private)],
                               needs_prompt=False)
        return self._build(ctx, private, intent.id, [line], needs_prompt=True)

    def _favorite(self, ctx: TurnContext, private: dict[str, Any], intent: Intent, thing: str) -> Said:
        """Our pick when we have one for that kind of thing ("team"), else an honest "I keep changing"."""
        words = thing.split()
        # The most specific kind first: "nhl team" before "team".
        for key in [thing, " ".join(words[-2:]), *(k for w in words for k in (w, w.rstrip("s")))]:
            if key in self.favorites:
                return choose(intent.lines, intent.id, ctx, private, thing=thing, answer=self.favorites[key])
        if not thing:
            return choose(self.favorite_none, "favorite_none", ctx, private)
        return choose(self.favorite_other, "favorite_other", ctx, private, thing=thing)

    def _topic_thing(self, ctx: TurnContext) -> str:
        """"Which is your favorite?": the favourite of the topic we are on, or of the thing they named."""
        topics = [ctx.state.current_topic, *(link.topic for link in ctx.annotations.linked_entities)]
        return next((self.topic_favorites[t] for t in topics if t in self.topic_favorites), "")

    def _own_answer(self, ctx: TurnContext, private: dict[str, Any]) -> Candidate:
        """"What about you?": our own answer to what we last asked, else to what they just said."""
        asked = self._last_bot_question(ctx)
        # Naming a thing of another topic in full ("i do like bruno mars ... what about you" to "are you
        # into science?"), they ask about that thing, not our question.
        elsewhere = any(e.named_in_full and e.topic and e.topic != ctx.state.current_topic
                        for e in ctx.annotations.linked_entities)
        if asked and not elsewhere:
            for pattern, say, needs_name in self.own:
                if pattern.search(asked) and (ctx.annotations.user_name or not needs_name):
                    return self._build(ctx, private, "asks_back", [Said(say, False)], needs_prompt=True)
        mood = ctx.annotations.reading.entity_mood or ctx.annotations.reading.sentiment or "neutral"
        slot = mood if mood in self.asks_back else "neutral"
        told = normalise(ctx.annotations.text)
        if not ctx.annotations.reading.entity_mood and any(p.search(told) for p in self.story):
            slot = "story"  # "i grew up with a rotary phone how about you": no opinion to agree with
        line = choose(self.asks_back[slot], f"asks_back_{slot}", ctx, private)
        return self._build(ctx, private, "asks_back", [line], needs_prompt=True)

    def _build(self, ctx: TurnContext, private: dict[str, Any], kind: str, parts: list[Line], *, needs_prompt: bool) -> Candidate:
        told = normalise(ctx.annotations.text)
        if kind != "asks_back" and any(p.search(told) for p in self.greeting):  # "hi how are you do you like ..."
            parts = [choose(self.greeting_replies, "greeting", ctx, private), *parts]
        # The topic stays on: after the answer (or the user's reply to our turned-back question) it resumes.
        return build(parts, Priority.STRONG_CONTINUE, needs_prompt=needs_prompt, topic=ctx.state.current_topic,
                     entity=ctx.state.current_entity, state=private, meta={"kind": kind})

    # -- reading the question --------------------------------------------------------------------
    def read(self, sentence: str, intents: list[Intent], inside: bool = True) -> tuple[Intent, re.Match[str]] | None:
        """The intent a question sentence asks, read from where the question starts. Real users lead
        into it ("this is off topic but have you used vr", "i love football too who is your team") and
        the acts do not always cut there, so (``inside``) each place a question to us starts is tried,
        earliest first."""
        sentence = _STUTTER.sub(r"\1", sentence)  # "do you you read ...": a word said twice, read once
        inner = {m.start() for p in self.starts for m in p.finditer(sentence)} if inside else set()
        starts = sorted({0, *(i for i in inner if not _WH_BEFORE.search(sentence[:i]))})
        for start in starts:
            asked = self.leading.sub("", sentence[start:].lstrip())
            # "would you say you have a favorite team" asks "do you have a favorite team".
            asked = self.rewordings.sub(lambda m: self.reworded[m.group(0)], asked, count=1)
            found = match(intents, asked)
            if found is not None:
                return found
        return None

    def thing(self, raw: str) -> str:
        """What the question is about, said back: fillers dropped, "my" turned to "your"."""
        words = self.openers.sub("", self.shifts.split(normalise(raw), maxsplit=1)[0]).split()
        words = _WHEN.sub("", self.trailing.sub("", " ".join(words[:self._thing_end(words)]))).split()
        words = [self.swaps.get(w, w) for w in words]
        if len(words) > MAX_THING_WORDS or (words and (words[0] in self.dangling_openers or words[-1] in self.dangling_ends
                                                      or self._pronoun_clause(words))):
            return "that"
        return " ".join(words)

    def _thing_end(self, words: list[str], also: frozenset[str] = frozenset()) -> int:
        """Where the thing asked about ends: at a clause ("neil gaiman | he's good too"), at a word of
        ``also``, or before a kind of thing pointing back at it ("brave | that movie")."""
        return next((i for i, w in enumerate(words) if i and (w in self.stops or w in also or self._points_back(words, i))),
                    len(words))

    def _points_back(self, words: list[str], i: int) -> bool:
        """"that movie" after the thing ("brave that movie was great"): where the thing ends."""
        return words[i] in ("that", "this") and i + 1 < len(words) and words[i + 1] in self.pointing_back

    def _pronoun_clause(self, words: list[str]) -> bool:
        """"that as live action", "about that as live action": a pronoun with more after it."""
        head = words[1:] if words and words[0] in self.pronoun_leads else words
        return len(head) > 1 and head[0] in self.pronoun_openers

    @staticmethod
    def _own_words(ctx: TurnContext) -> int:
        """Words the user said besides their questions ("i love horses" in "i love horses do you")."""
        return sum(len(s.text.split()) for s in ctx.annotations.segments if not QUESTION_ACTS & set(s.acts))

    @staticmethod
    def _last_bot_question(ctx: TurnContext) -> str:
        last = ctx.state.last_bot_text or ""
        asked = re.findall(r"[^.!?]*\?", last)
        return normalise(asked[-1]) if asked else ""
