"""The conversation so far, as the linker weighs it: entities the knowledge responder discussed
and the topics the conversation is on or has covered (read from the conversation state)."""

from __future__ import annotations

from typing import Any

from knowledge.linker import ConversationContext

RESPONDER = "knowledge"  # the knowledge responder's name in [responders] order
MAX_REMEMBERED = 8


def conversation_context(state: Any, responder: str = RESPONDER) -> ConversationContext:
    if state is None:
        return ConversationContext()
    private = (getattr(state, "responder_states", None) or {}).get(responder, {})
    discussed = tuple(private.get("discussed", [])[-MAX_REMEMBERED:])
    current = getattr(state, "current_entity", None)
    return ConversationContext(
        entity_ids=discussed,
        entity_titles=(current,) if current else (),
        topic=getattr(state, "current_topic", None),
        topics=tuple(getattr(state, "topics_covered", []) or []),
    )
