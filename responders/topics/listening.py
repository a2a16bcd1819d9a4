"""Listening: when the user has the floor, and what the bot says when it takes the floor back.

Read by the topics, the generic reaction, the knowledge responder and the fallback, so that none of
them piles a scripted line on a user who is telling it something at length.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from chirpy.annotations import Annotations
from chirpy.content import normalise
from chirpy.responder import TurnContext
from responders.topics.lines import Line, choose, shared_reactions


def quiet_turns(ctx: TurnContext) -> int:
    """How many bot turns in a row (most recent first) asked nothing."""
    count = 0
    for text in reversed(ctx.state.bot_utterances()):
        if text.rstrip().endswith("?"):
            break
        count += 1
    return count


# A long statement of the user's own (a story, a fact, a view) keeps the floor for this many bot turns
# in a row without a question: a scripted line after it, from our topic, a new one or the fallback,
# would ignore what they told us. After that the bot leads again.
LISTEN_TURNS = 3
TALKED_ABOUT_TURNS = 2  # turns of the user's own naming a topic, after which "are you into it?" is not asked
LONG_TURN_WORDS = 10


def user_told(ctx: TurnContext, long_words: int = LONG_TURN_WORDS) -> bool:
    """Did the user tell us something at length (a story, a fact, a view), asking nothing?"""
    ann = ctx.annotations
    asks = ann.is_question and not ann.reading.shares_fact  # "did you know ..." tells
    return ann.reading.words > long_words and not asks and not ann.reading.asks_back


def spoke_at_length(ctx: TurnContext, long_words: int = LONG_TURN_WORDS) -> bool:
    """A long turn, asking or telling: a topic line after our answer or reaction would be a non sequitur."""
    return ctx.annotations.reading.words > long_words and not ctx.annotations.reading.asks_back


def user_leads(ctx: TurnContext, long_words: int = LONG_TURN_WORDS, turns: int = LISTEN_TURNS) -> bool:
    """Is the user telling us something at length, so that our next scripted line would talk over them?"""
    return user_told(ctx, long_words) and quiet_turns(ctx) < turns


def about(ann: Annotations, topic: str | None = None) -> str:
    """What topic words and everyday things are looked for in: the utterance without nouns that only
    modify another ("high school football" names no school). For ``topic``, also without the names of
    another topic's things said whole: "bruno mars" is a singer, and names no planet."""
    text = ann.about_text or normalise(ann.text)
    if not topic:
        return text
    others = tuple(normalise(e.span) for e in ann.linked_entities
                   if e.named_in_full and e.topic and e.topic != topic)
    return _without_names(text, others) if others else text


@functools.lru_cache(maxsize=256)
def _without_names(text: str, names: tuple[str, ...]) -> str:
    """``text`` with each of ``names`` blanked. Cached: every topic engine asks several times a turn."""
    for name in names:
        # A word may already be blanked as a modifier ("_____ mars"): match it either way.
        words = [rf"(?:{re.escape(w)}|_+)" for w in name.split()]
        if words:
            text = re.sub(rf"\b{' '.join(words)}\b", lambda m: "_" * len(m.group(0)), text)
    return text


def follow_up(ctx: TurnContext, private: dict[str, Any]) -> Line:
    """When we lead again after the user has told us things at length: a question on what they told
    (where they found a fact, what makes them think so), not a scripted line that ignores it."""
    reading = ctx.annotations.reading
    slot = {"fact": "follow_up_fact", "opinion": "follow_up_opinion", "judgement": "follow_up_opinion"}.get(
        reading.told or "", "follow_up")
    if slot == "follow_up" and (reading.sentiment or reading.entity_mood or reading.feeling):
        slot = "follow_up_felt"
    return choose(shared_reactions()[slot], slot, ctx, private)
