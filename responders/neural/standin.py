"""A stand-in OpenAI-compatible server: ``/v1/completions`` and ``/v1/chat/completions`` in a thread.

Why: the ``openai`` backend must be tested (and its overhead measured) against a real HTTP server
speaking the real wire format, and no model server runs on CI machines. This one answers N choices
with token log-probabilities from a fixed set of lines, can be made slow (``delay_s``) or broken
(``status``, ``garbage``), records the request bodies it got, and reports its own handling time in
an ``x-standin-ms`` header so a benchmark can subtract it. Also handy to try a config by hand::

    python -m responders.neural.standin 8000     # then base_url = "http://127.0.0.1:8000/v1"
"""

from __future__ import annotations

import json
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

LINES = (
    "That sounds like a lovely way to spend the afternoon.",
    "What was the best part of it?",
    "I like hearing about long walks by the water.",
    "You should drink more water.",
    "Oh nice, did you go with anyone?",
    "That must have felt good after a busy week.",
    "I think sunny days make everything easier.",
    "Hmm, tell me more about that.",
)


@dataclass
class StandIn:
    """Behaviour knobs and what it received; change them while it runs."""

    delay_s: float = 0.0
    status: int = 200
    garbage: bool = False
    requests: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def _tokens(text: str) -> list[str]:
    words = text.split(" ")
    return [w if i == 0 else " " + w for i, w in enumerate(words)]


def choices(body: dict[str, Any], chat: bool) -> list[dict[str, Any]]:
    """``n`` choices; choice i has mean token log-probability -(0.5 + 0.25 i), so rankings are known."""
    n, limit = int(body.get("n", 1)), int(body.get("max_tokens", 16))
    start = int(body.get("seed", 0) or 0)
    out = []
    for i in range(n):
        tokens = _tokens(LINES[(start + i) % len(LINES)])
        finish = "stop" if len(tokens) <= limit else "length"
        tokens = tokens[:limit]
        logprobs = [-(0.5 + 0.25 * i)] * len(tokens)
        text = "".join(tokens)
        if chat:
            entries = [{"token": t, "logprob": lp, "bytes": list(t.encode()), "top_logprobs": []}
                       for t, lp in zip(tokens, logprobs)]
            out.append({"index": i, "message": {"role": "assistant", "content": text},
                        "logprobs": {"content": entries}, "finish_reason": finish})
        else:
            offsets = [sum(len(t) for t in tokens[:k]) for k in range(len(tokens))]
            out.append({"index": i, "text": text, "finish_reason": finish,
                        "logprobs": {"tokens": tokens, "token_logprobs": logprobs, "top_logprobs": None,
                                     "text_offset": offsets}})
    return out


def _handler(state: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real servers do
        # Headers and body go out in two writes: without TCP_NODELAY, Nagle's algorithm holds the body
        # until the client's delayed ACK (~40 ms). Real servers (uvicorn under vLLM) set it too.
        disable_nagle_algorithm = True

        def log_message(self, *args: Any) -> None:  # quiet: tests read state.requests instead
            return

        def do_POST(self) -> None:  # noqa: N802 - the http.server naming
            started = time.perf_counter()
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            chat = self.path.rstrip("/").endswith("/chat/completions")
            state.requests.append((self.path, body))
            if state.delay_s:
                time.sleep(state.delay_s)
            if self.path.rstrip("/") not in ("/v1/completions", "/v1/chat/completions"):
                payload, status = json.dumps({"error": {"message": f"no route {self.path}"}}).encode(), 404
            elif state.garbage:
                payload, status = b"<html>oops</html>", state.status
            elif state.status != 200:
                payload, status = json.dumps({"error": {"message": "the stand-in was told to fail"}}).encode(), state.status
            else:
                kind = "chat.completion" if chat else "text_completion"
                payload = json.dumps({"id": "standin", "object": kind, "created": int(time.time()),
                                      "model": body.get("model", ""), "choices": choices(body, chat)}).encode()
                status = 200
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("x-standin-ms", f"{(time.perf_counter() - started) * 1000:.3f}")
            self.end_headers()
            self.wfile.write(payload)

    return Handler


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (the backend's deadline) closes the socket mid-answer: expected, not a traceback."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class StandInServer:
    """``with StandInServer() as server: server.base_url`` -- a free port on 127.0.0.1, served by a thread."""

    def __init__(self, port: int = 0, state: StandIn | None = None) -> None:
        self.state = state or StandIn()
        self._httpd = _QuietServer(("127.0.0.1", port), _handler(self.state))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="openai-standin", daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def __enter__(self) -> "StandInServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


if __name__ == "__main__":
    with StandInServer(int(sys.argv[1]) if len(sys.argv) > 1 else 8000) as server:
        print(f"stand-in OpenAI server at {server.base_url} (Ctrl-C stops it)")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
