"""Time the dialogue-act classifier alone, per utterance, against another checkout in the same run.

    python bench/acts_latency.py --code ../main [--data ../shared/data/topical_chat] [--n 2000] [--rounds 3]

The utterances are Topical-Chat messages from the tuning conversations (never the held-out ones),
made speech-like (lowercase, no punctuation), so they have the lengths and run-on sentences real
users produce. Each checkout is timed in its own child process (its own ``chirpy`` first on
``sys.path``), rounds alternating between the two so that load from other processes falls on both
alike. Printed: mean and p50 / p95 milliseconds per utterance for each checkout, and the ratio.
Times only ``classify`` (spaCy and the rest of the annotator are timed by ``understanding_eval.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "topical_chat"


def worker(job_path: str, out_path: str) -> None:
    import time

    from chirpy.understanding.acts.classifier import default_classifier

    texts = json.loads(Path(job_path).read_text(encoding="utf-8"))
    classifier = default_classifier()
    for text in texts[:50]:  # warm up: caches, numpy code paths
        classifier.classify(text)
    times = []
    for text in texts:
        started = time.perf_counter()
        classifier.classify(text)
        times.append(1000 * (time.perf_counter() - started))
    Path(out_path).write_text(json.dumps(times), encoding="utf-8")


def main(argv: list[str]) -> int:
    if argv[:1] == ["--worker"] and len(argv) == 3:  # the child: time the checkout it runs in
        worker(argv[1], argv[2])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, help="the other checkout (the baseline); required")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--n", type=int, default=2000, help="utterances per round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from chirpy.errors import ChirpyError
    from chirpy.understanding.acts.speech import speech_form
    from chirpy.understanding.acts.data import is_held_out, read_topical_chat

    if args.code is None:
        print("error: --code PATH (the baseline checkout) is required", file=sys.stderr)
        return 2
    if not (args.code / "chirpy").is_dir():
        print(f"error: {args.code} is not a chirpy checkout (no chirpy/ folder)", file=sys.stderr)
        return 2
    try:
        conversations = [c for c in read_topical_chat(args.data) if c and not is_held_out(c[0].conversation_id)]
    except ChirpyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    texts = [t for c in conversations for m in c if (t := speech_form(m.text))][: args.n]
    checkouts = {"this": ROOT, "baseline": args.code.resolve()}
    times: dict[str, list[float]] = {name: [] for name in checkouts}
    with tempfile.TemporaryDirectory() as tmp:
        job, out = Path(tmp) / "job.json", Path(tmp) / "out.json"
        job.write_text(json.dumps(texts), encoding="utf-8")
        for _ in range(args.rounds):
            for name, code in checkouts.items():
                env = {**os.environ, "PYTHONPATH": str(code)}
                subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker", str(job), str(out)],
                               cwd=str(code), env=env, check=True)
                times[name] += json.loads(out.read_text(encoding="utf-8"))
    print(f"{len(texts)} speech-like utterances x {args.rounds} rounds (mean {statistics.mean(len(t.split()) for t in texts):.1f} words)")
    summary = {}
    for name, values in times.items():
        ordered = sorted(values)
        summary[name] = statistics.mean(values)
        print(f"{name:<9} {checkouts[name]}: mean {summary[name]:.3f} ms, p50 {ordered[len(ordered) // 2]:.3f} ms, "
              f"p95 {ordered[int(0.95 * len(ordered))]:.3f} ms per utterance")
    print(f"this / baseline (mean): {summary['this'] / summary['baseline']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
