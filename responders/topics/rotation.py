"""Which topic the bot opens next: a per-conversation shuffle, so conversations don't all start
with the same topic, yet a replay with the same seed opens topics in the same order.

Selection ranks equal priorities by the declared responder order, which would always open the first
listed topic. Instead every topic responder computes the same shuffled order for the conversation;
only the first topic not yet covered offers its opener at CAN_START, the others stay in reserve.
"""

from __future__ import annotations

import random

from chirpy.responder import TurnContext


def topic_order(ctx: TurnContext) -> list[tuple[str, str]]:
    """(responder name, topic) for every topic responder, shuffled for this conversation."""
    bot = ctx.services.get("bot")
    responders = getattr(bot, "responders", {}) or {}
    topics = [(name, r.topic) for name, r in responders.items() if getattr(r, "is_topic_responder", False)]
    seed = getattr(bot, "seed", 0)
    random.Random(f"{seed}:{ctx.conversation_id}:topics").shuffle(topics)
    return topics


def is_next(ctx: TurnContext, name: str) -> bool:
    """Is this responder's topic the next one to open (the first uncovered in the shuffle)?"""
    covered = set(ctx.state.topics_covered)
    for responder, topic in topic_order(ctx):
        if topic not in covered:
            return responder == name
    return False
