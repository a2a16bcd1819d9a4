"""The offense handler responder (issue 6). Importing this package registers it as "offense"."""

from responders.offense.handler import OffenseResponder
from responders.offense.strategy import ARMS, DEFAULT_ARM, EXPERIMENT, Strategy

__all__ = ["ARMS", "DEFAULT_ARM", "EXPERIMENT", "OffenseResponder", "Strategy"]
