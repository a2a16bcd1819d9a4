"""Load test: the production server command (gunicorn, several workers sharing one SQLite log)
under N concurrent conversations × M turns of the JSON API, on loopback only.

    .venv/bin/python bench/load_test.py                      # 50 conversations × 20 turns, 2 workers
    .venv/bin/python bench/load_test.py --workers 3 --threads 4 --conversations 20 --turns 10

It starts gunicorn on 127.0.0.1 (a free port) with a fresh log in a temporary folder, runs the
scripted conversations from threads, then checks the log: every turn each client got a reply for
must be stored, exactly once. Prints errors, throughput and latency percentiles, and stops the
server it started (its own process group) even on failure or Ctrl-C. Bounded: --max-seconds for the
whole run, a timeout per request. Figures are noisy on a shared 2-core machine, and the load
generator itself runs on the same cores as the server.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).parent
VENV_BIN = Path(sys.executable).parent
UTTERANCES = json.loads((HERE / "load_test_utterances.json").read_text())["utterances"]
HOST = "127.0.0.1"  # loopback only, always
SCRIPTED_CORE = ["launch", "closing", "simple_topic", "fallback"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def scripted_responders(core_only: bool) -> list[str]:
    """The configured responders minus the neural generator (the test is about serving, not GPT-2)."""
    if core_only:
        return SCRIPTED_CORE
    sys.path.insert(0, str(HERE.parent))
    from chirpy.config import Config

    return [name for name in Config.load().responder_order
            if Config.load().responder_config(name).get("type", name) != "neural"]


def in_process_baseline(config: Path, folder: Path, n_turns: int) -> float:
    """Turns per second of one Bot driven directly in this process, one turn at a time: the same
    configuration without HTTP, locks or concurrency. The server's figure is reported against it."""
    sys.path.insert(0, str(HERE.parent))
    from chirpy.bot import Bot
    from chirpy.config import Config

    bot = Bot(Config.load(config, {"bot.db": str(folder / "baseline.db")}))
    try:
        bot.respond(bot.start().conversation_id, "warm up")  # first spaCy call pays one-off costs
        done = 0
        started = time.perf_counter()
        for c in range(3):
            cid = bot.start(user_id=f"baseline-{c}").conversation_id
            done += 1
            for turn in range(n_turns):
                bot.respond(cid, UTTERANCES[(turn + c) % len(UTTERANCES)])
                done += 1
        return done / (time.perf_counter() - started)
    finally:
        bot.close()


def write_config(folder: Path, responders: list[str], core_only: bool) -> Path:
    lines = ["[responders]", f"order = {json.dumps(responders)}"]
    if core_only:
        lines += ["[pipeline]", "annotators = []", 'filters = ["no_repeat"]', "shapers = []"]
    path = folder / "load_test.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def start_server(args: argparse.Namespace, folder: Path, config: Path, port: int) -> subprocess.Popen:
    env = dict(os.environ, CHIRPY_CONFIG=str(config), CHIRPY_DB=str(folder / "log.db"), HF_HUB_OFFLINE="1",
               TRANSFORMERS_OFFLINE="1")
    env.pop("CHIRPY_API_TOKEN", None)
    command = [str(VENV_BIN / "gunicorn"), "--workers", str(args.workers), "--threads", str(args.threads),
               "--bind", f"{HOST}:{port}", "--timeout", "120", "--graceful-timeout", "10",
               "--log-level", "warning", "chirpy.server.wsgi:create_app_from_env()"]
    print("server:", " ".join(command[1:]), flush=True)
    log = open(folder / "gunicorn.log", "w")
    return subprocess.Popen(command, env=env, cwd=HERE.parent, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)  # its own process group: we stop exactly what we started


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def wait_healthy(port: int, proc: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("the server exited during start-up (see gunicorn.log)")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError("the server did not become healthy in time")


class Results:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.ok = 0
        self.replied: dict[str, int] = {}  # conversation id -> turns answered (launch included)


def converse(port: int, n_turns: int, index: int, results: Results, deadline: float) -> None:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)

    def post(path: str, body: dict) -> dict | None:
        started = time.perf_counter()
        try:
            conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
            response = conn.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            with results.lock:
                results.errors.append(f"{path}: {type(exc).__name__}: {exc}")
            return None
        elapsed = time.perf_counter() - started
        with results.lock:
            results.latencies.append(elapsed)
            if response.status not in (200, 201):
                results.errors.append(f"{path}: HTTP {response.status} {payload[:200]!r}")
                return None
            results.ok += 1
        return json.loads(payload)

    created = post("/api/v1/conversations", {"user_id": f"load-user-{index}"})
    if created is None:
        return
    cid = created["conversation_id"]
    answered = 1
    for turn in range(n_turns):
        if time.monotonic() > deadline:
            with results.lock:
                results.errors.append(f"{cid}: stopped at the time limit")
            break
        text = UTTERANCES[(turn + index) % len(UTTERANCES)] if turn else UTTERANCES[0]
        if post(f"/api/v1/conversations/{cid}/turns", {"text": text}) is not None:
            answered += 1
    with results.lock:
        results.replied[cid] = answered
    conn.close()


def check_log(db: Path, results: Results) -> list[str]:
    problems = []
    conn = sqlite3.connect(db)
    stored = dict(conn.execute("select conversation_id, count(*) from turns group by conversation_id"))
    dupes = conn.execute(
        "select count(*) from (select 1 from turns group by conversation_id, turn_index having count(*) > 1)"
    ).fetchone()[0]
    conn.close()
    for cid, answered in results.replied.items():
        if stored.get(cid, 0) != answered:
            problems.append(f"{cid}: {answered} replies but {stored.get(cid, 0)} stored turns")
    if dupes:
        problems.append(f"{dupes} duplicated (conversation, turn) rows")
    return problems


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--turns", type=int, default=20, help="user turns per conversation (after the greeting)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--max-seconds", type=float, default=240.0, help="hard bound on the whole run")
    parser.add_argument("--core-only", action="store_true",
                        help="only the core scripted responders and no feature annotators/shapers")
    parser.add_argument("--no-baseline", action="store_true", help="skip the in-process single-thread baseline")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (log and server output)")
    args = parser.parse_args()
    if not (1 <= args.conversations <= 200 and 1 <= args.turns <= 100 and 1 <= args.workers <= 8):
        parser.error("bounded on purpose: conversations 1-200, turns 1-100, workers 1-8")

    started = time.monotonic()
    deadline = started + args.max_seconds
    folder = Path(tempfile.mkdtemp(prefix="chirpy-load-"))
    responders = scripted_responders(args.core_only)
    config = write_config(folder, responders, args.core_only)
    baseline = None if args.no_baseline else in_process_baseline(config, folder, args.turns)
    if baseline:
        print(f"baseline: one Bot in-process, one turn at a time: {baseline:.1f} turns/s", flush=True)
    port = free_port()
    proc = start_server(args, folder, config, port)
    try:
        try:
            wait_healthy(port, proc, min(deadline, time.monotonic() + 120))
        except RuntimeError as exc:
            print(f"error: {exc}; server output:\n{(folder / 'gunicorn.log').read_text()[-3000:]}", file=sys.stderr)
            return 2
        print(f"server up in {time.monotonic() - started:.1f} s; responders: {', '.join(responders)}", flush=True)
        results = Results()
        threads = [threading.Thread(target=converse, args=(port, args.turns, i, results, deadline), daemon=True)
                   for i in range(args.conversations)]
        load_started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        wall = time.perf_counter() - load_started
        if any(t.is_alive() for t in threads):
            results.errors.append("some conversations did not finish within --max-seconds")
    finally:
        stop_server(proc)
    problems = check_log(folder / "log.db", results)
    requests = len(results.latencies)
    print(f"conversations: {args.conversations} x {args.turns} turns, gunicorn {args.workers} workers x "
          f"{args.threads} threads, {os.cpu_count()} cores (shared; load generator on the same machine)")
    print(f"requests answered: {results.ok} of {requests}, errors: {len(results.errors)}")
    for error in results.errors[:10]:
        print("  error:", error)
    if results.latencies:
        lat = sorted(results.latencies)
        ratio = f" = {requests / wall / baseline:.2f}x the in-process baseline" if baseline else ""
        print(f"throughput: {requests / wall:.1f} turns/s over {wall:.1f} s (greetings included){ratio}")
        print(f"latency: p50 {percentile(lat, 50) * 1000:.0f} ms, p99 {percentile(lat, 99) * 1000:.0f} ms, "
              f"max {lat[-1] * 1000:.0f} ms")
    print("log check:", "every answered turn stored exactly once" if not problems else f"{len(problems)} problems")
    for problem in problems[:10]:
        print("  log:", problem)
    if args.keep:
        print("kept:", folder)
    else:
        shutil.rmtree(folder, ignore_errors=True)
    return 0 if not results.errors and not problems else 1


if __name__ == "__main__":
    sys.exit(main())
