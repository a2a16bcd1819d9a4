"""Scripted topics: one data-driven engine, one TOML script per topic, and a generic reaction.

``engine.TopicResponder`` (registered as ``topic``) is instantiated once per topic from a script in
``scripts/``; ``reaction.ReactionResponder`` (``reaction``) answers anything a script does not, by
referring to what the user named. No neural model is involved.
"""
