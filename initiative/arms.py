"""The initiative experiments' arms, read from a conversation's assignment.

Arms are strings in config (``[experiments.backchannel] arms = ["0", "33", "66", "100"]``) so that
eval tables show them as declared; here they become the numbers the controller acts on. When a
team's config drops an experiment, the controller falls back to ``[initiative]`` defaults instead
of failing: the shaper is polish, never a reason a turn breaks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from chirpy.errors import ConfigError
from chirpy.responder import STATEMENT_TYPES

QUESTION_REMOVAL = "question_removal"
STATEMENT_TYPE = "statement_type"
BACKCHANNEL = "backchannel"


@dataclass(frozen=True)
class InitiativeArms:
    question_removal: str
    statement_type: str
    backchannel: str

    @property
    def question_removal_rate(self) -> float:
        return parse_rate(self.question_removal, QUESTION_REMOVAL)

    @property
    def backchannel_rate(self) -> float:
        return parse_rate(self.backchannel, BACKCHANNEL)

    def to_dict(self) -> dict[str, str]:
        return {QUESTION_REMOVAL: self.question_removal, STATEMENT_TYPE: self.statement_type,
                BACKCHANNEL: self.backchannel}


@dataclass(frozen=True)
class ArmDefaults:
    """Used for an experiment the config does not declare (``[initiative] default_*``)."""

    question_removal: str = "100"
    statement_type: str = "opinion"
    backchannel: str = "33"

    @classmethod
    def from_config(cls, table: Mapping[str, Any]) -> "ArmDefaults":
        defaults = cls(
            question_removal=str(table.get("default_question_removal", cls.question_removal)),
            statement_type=str(table.get("default_statement_type", cls.statement_type)),
            backchannel=str(table.get("default_backchannel", cls.backchannel)),
        )
        parse_rate(defaults.question_removal, "default_question_removal")
        parse_rate(defaults.backchannel, "default_backchannel")
        if defaults.statement_type not in STATEMENT_TYPES:
            raise ConfigError(f"[initiative] default_statement_type must be one of {list(STATEMENT_TYPES)}")
        return defaults

    def resolve(self, arms: Mapping[str, str]) -> InitiativeArms:
        return InitiativeArms(
            question_removal=str(arms.get(QUESTION_REMOVAL, self.question_removal)),
            statement_type=str(arms.get(STATEMENT_TYPE, self.statement_type)),
            backchannel=str(arms.get(BACKCHANNEL, self.backchannel)),
        )


def parse_rate(arm: str, what: str) -> float:
    """``"33"`` → 0.33. A percentage arm outside 0..100 is a config mistake worth a clear message."""
    try:
        value = float(str(arm).strip().rstrip("%"))
    except ValueError:
        raise ConfigError(f"{what}: arm {arm!r} is not a percentage (use e.g. \"0\", \"33\", \"100\")") from None
    if not 0 <= value <= 100:
        raise ConfigError(f"{what}: arm {arm!r} is outside 0..100")
    return value / 100
