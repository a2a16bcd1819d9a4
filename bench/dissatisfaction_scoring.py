"""How long the dissatisfaction ranker takes to score one turn's 20 neural candidates.

Usage: python bench/dissatisfaction_scoring.py [--candidates 20] [--repeats 300] [--model DIR]

Without --model it trains a predictor on a generated log first (a few seconds), so it runs on a
fresh clone. The budget is "well under 100 ms for 20 candidates on 2 cores"; the figures are
medians and 95th percentiles of repeated runs, plus ratios against the likelihood ranker (reading
one number per candidate) measured in the same run. Timings on a shared machine are noisy.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from classifiers.dissatisfaction.checkpoint import load_checkpoint  # noqa: E402
from classifiers.dissatisfaction.detector import _detect  # noqa: E402
from classifiers.dissatisfaction.features import Context  # noqa: E402
from classifiers.dissatisfaction.scorer import DissatisfactionScorer  # noqa: E402
from classifiers.dissatisfaction.synthetic import generate_conversations  # noqa: E402
from classifiers.dissatisfaction.train import TrainConfig, examples_from_turns, train_predictor  # noqa: E402
from responders.neural.scoring import LikelihoodScorer, NeuralCandidate  # noqa: E402

HISTORY = [
    "Hi, I'm a chatbot. What's your name?",
    "i'm sam",
    "Nice to meet you, Sam! How was your day?",
    "it was pretty good i went to the park with my dog",
    "Oh, that sounds lovely. What kind of dog do you have?",
    "she is a golden retriever and she loves chasing tennis balls",
    "Golden retrievers are such happy dogs. How old is she?",
    "she just turned three last month we had a little party",
    "A party for a dog! That's adorable. Did she get presents?",
    "yes a new squeaky toy and some treats she was so excited",
]
CANDIDATE_TEXTS = [
    "that sounds like so much fun, i bet she loved every minute of it",
    "what is your favorite thing to do with her on the weekends",
    "i love golden retrievers, they are such friendly and gentle dogs",
    "how much money do you make at your job",
    "a squeaky toy is the best present for a dog, they never get tired of it",
    "did she share the treats with anyone else at the party",
    "i have never been to a dog party but it sounds wonderful",
    "what did you do after the party",
    "golden retrievers are such happy dogs",
    "i think the guitar is really interesting",
    "does she like swimming too, a lot of retrievers love the water",
    "that is so sweet, you must be a great dog owner",
    "where exactly do you live",
    "i bet the treats were gone in seconds",
    "do you have any other pets at home",
    "tell me more about the park you went to",
    "three is a great age, she still has lots of puppy energy",
    "i like to play fetch too, it is very relaxing",
    "what kind of treats does she like the most",
    "how long have you had her",
]


def timed(fn: Callable[[], object], repeats: int) -> list[float]:
    fn()  # warm caches (hash slots, stop words) the way a running server has them warm
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def summary(ms: list[float]) -> str:
    p95 = sorted(ms)[int(0.95 * (len(ms) - 1))]
    return f"median {statistics.median(ms):7.3f} ms   p95 {p95:7.3f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=300)
    parser.add_argument("--model", type=Path, default=None, help="checkpoint dir or file (default: train one now)")
    args = parser.parse_args()

    if args.model is not None:
        predictor = load_checkpoint(args.model)
    else:
        convs = generate_conversations(n_conversations=200, seed=0)
        examples = [e for c in convs for e in examples_from_turns(c.conversation_id, c.as_triples())]
        predictor, _ = train_predictor(examples, TrainConfig())
    texts = (CANDIDATE_TEXTS * (args.candidates // len(CANDIDATE_TEXTS) + 1))[: args.candidates]
    candidates = [
        NeuralCandidate(text=t, token_ids=list(range(len(t.split()))), sum_logprob=-2.0 * len(t.split()),
                        num_tokens=len(t.split()))
        for t in texts
    ]
    dissat = DissatisfactionScorer(predictor=predictor)
    likelihood = LikelihoodScorer()

    def fresh_turn() -> None:
        # Every turn brings a new user utterance: the detector's cache must not help.
        _detect.cache_clear()

    base = timed(lambda: likelihood.score(HISTORY, candidates), args.repeats)
    full = timed(lambda: (fresh_turn(), dissat.score(HISTORY, candidates)), args.repeats)
    context = timed(lambda: (fresh_turn(), Context.from_history(HISTORY)), args.repeats)
    one = timed(lambda: (fresh_turn(), dissat.score(HISTORY, candidates[:1])), args.repeats)

    print(f"dissatisfaction scoring, {args.candidates} candidates, history of {len(HISTORY)} utterances, "
          f"{args.repeats} runs (shared machine: expect noise)")
    print(f"  likelihood ranker (baseline)     {summary(base)}")
    print(f"  dissatisfaction ranker           {summary(full)}")
    print(f"    of which the turn's context    {summary(context)}")
    print(f"    1 candidate (context + 1)      {summary(one)}")
    per_candidate = (statistics.median(full) - statistics.median(context)) / max(1, args.candidates)
    print(f"  per extra candidate              {per_candidate:7.3f} ms")
    print(f"  share of the 100 ms budget       {statistics.median(full) / 100:7.2%}")
    print(f"  ratio to the likelihood ranker   {statistics.median(full) / max(statistics.median(base), 1e-6):7.0f}x")


if __name__ == "__main__":
    main()
