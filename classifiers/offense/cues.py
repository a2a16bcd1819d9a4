"""Who a turn is aimed at and what it does, as features: the shapes of abuse a word list cannot see.

Issue 16 describes the abuse a lexicon misses and the profanity it wrongly flags. Misses: insults
with no swear word (attacks on the bot's intelligence or usefulness: "you are so useless", "dumb
bot", "you don't understand anything"), politely phrased sexual advances ("can i see you naked"),
hostile remarks about groups ("all X are ..."). False alarms: profanity aimed at no one (enthusiasm,
one's own bad day, self-deprecation: "i'm so dumb") and questions about death or getting hurt
("how do people die").

An n-gram model sees "are useless" and "useless" but not that the word describes *you*: a
bigram misses "you are really so useless" and cannot tell "you're useless" from "it's useless".
These features name the slot a word fills: what is said *of you* ("ya:useless", skipping
intensifiers and articles), what the bot is called ("nb:dumb" for "dumb bot"), what is said of the
speaker ("me:dumb" for "i'm so dumb"), a polite request and what it asks for, a generalisation about
a group, a question about harm. The word lists are closed-class words (pronouns, copulas,
intensifiers, question words) plus three short topical lists (harm, intimacy, enthusiasm) written
from the issue's description, not from any data set's rows. The evaluative words themselves are
learned: only the slot is given.
"""

from __future__ import annotations

from typing import Sequence

_YOU_SUBJECT = frozenset("you u ya yu".split())
_YOU_ARE = frozenset("youre ur yore".split())  # one token once apostrophes are gone ("ur" is both)
_COPULA = frozenset("are r re is arent isnt were was be being".split())
_NEGATION = frozenset("dont cant cannot never not arent wont doesnt didnt aint no nothing".split())
# Words between a copula and the word that carries the judgement: "you are *really such a* X".
_FILLER = frozenset(
    "a an the so such very really truly totally just quite pretty too extremely absolutely "
    "completely literally actually kinda kind of sort sorta most one big bit little fucking "
    "freaking damn bloody".split())
# What a user calls the bot: "dumb bot", "stupid alexa", "useless machine".
_BOT_NOUNS = frozenset(
    "bot robot alexa machine computer ai program app thing device assistant siri google echo "
    "chatbot software toaster".split())
_FIRST_COPULA = frozenset("am feel felt was look looked get got".split())
_QUESTION_START = frozenset(
    "what why how when where who whom whose which do does did can could would will is are was "
    "were should shall have has may might".split())
# Dying, killing, getting hurt: in a question usually curiosity or worry, aimed at "you" a threat.
_HARM = frozenset(
    "die dies died dying dead death deaths kill kills killed killing hurt hurts hurting injured "
    "injury pain painful murder murdered suicide bleed bleeding blood shot shoot shooting stab "
    "stabbed poison poisoned drown drowned choke choking cancer sick disease funeral grave".split())
# Requests: "can i", "could you", "would you like to", "will you", "do you want to", "lets".
_REQUEST_VERB = frozenset("can could would will may might wanna want lets shall".split())
_INTIMATE = frozenset(
    "kiss kissing touch touching naked nude nudes sex sexy hot bed bedroom date marry undress "
    "clothes panties bra underwear lick hug cuddle body boobs breasts butt legs lips pics picture "
    "pictures photo photos strip sleep shower girlfriend boyfriend wife babe baby love horny "
    "spank private".split())
# "all / most / those / these X are": a claim about a whole group.
_GROUP_LEAD = frozenset("all most those these every them they".split())
_GROUP_VERB = frozenset("are r should shouldnt cant always never deserve belong".split())
# Profanity aimed at no one often rides on enthusiasm or on one's own bad luck.
_ENTHUSIASM = frozenset(
    "awesome amazing great good love loved cool best fun excited yes yay wow lol haha hahaha nice "
    "favorite favourite wonderful fantastic brilliant incredible beautiful perfect".split())
_MISFORTUNE = frozenset(
    "day week tired exhausted broke lost failed sucked bad terrible awful stressed sad hate".split())


def _content_after(words: Sequence[str], start: int, limit: int = 4) -> str | None:
    """The first word from ``start`` on that is not a filler (within ``limit`` words)."""
    for w in words[start:start + limit]:
        if w not in _FILLER:
            return w
    return None


def cue_features(words: Sequence[str], question_mark: bool, target: str) -> list[str]:
    """Slot features of one turn's words (lowercase, decoded tokens; ``question_mark``: the text
    had a "?"; ``target``: ``features.target_of(words)``, "you", "me" or "none"). Returned as
    strings to hash like the other groups."""
    out: list[str] = []
    n = len(words)
    you = target == "you"
    for i, w in enumerate(words):
        nxt = words[i + 1] if i + 1 < n else ""
        # What is said of you: "you are (so) X", "youre X", "u r X", "you X" (a bare insult: "you idiot").
        if w in _YOU_ARE or (w in _YOU_SUBJECT and nxt in _COPULA):
            k = i + 1 if w in _YOU_ARE else i + 2
            if k < n and words[k] in _NEGATION:
                out.append("ya:not")
                k += 1
            x = _content_after(words, k)
            if x:
                out += ["ya", f"ya:{x}"]
        elif w in _YOU_SUBJECT and nxt and nxt not in _COPULA:
            if nxt in _NEGATION:  # "you don't understand", "you can't do anything"
                x = _content_after(words, i + 2, 2)
                out += ["yn", f"yn:{x}"] if x else ["yn"]
            elif i + 2 >= n:  # "you X" as the whole end of the turn: "shut up you idiot"
                out.append(f"yx:{nxt}")
        if w == "your" and nxt:
            out.append(f"yp:{nxt}")
        # What the bot is called: "dumb bot", "you stupid machine".
        if w in _BOT_NOUNS and i > 0 and words[i - 1] not in _FILLER:
            out.append(f"nb:{words[i - 1]}")
        # What is said of oneself: "i'm so X", "i am X", "i feel X", "my X".
        if w in ("im",) or (w == "i" and nxt in _FIRST_COPULA):
            x = _content_after(words, i + 1 if w == "im" else i + 2)
            if x:
                out += ["me", f"me:{x}"]
        if w == "my" and nxt:
            out.append(f"my:{nxt}")
        # A claim about a group: "all X are", "X people are", "those X should".
        if w in _GROUP_LEAD and i + 2 < n and words[i + 2] in _GROUP_VERB:
            out += ["grp", f"grp:{words[i + 1]}"]
        if w == "people" and i > 0 and nxt in _GROUP_VERB:
            out += ["grp", f"grp:{words[i - 1]}"]
    question = question_mark or (n > 0 and words[0] in _QUESTION_START)
    harm = any(w in _HARM for w in words)
    if harm:
        out.append("harm|q" if question else ("harm|you" if you else "harm"))
    request = n > 1 and ((words[0] in _REQUEST_VERB and words[1] in ("i", "you", "u", "we", "me"))
                         or words[0] in ("lets", "wanna") or (words[0] in ("do", "would") and "like" in words[:4])
                         or (words[0] == "do" and words[1] in ("you", "u") and "want" in words[:4]))
    if request:
        out.append("req")
        if any(w in _INTIMATE for w in words):
            out.append("req|intim")
    elif any(w in _INTIMATE for w in words):
        out.append("intim|you" if you else "intim")
    if any(w in _ENTHUSIASM for w in words):
        out.append(f"pos|{target}")
    if any(w in _MISFORTUNE for w in words):
        out.append(f"bad|{target}")
    if question:
        out.append(f"q|{target}")
    return out
