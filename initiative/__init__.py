"""Issue 7: let the user lead — fewer questions, personal opinions, back-channels.

Importing this package registers the ``initiative`` shaper (``chirpy.registry.shapers``); enable it
with ``[bot] plugins = [..., "initiative"]`` and ``[pipeline] shapers = ["initiative"]``.
Arms come from ``[experiments.question_removal]``, ``[experiments.statement_type]`` and
``[experiments.backchannel]``; tuning keys live in ``[initiative]`` (see controller.py).
"""

from initiative.controller import InitiativeController

__all__ = ["InitiativeController"]
