"""When a back-channel may replace the bot's line, and which one to say.

The research replaced the bot's utterance with "hmm" / "I see" in user-led stretches only, and
never when the user's utterance was under 3 words, a question or a command: answering "what's your
favourite film?" with "mm-hmm" reads as not listening. We add the cases where a back-channel would
be just as rude (the user is offensive or unhappy with the bot) and never say two in a row.
"""

from __future__ import annotations

import re
from typing import Any

from chirpy.annotations import Annotations
from initiative.statements import is_protected
from chirpy.turn import ChosenTurn

MIN_USER_WORDS = 3


def user_words(text: str) -> int:
    return len(re.findall(r"[a-z0-9']+", text.lower()))


def backchannel_skip(turn: ChosenTurn, ann: Annotations, previous: dict[str, Any] | None,
                     min_words: int = MIN_USER_WORDS) -> str | None:
    """Why this turn may not be a back-channel (``None``: it may). Checked before the coin is used."""
    response = turn.response
    if not response.user_led:
        return "not_user_led"
    if ann.is_launch or ann.is_empty:
        return "no_user_utterance"
    if is_protected(response):
        return "must_stay"
    if turn.prompt is not None:
        return "has_prompt"  # the bot is handing the conversation on: it is not the user's stretch
    if previous and previous.get("action") == "backchannel":
        return "after_backchannel"
    if user_words(ann.text) < min_words:
        return "short_user_utterance"
    if ann.is_question:
        return "user_question"
    if ann.is_command:
        return "user_command"
    if ann.offense and (ann.offense.get("is_offensive") or ann.offense.get("self_harm")):
        return "user_offensive"
    if ann.dissatisfaction:
        return "user_dissatisfied"
    return None
