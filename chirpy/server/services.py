"""What every request handler needs, built once per worker process by the app factory."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable

from chirpy.server.ledger import RequestLedger
from chirpy.server.locks import ConversationLocks
from chirpy.server.settings import ServerSettings
from chirpy.server.verification import AlexaVerifier, load_trust_roots


@dataclass
class Services:
    bot: Any  # chirpy.bot.Bot
    settings: ServerSettings
    locks: ConversationLocks
    ledger: RequestLedger
    # Tests inject a verifier with local trust roots and fetcher; production builds the default lazily
    # so an API-only server never reads a CA bundle.
    verifier_factory: Callable[[], AlexaVerifier] | None = None
    _verifier: AlexaVerifier | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def alexa_verifier(self) -> AlexaVerifier:
        with self._lock:
            if self._verifier is None:
                factory = self.verifier_factory or self._default_verifier
                self._verifier = factory()
            return self._verifier

    def _default_verifier(self) -> AlexaVerifier:
        roots = load_trust_roots(self.settings.alexa_trust_roots or None)
        return AlexaVerifier(self.settings.alexa_skill_ids, trust_roots=roots)
