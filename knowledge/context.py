"""The conversation so far, as the linker weighs it: the entities the bot talked about (their store
ids, or names) and the topics the conversation is on or has covered, all from the core's state."""

from __future__ import annotations

from chirpy.state import ConversationState
from knowledge.linker import ConversationContext

MAX_REMEMBERED = 8


def conversation_context(state: ConversationState | None) -> ConversationContext:
    if state is None:
        return ConversationContext()
    return ConversationContext(
        entities=tuple(state.entities[-MAX_REMEMBERED:]),
        named_by_user=tuple(state.named_by_user[-MAX_REMEMBERED:]),
        topic=state.current_topic,
        topics=tuple(state.topics_covered),
    )
