"""Reusing a conversation's encoded history across turns: same output as a full prefill, never stale."""

from __future__ import annotations

import threading

import pytest
import torch

from responders.neural.decoders import PrefixKV
from responders.neural.generation import GenerationSettings, SharedCacheGenerator
from responders.neural.history import encode_history, encode_turn
from responders.neural.prefix_cache import PrefixCache

USER = ["hi there", "it was good, i went to the park", "we played fetch with my dog", "i love cooking pasta",
        "my day was long", "we went hiking in the mountains", "i read a book about space", "the sun is out today",
        "i watched a movie", "thanks for asking"]


def _settings(**extra: object) -> GenerationSettings:
    base = dict(do_sample=False, max_new_tokens=12, history_tokens=120, history_trim_tokens=40)
    return GenerationSettings(**(base | extra))


def _conversation(gen: SharedCacheGenerator, key: str | None, turns: int = 10) -> list[tuple[list[int], int]]:
    """Greedy-chat ``turns`` turns; the bot's line is its own greedy reply. Returns (tokens, reused) per turn."""
    history: list[str] = []
    out = []
    for user in USER[:turns]:
        history.append(user)
        prefix = gen.prefix_ids(history)
        rows = gen.decode(prefix, 2, cache_key=key)
        out.append((rows.tokens[0], rows.reused_tokens))
        history.append(gen.tokenizer.decode(rows.tokens[0], skip_special_tokens=True).split("\n")[0] or "ok")
    return out


@pytest.mark.parametrize("decoder", ["prefix", "generic"])
def test_reuse_gives_the_full_prefill_output_token_for_token(tiny, decoder):
    cached = SharedCacheGenerator(tiny, _settings(decoder=decoder))
    full = SharedCacheGenerator(tiny, _settings(decoder=decoder, prefix_cache_mb=0))
    with_cache, without = _conversation(cached, "c1"), _conversation(full, "c1")
    assert [t for t, _ in with_cache] == [t for t, _ in without]
    assert all(reused == 0 for _, reused in without)
    hits = [reused for _, reused in with_cache[1:] if reused]
    assert len(hits) >= 5, "most turns extend the last turn's prompt and reuse it"
    assert any(reused == 0 for _, reused in with_cache[1:]), "the 120-token budget forces a trim: a miss"


def test_reused_logits_match_a_full_prefill(tiny):
    gen = SharedCacheGenerator(tiny, _settings())
    first = gen.prefix_ids(USER[:3])
    longer = gen.prefix_ids(USER[:5])
    assert longer[: len(first)] == first
    with torch.inference_mode():
        _, kv = gen._decoder().prefill(first, None)
        reused_logits, reused_kv = gen._decoder().prefill(longer[len(first):], kv)
        full_logits, full_kv = gen._decoder().prefill(longer, None)
    torch.testing.assert_close(reused_logits, full_logits, atol=1e-4, rtol=1e-4)
    torch.testing.assert_close(reused_kv.keys[-1], full_kv.keys[-1], atol=1e-5, rtol=1e-5)


def test_sticky_trim_keeps_the_prompt_start_for_many_turns(tiny):
    tok = tiny.tokenizer
    history, prompts = [], []
    for i in range(40):
        history.append(f"turn {i} about my dog and the park")
        prompts.append(encode_history(tok, history, budget=100, trim_chunk=40))
    assert all(len(p) <= 100 for p in prompts)
    extends = sum(b[: len(a)] == a for a, b in zip(prompts, prompts[1:]))
    assert extends >= 25  # a trim frees 40 tokens (about three of these turns) before the next one
    plain = [encode_history(tok, history[: i + 1], budget=100) for i in range(40)]
    assert sum(b[: len(a)] == a for a, b in zip(plain, plain[1:])) <= 10  # one-turn sliding breaks reuse
    assert plain[-1] == encode_history(tok, history, budget=100, trim_chunk=0)
    turn = len(encode_turn(tok, history[-1]))
    assert all(len(p) >= 100 - 40 - turn for p in prompts[5:])  # it never keeps much less than budget - chunk


def test_a_changed_earlier_turn_or_another_model_is_never_served(tiny, tiny_dir):
    from responders.neural.loading import load_model

    shared = PrefixCache(64)
    gen = SharedCacheGenerator(tiny, _settings(), prefix_cache=shared)
    other_model = load_model(tiny_dir, precision="int8")
    other = SharedCacheGenerator(other_model, _settings(), prefix_cache=shared)
    reference = SharedCacheGenerator(other_model, _settings(prefix_cache_mb=0))

    gen.decode(gen.prefix_ids(USER[:3]), 1, cache_key="c1")
    prompt = other.prefix_ids(USER[:4])
    rows = other.decode(prompt, 1, cache_key="c1")  # same conversation id, other model: a miss
    assert rows.reused_tokens == 0 and rows.tokens == reference.decode(prompt, 1).tokens

    edited = ["hello there"] + USER[1:5]  # the first turn differs: the stored prefix no longer applies
    rows = gen.decode(gen.prefix_ids(edited), 1, cache_key="c1")
    assert rows.reused_tokens == 0
    assert shared.stats().hits == 0 and shared.stats().misses == 3


def test_lru_eviction_stays_within_budget():
    def kv(tokens: int) -> PrefixKV:  # 2 layers x (keys + values) x 1 head x 64 dims x 4 bytes = 1 KiB a token
        return PrefixKV(tuple(torch.zeros(1, 1, tokens, 64) for _ in range(2)),
                        tuple(torch.zeros(1, 1, tokens, 64) for _ in range(2)))

    cache = PrefixCache(budget_mb=50 / 1024)  # 50 KiB: two 20-token entries fit, a third does not
    assert cache.store("m", "a", range(20), kv(20)) and cache.store("m", "b", range(20), kv(20))
    assert cache.lookup("m", "a", list(range(25))) is not None  # "a" is now the most recently used
    assert cache.store("m", "c", range(20), kv(20))
    stats = cache.stats()
    assert stats.bytes_used <= stats.budget_bytes and stats.evictions == 1
    assert cache.lookup("m", "b", list(range(25))) is None  # the least recently used went
    assert cache.lookup("m", "a", list(range(25))) is not None
    assert not cache.store("m", "huge", range(200), kv(200))  # larger than the whole budget: not kept
    assert cache.lookup("m", "a", [0, 1, 2, 99] + list(range(4, 25))) is None  # differs inside the prefix
    with pytest.raises(ValueError):
        cache.store("m", "bad", range(5), kv(6))


def test_concurrent_conversations_share_one_cache_safely(tiny):
    """Worker threads answer different conversations at once: each gets what it would get alone."""
    gen = SharedCacheGenerator(tiny, _settings(prefix_cache_mb=1))
    alone = SharedCacheGenerator(tiny, _settings(prefix_cache_mb=0))
    convs = {f"c{i}": USER[i:] + USER[:i] for i in range(4)}
    expected = {k: [alone.decode(alone.prefix_ids(h[: t + 1]), 1).tokens[0] for t in range(6)] for k, h in convs.items()}
    got: dict[str, list[list[int]]] = {k: [] for k in convs}

    def chat(key: str) -> None:
        for t in range(6):
            got[key].append(gen.decode(gen.prefix_ids(convs[key][: t + 1]), 1, cache_key=key).tokens[0])

    threads = [threading.Thread(target=chat, args=(k,)) for k in convs]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert got == expected
    stats = gen.prefix_cache.stats()
    assert stats.hits > 0 and stats.bytes_used <= stats.budget_bytes
