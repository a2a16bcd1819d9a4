"""Features of speech-like words for the two linear models, hashed into a fixed-size weight table.

``FEATURE_VERSION`` is written into the model file: change any feature and the version must move,
so an old model is refused rather than silently misread. Hashing uses CRC-32 (stable across runs
and machines, unlike Python's ``hash``) and keeps the model a plain array with no vocabulary.
"""

from __future__ import annotations

import zlib
from typing import Iterable

import numpy as np

FEATURE_VERSION = 4
_EDGE = "<s>"
_AUX = frozenset("do does did is was are were have has can could would will should isnt wasnt dont didnt".split())
_PRONOUNS = frozenset("you he she it that they there this we i".split())
# Word classes: a feature over classes ("a wh-word then an auxiliary") carries what the model
# learned about one wording to the others ("thats cool what kind of ..." / "... whos your
# team"). These lists are part of the feature definition, not editable content: changing them
# changes the features, so FEATURE_VERSION must move with them.
_CLASSES = {
    "WH": "what whats who whos whom whose where wheres when why how hows which",
    "AUX": "do does did are is was were am can could will would have has had should shall may might must arent "
           "isnt dont doesnt didnt cant couldnt wont wouldnt havent hasnt shouldnt wasnt werent",
    "YOU": "you your u ya ur yourself",
    "PRO": "i he she it they we that this there",
    "CONJ": "and but so or because cause if then also",
    "ANS": "yes yeah yea yep no nope nah ok okay sure right really true cool nice interesting wow oh lol haha",
}
_CLASS_OF = {word: name for name, words in _CLASSES.items() for word in words.split()} | {_EDGE: "E"}


def _cls(word: str) -> str:
    return _CLASS_OF.get(word, "w")


def _norm(word: str) -> str:
    return "0" if word.isdigit() else word


def boundary_features(words: list[str], i: int) -> list[str]:
    """Does a sentence end after ``words[i]``? The words around the gap decide (``words`` are plain)."""
    return _gap_features([_norm(w) for w in words], i)


def all_boundary_features(words: list[str]) -> list[list[str]]:
    """``boundary_features`` for every gap, normalising the words once."""
    normed = [_norm(w) for w in words]
    return [_gap_features(normed, i) for i in range(len(words) - 1)]


def _gap_features(words: list[str], i: int) -> list[str]:
    n = len(words)
    padded = [_EDGE, _EDGE, *words, _EDGE, _EDGE, _EDGE, _EDGE]
    w_2, w_1, w0, w1, w2, w3 = padded[i: i + 6]
    _, c_1, c0, c1, c2, c3 = (_cls(w) for w in padded[i: i + 6])
    return [
        "bias", f"w0={w0}", f"w1={w1}", f"w2={w2}", f"w-1={w_1}", f"w3={w3}", f"w-2={w_2}",
        f"w0w1={w0}_{w1}", f"w1w2={w1}_{w2}", f"w-1w0={w_1}_{w0}", f"w1w2w3={w1}_{w2}_{w3}",
        f"w-1w0w1={w_1}_{w0}_{w1}", f"w0w1w2={w0}_{w1}_{w2}",
        f"pos={min(i + 1, 12)}", f"left={min(n - 1 - i, 12)}", f"pos_w1={min(i + 1, 6)}_{w1}",
        # Does what follows the gap open like a question ("... cool | what kind of", "... | do you")?
        f"c0c1={c0}_{c1}", f"c1c2={c1}_{c2}", f"c1c2c3={c1}_{c2}_{c3}", f"w0c1c2={w0}_{c1}_{c2}",
        f"c0w1={c0}_{w1}", f"c-1c0c1c2={c_1}_{c0}_{c1}_{c2}", f"w1c2c3={w1}_{c2}_{c3}",
        *_question_ahead(words, i),
    ]


def _question_ahead(words: list[str], i: int) -> list[str]:
    """Does a question open after the gap, looking further than three words? A wh-word or auxiliary
    after the gap, how soon a pronoun follows it ("... | is that true", "... | do you", "... | how
    many points is a touchdown worth": none within four words) and how many words are left: a
    question run onto a remark is most often its last clause ("that sounds fun | how many people
    were there"). Always two features, so every gap has the same number (the classifier scores all
    gaps as one table)."""
    after = words[i + 1: i + 6]
    opener = _cls(after[0]) if after else "E"
    if opener not in ("AUX", "WH"):
        return ["ahead=none", "ahead_left=none"]
    pronoun = next((k for k, w in enumerate(after[1:], 1) if _cls(w) in ("YOU", "PRO")), None)
    # A wh-word just before the gap still waits for its verb: "which team | do you root for",
    # "what kind of music | do you like" are one question, not a remark and a question.
    wh_open = any(_cls(w) == "WH" for w in words[max(0, i - 3): i + 1])
    return [f"ahead={opener}_{pronoun}_{wh_open}", f"ahead_left={opener}_{min(len(words) - i - 1, 8)}"]


def segment_features(words: list[str], body: list[str], *, last: bool) -> list[str]:
    """Is this segment a question? Its opening (before and after fillers), its ending, its words."""
    words = [_norm(w) for w in words]
    body = [_norm(w) for w in body] or words
    feats = ["bias", f"last={last}", f"len={min(len(words), 15)}"]
    for k in (1, 2, 3):
        feats.append(f"f{k}=" + "_".join(words[:k]))
        feats.append(f"b{k}=" + "_".join(body[:k]))
        feats.append(f"l{k}=" + "_".join(words[-k:]))
    feats += [f"u={w}" for w in body]
    feats += [f"bi={a}_{b}" for a, b in zip(body, body[1:])]
    # An auxiliary then a pronoun after the opening ("not really is he a football player"): a
    # question left inside a segment the boundary model did not split.
    inner = [f"inner={a}_{b}" for k, (a, b) in enumerate(zip(words, words[1:])) if k > 0 and a in _AUX and b in _PRONOUNS]
    feats += inner + (["has_inner"] if inner else [])
    classes = [_cls(w) for w in body]
    feats += ["cb2=" + "_".join(classes[:2]), "cb3=" + "_".join(classes[:3]),
              "cl2=" + "_".join(_cls(w) for w in words[-2:])]
    # The first wh-word, where it is and what follows: "who is your team" asks, "what is shocking
    # is that ..." and "i have no idea why" tell.
    wh = next((k for k, w in enumerate(body) if _CLASS_OF.get(w) == "WH"), None)
    if wh is not None:
        after = "_".join(classes[wh + 1: wh + 3])
        feats += [f"whpos={min(wh, 4)}_{after}", f"wh_next={body[wh]}_{after}"]
    return feats


def hashed(features: Iterable[str], bits: int) -> np.ndarray:
    mask = (1 << bits) - 1
    return np.fromiter((zlib.crc32(f.encode("utf-8")) & mask for f in features), dtype=np.int64)
