"""The shared-cache generator: same greedy output as plain generate, seeded sampling, cancellation."""

from __future__ import annotations

import threading

import pytest
import torch

from responders.neural.generation import GenerationSettings, SharedCacheGenerator
from responders.neural.history import encode_history
from responders.neural.sampling import next_tokens

HISTORY = ["how was your day?", "it was good, thanks for asking.", "what did you do?"]


def _plain_greedy(lm, prefix: list[int], new: int) -> list[int]:
    ids = torch.tensor([prefix])
    out = lm.model.generate(ids, attention_mask=torch.ones_like(ids), do_sample=False, max_new_tokens=new,
                            pad_token_id=lm.tokenizer.eos_token_id)
    return out[0, len(prefix):].tolist()


@pytest.mark.parametrize("decoder", ["prefix", "generic"])
def test_greedy_matches_plain_generate(tiny, decoder):
    settings = GenerationSettings(do_sample=False, max_new_tokens=24, stop_at_newline=False, decoder=decoder)
    gen = SharedCacheGenerator(tiny, settings)
    for history in (HISTORY, ["i feel happy today"], []):
        prefix = gen.prefix_ids(history)
        expected = _plain_greedy(tiny, prefix, 24)
        rows = gen.decode(prefix, 3)
        assert len(set(map(tuple, rows.tokens))) == 1  # every row of a greedy batch is the same
        assert rows.tokens[0] == expected[: len(rows.tokens[0])]
        assert len(rows.tokens[0]) == 24 or rows.tokens[0][-1] == tiny.tokenizer.eos_token_id


def test_prefix_decoder_logits_match_full_forward(tiny):
    """Sampled (diverse) rows: every step's logits equal a full re-encoding of that row."""
    gen = SharedCacheGenerator(tiny, GenerationSettings(max_new_tokens=8, stop_at_newline=False, temperature=1.5))
    prefix = gen.prefix_ids(HISTORY)
    rows = gen.decode(prefix, 4, seed=3)
    for row, lp in zip(rows.tokens, rows.logprob):
        ids = torch.tensor([prefix + row])
        with torch.no_grad():
            logp = torch.log_softmax(tiny.model(ids).logits[0, len(prefix) - 1 : -1].float(), dim=-1)
        expected = logp.gather(-1, torch.tensor(row).unsqueeze(-1)).sum().item()
        assert lp == pytest.approx(expected, abs=1e-3)


def test_sampling_is_seeded_and_one_line(tiny):
    gen = SharedCacheGenerator(tiny, GenerationSettings(max_new_tokens=30))
    a = gen.generate(HISTORY, n=6, seed=7)
    b = gen.generate(HISTORY, n=6, seed=7)
    c = gen.generate(HISTORY, n=6, seed=8)
    texts = lambda r: [x.text for x in r.candidates + r.unfinished]  # noqa: E731
    assert texts(a) == texts(b) and texts(a) != texts(c)
    assert a.candidates, "the fitted tiny model ends some lines within 30 tokens"
    for cand in a.candidates:
        assert "\n" not in cand.text and cand.finished
        assert cand.num_tokens == len(cand.token_ids) + 1  # + the newline/EOS that ended it
        assert cand.mean_logprob < 0


def test_cancellation_stops_between_steps(tiny):
    gen = SharedCacheGenerator(tiny, GenerationSettings(max_new_tokens=20, stop_at_newline=False))
    event = threading.Event()
    event.set()
    assert gen.generate(HISTORY, n=4, should_stop=event).cancelled

    calls = {"n": 0}

    def stop_after_three() -> bool:
        calls["n"] += 1
        return calls["n"] > 3

    result = gen.generate(HISTORY, n=4, seed=0, should_stop=stop_after_three)
    assert result.cancelled and result.steps == 3
    assert result.unfinished == []  # half-written lines are dropped


def test_history_truncated_to_budget(tiny):
    tok = tiny.tokenizer
    long_history = [f"turn number {i} about my dog and the park" for i in range(50)]
    ids = encode_history(tok, long_history, budget=40)
    assert len(ids) <= 40 and ids[0] == tok.eos_token_id
    assert tok.decode(ids[1:]).endswith("turn number 49 about my dog and the park\n")
    one_huge = encode_history(tok, ["word " * 500], budget=30)
    assert len(one_huge) == 30
    gen = SharedCacheGenerator(tiny, GenerationSettings(history_tokens=10_000))
    assert len(gen.prefix_ids(long_history)) <= tiny.max_positions - gen.settings.max_new_tokens


def test_top_k_then_top_p():
    logits = torch.tensor([[5.0, 4.0, 1.0, 0.0, -1.0]] * 200)
    rng = torch.Generator().manual_seed(0)
    picks = next_tokens(logits, do_sample=True, temperature=1.0, top_k=2, top_p=1.0, generator=rng)
    assert set(picks.tolist()) == {0, 1}  # never outside the top-k
    picks = next_tokens(logits, do_sample=True, temperature=1.0, top_k=5, top_p=0.5, generator=rng)
    assert set(picks.tolist()) == {0}  # the nucleus of mass 0.5 is the top token alone
    greedy = next_tokens(logits[:1], do_sample=False, temperature=0.7, top_k=5, top_p=0.9, generator=None)
    assert greedy.tolist() == [0]


@pytest.mark.parametrize("precision", ["bf16", "int8"])
def test_reduced_precision_generates(tiny_dir, precision):
    from responders.neural.loading import load_model

    lm = load_model(tiny_dir, precision=precision)
    gen = SharedCacheGenerator(lm, GenerationSettings(max_new_tokens=30))
    result = gen.generate(HISTORY, n=4, seed=0)
    assert result.candidates or result.unfinished
    greedy = SharedCacheGenerator(lm, GenerationSettings(do_sample=False, max_new_tokens=8, stop_at_newline=False))
    fp32 = SharedCacheGenerator(_fp32(tiny_dir), GenerationSettings(do_sample=False, max_new_tokens=8,
                                                                   stop_at_newline=False))
    prefix = greedy.prefix_ids(HISTORY)
    # The fitted tiny model is confident enough that the first greedy token survives quantization.
    assert greedy.decode(prefix, 1).tokens[0][0] == fp32.decode(prefix, 1).tokens[0][0]


def _fp32(tiny_dir):
    from responders.neural.loading import load_model

    return load_model(tiny_dir, precision="fp32")


def test_conv1d_swap_is_exact(tiny_dir):
    from responders.neural.precision import conv1d_to_linear

    a, b = _fp32(tiny_dir).model, _fp32(tiny_dir).model
    assert conv1d_to_linear(b) == 4 * a.config.n_layer
    ids = torch.tensor([[1, 2, 3, 4, 5]])
    with torch.no_grad():
        torch.testing.assert_close(a(ids).logits, b(ids).logits, atol=1e-5, rtol=1e-5)


class FakeClock:
    """Time that moves only when the decoder takes a step (0.1 s each): deadline tests without sleeping."""

    def __init__(self) -> None:
        self.now = 100.0

    def monotonic(self) -> float:
        return self.now

    perf_counter = monotonic


@pytest.fixture
def clock(monkeypatch):
    from responders.neural import decoders, generation

    fake = FakeClock()
    monkeypatch.setattr(generation, "time", fake)
    real_step = decoders.GPT2PrefixDecoder.step

    def slow_step(self, tokens):
        fake.now += 0.1
        return real_step(self, tokens)

    monkeypatch.setattr(decoders.GPT2PrefixDecoder, "step", slow_step)
    return fake


def test_deadline_stops_before_it_passes_and_keeps_only_sentence_ends(tiny, clock):
    gen = SharedCacheGenerator(tiny, GenerationSettings(max_new_tokens=20, temperature=1.0))
    result = gen.generate(HISTORY, n=16, seed=4, deadline=clock.now + 0.55)
    assert result.stop == "deadline" and result.cancelled
    assert result.steps == 6 and clock.now <= 100.55  # 5 steps of 0.1 s fit; a 6th would have ended late
    sentence = [c for c in result.candidates if c.ending == "sentence"]
    cut = [c for c in result.unfinished if c.ending == "cut"]
    assert cut, "most of 16 lines are mid-sentence after 6 tokens"
    assert all(c.text.rstrip()[-1] not in ".!?" for c in cut)
    assert all(c.ending in {"stop", "sentence"} for c in result.candidates)
    assert result.stop_note() == (f"deadline after 6/20 steps: kept {len(sentence)} lines cut at a sentence end, "
                                  f"{len(cut)} cut mid-sentence dropped")


@pytest.mark.parametrize("text, ending", [("that is great.", "sentence"), ('i said "hi!"', "sentence"),
                                          ("that is great and", "cut"), ("really?", "sentence")])
def test_a_deadline_cut_line_is_kept_only_at_a_sentence_end(tiny, text, ending):
    gen = SharedCacheGenerator(tiny, GenerationSettings())
    ids = tiny.tokenizer.encode(text)
    cand = gen._candidate(ids, -3.0, done=False, stop="deadline")
    assert cand.ending == ending and cand.finished == (ending == "sentence")
    assert gen._candidate(ids, -3.0, done=False, stop="complete").ending == "length"  # max_new_tokens: never kept
    assert gen._candidate(ids, -3.0, done=False, stop="cancelled").ending == "cut"


def test_no_time_left_gives_up_and_says_so(tiny, clock):
    gen = SharedCacheGenerator(tiny, GenerationSettings(max_new_tokens=20))
    result = gen.generate(HISTORY, n=4, seed=0, deadline=clock.now - 0.01)
    assert result.stop == "deadline" and result.steps == 0 and result.candidates == []
    assert "gave up" in result.stop_note()
    full = gen.generate(HISTORY, n=4, seed=0, deadline=clock.now + 100)
    assert full.stop == "complete" and full.stop_note() == "complete"


def test_prefix_attention_without_the_fused_kernel_gives_the_same_result(monkeypatch):
    from responders.neural import decoders

    q, k, v = torch.randn(1, 4, 5, 8), torch.randn(1, 4, 30, 8), torch.randn(1, 4, 30, 8)
    fused_out, fused_lse = decoders.prefix_attention(q, k, v)
    monkeypatch.setattr(decoders, "_flash_with_lse", lambda: None)
    plain_out, plain_lse = decoders.prefix_attention(q, k, v)
    scores = q[0] @ k[0].transpose(-1, -2)
    torch.testing.assert_close(plain_out, torch.softmax(scores, -1) @ v[0], atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(fused_out, plain_out, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(fused_lse, plain_lse, atol=1e-5, rtol=1e-5)
