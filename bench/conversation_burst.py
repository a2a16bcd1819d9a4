"""A burst of simultaneous requests on one conversation must not starve the others (issue 17 #6).

    .venv/bin/python bench/conversation_burst.py [--burst 16] [--threads 4] [--rounds 5]

Starts the production server (gunicorn, one worker, --threads threads, the core scripted responders,
a fresh SQLite log, loopback only) twice: with the default bound on waiters per conversation
(``[server] max_waiters_per_conversation = 2``) and with the bound lifted (1000: how v1 behaved). In
each, conversation B sends turns one after another while, every round, --burst requests for
conversation A arrive at once. Prints B's turn latency when quiet and during the bursts (p50, max),
and how A's requests were answered (200 / 409 busy / 429 refused at once). Bounded in requests and
time; stops the servers it started.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_test import HOST, free_port, start_server, stop_server, wait_healthy, write_config  # noqa: E402

SCRIPTED_CORE = ["launch", "closing", "simple_topic", "fallback"]


def post(port: int, path: str, body: dict) -> tuple[int, dict, float]:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    started = time.perf_counter()
    try:
        conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
        response = conn.getresponse()
        payload = json.loads(response.read() or b"{}")
        return response.status, payload, time.perf_counter() - started
    finally:
        conn.close()


def scenario(args: argparse.Namespace, folder: Path, max_waiters: int) -> dict:
    config = write_config(folder, SCRIPTED_CORE, core_only=True)
    with config.open("a") as handle:
        handle.write(f"[server]\nmax_waiters_per_conversation = {max_waiters}\nlock_timeout_seconds = 30\n")
    port = free_port()
    server_args = argparse.Namespace(threads=args.threads)
    proc = start_server(server_args, folder, config, port, str(folder / f"log-{max_waiters}.db"), 1,
                        f"burst-waiters-{max_waiters}")
    try:
        wait_healthy(port, proc, time.monotonic() + 180)
        a = post(port, "/api/v1/conversations", {})[1]["conversation_id"]
        b = post(port, "/api/v1/conversations", {})[1]["conversation_id"]
        quiet = [post(port, f"/api/v1/conversations/{b}/turns", {"text": f"hello {i}"})[2] for i in range(10)]
        during: list[float] = []
        answers: Counter[str] = Counter()
        for round_ in range(args.rounds):
            results: list[tuple[int, dict, float]] = []
            lock = threading.Lock()

            def burst_one(i: int) -> None:
                reply = post(port, f"/api/v1/conversations/{a}/turns", {"text": f"burst {round_} {i}"})
                with lock:
                    results.append(reply)

            burst = [threading.Thread(target=burst_one, args=(i,)) for i in range(args.burst)]
            for thread in burst:
                thread.start()
            time.sleep(0.05)  # the burst is in: now B tries to talk
            for i in range(3):
                during.append(post(port, f"/api/v1/conversations/{b}/turns", {"text": f"still here {round_} {i}"})[2])
            for thread in burst:
                thread.join(120)
            for status, payload, _ in results:
                answers[str(status) + ("" if status == 200 else f" {payload.get('error', {}).get('code', '')}")] += 1
        return {"quiet": quiet, "during": during, "answers": answers}
    finally:
        stop_server(proc)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--burst", type=int, default=16)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if not (1 <= args.burst <= 64 and 1 <= args.rounds <= 20 and 1 <= args.threads <= 16):
        parser.error("bounded on purpose: burst 1-64, rounds 1-20, threads 1-16")
    folder = Path(tempfile.mkdtemp(prefix="chirpy-burst-"))
    print(f"gunicorn 1 worker x {args.threads} threads; {args.rounds} rounds of {args.burst} simultaneous "
          "requests on conversation A while conversation B sends 3 turns")
    for label, waiters in (("bounded (default, 2 waiters)", 2), ("unbounded (v1 behaviour)", 1000)):
        figures = scenario(args, folder, waiters)
        quiet, during = figures["quiet"], figures["during"]
        print(f"{label}: B quiet p50 {statistics.median(quiet) * 1000:.0f} ms; during bursts p50 "
              f"{statistics.median(during) * 1000:.0f} ms, max {max(during) * 1000:.0f} ms; "
              f"A answered: {dict(sorted(figures['answers'].items()))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
