"""What the offense annotator writes into each logged turn (read back by eval through the store)."""

from chirpy.store.fields import LogField

IS_OFFENSIVE = LogField("annotations", ("offense", "is_offensive"), "classifiers.offense")
"""True / false when the annotator ran on the user turn; absent when it did not."""
