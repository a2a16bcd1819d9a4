"""Realistic Alexa request envelopes, shaped like the ASK request reference: amzn1.* ids, a locale,
an ISO-8601 UTC timestamp, the context.System block Alexa always sends."""

from __future__ import annotations

import datetime as dt
import random
import string
import uuid
from typing import Any

SKILL_ID = "amzn1.ask.skill.0f6a2c1e-3b7d-4c55-9a1e-7d2f3c4b5a69"


def _opaque(rng: random.Random, n: int = 107) -> str:
    return "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(n))


class Alexa:
    """One simulated Echo user; ``session()`` starts a new Alexa session for them."""

    def __init__(self, seed: int = 0, skill_id: str = SKILL_ID, locale: str = "en-US") -> None:
        self.rng = random.Random(seed)
        self.skill_id = skill_id
        self.locale = locale
        self.user_id = f"amzn1.ask.account.{_opaque(self.rng)}"
        self.device_id = f"amzn1.ask.device.{_opaque(self.rng, 72)}"
        self.session_id = ""
        self.new_session()

    def new_session(self) -> str:
        self.session_id = f"amzn1.echo-api.session.{uuid.UUID(int=self.rng.getrandbits(128))}"
        self._new = True
        return self.session_id

    def envelope(self, request: dict[str, Any], *, when: dt.datetime | None = None) -> dict[str, Any]:
        when = when or dt.datetime.now(dt.timezone.utc)
        application = {"applicationId": self.skill_id}
        user = {"userId": self.user_id}
        envelope = {
            "version": "1.0",
            "session": {"new": self._new, "sessionId": self.session_id, "application": application,
                        "attributes": {}, "user": user},
            "context": {
                "System": {
                    "application": application,
                    "user": user,
                    "device": {"deviceId": self.device_id, "supportedInterfaces": {}},
                    "apiEndpoint": "https://api.amazonalexa.com",
                    "apiAccessToken": "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9." + _opaque(self.rng, 40),
                },
                "Viewport": {"experiences": [{"canRotate": False, "canResize": False}], "shape": "ROUND"},
            },
            "request": {
                "requestId": f"amzn1.echo-api.request.{uuid.UUID(int=self.rng.getrandbits(128))}",
                "timestamp": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "locale": self.locale,
                **request,
            },
        }
        self._new = False
        return envelope

    def launch(self, **kw: Any) -> dict[str, Any]:
        return self.envelope({"type": "LaunchRequest"}, **kw)

    def say(self, text: str | None, intent: str = "ChatIntent", slot: str = "query", **kw: Any) -> dict[str, Any]:
        value = {"name": slot, "confirmationStatus": "NONE", "source": "USER"}
        if text is not None:
            value["value"] = text
        return self.intent(intent, slots={slot: value}, **kw)

    def intent(self, name: str, slots: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
        intent = {"name": name, "confirmationStatus": "NONE"}
        if slots is not None:
            intent["slots"] = slots
        return self.envelope({"type": "IntentRequest", "dialogState": "STARTED", "intent": intent}, **kw)

    def session_ended(self, reason: str = "USER_INITIATED", **kw: Any) -> dict[str, Any]:
        return self.envelope({"type": "SessionEndedRequest", "reason": reason}, **kw)
