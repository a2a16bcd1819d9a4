"""How well the bot understands real users (issue 13), on Topical-Chat made speech-like.

    python bench/understanding_eval.py [--data ../shared/data/topical_chat] [--code PATH]
        [--replay held_out|tuning|all|none] [--side agent_1|agent_2] [--no-acts] [--transcripts PATH]

Conversations are split by a fixed hash of their id (``chirpy.understanding.acts.data``); the
held-out fifth informs no weight, threshold or word list. Printed:

1. Dialogue acts on held-out messages in speech-like form (lowercase, no punctuation), against
   weak labels from the typed originals: per-act precision / recall / F1, and question detection.
2. A replay of conversations through the real ``Bot`` (scripted responders, a temporary log): names
   taken (nobody introduces themselves in Topical-Chat: the target is 0), the share of user questions
   answered with an "I don't know"-type line (target ≤ 15%), and the fallback share (target ≤ 12%).

``--replay tuning`` replays as many conversations as are held out, drawn evenly from the rest: the
set to tune answers on. ``--transcripts PATH`` writes every replayed turn (what the user said, the
bot's previous line and its answer, the responder, whether it was a question and an I-don't-know
line) as JSON lines, to read the bot's answers to real users. ``--no-acts`` skips part 1.

``--code PATH`` runs the bot and its annotator from another checkout (e.g. ``/work/main`` for the
"before" figures) while the labels stay this checkout's: the bot side runs in a child process with
that checkout first on ``sys.path``. A bot without dialogue acts is read through its old flags
(is_question, is_yes_no_question, ...), so acts it never had show as 0.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "topical_chat"
# Bot lines that admit not knowing: the "I don't know"-type answers the issue counts.
DONT_KNOW_LINE = re.compile(
    r"\b(i don'?t know|i'?m not sure|not sure|no idea|mystery to me|wish i knew|i'?m afraid i don'?t|"
    r"don'?t know much about|still figuring out|have to think about it)\b", re.IGNORECASE)
# Old annotators had flags, not acts: how each flag reads as an act.
LEGACY_FLAGS = {"is_yes_no_question": "yes_no_question", "is_command": "command", "is_yes": "pos_answer",
                "is_no": "neg_answer", "is_backchannel": "back_channel"}


# -- the bot side (runs with the checkout under test first on sys.path) ----------------------------
def worker(job_path: str, out_path: str) -> None:
    from chirpy.annotations import CoreAnnotator
    from chirpy.bot import Bot
    from chirpy.config import Config
    from chirpy.text import clean_user_text

    job = json.loads(Path(job_path).read_text(encoding="utf-8"))
    out: dict[str, Any] = {"acts": [], "turns": []}
    with tempfile.TemporaryDirectory() as tmp:
        bot = Bot(Config.from_dict({"bot": {"db": str(Path(tmp) / "eval.db")}, "responders": {"neural": {"model": ""}}}))
        annotator: CoreAnnotator = bot.annotator
        started = time.perf_counter()
        for text in job["utterances"]:
            ann = annotator.annotate(clean_user_text(text, 1000))
            out["acts"].append(_acts_of(ann))
        out["annotate_ms"] = 1000 * (time.perf_counter() - started) / max(1, len(job["utterances"]))
        # The same messages through spaCy alone, right after: what the annotator adds on top of it.
        sample = job["utterances"][:1000]
        started = time.perf_counter()
        for text in sample:
            bot.nlp(clean_user_text(text, 1000).text)
        spacy_ms = 1000 * (time.perf_counter() - started) / max(1, len(sample))
        started = time.perf_counter()
        for text in sample:
            annotator.annotate(clean_user_text(text, 1000))
        out["timing"] = {"spacy_ms": spacy_ms, "annotate_ms": 1000 * (time.perf_counter() - started) / max(1, len(sample))}
        for n, conversation in enumerate(job["conversations"]):
            cid = f"eval-{n}"
            previous = bot.start(cid).text
            for text in conversation:
                result = bot.respond(cid, text)
                ann = result.annotations
                out["turns"].append({"conversation": n, "responder": result.response.responder, "text": result.text,
                                     "user_name": ann.user_name, "said": text, "previous": previous,
                                     "prompt_responder": result.prompt.responder if result.prompt else None,
                                     "facts": [[f.kind, f.value, f.topic] for f in getattr(ann, "user_facts", [])],
                                     # A part that failed makes the figures those of a different bot.
                                     "errors": [f"{r.responder}/{r.phase}: {r.error}" for r in result.runs if r.status == "error"]
                                     + [f"annotator {k}: {v}" for k, v in ann.extra.get("annotator_errors", {}).items()]})
                previous = result.text
                if result.ended:
                    break
        bot.close()
    Path(out_path).write_text(json.dumps(out), encoding="utf-8")


def _acts_of(ann: Any) -> list[str]:
    if hasattr(ann, "acts"):
        return list(ann.acts)
    acts = [act for flag, act in LEGACY_FLAGS.items() if getattr(ann, flag, False)]
    if ann.is_question and "yes_no_question" not in acts:
        acts.append("question")  # an old bot could not say which kind
    return acts


# -- the measuring side (this checkout) -----------------------------------------------------------
def print_acts(out: dict[str, Any], held_out: list[Any], messages: list[Any], gold: list[Any], strict: list[Any]) -> None:
    from chirpy.understanding.acts.metrics import QUESTION, act_table, format_table

    predicted = [set(a) for a in out["acts"]]
    print(f"\n== dialogue acts: {len(held_out)} held-out conversations, {len(messages)} messages, speech-like "
          f"(annotator {out['annotate_ms']:.1f} ms per message, spaCy included)")
    table = act_table(gold, predicted)
    timing = out.get("timing", {})
    if timing:
        print(f"timing on {min(1000, len(messages))} messages: spaCy alone {timing['spacy_ms']:.1f} ms, whole core annotator "
              f"{timing['annotate_ms']:.1f} ms per message (adds {timing['annotate_ms'] - timing['spacy_ms']:.1f} ms)")
    print(format_table(table))
    q = table[QUESTION]
    print(f"question detection F1 {q.f1:.3f} (P {q.precision:.3f}, R {q.recall:.3f})   target ≥ 0.90: "
          f"{'met' if q.f1 >= 0.90 else 'MISSED'}")
    s = act_table(strict, predicted, (QUESTION,))[QUESTION]
    print(f"  against '?'-only labels (a typed question without its '?' counts as a statement): "
          f"F1 {s.f1:.3f} (P {s.precision:.3f}, R {s.recall:.3f})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose bot is measured (default: this one)")
    parser.add_argument("--replay", choices=("held_out", "tuning", "all", "none"), default="held_out",
                        help="conversations replayed through the bot")
    parser.add_argument("--side", choices=("agent_1", "agent_2"), default="agent_1", help="who plays the user")
    parser.add_argument("--show", type=int, default=8, help="examples of names taken and I-don't-know answers to print")
    parser.add_argument("--no-acts", action="store_true", help="skip the dialogue-act table (replay only)")
    parser.add_argument("--transcripts", type=Path, help="write the replayed turns here as JSON lines")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker)
        return 0

    sys.path.insert(0, str(ROOT))
    from chirpy.errors import ChirpyError
    from chirpy.understanding.acts.data import is_held_out, read_topical_chat
    from chirpy.understanding.acts.rules import ActRules
    from chirpy.understanding.acts.speech import speech_form
    from chirpy.understanding.acts.vocabulary import QUESTION_ACTS
    from chirpy.understanding.acts.weak_labels import weak_label

    try:
        conversations = [c for c in read_topical_chat(args.data) if c]
    except ChirpyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    rules = ActRules.load()
    held_out = [c for c in conversations if is_held_out(c[0].conversation_id)]
    messages = [m for c in held_out for m in c if speech_form(m.text)]
    gold = [weak_label(m.text, rules).utterance_acts for m in messages]  # type: ignore[union-attr]
    strict = [weak_label(m.text, rules, strict=True).utterance_acts for m in messages]  # type: ignore[union-attr]
    if args.no_acts:
        messages, gold, strict = [], [], []
    rest = [c for c in conversations if not is_held_out(c[0].conversation_id)]
    tuning = rest[:: max(1, len(rest) // max(1, len(held_out)))][: len(held_out)]
    replayed = {"held_out": held_out, "tuning": tuning, "all": conversations, "none": []}[args.replay]
    user_sides = [[m for m in c if m.agent == args.side and speech_form(m.text)] for c in replayed]
    job = {"utterances": [speech_form(m.text) for m in messages],
           "conversations": [[speech_form(m.text) for m in side] for side in user_sides]}

    with tempfile.TemporaryDirectory() as tmp:
        job_path, out_path = Path(tmp) / "job.json", Path(tmp) / "out.json"
        job_path.write_text(json.dumps(job), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(args.code.resolve()), "HF_HUB_OFFLINE": "1"}
        started = time.perf_counter()
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker", str(job_path), str(out_path)],
                       cwd=str(args.code.resolve()), env=env, check=True)
        elapsed = time.perf_counter() - started
        out = json.loads(out_path.read_text(encoding="utf-8"))

    print(f"code: {args.code.resolve()}   data: {args.data}   ran in {elapsed:.0f} s")
    if not args.no_acts:
        print_acts(out, held_out, messages, gold, strict)
    turns = out["turns"]
    if not turns:
        return 0
    said_to_gold: dict[str, bool] = {}
    for side in user_sides:
        for m in side:
            label = weak_label(m.text, rules)
            said_to_gold[speech_form(m.text)] = bool(label and label.utterance_acts & QUESTION_ACTS)
    names = [t for t in turns if t["user_name"]]
    named_conversations = {t["conversation"] for t in names}
    questions = [t for t in turns if said_to_gold.get(t["said"])]
    dont_know = [t for t in questions if DONT_KNOW_LINE.search(t["text"])]
    fallback = [t for t in turns if t["responder"] == "fallback"]
    n_conv = len(job["conversations"])
    print(f"\n== replay: {n_conv} conversations ({args.replay}, {args.side} plays the user), {len(turns)} user turns")
    print(f"names taken: {len(names)} turns in {len(named_conversations)}/{n_conv} conversations   target 0: "
          f"{'met' if not names else 'MISSED'}")
    for t in names[: args.show]:
        print(f"  name {t['user_name']!r} from: {t['said'][:90]!r}")
    for t in dont_know[: args.show]:
        print(f"  asked {t['said'][-70:]!r} -> [{t['responder']}] {t['text'][:70]!r}")
    share = len(dont_know) / max(1, len(questions))
    print(f"user questions answered with an I-don't-know line: {len(dont_know)}/{len(questions)} = {100 * share:.1f}%"
          f"   target ≤ 15%: {'met' if share <= 0.15 else 'MISSED'}")
    with_facts = [t for t in turns if t.get("facts")]
    if with_facts:  # listening memory: what the bot learned about the users (issue 13, item 4)
        by_kind: dict[str, int] = {}
        for t in with_facts:
            for kind, _, _ in t["facts"]:
                by_kind[kind] = by_kind.get(kind, 0) + 1
        print(f"user facts read in {len(with_facts)}/{len(turns)} turns: "
              + ", ".join(f"{kind} {count}" for kind, count in sorted(by_kind.items(), key=lambda kv: -kv[1])))
        for t in with_facts[: args.show]:
            read = "; ".join(f"{k} {v} ({tp or '-'})" for k, v, tp in t["facts"])
            print(f"  facts [{read}] from: {t['said'][:80]!r}")
    if args.transcripts:
        with args.transcripts.open("w", encoding="utf-8") as f:
            for t in turns:
                asked = bool(said_to_gold.get(t["said"]))
                f.write(json.dumps({**t, "question": asked, "dont_know": asked and bool(DONT_KNOW_LINE.search(t["text"]))}) + "\n")
    fshare = len(fallback) / len(turns)
    print(f"fallback share: {len(fallback)}/{len(turns)} = {100 * fshare:.1f}%   target ≤ 12%: "
          f"{'met' if fshare <= 0.12 else 'MISSED'}")
    failed = [t for t in turns if t.get("errors")]
    if failed:
        # Figures from a bot whose responders or annotators raised are not the bot's figures.
        print(f"INVALID RUN: a responder or annotator failed in {len(failed)}/{len(turns)} turns, e.g. {failed[0]['errors'][0]}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
