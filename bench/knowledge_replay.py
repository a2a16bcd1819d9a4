"""Does the knowledge responder share a relevant fact when a real user names something?

Builds a store from Topical-Chat's Wikipedia lead sections (``topical_chat/wiki.json``, titles and
topics from ``entity_to_topic.json``) into a temporary folder, replays Topical-Chat validation
conversations (agent_1 is the user) through the shipped scripted bot with that store, and reports:

- mentions: share of user turns that mention a stored entity (the linker linked one; also shown:
  turns whose text contains an entity's title as whole words, a reference independent of the linker)
- answered: share of those turns whose bot reply holds a fact about (one of) the linked entities,
  over all linked mentions, and over the mentions that bring something up: a named entity, or an
  everyday concept the utterance is about ("i love dogs", "did you know dogs ..."; not "my dog is
  asleep"; the responder's own ``brings_up``) — the responder
  leaves concepts in passing alone on purpose; and how many unanswered ones had no unsaid fact left
- facts repeated within a conversation (target 0)

``valid_freq.json`` conversations are the tuning part and ``valid_rare.json`` the held-out part:
both are reported. Target: ≥ 60% of entity mentions get a relevant fact.

    python bench/knowledge_replay.py [--data ../shared/data] [--conversations 150] [--examples 8]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Topical-Chat's topic names -> ours (the scripted topics' names where one fits).
TOPICS = {"movies": "movies", "music": "music", "books": "books", "sports": "sports", "sci_tech": "science",
          "politics": "politics", "fashion": "fashion", "entertainment_general": None}


def wiki_entities(data: Path) -> list[dict]:
    """(title, text, topic) for each entity of entity_to_topic.json whose lead section we can find:
    wiki.json keys leads by text, so a lead is matched to the entity whose name its first sentence opens with."""
    wiki = json.loads((data / "topical_chat" / "wiki.json").read_text(encoding="utf-8"))
    topics = json.loads((data / "topical_chat" / "entity_to_topic.json").read_text(encoding="utf-8"))
    leads = list(wiki["shortened_wiki_lead_section"]) + list(wiki["summarized_wiki_lead_section"])
    entities, used = [], set()
    for name, topic in topics.items():
        display = re.sub(r"\s*\([^)]*\)$", "", name)
        pattern = re.compile(r"^(?:the |an? )?" + re.escape(display.lower()).replace(r"\ ", r"[\s-]") + r"\b")
        match = next((t for t in leads if t not in used and pattern.search(t.lower()[:200])), None)
        if match is None:
            first_words = display.lower().split()[0]
            match = next((t for t in leads if t not in used and display.lower() in t.lower()[:120]
                          and t.lower().startswith(first_words[:4])), None)
        if match is None:
            continue
        used.add(match)
        entities.append({"title": name, "text": match.replace("\n", " "), "topic": TOPICS.get(topic)})
    return [{k: v for k, v in e.items() if v is not None} for e in entities]


def fact_spoken(text: str, facts: list[str]) -> list[str]:
    lowered = text.lower()
    return [f for f in facts if f.lower().rstrip(".!?") in lowered]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--conversations", type=int, default=150, help="per part (tuning and held-out)")
    parser.add_argument("--examples", type=int, default=8, help="sample exchanges to print for reading")
    args = parser.parse_args()
    data = Path(args.data)
    if not (data / "topical_chat" / "wiki.json").is_file():
        sys.exit(f"error: no topical_chat/wiki.json under {data}")

    from chirpy.bot import Bot
    from chirpy.config import Config
    from chirpy.replay import read_conversations, replay
    from knowledge.builder import build_store
    from knowledge.service import open_knowledge
    from knowledge.sources import input_files, read_sources

    work = Path(tempfile.mkdtemp(prefix="knowledge-replay-"))
    entities = wiki_entities(data)
    source = work / "wiki.jsonl"
    source.write_text("".join(json.dumps(e) + "\n" for e in entities), encoding="utf-8")
    report = build_store(read_sources(input_files(source)), work / "store")
    print(f"store: {report.entities} of {len(json.loads((data / 'topical_chat' / 'entity_to_topic.json').read_text()))} "
          f"Topical-Chat entities matched to a lead section; {report.names} names")
    knowledge = open_knowledge({"path": str(work / "store")})
    titles = {}
    for entity_id in [r[0] for r in knowledge.store._db().execute("SELECT id FROM entities")]:  # the reference names
        stored = knowledge.store.get(entity_id)
        titles[entity_id] = re.compile(r"\b" + re.escape(stored.title.lower()) + r"s?\b")

    # A generous deadline: this measures what is said, not how fast (bench/turn_latency.py does that), and a
    # busy machine must not turn answers into deadline misses.
    config = Config.from_dict({"bot": {"db": str(work / "log.db"), "seed": 0, "deadline_seconds": 10.0},
                               "responders": {"neural": {"model": ""}}, "knowledge": {"path": str(work / "store")}})
    bot = Bot(config)
    rng = random.Random(0)
    for part, file in (("tuning (valid_freq)", "valid_freq.json"), ("held-out (valid_rare)", "valid_rare.json")):
        conversations = read_conversations(data / "topical_chat" / file, fmt="topical", side="agent_1")
        conversations = conversations[: args.conversations]
        turns = []
        started = time.perf_counter()
        replay(bot, conversations, on_turn=turns.append)
        seconds = time.perf_counter() - started
        user_turns = [t for t in turns if not t.annotations.is_launch]
        mentioned = [t for t in user_turns if t.annotations.linked_entities]
        by_title = [t for t in user_turns if any(p.search(t.annotations.text.lower()) for p in titles.values())]
        answered, repeated, spoken_by_conversation = [], 0, {}
        examples = []
        responder = bot.responders["knowledge"]
        brought_up = [t for t in mentioned if any(responder.brings_up(t.annotations, link, knowledge.store.get(link.id))
                                                  for link in t.annotations.linked_entities)]
        for t in user_turns:
            said = spoken_by_conversation.setdefault(t.conversation_id, [])
            facts = []
            for link in t.annotations.linked_entities:
                facts += fact_spoken(t.text, list(knowledge.store.get(link.id).all_facts()))
            if t in mentioned and facts:
                answered.append(t)
                examples.append(t)
            all_facts = []
            if t.response.responder == "knowledge" and t.response.meta.get("entity_id"):
                entity = knowledge.store.get(t.response.meta["entity_id"])
                all_facts = fact_spoken(t.text, list(entity.all_facts())) if entity else []
            repeated += sum(1 for f in set(all_facts + facts) if f in said)
            said.extend(set(all_facts + facts))
        knowledge_turns = sum(t.response.responder == "knowledge" for t in user_turns)
        share = len(answered) / len(mentioned) if mentioned else 0.0
        answered_up = [t for t in brought_up if t in answered]
        up_share = len(answered_up) / len(brought_up) if brought_up else 0.0
        print(f"\n{part}: {len(conversations)} conversations, {len(user_turns)} user turns "
              f"({seconds / max(1, len(user_turns)) * 1000:.0f} ms a turn)")
        print(f"  user turns mentioning a stored entity (linked): {len(mentioned)} = {len(mentioned) / len(user_turns):.1%}"
              f"   (title as words, linker-independent: {len(by_title)} = {len(by_title) / len(user_turns):.1%})")
        print(f"  ... answered with a fact about it: {len(answered)} = {share:.1%} of all linked mentions   target ≥ 60%: "
              f"{'met' if share >= 0.6 else 'MISSED'}")
        print(f"  mentions that bring something up (a name, or a concept the turn is about): {len(brought_up)}; "
              f"answered with a fact: {len(answered_up)} = {up_share:.1%}   target ≥ 60%: {'met' if up_share >= 0.6 else 'MISSED'}")
        print(f"  knowledge responder spoke in {knowledge_turns} turns; facts repeated in a conversation: {repeated} "
              f"(target 0)")
        for t in rng.sample(examples, min(args.examples, len(examples))):
            links = ", ".join(f"{l.title}" for l in t.annotations.linked_entities)
            print(f"    USER: {t.annotations.text[:140]}\n      [{links}]\n    BOT:  {t.text[:220]}")
    bot.close()


if __name__ == "__main__":
    main()
