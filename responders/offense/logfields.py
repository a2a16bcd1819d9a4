"""What the offense handler writes into each logged turn it answers: its candidate meta, which the core
logs under ``details.response_meta`` (read back by eval through the store)."""

from chirpy.store.fields import LogField

OFFENSE_ARM = LogField("details", ("response_meta", "offense_arm"), "responders.offense")
"""The strategy arm the handler answered with."""
OFFENSE_ACTION = LogField("details", ("response_meta", "offense_action"), "responders.offense")
"""What it did: ``strategy``, ``self_harm``, ``escalate``, ..."""
