"""Decode-step thread count: measured choice between the process's count and 1, always restored."""

from __future__ import annotations

import pytest
import torch

from responders.neural.generation import GenerationSettings, SharedCacheGenerator
from responders.neural.threads import PROBE_STEPS, DecodeThreads


class FakeTorchThreads:
    def __init__(self, threads: int) -> None:
        self.threads = threads
        self.calls: list[int] = []

    def get(self) -> int:
        return self.threads

    def set(self, n: int) -> None:
        self.calls.append(n)
        self.threads = n


def run_turn(chooser: DecodeThreads, steps: int, seconds: dict[int, float]) -> list[int]:
    """One turn of ``steps`` decode steps whose duration depends on the thread count; returns the counts used."""
    used = []
    with chooser.turn() as plan:
        for _ in range(steps):
            used.append(plan.before_step())
            plan.after_step(seconds[plan.current])
    return used


def test_auto_probes_both_then_keeps_the_faster_and_restores_the_process_count():
    fake = FakeTorchThreads(2)
    chooser = DecodeThreads(0, probe_every=3, torch_threads=(fake.get, fake.set))
    loaded = {2: 1.2, 1: 0.3}  # another process holds a core: barriers make 2 threads slower
    assert run_turn(chooser, 10, loaded) == [2, 1, 2, 1] + [1] * 6
    assert fake.threads == 2 and chooser.winner == 1
    assert run_turn(chooser, 5, loaded) == [1] * 5  # the winner is used without probing
    assert fake.threads == 2
    run_turn(chooser, 5, loaded)
    quiet = {2: 0.1, 1: 0.17}
    assert run_turn(chooser, 8, quiet) == [2, 1, 2, 1, 2, 2, 2, 2]  # every 3rd turn probes again
    assert chooser.winner == 2 and fake.threads == 2


def test_a_turn_too_short_to_probe_does_not_decide():
    fake = FakeTorchThreads(2)
    chooser = DecodeThreads(0, torch_threads=(fake.get, fake.set))
    run_turn(chooser, PROBE_STEPS - 1, {2: 1.0, 1: 0.1})
    assert chooser.winner is None and fake.threads == 2
    assert run_turn(chooser, 6, {2: 1.0, 1: 0.1})[:PROBE_STEPS] == [2, 1, 2, 1]  # probes again


def test_fixed_count_is_used_and_one_process_thread_never_probes():
    fake = FakeTorchThreads(2)
    assert run_turn(DecodeThreads(1, torch_threads=(fake.get, fake.set)), 6, {1: 0.2}) == [1] * 6
    assert fake.threads == 2 and fake.calls == [1, 2]
    single = FakeTorchThreads(1)
    assert run_turn(DecodeThreads(0, torch_threads=(single.get, single.set)), 6, {1: 0.2}) == [1] * 6
    assert single.calls == []


def test_expected_step_time_follows_the_thread_count_of_the_next_step():
    fake = FakeTorchThreads(2)
    with DecodeThreads(0, torch_threads=(fake.get, fake.set)).turn() as plan:
        plan.before_step()
        plan.after_step(1.5)  # a 2-thread probe step
        plan.before_step()
        plan.after_step(0.2)  # a 1-thread probe step
        assert plan.planned() == 2 and plan.expected_s(default=0.0) == 1.5  # not the 0.2 just seen


def test_bad_decode_threads_is_a_clear_error():
    with pytest.raises(ValueError, match="decode_threads"):
        GenerationSettings(decode_threads=-1)


def test_generator_runs_the_steps_on_the_decode_thread_count_and_restores_it(tiny, monkeypatch):
    from responders.neural import decoders

    seen: list[int] = []
    real_step = decoders.GPT2PrefixDecoder.step

    def step(self, tokens):
        seen.append(torch.get_num_threads())
        return real_step(self, tokens)

    monkeypatch.setattr(decoders.GPT2PrefixDecoder, "step", step)
    settings = dict(do_sample=False, max_new_tokens=6, stop_at_newline=False)
    reference = SharedCacheGenerator(tiny, GenerationSettings(**settings))
    prefix = reference.prefix_ids(["how was your day?"])
    expected = reference.decode(prefix, 2).tokens
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        seen.clear()
        rows = SharedCacheGenerator(tiny, GenerationSettings(**settings, decode_threads=1)).decode(prefix, 2)
        assert seen and set(seen) == {1}
        assert torch.get_num_threads() == 2 and rows.decode_threads == 1
        assert rows.tokens == expected
    finally:
        torch.set_num_threads(before)
