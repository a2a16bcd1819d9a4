"""Load test: the production server command (gunicorn, several workers sharing one log) under N
concurrent conversations × M turns of the JSON API, on loopback only.

    .venv/bin/python bench/load_test.py                      # 50 conversations × 20 turns, 2 workers, SQLite
    .venv/bin/python bench/load_test.py --workers 3 --threads 4 --conversations 20 --turns 10
    CHIRPY_PG_DURABLE=1 bash .ci/with-postgres .venv/bin/python bench/load_test.py --two-hosts \
        --conversations 100 --turns 20                       # + two gunicorn "hosts" on one PostgreSQL

It starts gunicorn on 127.0.0.1 (a free port) with a fresh log in a temporary folder, runs the
scripted conversations from threads, then checks the log through the store: every turn each client
got a reply for must be stored exactly once, in the order it was sent. With ``--two-hosts`` it then
starts two gunicorn instances (separate process groups and ports, ``--workers`` split between them)
on one PostgreSQL database (``--postgres-url``, default ``$CHIRPY_TEST_POSTGRES_URL``; a fresh
schema, dropped afterwards), sends each conversation's turns alternately to both, and prints its
throughput and p50/p99 next to the single-host SQLite run (target: >= 0.8x its throughput). Prints
errors, throughput and latency percentiles, and stops every server it started even on failure or
Ctrl-C. Bounded: --max-seconds per run, a timeout per request. Figures are noisy on a shared 2-core
machine, and the load generator itself runs on the same cores as the servers.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))  # this checkout's chirpy, for the baseline and the log check
VENV_BIN = Path(sys.executable).parent
UTTERANCES = json.loads((HERE / "load_test_utterances.json").read_text())["utterances"]
HOST = "127.0.0.1"  # loopback only, always
SCRIPTED_CORE = ["launch", "closing", "simple_topic", "fallback"]
IDLE_RECONNECT_S = 1.0  # below gunicorn's default --keep-alive of 2 s


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def scripted_responders(core_only: bool) -> list[str]:
    """The configured responders minus the neural generator (the test is about serving, not GPT-2)."""
    if core_only:
        return SCRIPTED_CORE
    from chirpy.config import Config

    return [name for name in Config.load().responder_order
            if Config.load().responder_config(name).get("type", name) != "neural"]


def in_process_baseline(config: Path, folder: Path, n_turns: int) -> float:
    """Turns per second of one Bot driven directly in this process, one turn at a time: the same
    configuration without HTTP, locks or concurrency. The server's figure is reported against it."""
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


def start_server(args: argparse.Namespace, folder: Path, config: Path, port: int, db: str, workers: int,
                 name: str) -> subprocess.Popen:
    env = dict(os.environ, CHIRPY_CONFIG=str(config), CHIRPY_DB=db, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    env.pop("CHIRPY_API_TOKEN", None)
    command = [str(VENV_BIN / "gunicorn"), "--workers", str(workers), "--threads", str(args.threads),
               "--bind", f"{HOST}:{port}", "--timeout", "120", "--graceful-timeout", "10",
               "--log-level", "warning", "chirpy.server.wsgi:create_app_from_env()"]
    print(f"{name}:", " ".join(command[1:]), flush=True)
    log = open(folder / f"{name}.log", "w")
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
            raise RuntimeError("the server exited during start-up")
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
        self.sent: dict[str, list[str | None]] = {}  # conversation id -> user texts answered, in order (launch: None)


def converse(ports: list[int], n_turns: int, index: int, results: Results, deadline: float) -> None:
    """One client conversation; turn k goes to host ``(index + k) % len(ports)``, so with two hosts every
    conversation's turns alternate between them."""
    conns = [http.client.HTTPConnection(HOST, port, timeout=30) for port in ports]
    last_used = [0.0] * len(ports)

    def post(path: str, body: dict, turn: int) -> dict | None:
        host = (index + turn) % len(conns)
        conn = conns[host]
        if time.monotonic() - last_used[host] > IDLE_RECONNECT_S:
            conn.close()  # gunicorn drops keep-alive connections idle for 2 s: start a fresh one, as browsers do
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
        last_used[host] = time.monotonic()
        with results.lock:
            results.latencies.append(elapsed)
            if response.status not in (200, 201):
                results.errors.append(f"{path}: HTTP {response.status} {payload[:200]!r}")
                return None
            results.ok += 1
        return json.loads(payload)

    created = post("/api/v1/conversations", {"user_id": f"load-user-{index}"}, 0)
    if created is None:
        return
    cid = created["conversation_id"]
    sent: list[str | None] = [None]
    for turn in range(n_turns):
        if time.monotonic() > deadline:
            with results.lock:
                results.errors.append(f"{cid}: stopped at the time limit")
            break
        text = f"{UTTERANCES[(turn + index) % len(UTTERANCES)] if turn else UTTERANCES[0]} ({turn + 1})"
        if post(f"/api/v1/conversations/{cid}/turns", {"text": text}, turn + 1) is not None:
            sent.append(text)
    with results.lock:
        results.sent[cid] = sent
    for conn in conns:
        conn.close()


def check_log(db: str, results: Results) -> dict[str, int]:
    """Lost = answered but not stored; extra = stored but not answered; out of order = stored turns whose
    user texts are not exactly the answered ones in sending order (or indices with gaps)."""
    from chirpy.store import open_log

    stored: dict[str, list[tuple[int, str | None]]] = {}
    with open_log(db, read_only=True) as reader:
        for cid, index, user_text, _, _ in reader.dialogue():
            stored.setdefault(cid, []).append((index, user_text))
    counts = {"lost": 0, "extra": 0, "out of order": 0}
    for cid, sent in results.sent.items():
        turns = stored.get(cid, [])
        counts["lost"] += max(0, len(sent) - len(turns))
        counts["extra"] += max(0, len(turns) - len(sent))
        texts = [text for _, text in turns]
        if [index for index, _ in turns] != list(range(len(turns))) or texts[:len(sent)] != sent[:len(texts)]:
            counts["out of order"] += 1
    return counts


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


@dataclass
class Run:
    name: str
    requests: int
    ok: int
    errors: list[str]
    wall: float
    latencies: list[float]
    log: dict[str, int]

    @property
    def throughput(self) -> float:
        return self.requests / self.wall if self.wall else 0.0

    def percentile(self, q: int) -> float:
        return percentile(sorted(self.latencies), q) * 1000 if self.latencies else float("nan")


def run_load(args: argparse.Namespace, folder: Path, config: Path, db: str, hosts: int, workers: int,
             name: str) -> Run | None:
    started = time.monotonic()
    deadline = started + args.max_seconds
    ports = [free_port() for _ in range(hosts)]
    procs = [start_server(args, folder, config, port, db, workers, f"{name}-host{i + 1}") for i, port in enumerate(ports)]
    results = Results()
    try:
        try:
            for port, proc in zip(ports, procs):
                wait_healthy(port, proc, min(deadline, time.monotonic() + 120))
        except RuntimeError as exc:
            logs = "\n".join((folder / f"{name}-host{i + 1}.log").read_text()[-2000:] for i in range(hosts))
            print(f"error: {exc}; server output:\n{logs}", file=sys.stderr)
            return None
        print(f"{name}: {hosts} host(s) up in {time.monotonic() - started:.1f} s", flush=True)
        threads = [threading.Thread(target=converse, args=(ports, args.turns, i, results, deadline), daemon=True)
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
        for proc in procs:
            stop_server(proc)
    return Run(name, len(results.latencies), results.ok, results.errors, wall, results.latencies, check_log(db, results))


def report(run: Run, args: argparse.Namespace, baseline: float | None) -> None:
    print(f"[{run.name}] requests answered: {run.ok} of {run.requests}, errors: {len(run.errors)}")
    for error in run.errors[:10]:
        print("  error:", error)
    if run.latencies:
        ratio = f" = {run.throughput / baseline:.2f}x the in-process baseline" if baseline else ""
        print(f"[{run.name}] throughput: {run.throughput:.1f} turns/s over {run.wall:.1f} s (greetings included){ratio}")
        print(f"[{run.name}] latency: p50 {run.percentile(50):.0f} ms, p99 {run.percentile(99):.0f} ms, "
              f"max {max(run.latencies) * 1000:.0f} ms")
    print(f"[{run.name}] log check: " + ", ".join(f"{n} {what}" for what, n in run.log.items()))


@contextmanager
def postgres_schema(url: str) -> Iterator[str]:
    """A fresh schema on the server for this run (dropped afterwards), as a URL the servers can use."""
    import psycopg

    schema = f"load_{os.getpid()}_{int(time.time())}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{url}{'&' if '?' in url else '?'}options={quote(f'-csearch_path={schema}', safe='')}"
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--turns", type=int, default=20, help="user turns per conversation (after the greeting)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers in all (split over the hosts)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--max-seconds", type=float, default=240.0, help="hard bound on each run")
    parser.add_argument("--core-only", action="store_true",
                        help="only the core scripted responders and no feature annotators/shapers")
    parser.add_argument("--no-baseline", action="store_true", help="skip the in-process single-thread baseline")
    parser.add_argument("--two-hosts", action="store_true",
                        help="also run two gunicorn instances on one PostgreSQL and compare with the SQLite run")
    parser.add_argument("--postgres-url", default=os.environ.get("CHIRPY_TEST_POSTGRES_URL", ""),
                        help="PostgreSQL server for --two-hosts (default: $CHIRPY_TEST_POSTGRES_URL)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs and server output)")
    args = parser.parse_args()
    if not (1 <= args.conversations <= 200 and 1 <= args.turns <= 100 and 1 <= args.workers <= 8):
        parser.error("bounded on purpose: conversations 1-200, turns 1-100, workers 1-8")
    if args.two_hosts and not args.postgres_url:
        parser.error("--two-hosts needs --postgres-url or CHIRPY_TEST_POSTGRES_URL (bash .ci/with-postgres ... starts one)")

    folder = Path(tempfile.mkdtemp(prefix="chirpy-load-"))
    responders = scripted_responders(args.core_only)
    config = write_config(folder, responders, args.core_only)
    baseline = None if args.no_baseline else in_process_baseline(config, folder, args.turns)
    if baseline:
        print(f"baseline: one Bot in-process, one turn at a time: {baseline:.1f} turns/s", flush=True)
    print(f"responders: {', '.join(responders)}")
    print(f"conversations: {args.conversations} x {args.turns} turns, {args.threads} threads per worker, "
          f"{os.cpu_count()} cores (shared; load generator on the same machine)")
    runs = [run_load(args, folder, config, str(folder / "log.db"), 1, args.workers, "sqlite-1-host")]
    if args.two_hosts:
        with postgres_schema(args.postgres_url) as url:
            runs.append(run_load(args, folder, config, url, 2, max(1, args.workers // 2), "postgresql-2-hosts"))
    failed = any(run is None for run in runs)
    done = [run for run in runs if run is not None]
    for run in done:
        report(run, args, baseline)
    if len(done) == 2:
        single, multi = done
        ratio = multi.throughput / single.throughput if single.throughput else float("nan")
        print(f"two hosts on PostgreSQL vs one host on SQLite: throughput {multi.throughput:.1f} vs "
              f"{single.throughput:.1f} turns/s = {ratio:.2f}x (target >= 0.80), p50 {multi.percentile(50):.0f} vs "
              f"{single.percentile(50):.0f} ms, p99 {multi.percentile(99):.0f} vs {single.percentile(99):.0f} ms")
    if args.keep:
        print("kept:", folder)
    else:
        shutil.rmtree(folder, ignore_errors=True)
    clean = all(not run.errors and not any(run.log.values()) for run in done)
    return 0 if clean and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
