"""Reranking neural candidates: the trained predictor changes which candidate wins, and the
neural responder's scorer factory falls back to likelihood (with a notice) when nothing is trained."""

from __future__ import annotations

from pathlib import Path

import pytest

import classifiers.dissatisfaction.scorer  # noqa: F401 — registers "dissatisfaction"
from classifiers.dissatisfaction.scorer import DissatisfactionScorer
from responders.neural.scoring import LikelihoodScorer, NeuralCandidate, make_scorer

HISTORY = ["i really like my dog", "tell me more about your dog", "my favorite thing is the dog"]


def cand(text: str, mean_logprob: float) -> NeuralCandidate:
    n = len(text.split())
    return NeuralCandidate(text=text, token_ids=list(range(n)), sum_logprob=mean_logprob * n, num_tokens=n)


# The generator likes repeating itself; the user (hidden rule) does not.
CANDIDATES = [
    cand("tell me more about your dog", -1.0),  # repeats the bot's last line
    cand("how much money do you make", -1.5),  # privacy-invading
    cand("i think the guitar is really interesting", -1.8),  # ignores the user's topic
    cand("what do you like most about the dog", -2.5),  # follows the user: least likely under the LM
]


def best(scores: list[float]) -> str:
    return CANDIDATES[max(range(len(scores)), key=scores.__getitem__)].text


def test_reranking_changes_the_chosen_candidate(model_dir: Path) -> None:
    likelihood = LikelihoodScorer().score(HISTORY, CANDIDATES)
    assert best(likelihood) == "tell me more about your dog"
    scorer, notice = make_scorer("dissatisfaction", {"model": str(model_dir)})
    assert notice is None and isinstance(scorer, DissatisfactionScorer)
    scores = scorer.score(HISTORY, CANDIDATES)
    assert best(scores) == "what do you like most about the dog"
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert scores[3] - max(scores[:3]) > 0.2  # a clear preference, not a coin flip
    probs = scorer.probabilities(HISTORY, CANDIDATES)
    assert probs == pytest.approx([1 - s for s in scores])


def test_the_same_line_is_fine_when_it_is_not_a_repeat(trained) -> None:
    scorer = DissatisfactionScorer(predictor=trained[0])
    line = "tell me more about your dog"
    fresh = scorer.probabilities(["i really like my dog"], [line])[0]
    repeated = scorer.probabilities(HISTORY, [line])[0]
    assert repeated > fresh + 0.3


def test_no_trained_predictor_falls_back_to_likelihood_with_one_line_notice(tmp_path: Path) -> None:
    scorer, notice = make_scorer("dissatisfaction", {"model": str(tmp_path / "nothing-here")})
    assert isinstance(scorer, LikelihoodScorer)
    assert notice is not None and "dissatisfaction" in notice and "\n" not in notice
    assert "chirpy train dissatisfaction" in notice


def test_odd_inputs_score_without_crashing(trained) -> None:
    scorer = DissatisfactionScorer(predictor=trained[0])
    assert scorer.score(HISTORY, []) == []
    assert len(scorer.score([], ["hello there", ""])) == 2
    nan = NeuralCandidate(text="hmm", token_ids=[], sum_logprob=float("nan"), num_tokens=0)
    assert len(scorer.score(["", None, "hi"], [nan, "plain strings work too"])) == 2  # type: ignore[list-item]
