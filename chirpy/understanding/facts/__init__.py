"""What the user says about themselves (issue 13, listening memory): typed facts read once per turn
(``reader.FactReader``), kept in the conversation state and across sessions (``model.UserFacts``)."""

from chirpy.understanding.facts.model import FACT_KINDS, Fact, UserFacts

__all__ = ["FACT_KINDS", "Fact", "UserFacts"]
