"""The "knowledge" annotator: fills ``annotations.linked_entities`` for every user turn, so the
knowledge responder, topic routing and /debug all see the same links. Configured by the
``[knowledge]`` table (see knowledge/service.py); ``responder`` names the knowledge responder whose
discussed entities weigh in (default "knowledge"), ``max_links`` caps the list (default 5)."""

from __future__ import annotations

from typing import Any

from chirpy.errors import ComponentUnavailable
from chirpy.registry import annotators
from knowledge.context import RESPONDER, conversation_context
from knowledge.service import already_reported, open_knowledge


@annotators.register("knowledge")
class KnowledgeAnnotator:
    def __init__(self, config: dict[str, Any] | None = None) -> None:
        self.config = dict(config or {})
        reported = already_reported(self.config)
        try:
            self.knowledge = open_knowledge(self.config)
        except ComponentUnavailable:
            if not reported:
                raise  # nobody said it yet: the bot logs one line and runs without us
            self.knowledge = None  # the knowledge responder (built first) already said why: stay quiet
        self.responder = str(self.config.get("responder", RESPONDER))
        self.max_links = int(self.config.get("max_links", 5))

    def annotate(self, annotations: Any, state: Any = None) -> None:
        if self.knowledge is None or annotations.is_launch or annotations.is_empty or not annotations.is_english:
            return
        context = conversation_context(state, self.responder)
        annotations.linked_entities = self.knowledge.linker.link(annotations.text, context, limit=self.max_links)
