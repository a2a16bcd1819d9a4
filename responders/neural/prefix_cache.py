"""Keep each conversation's encoded history between turns, so a turn encodes only what is new.

Why: at the research's 800-token history the prefill (encoding the whole history) took about a
second of a 2-second turn, although only the last two utterances are new. This cache keeps the keys
and values of the last prompt a conversation was answered from; the next turn's prompt starts with
it (the history only grew), so only the new tokens are encoded.

Never serving a wrong prefix matters more than hitting: an entry is stored under the model's
identity (which model object, at which precisions) and the conversation, and it is used only if
the new prompt's token ids start with the entry's exact token ids; anything else is a miss, and a
miss is a full prefill with the same result. Memory is bounded by a byte budget with
least-recently-used eviction. Thread-safe: the server answers conversations on several threads.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from responders.neural.contract import DEFAULT_PREFIX_CACHE_MB
from responders.neural.decoders import PrefixKV


@dataclass(frozen=True)
class CachedPrefix:
    """Keys/values for exactly ``token_ids``, computed by the model named ``model_key``."""

    model_key: str
    token_ids: tuple[int, ...]
    kv: PrefixKV

    @property
    def nbytes(self) -> int:
        return self.kv.nbytes


@dataclass(frozen=True)
class CacheStats:
    entries: int
    bytes_used: int
    budget_bytes: int
    hits: int
    misses: int
    evictions: int


class PrefixCache:
    """A byte-bounded LRU of ``CachedPrefix`` entries, one per (model, conversation)."""

    def __init__(self, budget_mb: float = DEFAULT_PREFIX_CACHE_MB) -> None:
        if budget_mb < 0:
            raise ValueError("prefix_cache_mb must be >= 0 (0 turns the cache off)")
        self.budget_bytes = int(budget_mb * 1024 * 1024)
        self._entries: OrderedDict[tuple[str, Hashable], CachedPrefix] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._hits = self._misses = self._evictions = 0

    @property
    def enabled(self) -> bool:
        return self.budget_bytes > 0

    def lookup(self, model_key: str, conversation: Hashable, prompt_ids: Sequence[int]) -> CachedPrefix | None:
        """The stored prefix of ``prompt_ids`` for this model and conversation, or None (a miss).

        A hit may cover the whole prompt; the caller still needs the last token's logits, so it
        reuses at most ``len(prompt_ids) - 1`` positions (``PrefixKV.head``).
        """
        key = (model_key, conversation)
        with self._lock:
            entry = self._entries.get(key)
            usable = (
                entry is not None
                and entry.model_key == model_key
                and len(entry.token_ids) <= len(prompt_ids)
                and tuple(prompt_ids[: len(entry.token_ids)]) == entry.token_ids
            )
            if not usable:
                self._misses += 1
                return None
            self._entries.move_to_end(key)
            self._hits += 1
            return entry

    def store(self, model_key: str, conversation: Hashable, token_ids: Sequence[int], kv: PrefixKV) -> bool:
        """Keep ``kv`` (the encoding of ``token_ids``) for the conversation; False if it cannot fit."""
        if kv.length != len(token_ids):
            raise ValueError(f"prefix cache: {kv.length} encoded positions for {len(token_ids)} token ids")
        entry = CachedPrefix(model_key, tuple(token_ids), kv)
        key = (model_key, conversation)
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old.nbytes
            if entry.nbytes > self.budget_bytes:
                return False
            while self._entries and self._bytes + entry.nbytes > self.budget_bytes:
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= evicted.nbytes
                self._evictions += 1
            self._entries[key] = entry
            self._bytes += entry.nbytes
            return True

    def forget(self, conversation: Hashable) -> None:
        """Drop every model's entry for a conversation (e.g. when it ends)."""
        with self._lock:
            for key in [k for k in self._entries if k[1] == conversation]:
                self._bytes -= self._entries.pop(key).nbytes

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(len(self._entries), self._bytes, self.budget_bytes, self._hits, self._misses,
                              self._evictions)
