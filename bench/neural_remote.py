"""Benchmark: the openai neural backend's own cost per turn (target <= 10 ms p50).

A stand-in OpenAI-compatible server (responders/neural/standin.py) runs in a child process and
answers at once; the backend asks it for N=20 candidates with log-probabilities for a 30-turn
(~800-token) history, turn after turn. The backend's overhead per turn = the wall time of
``generate`` minus the server's own handling time (its ``x-standin-ms`` header): building and
serialising the request, HTTP over loopback, parsing the 20 choices into candidates. Also printed:
serialisation and parsing alone, measured in-process. For both APIs (completions, chat).

    .venv/bin/python bench/neural_remote.py [--turns 200] [--n 20]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from responders.neural.contract import GenerationSettings  # noqa: E402
from responders.neural.remote import OpenAIBackend, RemoteSettings, parse_choices  # noqa: E402
from responders.neural.standin import LINES, choices  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, seconds: float = 10.0) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"error: the stand-in server did not start on port {port}")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--turns", type=int, default=200)
    ap.add_argument("--n", type=int, default=20)
    args = ap.parse_args()
    history = [LINES[i % len(LINES)] + " " + LINES[(i * 3 + 1) % len(LINES)] for i in range(42)]  # ~800 tokens
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    server = subprocess.Popen([sys.executable, "-m", "responders.neural.standin", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(port)
        print(f"N={args.n}, {args.turns} turns, history {len(history)} utterances "
              f"(~{sum(len(t) for t in history) // 4} tokens), load average {os.getloadavg()[0]:.2f}")
        for api in ("completions", "chat"):
            remote = RemoteSettings(base_url=f"http://127.0.0.1:{port}/v1", model="bench", api=api)
            backend = OpenAIBackend(remote, GenerationSettings(num_candidates=args.n))
            server_ms: list[float] = []
            backend._client.event_hooks["response"] = [
                lambda response: server_ms.append(float(response.headers.get("x-standin-ms", 0.0)))]
            walls, overheads = [], []
            for turn in range(args.turns + 5):
                started = time.perf_counter()
                result = backend.generate(history, seed=turn, deadline=time.monotonic() + 2.0)
                wall = (time.perf_counter() - started) * 1000
                if len(result.candidates) + len(result.unfinished) != args.n:
                    raise SystemExit(f"error: turn {turn} got {len(result.candidates)} candidates ({result.stop_note()})")
                if turn >= 5:  # the first requests open the connection and warm caches
                    walls.append(wall)
                    overheads.append(wall - server_ms[-1])
            backend.close()
            body = backend.request_body(history, args.n, 0)
            reply = json.dumps({"choices": choices(body, api == "chat")})
            ser = statistics.median(_timed(lambda: json.dumps(backend.request_body(history, args.n, 0))) for _ in range(200))
            par = statistics.median(_timed(lambda: parse_choices(json.loads(reply), api)) for _ in range(200))
            print(f"  {api:<11}: backend overhead p50 {pct(overheads, 0.5):.2f} ms, p95 {pct(overheads, 0.95):.2f} ms "
                  f"(target p50 <= 10 ms); wall p50 {pct(walls, 0.5):.2f} ms; stand-in handling p50 "
                  f"{pct(server_ms[5:], 0.5):.2f} ms; of which build+serialise {ser:.3f} ms, parse {len(reply) // 1024} KB "
                  f"reply {par:.3f} ms")
    finally:
        server.terminate()
        server.wait(timeout=5)


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


if __name__ == "__main__":
    main()
