"""The dialogue acts chirpy recognises: a small MIDAS-like set a socialbot can act on.

An utterance is split into segments (speech text has no punctuation, so the split is predicted);
each segment carries one or more acts, and the utterance carries their union, in order of first
appearance. "i like dogs do you" is two segments: ``opinion``, then ``yes_no_question``.
"""

from __future__ import annotations

from typing import Final

YES_NO_QUESTION: Final = "yes_no_question"  # "do you like dogs", "you like jazz right"
WH_QUESTION: Final = "wh_question"  # asks for a fact: "who won the game", "when did it come out"
OPEN_QUESTION: Final = "open_question"  # asks the listener's view or experience: "what do you think", "how about you"
STATEMENT: Final = "statement"  # tells something, with no other act: "i went hiking yesterday"
OPINION: Final = "opinion"  # a personal view: "i think it's overrated", "i love that show"
POS_ANSWER: Final = "pos_answer"  # opens with yes ("yeah i do"); readers pair it with their own question
NEG_ANSWER: Final = "neg_answer"  # opens with no ("not really", "nope i don't")
BACK_CHANNEL: Final = "back_channel"  # a nod with no content: "mhm", "oh wow", "i see"
COMMAND: Final = "command"  # a request or instruction: "tell me a joke", "let's talk about music"
GREETING: Final = "greeting"  # "hi", "hello there", "good morning"
CLOSING: Final = "closing"  # "bye", "i have to go", "talk to you later"
COMPLAINT: Final = "complaint"  # about the bot: "you already said that", "that makes no sense"
TOPIC_SWITCH: Final = "topic_switch"  # "can we talk about something else", "let's talk about movies"
DONT_KNOW: Final = "dont_know"  # "i don't know", "no idea", "i'm not sure"

QUESTION_ACTS: Final = frozenset({YES_NO_QUESTION, WH_QUESTION, OPEN_QUESTION})

ACTS: Final = (
    YES_NO_QUESTION, WH_QUESTION, OPEN_QUESTION, STATEMENT, OPINION, POS_ANSWER, NEG_ANSWER, BACK_CHANNEL,
    COMMAND, GREETING, CLOSING, COMPLAINT, TOPIC_SWITCH, DONT_KNOW,
)
