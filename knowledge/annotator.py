"""The "entity_linker" annotator: fills ``annotations.linked_entities`` for every user turn, so the
knowledge responder, topic routing and /debug all see the same links. It uses the shared
``knowledge`` resource (the store and its linker, opened once by the bot from ``[knowledge]``: see
knowledge/service.py); ``max_links`` caps the list."""

from __future__ import annotations

from typing import Any

from chirpy.annotations import Annotations
from chirpy.component import Component
from chirpy.registry import annotators
from chirpy.state import ConversationState
from knowledge.context import conversation_context
from knowledge.service import Knowledge


@annotators.register("entity_linker")
class KnowledgeAnnotator(Component):
    defaults = {"max_links": 5}
    provides = ("linked_entities",)
    uses = ("knowledge",)

    def __init__(self, config: dict[str, Any] | None = None, resources: dict[str, Any] | None = None) -> None:
        super().__init__(config, resources)
        self.knowledge: Knowledge = self.resources["knowledge"]
        self.max_links = int(self.config["max_links"])

    def annotate(self, annotations: Annotations, state: ConversationState | None = None) -> None:
        if annotations.is_launch or annotations.is_empty or not annotations.is_english:
            return
        annotations.linked_entities = self.knowledge.linker.link(
            annotations.text, conversation_context(state), limit=self.max_links)
