"""Understanding the user, once per turn, for every part of the bot: the dialogue acts of speech
text (``acts/``), a name the user gave (``names/``), the language (``language/``), and how they
said it (``reading``: mood, feeling, a fact shared, a question turned back). The core annotator
runs them all and puts the result on the turn's annotations."""

from chirpy.understanding.reading import Reading, Understanding, understanding, words

__all__ = ["Reading", "Understanding", "understanding", "words"]
