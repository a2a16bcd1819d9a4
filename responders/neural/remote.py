"""The ``openai`` neural backend: candidates from an OpenAI-compatible server (vLLM, ...).

Why: twenty GPT-2-medium samples per turn belong on a GPU once real users arrive, and vLLM serves
any Hugging Face causal LM behind the OpenAI API. One request per turn asks for all N candidates
(``n``) with token log-probabilities, so the likelihood and dissatisfaction rankers work unchanged.

The turn's deadline is the request's timeout: past it the turn goes on without neural candidates.
A dead, slow or confused server costs only those candidates, never the turn, and is reported by
ONE warning line when it starts failing (and one info line when it answers again), not every turn.

Config (``[responders.neural]`` with ``backend = "openai"``): ``base_url`` (e.g.
``http://gpu-host:8000/v1``), ``model`` (the served model's name), ``api`` (``completions``: the
dialogue layout of history.py as a text prompt; ``chat``: user/assistant messages),
``api_key_env`` (the variable holding the key, default ``OPENAI_API_KEY``; none set = no key),
``prompt_prefix`` (what starts a completions prompt: GPT-2's ``<|endoftext|>``), ``extra_body``
(a table merged into each request, e.g. vLLM's ``top_k``), plus the generation keys
(``num_candidates``, ``max_new_tokens``, ``temperature``, ``top_p``, ``history_tokens``).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from responders.neural.contract import STOP_COMPLETE, STOP_DEADLINE, GenerationResult, GenerationSettings
from responders.neural.history import SEPARATOR, clean_utterance
from responders.neural.scoring import Ending, NeuralCandidate

log = logging.getLogger("chirpy.neural")
STOP_FAILED = "failed"
APIS = ("completions", "chat")
CHARS_PER_TOKEN = 4  # no tokenizer on this side: English GPT-2 text averages about 4 characters a token


class RemoteError(Exception):
    """The server did not give usable candidates; ``str(err)`` is one line."""


REMOTE_KEYS = ("api", "api_key_env", "prompt_prefix", "extra_body")  # settings with defaults, besides base_url/model


@dataclass
class RemoteSettings:
    base_url: str
    model: str
    api: str = "completions"
    api_key_env: str = "OPENAI_API_KEY"
    prompt_prefix: str = "<|endoftext|>"
    extra_body: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problems = []
        if not self.base_url.startswith(("http://", "https://")):
            problems.append("base_url must be an http(s) URL, e.g. http://localhost:8000/v1")
        if not self.model:
            problems.append("model must name the served model")
        if self.api not in APIS:
            problems.append(f"api must be one of: {', '.join(APIS)}")
        if not isinstance(self.extra_body, dict):
            problems.append("extra_body must be a table")
        if problems:
            raise ValueError("bad openai backend settings: " + "; ".join(problems))

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "RemoteSettings":
        return cls(base_url=str(config.get("base_url", "") or "").rstrip("/"), model=str(config.get("model", "") or ""),
                   **{k: config[k] for k in REMOTE_KEYS if k in config})


def completion_prompt(history: Sequence[str], budget_chars: int, prefix: str) -> str:
    """history.py's layout as text: the prefix, then the newest utterances that fit, one per line."""
    kept: list[str] = []
    used = 0
    for turn in reversed(history):
        line = clean_utterance(turn) + SEPARATOR
        if kept and used + len(line) > budget_chars:
            break
        kept.append(line[-budget_chars:])
        used += len(line)
    return prefix + "".join(reversed(kept))


def chat_messages(history: Sequence[str], budget_chars: int) -> list[dict[str, str]]:
    """The newest utterances that fit, as alternating user/assistant messages ending with the user."""
    messages: list[dict[str, str]] = []
    used = 0
    for back, turn in enumerate(reversed(history)):
        text = clean_utterance(turn)
        if messages and used + len(text) > budget_chars:
            break
        messages.append({"role": "user" if back % 2 == 0 else "assistant", "content": text[-budget_chars:]})
        used += len(text)
    return messages[::-1]


def _candidate(text: str | None, logprobs: list[float], finish_reason: str | None) -> NeuralCandidate | None:
    line = (text or "").split("\n", 1)[0].strip()
    if not line:
        return None
    ending: Ending = "length" if finish_reason == "length" else "stop"
    return NeuralCandidate(text=line, token_ids=[], sum_logprob=float(sum(logprobs)), num_tokens=max(1, len(logprobs)),
                           ending=ending)


def parse_choices(body: Any, api: str) -> list[NeuralCandidate | None]:
    """The candidates of a completions or chat response body; RemoteError if it is not one."""
    try:
        choices = body["choices"]
        out = []
        for choice in choices:
            if api == "chat":
                text = (choice.get("message") or {}).get("content")
                entries = (choice.get("logprobs") or {}).get("content") or []
                logprobs = [e["logprob"] for e in entries if e.get("logprob") is not None]
            else:
                text = choice.get("text")
                logprobs = [lp for lp in (choice.get("logprobs") or {}).get("token_logprobs") or [] if lp is not None]
            out.append(_candidate(text, logprobs, choice.get("finish_reason")))
        return out
    except (KeyError, TypeError, AttributeError) as err:
        raise RemoteError(f"not an OpenAI {api} response ({type(err).__name__}: {err})") from None


class OpenAIBackend:
    """Candidates from an OpenAI-compatible ``/completions`` or ``/chat/completions`` endpoint."""

    def __init__(self, remote: RemoteSettings, settings: GenerationSettings | None = None,
                 connect_timeout_s: float = 1.0) -> None:
        import httpx

        self.remote = remote
        self.settings = settings or GenerationSettings()
        self.connect_timeout_s = connect_timeout_s
        key = os.environ.get(remote.api_key_env, "") if remote.api_key_env else ""
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        # One pooled client for every thread: keep-alive connections save a TCP handshake per turn.
        self._client = httpx.Client(headers=headers, timeout=None)
        self._httpx = httpx
        self._failing = False
        self._state_lock = threading.Lock()
        self.url = f"{remote.base_url}/{'chat/completions' if remote.api == 'chat' else 'completions'}"

    def describe(self) -> str:
        return f"{self.remote.model} at {self.url} (openai {self.remote.api} API)"

    def request_body(self, history: Sequence[str], n: int, seed: int | None) -> dict[str, Any]:
        s = self.settings
        budget = s.history_tokens * CHARS_PER_TOKEN
        body: dict[str, Any] = {"model": self.remote.model, "n": n, "max_tokens": s.max_new_tokens,
                                "temperature": s.temperature, "top_p": s.top_p, "stop": ["\n"]}
        if self.remote.api == "chat":
            body |= {"messages": chat_messages(history, budget), "logprobs": True}
        else:
            body |= {"prompt": completion_prompt(history, budget, self.remote.prompt_prefix), "logprobs": 1}
        if seed is not None:
            body["seed"] = seed
        return body | self.remote.extra_body

    def generate(
        self,
        history: Sequence[str],
        *,
        n: int | None = None,
        seed: int | None = None,
        should_stop: Callable[[], bool] | threading.Event | None = None,
        deadline: float | None = None,
        cache_key: Hashable | None = None,
    ) -> GenerationResult:
        n = n or self.settings.num_candidates
        started = time.monotonic()
        result = GenerationResult([], prefix_tokens=0, steps=0, max_steps=self.settings.max_new_tokens)
        left = (deadline - started) if deadline is not None else 30.0
        if left <= 0:
            result.stop = STOP_DEADLINE
            return result
        try:
            # httpx bounds each phase (connect, send, wait for the answer), not the whole exchange; a
            # short connect bound keeps the sum near the deadline (the runner abandons us past it anyway).
            timeout = self._httpx.Timeout(left, connect=min(left, self.connect_timeout_s))
            response = self._client.post(self.url, json=self.request_body(history, n, seed), timeout=timeout)
            if response.status_code != 200:
                raise RemoteError(f"HTTP {response.status_code}: {response.text.strip()[:120]}")
            parsed = parse_choices(response.json(), self.remote.api)
        except self._httpx.TimeoutException:
            result.stop, result.detail = STOP_DEADLINE, f"no answer within the turn's {left:.2f} s"
            self._failed(result.detail)
            return result
        except (self._httpx.HTTPError, RemoteError, ValueError) as err:
            result.stop = STOP_FAILED
            result.detail = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            self._failed(result.detail)
            return result
        self._recovered()
        for cand in parsed:
            if cand is not None:
                (result.candidates if cand.finished else result.unfinished).append(cand)
        result.steps = max((c.num_tokens for c in result.candidates + result.unfinished), default=0)
        result.stop = STOP_COMPLETE
        result.decode_ms = round((time.monotonic() - started) * 1000, 1)
        return result

    def _failed(self, reason: str) -> None:
        with self._state_lock:
            first, self._failing = not self._failing, True
        if first:
            log.warning("neural backend %s failing (%s): turns go on without neural candidates until it answers",
                        self.url, reason)
        else:
            log.debug("neural backend %s still failing: %s", self.url, reason)

    def _recovered(self) -> None:
        with self._state_lock:
            was, self._failing = self._failing, False
        if was:
            log.info("neural backend %s answers again", self.url)

    def close(self) -> None:
        self._client.close()
