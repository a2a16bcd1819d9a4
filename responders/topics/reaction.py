"""The generic reaction: a sensible, specific answer to what no topic script covers.

Real users say long, opinionated things about anything (Topical-Chat is full of them). Rather than
the universal fallback's "I see", this responder refers to what the user named, follows their mood
and acknowledges facts they share. Questions are not its job: ``responders/user_initiative/answers.py``
answers those. Following the initiative findings it mostly makes statements (a
user-led moment) and only every third quiet turn asks something or hands over to a topic prompt.
It keeps the current topic alive so a topic can resume afterwards.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable

from chirpy.annotations import Annotations
from chirpy.content import load_content, normalise
from chirpy.registry import responders
from chirpy.responder import Candidate, Priority, Responder, Returned, TurnContext
from responders.topics.engine import LEAVE_TYPES, TOLD_SLOTS
from responders.topics.lines import Said, build, choose, fact_slot, load_slots, shared_reactions
from responders.topics.listening import quiet_turns, user_leads
from chirpy.understanding import understanding

CONTENT = Path(__file__).parent / "content" / "reaction.toml"


@responders.register("reaction")
class ReactionResponder(Responder):
    defaults = {
        "content": "",  # "": content/reaction.toml
        "quiet_turns": 2,  # statements in a row before asking
        "min_words": 4,  # shorter replies get no reaction of their own
        "max_no_words": 14,  # longer "no ..." replies say more than no
        "echo_words": 6,  # in a longer turn, only a name or what they love is said back ("Oh, the game!" is nonsense)
        "dislike_words": 20,  # a negative turn up to this long says what they dislike ("fair enough"); longer, it is a rant
    }
    def __init__(self, config: dict[str, Any] | None = None) -> None:
        super().__init__(config)
        path = self.config["content"] or CONTENT
        data = load_content(path, CONTENT.parent)
        self.lines = load_slots(data, str(path))
        self.shared = shared_reactions()
        self.reading = understanding()
        self.quiet_turns = int(self.config["quiet_turns"])
        self.min_words = int(self.config["min_words"])
        self.max_no_words = int(self.config["max_no_words"])
        self.echo_words = int(self.config["echo_words"])
        self.dislike_words = int(self.config["dislike_words"])
        frames = "|".join(data["about_frames"])
        self.about_frame = re.compile(rf"\b(?:{frames})\s+(?:the\s+|a\s+|an\s+)?")

    def respond(self, ctx: TurnContext) -> Returned:
        candidate = self._respond(ctx)
        reading = ctx.annotations.reading
        if isinstance(candidate, Candidate) and (reading.feeling or ("",))[0] == "negative":
            # Sympathy is said as written: a back-channel ("Hmm.") in its place would read as not caring.
            candidate.must_stay = True
            candidate.user_led = False
        elif isinstance(candidate, Candidate) and (reading.told == "fact" or reading.surprised):
            # Their fact taken in as news, or our line met as news to them: "I see." would not have heard it.
            candidate.must_stay = True
        return candidate

    def _respond(self, ctx: TurnContext) -> Returned:
        ann, reading = ctx.annotations, self.reading
        if ann.is_launch or ann.is_empty or not ann.is_english or ann.is_backchannel or LEAVE_TYPES & set(ann.dissatisfaction):
            return None
        private = dict(ctx.private)
        entity = ann.reading.title or reading.entity(ann, prefer=self._known_to_a_topic(ctx))
        if entity and (reading.is_generic(entity) or not self._clearly_about(ann, entity)):
            entity = None  # "a movie": a kind of thing; "the game" picked from a run-on: not what it is about
        news = ann.reading.news
        if news:  # sorry or glad with them (never "Got it."), and the user keeps the floor
            line = choose(self.shared[news], news, ctx, private)
            return build([line], Priority.WEAK_CONTINUE, topic=ctx.state.current_topic, state=private,
                         must_stay=True, meta={"kind": news})  # never swapped for "Hmm."
        fields = {"entity": entity, "Entity": entity[:1].upper() + entity[1:]} if entity else {}
        kind = "statement"
        if ann.reading.shares_fact:
            kind = "fact"
            line = choose(self.shared[fact_slot(ann.reading, entity)], "fact", ctx, private, **fields)
        elif ann.reading.asks_back or (ann.is_question and reading.asks(ann.reading)):
            return None  # questions are the answers responder's (user_initiative/answers.py), or the fallback's
        else:
            line = self._react(ctx, private, entity, fields)
            if line is None:
                return None
        topic = ctx.state.current_topic
        if quiet_turns(ctx) < self.quiet_turns or user_leads(ctx):
            return build([line], Priority.WEAK_CONTINUE, topic=topic, entity=entity or ctx.state.current_entity,
                         state=private, user_led=True, meta={"kind": kind})
        if entity and not topic:
            ask = choose(self.lines["tell_more"], "tell_more", ctx, private, **fields)
            return build([line, ask], Priority.WEAK_CONTINUE, entity=entity, state=private, user_led=True,
                         meta={"kind": kind})
        return build([line], Priority.WEAK_CONTINUE, needs_prompt=True, topic=topic,
                     entity=entity or ctx.state.current_entity, state=private, meta={"kind": kind})

    def _react(self, ctx: TurnContext, private: dict[str, Any], entity: str | None, fields: dict[str, str]) -> Said | None:
        feeling = ctx.annotations.reading.feeling
        if feeling:  # "i'm feeling kind of sad today": how they are comes first
            slot = f"feeling_{feeling[0]}"
            return choose(self.shared[slot], slot, ctx, private, feeling=feeling[1])
        reading = ctx.annotations.reading
        if (reading.starts_negative and reading.sentiment != "positive"
                and self.min_words <= reading.words <= self.max_no_words):
            return choose(self.shared["no"], "no", ctx, private)  # "nah i don't really ...": never "That's so cool"
        if entity:
            mood = ctx.annotations.reading.entity_mood
            slot = f"entity_{mood}" if mood else "entity"
            return choose(self.lines[slot], slot, ctx, private, **fields)
        if ctx.annotations.reading.words < self.min_words:
            return None  # "ok cool": nothing to react to; the fallback moves the conversation on
        if reading.surprised and reading.words <= self.max_no_words:  # "that's cool i had no idea"
            return choose(self.shared["surprised"], "surprised", ctx, private)
        if reading.sympathy:  # "it must be horrible to live with that": fellow feeling, not a dislike
            return choose(self.shared["sympathy"], "sympathy", ctx, private)
        if reading.sentiment == "negative" and not reading.told and reading.words <= self.dislike_words:
            # "what i hate more is always snakes": never "Oh, I like that." (a longer rant is a view, not a dislike)
            return choose(self.shared["negative"], "negative", ctx, private)
        if reading.entity_mood == "positive" and reading.told != "fact":
            # "i like watching comedy i feel very relaxed": what they enjoy, met with warmth, not "I think
            # you're onto something there" as if it were an argument.
            return choose(self.shared["positive"], "positive", ctx, private)
        if told := ctx.annotations.reading.told:  # a view, "it's crazy how ..." (their word), a fact told
            slot = fact_slot(reading) if told == "fact" else TOLD_SLOTS[told]
            return choose(self.shared[slot], slot, ctx, private, evaluation=ctx.annotations.reading.evaluation or "")
        return choose(self.lines["statement"], "statement", ctx, private)

    def _clearly_about(self, ann: Annotations, thing: str) -> bool:
        """Is ``thing`` what the turn is about, safe to say back? A title, a name they open with, the
        answer of a short reply, or what they love or hate ("i really love the beatles"). A noun or a
        name picked from a long run-on ("espn", "football", "a store in alabama") is not."""
        if thing == ann.reading.title or ann.reading.words <= self.echo_words:
            return True
        lowered, named = normalise(ann.text), re.sub(r"^(?:the|a|an) ", "", thing.lower())
        if (self.reading.is_named(thing, ann) and named in " ".join(lowered.split()[:self.echo_words])
                and not self.reading.is_setting(ann.text, thing)):
            # A name they open with ("sam darnold is only 21 ..."), not "a store in alabama" later on, nor
            # the place where what they tell happens ("in america it's been over a century of ...").
            return True
        return any(lowered[found.end():].startswith(named) for found in self.about_frame.finditer(lowered))

    @staticmethod
    def _known_to_a_topic(ctx: TurnContext) -> Callable[[str], bool]:
        """Prefer naming back things some topic knows ("the violin" over "your sister")."""
        return lambda phrase: any(topic.mentions(phrase) for topic in ctx.topics)
