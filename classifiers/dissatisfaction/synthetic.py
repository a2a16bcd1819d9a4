"""Synthetic conversation logs in which a hidden rule decides whether the user gets dissatisfied.

The rule: the user complains after the bot repeats one of its earlier lines, asks a
privacy-invading question, or ignores the topic the user is on; otherwise the user carries on
(plus a little label noise both ways). The generator's likelihood of each bot line is drawn
independently of the rule, so a likelihood ranker can only be at chance. A predictor that learns
the rule from the logs shows that the log -> label -> train loop works end to end.
"""

from __future__ import annotations

import random
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

CAUSES = ("fine", "repeat", "privacy", "off_topic")


@dataclass(frozen=True)
class SyntheticTurn:
    user: str
    bot: str
    likelihood: float
    cause: str
    """Why the rule made the *next* user turn (un)happy: one of ``CAUSES``."""


@dataclass(frozen=True)
class SyntheticConversation:
    conversation_id: str
    turns: tuple[SyntheticTurn, ...]

    def as_triples(self) -> list[tuple[str, str, float | None]]:
        return [(t.user, t.bot, t.likelihood) for t in self.turns]


@lru_cache(maxsize=1)
def phrasings() -> dict[str, Any]:
    return tomllib.loads(resources.files(__package__).joinpath("synthetic.toml").read_text("utf-8"))


def generate_conversations(
    n_conversations: int = 200,
    turns_per_conversation: int = 8,
    seed: int = 0,
    noise: float = 0.03,
    cause_weights: tuple[float, float, float, float] = (0.55, 0.15, 0.15, 0.15),
) -> list[SyntheticConversation]:
    data = phrasings()
    topics: dict[str, list[str]] = data["topics"]
    topic_names = sorted(topics)
    rng = random.Random(seed)
    conversations = []
    for c in range(n_conversations):
        topic = rng.choice(topic_names)
        noun = rng.choice(topics[topic])
        said: list[str] = []
        turns: list[SyntheticTurn] = []
        user = rng.choice(data["user"]["statements"]).format(noun=noun)
        for _ in range(turns_per_conversation):
            cause = rng.choices(CAUSES, weights=cause_weights)[0]
            if cause == "repeat" and not said:
                cause = "fine"
            if cause == "repeat":
                bot = rng.choice(said)
            elif cause == "privacy":
                bot = rng.choice(data["bot"]["privacy"])
            elif cause == "off_topic":
                other = rng.choice([t for t in topic_names if t != topic])
                bot = rng.choice(data["bot"]["on_topic"]).format(noun=rng.choice(topics[other]))
            else:  # a good reply picks up the very thing the user talked about, in new words
                fresh = [t.format(noun=noun) for t in data["bot"]["on_topic"] if t.format(noun=noun) not in said]
                bot = rng.choice(fresh or [t.format(noun=noun) for t in data["bot"]["on_topic"]])
            said.append(bot)
            turns.append(SyntheticTurn(user, bot, round(rng.gauss(-2.5, 0.6), 4), cause))
            unhappy = cause != "fine"
            if rng.random() < noise:
                unhappy = not unhappy
            if unhappy:
                pool = data["next_user"].get(cause, data["next_user"]["noise"])
                user = rng.choice(pool)
            else:
                if rng.random() < 0.25:  # the user moves the conversation on now and then
                    topic = rng.choice(topic_names)
                    noun = rng.choice(topics[topic])
                user = rng.choice(data["user"]["statements"]).format(noun=noun)
        conversations.append(SyntheticConversation(f"synthetic-{seed}-{c:05d}", tuple(turns)))
    return conversations


def write_log(path: str, conversations: list[SyntheticConversation]) -> None:
    """Write conversations into a chirpy SQLite log exactly as the bot would log them."""
    from chirpy.state import ConversationState, Utterance
    from chirpy.store import SQLiteStore, TurnRecord

    store = SQLiteStore(path)
    try:
        for conv in conversations:
            state = ConversationState(conversation_id=conv.conversation_id)
            for index, turn in enumerate(conv.turns):
                state.history += [Utterance("user", turn.user), Utterance("bot", turn.bot, "neural")]
                state.turn_index = index + 1
                chosen = {
                    "kind": "response", "responder": "neural", "text": turn.bot, "priority": 2, "rank": 0,
                    "chosen": 1, "rejected": None, "needs_prompt": 0, "is_question": int(turn.bot.startswith(("what", "how", "where", "are"))),
                    "scores": {"likelihood": turn.likelihood}, "meta": {"cause": turn.cause},
                }
                record = TurnRecord(
                    conversation_id=conv.conversation_id, turn_index=index, user_text=turn.user, bot_text=turn.bot,
                    response_responder="neural", prompt_responder=None, latency_ms=1.0, arms={}, annotations={},
                    candidates=[chosen],
                )
                store.save_turn(record, state)
    finally:
        store.close()


def main(argv: list[str] | None = None) -> None:
    """``python -m classifiers.dissatisfaction.synthetic OUT.db`` writes a demo log to train on."""
    import argparse

    parser = argparse.ArgumentParser(description="Write a synthetic chirpy log with a hidden dissatisfaction rule.")
    parser.add_argument("out", help="SQLite log to create (must not exist)")
    parser.add_argument("--conversations", type=int, default=300)
    parser.add_argument("--turns", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    from pathlib import Path

    if Path(args.out).exists():
        parser.error(f"{args.out} exists; pick a new path")
    write_log(args.out, generate_conversations(args.conversations, args.turns, seed=args.seed))
    print(f"wrote {args.conversations} conversations to {args.out}; try: chirpy train dissatisfaction --db {args.out}")


if __name__ == "__main__":
    main()
