"""Fetching Alexa's signing-certificate chains, without letting a caller turn that into a weapon.

Anyone can send ``/alexa`` a request naming a new chain URL under s3.amazonaws.com/echo.api/, and
the chain must be fetched before the signature can be checked. So:

- every outcome is cached by URL: a chain (LRU, ``max_urls``) and a failure too (LRU, with a
  back-off that doubles on each new failure of that URL, from ``backoff_s`` up to ``max_backoff_s``);
- at most ``max_fetches`` fetches run at once, and at most ``max_per_minute`` start per minute;
  past either bound a request is refused at once instead of queueing;
- fetches run on their own daemon threads; a request waits for one at most ``wait_s``, then is
  refused while the fetch goes on and fills the cache, so a slow fetch holds no server thread for
  long and never blocks the exit; only ``max_fetches`` requests wait at any time.
"""

from __future__ import annotations

import threading
import time
import urllib.request
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Callable

from cryptography import x509

MAX_CHAIN_BYTES = 64 * 1024
FETCH_TIMEOUT_S = 5.0

Fetcher = Callable[[str], bytes]
Clock = Callable[[], float]


class ChainUnavailable(Exception):
    """No usable chain for this URL now: the fetch failed (maybe earlier), is slow, or is refused."""


@dataclass(frozen=True)
class Chain:
    leaf: x509.Certificate
    intermediates: list[x509.Certificate]


def fetch_chain(url: str, timeout_s: float = FETCH_TIMEOUT_S) -> bytes:
    """Download a chain: bounded in size and in *total* time (a server sending a byte every few
    seconds would never trip a per-read timeout)."""
    deadline = time.monotonic() + timeout_s
    data = bytearray()
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:  # noqa: S310 — URL checked first
            while len(data) <= MAX_CHAIN_BYTES:
                if time.monotonic() > deadline:
                    raise ChainUnavailable(f"fetching the signing certificate chain took over {timeout_s:.0f} s")
                block = response.read1(8192)
                if not block:
                    break
                data += block
    except OSError as exc:
        raise ChainUnavailable(f"cannot fetch the signing certificate chain: {exc}") from None
    if len(data) > MAX_CHAIN_BYTES:
        raise ChainUnavailable("the signing certificate chain is implausibly large")
    return bytes(data)


def parse_chain(data: bytes) -> Chain:
    try:
        certificates = x509.load_pem_x509_certificates(data)
    except ValueError:
        raise ChainUnavailable("the signing certificate chain is not valid PEM") from None
    return Chain(certificates[0], certificates[1:])


@dataclass
class _Failure:
    message: str
    failures: int
    retry_at: float


class _Pending:
    def __init__(self) -> None:
        self.done = threading.Event()


class ChainCache:
    def __init__(
        self,
        fetcher: Fetcher = fetch_chain,
        *,
        max_fetches: int = 2,
        max_per_minute: int = 10,
        wait_s: float = 3.0,
        max_urls: int = 32,
        max_failed_urls: int = 256,
        backoff_s: float = 10.0,
        max_backoff_s: float = 3600.0,
        clock: Clock = time.monotonic,
    ) -> None:
        self.fetcher = fetcher
        self.max_fetches = max_fetches
        self.max_per_minute = max_per_minute
        self.wait_s = wait_s
        self.max_urls = max_urls
        self.max_failed_urls = max_failed_urls
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self._clock = clock
        self._lock = threading.Lock()
        self._chains: OrderedDict[str, Chain] = OrderedDict()
        self._failures: OrderedDict[str, _Failure] = OrderedDict()
        self._pending: dict[str, _Pending] = {}
        self._started: deque[float] = deque()  # when recent fetches started, for the per-minute bound
        self._waiting = 0

    def get(self, url: str) -> Chain:
        """The chain at ``url``, from the cache or fetched now; ``ChainUnavailable`` if there is none."""
        with self._lock:
            known = self._known(url)
            if known is not None:
                return known
            pending = self._pending.get(url) or self._start_fetch(url)
            if self._waiting >= self.max_fetches:
                raise ChainUnavailable("the server is busy fetching certificate chains; try again shortly")
            self._waiting += 1
        try:
            pending.done.wait(self.wait_s)
        finally:
            with self._lock:
                self._waiting -= 1
        with self._lock:
            known = self._known(url)
        if known is None:
            raise ChainUnavailable("the signing certificate chain is still being fetched; try again shortly")
        return known

    def _known(self, url: str) -> Chain | None:
        """A cached chain, None if unknown, or the cached failure raised while its back-off lasts."""
        chain = self._chains.get(url)
        if chain is not None:
            self._chains.move_to_end(url)
            return chain
        failure = self._failures.get(url)
        if failure is not None and self._clock() < failure.retry_at:
            raise ChainUnavailable(failure.message)
        return None

    def _start_fetch(self, url: str) -> _Pending:
        now = self._clock()
        while self._started and self._started[0] <= now - 60.0:
            self._started.popleft()
        if len(self._pending) >= self.max_fetches:
            raise ChainUnavailable("too many certificate chains are being fetched at once; try again shortly")
        if len(self._started) >= self.max_per_minute:
            raise ChainUnavailable("too many new certificate chain URLs in the last minute; try again later")
        self._started.append(now)
        pending = self._pending[url] = _Pending()
        threading.Thread(target=self._fetch, args=(url, pending), name="chain-fetch", daemon=True).start()
        return pending

    def _fetch(self, url: str, pending: _Pending) -> None:
        chain, error = None, None
        try:
            chain = parse_chain(self.fetcher(url))
        except ChainUnavailable as exc:
            error = str(exc)
        except Exception as exc:  # noqa: BLE001 — any fetcher failure is this URL's failure, cached like the rest
            error = f"cannot fetch the signing certificate chain: {exc}"
        with self._lock:
            del self._pending[url]
            if chain is not None:
                self._failures.pop(url, None)
                _put(self._chains, url, chain, self.max_urls)
            else:
                before = self._failures.pop(url, None)
                failures = before.failures + 1 if before else 1
                backoff = min(self.backoff_s * 2 ** (failures - 1), self.max_backoff_s)
                _put(self._failures, url, _Failure(str(error), failures, self._clock() + backoff), self.max_failed_urls)
        pending.done.set()


def _put(cache: OrderedDict, key: str, value: object, limit: int) -> None:
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > limit:
        cache.popitem(last=False)  # the least recently used
