"""Dialogue acts for speech text (issue 13): ``default_classifier().classify(text).acts``."""
