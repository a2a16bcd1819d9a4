"""What every neural backend takes and returns: generation settings and a turn's result.

Torch-free on purpose: the remote (openai) backend and the responder's config checks use it without
loading a model library.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from typing import Any

from responders.neural.scoring import NeuralCandidate

DEFAULT_PREFIX_CACHE_MB = 512


@dataclass
class GenerationSettings:
    """Defaults follow the research recipe (20 candidates, top-p 0.9, temperature 0.7, <=20 tokens)."""

    num_candidates: int = 20
    max_new_tokens: int = 20
    temperature: float = 0.7
    top_p: float = 0.9
    top_k: int = 50
    history_tokens: int = 800
    history_trim_tokens: int = 200  # trim the history in chunks this big, so its encoding stays reusable
    prefix_cache_mb: float = DEFAULT_PREFIX_CACHE_MB  # memory for conversations' encoded histories; 0 = off
    do_sample: bool = True
    stop_at_newline: bool = True  # a reply is one line; False only for raw-LM comparisons
    decoder: str = "auto"  # "auto" (shared-prefix for GPT-2, else generic) | "prefix" | "generic"
    decode_threads: int = 0  # threads for the decode steps; 0 = auto: the process's count or 1, measured (threads.py)

    def __post_init__(self) -> None:
        problems = []
        if not (isinstance(self.num_candidates, int) and self.num_candidates >= 1):
            problems.append("num_candidates must be an integer >= 1")
        if not (isinstance(self.max_new_tokens, int) and self.max_new_tokens >= 1):
            problems.append("max_new_tokens must be an integer >= 1")
        if not (isinstance(self.top_k, int) and self.top_k >= 0):
            problems.append("top_k must be an integer >= 0 (0 = no top-k cut)")
        if not (isinstance(self.top_p, (int, float)) and 0 < self.top_p <= 1):
            problems.append("top_p must be in (0, 1]")
        if not (isinstance(self.temperature, (int, float)) and self.temperature > 0):
            problems.append("temperature must be > 0")
        if not (isinstance(self.history_tokens, int) and self.history_tokens >= 2):
            problems.append("history_tokens must be an integer >= 2")
        if not (isinstance(self.history_trim_tokens, int) and 0 <= self.history_trim_tokens < self.history_tokens):
            problems.append("history_trim_tokens must be an integer >= 0 and below history_tokens")
        if not (isinstance(self.prefix_cache_mb, (int, float)) and self.prefix_cache_mb >= 0):
            problems.append("prefix_cache_mb must be >= 0 (0 = off)")
        if not (isinstance(self.decode_threads, int) and self.decode_threads >= 0):
            problems.append("decode_threads must be an integer >= 0 (0 = auto)")
        if self.decoder not in {"auto", "prefix", "generic"}:
            problems.append("decoder must be auto, prefix or generic")
        if problems:
            raise ValueError("bad neural generation settings: " + "; ".join(problems))

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "GenerationSettings":
        known = {f for f in cls.__dataclass_fields__}
        unknown = set(config) - known
        if unknown:
            raise ValueError(f"unknown neural generation setting(s): {', '.join(sorted(unknown))}")
        return cls(**config)


def field_defaults(cls: type, names: tuple[str, ...]) -> dict[str, Any]:
    """The dataclass's own defaults for ``names``: a component declares them without restating them."""
    by_name = {f.name: f for f in fields(cls)}
    return {name: (by_name[name].default if by_name[name].default is not MISSING
                   else by_name[name].default_factory()) for name in names}  # type: ignore[misc]


# Why a decode loop ended: every row done (or at max_new_tokens), the deadline, or the caller cancelled.
STOP_COMPLETE, STOP_DEADLINE, STOP_CANCELLED = "complete", "deadline", "cancelled"


@dataclass
class GenerationResult:
    candidates: list[NeuralCandidate]  # complete lines (ending "stop" or "sentence"), fit to offer
    prefix_tokens: int
    steps: int
    stop: str = STOP_COMPLETE
    unfinished: list[NeuralCandidate] = field(default_factory=list)  # cut lines, for the log only
    reused_tokens: int = 0  # history positions taken from the prefix cache instead of encoded
    prefill_ms: float = 0.0
    decode_ms: float = 0.0
    max_steps: int = 0  # the length limit the lines were sampled under (max_new_tokens)
    detail: str = ""  # why a backend gave up (e.g. the remote server's error), for the log

    @property
    def cancelled(self) -> bool:
        return self.stop != STOP_COMPLETE

    def stop_note(self) -> str:
        """One line for the turn log: how generation ended and what that did to the candidates."""
        if self.stop == STOP_COMPLETE:
            return STOP_COMPLETE
        if not self.steps and not self.candidates:
            return f"{self.stop}: gave up" + (f" ({self.detail})" if self.detail else "")
        cut = sum(c.ending == "sentence" for c in self.candidates)
        dropped = sum(c.ending == "cut" for c in self.unfinished)
        outcome = "gave up" if not self.candidates else f"kept {cut} lines cut at a sentence end"
        return f"{self.stop} after {self.steps}/{self.max_steps} steps: {outcome}, {dropped} cut mid-sentence dropped"
