"""What the dissatisfaction annotator writes into each logged turn (read back by eval through the store)."""

from chirpy.store.fields import LogField

DISSATISFACTION = LogField("annotations", ("dissatisfaction",), "classifiers.dissatisfaction")
"""The dissatisfaction types found in the user turn (a list; empty when none or not computed)."""
