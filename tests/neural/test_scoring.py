"""Scorer contract: likelihood by default, any registered scorer by name, fallback when unavailable."""

from __future__ import annotations

from chirpy.registry import scorers
from responders.neural.scoring import CandidateScorer, LikelihoodScorer, NeuralCandidate, make_scorer


def _cand(text: str, sum_lp: float, n: int) -> NeuralCandidate:
    return NeuralCandidate(text=text, token_ids=list(range(n - 1)), sum_logprob=sum_lp, num_tokens=n)


def test_likelihood_is_length_normalised():
    short, long_ = _cand("ok", -3.0, 2), _cand("that sounds lovely", -4.0, 8)
    assert LikelihoodScorer().score([], [short, long_]) == [-1.5, -0.5]
    assert isinstance(LikelihoodScorer(), CandidateScorer)
    assert scorers.get("likelihood") is LikelihoodScorer


def test_named_scorer_is_used():
    @scorers.register("test_length_scorer")
    class LengthScorer:
        def __init__(self, config):
            self.weight = config.get("weight", 1.0)

        def score(self, history, candidates):
            return [self.weight * len(c.text) for c in candidates]

    scorer, notice = make_scorer("test_length_scorer", {"weight": 2.0})
    assert notice is None and scorer.score([], [_cand("abc", -1, 2)]) == [6.0]


def test_unavailable_scorer_falls_back_with_one_line():
    @scorers.register("test_untrained_scorer")
    class Untrained:
        def __init__(self, config):
            raise FileNotFoundError("no trained predictor at models/dissatisfaction")

    for name in ("test_untrained_scorer", "no_such_scorer"):
        scorer, notice = make_scorer(name)
        assert isinstance(scorer, LikelihoodScorer)
        assert notice.startswith(f"neural ranker '{name}' unavailable") and "\n" not in notice
    assert make_scorer(None)[1] is None
