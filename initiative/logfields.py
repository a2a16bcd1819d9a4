"""What the initiative controller writes into each logged turn (``details.initiative``; see controller.py),
read back by eval through the store."""

from chirpy.store.fields import LogField

OWNER = "initiative"
RECORD = LogField("details", ("initiative",), OWNER)
"""The whole per-turn record: arms, back-channel and question-removal decisions, user measures."""
MEASURED_TOKENS = LogField("details", ("initiative", "user_measures", "tokens"), OWNER)
"""Content tokens of the user utterance that answered the previous bot turn."""
MEASURED_NOUN_PHRASES = LogField("details", ("initiative", "user_measures", "noun_phrases"), OWNER)
MEASURED_NLL = LogField("details", ("initiative", "user_measures", "nll"), OWNER)
"""Its negative log-likelihood under the controller's language model (only when one is configured)."""
RESPONDS_TO = LogField("details", ("initiative", "user_measures", "responds_to"), OWNER)
"""What the controller did at the bot turn the user answered (action, ends_with_question, statement_type)."""
