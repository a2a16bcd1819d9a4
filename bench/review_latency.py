"""Page latencies of `chirpy review` on a generated log (default 100,000 turns).

Usage:  python bench/review_latency.py [--turns 100000] [--db PATH] [--repeat 5]

Generates a log shaped like the default bot's (bench/eval_throughput.py's generator), then times, in
process through Flask's test client (no network): the first request (which builds the in-memory
conversation index), list pages with each filter, text search, a conversation page, and the labels API.
Baseline in the same run: the same filters answered the naive way, by SQL scanning every turn's JSON
annotations per request. Figures are wall-clock on a shared machine: medians of --repeat runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from eval_throughput import generate  # noqa: E402

from chirpy.store import open_log  # noqa: E402
from review.app import create_review_app  # noqa: E402


def timed(work: Callable[[], Any], repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=None, help="Reuse (or create) this generated log.")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    path = args.db or Path(tmp.name) / "bench.db"
    if not path.exists():
        generate(path, args.turns)
    store = open_log(path)
    client = create_review_app(store, annotator="bench").test_client()

    def get(url: str) -> Callable[[], Any]:
        def fetch() -> Any:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response
        return fetch

    started = time.perf_counter()
    get("/")()
    print(f"{store.count_turns():,} turns, {store.count_conversations():,} conversations")
    print(f"first request (builds the conversation index): {(time.perf_counter() - started) * 1000:,.0f} ms")
    cid = store.conversation_summaries()[len(store.conversation_summaries()) // 2][0]
    client.post("/api/v1/labels", json={"conversation_id": cid, "turn_index": 1, "kind": "bot_error",
                                        "value": "unclear"})
    pages = [
        ("list, page 1", "/"),
        ("list, last page", "/?page=1000000"),
        ("filter: has offense", "/?offense=yes"),
        ("filter: has dissatisfaction", "/?dissatisfaction=yes"),
        ("filter: arm", "/?arm=backchannel%3D33"),
        ("filter: responder", "/?responder=neural"),
        ("filter: ending", "/?ended=user_goodbye"),
        ("filter: labelled", "/?labelled=yes"),
        ("filter: date range", "/?date_from=2025-01-01&date_to=2027-01-01"),
        ("text search", "/?text=football+cooking"),
        ("all filters + search", "/?offense=yes&dissatisfaction=yes&arm=backchannel%3D33&text=dog"),
        ("conversation page", f"/conversations/{cid}"),
        ("GET labels of a conversation", f"/api/v1/labels?conversation_id={cid}"),
    ]
    print(f"page latency (ms), median and max of {args.repeat}:")
    for label, url in pages:
        median, worst = timed(get(url), args.repeat)
        print(f"  {label:32s} {median:8.1f}  {worst:8.1f}")
    median, worst = timed(lambda: client.post("/api/v1/labels", json={
        "conversation_id": cid, "turn_index": 2, "kind": "bot_error", "value": "repetition"}), args.repeat)
    print(f"  {'POST a label':32s} {median:8.1f}  {worst:8.1f}")

    naive = {
        "naive SQL: has offense": "SELECT DISTINCT conversation_id FROM turns WHERE "
                                  "json_extract(annotations, '$.offense.is_offensive') = 1",
        "naive SQL: has dissatisfaction": "SELECT DISTINCT conversation_id FROM turns WHERE "
                                          "json_array_length(json_extract(annotations, '$.dissatisfaction')) > 0",
    }
    print("baseline, the same filters by scanning every turn's JSON per request (ms):")
    for label, sql in naive.items():
        median, worst = timed(lambda sql=sql: store.query(sql), args.repeat)
        print(f"  {label:32s} {median:8.1f}  {worst:8.1f}")
    store.close()
    tmp.cleanup()


if __name__ == "__main__":
    main()
