"""The knowledge responder (registered as "knowledge").

- The user names something the store knows ("i've been listening to radiohead a lot"): share one
  fact in a conversational form, then an opinion or a question about it; while the user keeps
  going, another fact (after a nod to what they said), up to ``max_facts_per_entity``; then, or as
  soon as the user gives little back, hand back to the entity's scripted topic.
- A factual question ("who is X", "when was X formed", "who won the world cup in 2018", "do you
  know anything about bees") is answered from the store when a stored sentence answers it, and
  with an honest "I'm not sure" otherwise.
- A fact is never said twice in a conversation (``said`` in private state), nor one that merely
  echoes what the user just said. Every line passes the bot's filters (the safety gate included).

Priorities: an answer, an entity named in a longer statement and a reply to our own line are
STRONG_CONTINUE, listed after ``neural`` and before the topics in ``[responders] order``, so the
user-initiative handlers (force-start) still win and the knowledge line wins over a topic's generic
reaction. A short utterance ("pizza", "the lakers") is usually an answer to a topic's question:
there the responder speaks at WEAK_CONTINUE, so the topic (strong/can-start) keeps it. An unknown
answer is WEAK_CONTINUE too: any responder with something better to say wins.

Private state: ``entity`` (the id being discussed, or absent), ``facts_on_entity``, ``said``
(fact keys), ``discussed`` (entity ids, read by the linker as conversation context), ``follows``
(opinion/question alternation) and the phrasing memory.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from chirpy.annotations import Annotations, LinkedEntity
from chirpy.content import load_content, normalise
from chirpy.errors import ConfigError
from chirpy.registry import responders
from chirpy.responder import Candidate, Handoff, Priority, Responder, Returned, TurnContext
from chirpy.text import is_acronym_of, normalise_for_comparison
from chirpy.understanding import understanding
from chirpy.understanding.reading import only_modifies
from knowledge.entry import StoredEntity
from knowledge.service import Knowledge
from responders.knowledge.questions import FactualQuestion, QuestionReader, best_answer, content_stems, stem
from responders.topics.lines import Said, build, choose, load_slots, shared_reactions
from responders.topics.listening import about, user_leads

CONTENT = Path(__file__).parent / "content" / "knowledge.toml"
# Dissatisfaction types the user-initiative handlers answer: the user wants out, not more facts.
LEAVE_TYPES = frozenset({"disinterest", "change_topic", "end_conversation", "offensive", "repetition"})
# Sentence openers that read naturally lowercased after "I read that ...".
_LOWERABLE = frozenset("the a an it its they their he his she her in on at during after before since there this these "
                       "many most some one each every when while by as with about over unlike although despite".split())
MAX_DISCUSSED = 20
ANSWER_LEAD_WORDS = 4  # an answer names its thing within its first words
# A turn about something else than the entity we hold: this many content words of their own, none of
# ours and no word pointing back at it (content: [back_references]), make it theirs.
OWN_THING_STEMS = 4
DIGITS = re.compile(r"\d")
OFFER_LEAD_WORDS = 8  # "yeah did you know that the zorblat quintet": a shared fact's thing comes early
_LEGAL_SUFFIX = re.compile(r",?\s+(?:Inc|Ltd|LLC|PLC|Corp|GmbH|AG)\.?$")


def handoff_to(topic: str | None) -> Handoff | None:
    """The one place this responder hands the conversation to a scripted topic: the topic that
    claims the entity's topic ("music") opens, or resumes, in the prompt phase."""
    return Handoff(requested=topic) if topic else None


def fact_key(fact: str) -> str:
    return hashlib.sha1(normalise_for_comparison(fact).encode()).hexdigest()[:12]


def fact_clause(fact: str) -> str:
    """'The band formed in 1985.' -> 'the band formed in 1985.' (to follow 'I read that')."""
    first = fact.split(" ", 1)[0]
    return fact[0].lower() + fact[1:] if first.lower() in _LOWERABLE and first[1:] == first[1:].lower() else fact


def reads_as_clause(fact: str, entity: StoredEntity) -> bool:
    """Can the fact follow "I read that ..."? When it opens with a lowerable word ("the band ..."),
    a number, or the entity's own name ("Radiohead formed ...")."""
    first = fact.split(" ", 1)[0].strip(",;:")
    if first.lower() in _LOWERABLE or first[:1].isdigit():
        return True
    return first.lower() in {w.lower().strip(",.") for w in entity.title.split()}


def title_fields(entity: StoredEntity, said: str | None = None) -> dict[str, str]:
    """How to name it: a name as stored ("the Beatles" mid-sentence), a common noun as the user
    said it ("bees", not "Honey bee")."""
    if entity.generic and said:
        return {"title": said.lower(), "Title": said[:1].upper() + said[1:].lower(), "name": said.lower()}
    if said and is_acronym_of(said, entity.title):  # "nfl": "the NFL", as people say it
        return {"title": f"the {said.upper()}", "Title": f"The {said.upper()}", "name": said.upper()}
    title = _LEGAL_SUFFIX.sub("", entity.title)  # "Tesla", not "Tesla, Inc." (but "the Walt Disney Company")
    if not title.startswith("The ") and (
            entity.description.startswith(f"The {title}")  # its own text says "The Solar System is ..."
            or entity.topic == "sports" and len(title.split()) > 1 and title.endswith("s")):  # "the New England Patriots"
        title = f"The {title}"
    return {"title": "the" + title[3:] if title.startswith("The ") else title, "Title": title,
            "name": title[4:] if title.startswith("The ") else title}  # "my Solar System trivia"


@responders.register("knowledge")
class KnowledgeResponder(Responder):
    defaults = {
        "content": "",  # "": content/knowledge.toml
        "max_facts_per_entity": 3,  # facts about one entity before handing back to its topic
        "short_reply_words": 3,  # a reply this short, without a new entity, counts as low engagement
        "min_link_score": 0.9,  # weaker links (one word of a longer name, ...) need a named, uncommon entity
        "long_statement": 9,  # words from which a named thing counts as said in passing, within a point of their own
        "answer_words": 14,  # ... unless it answers our question in as many words ("mostly radiohead lately and ...")
        "place_topics": ["travel"],  # topics whose things are places: named after "in", the setting of a point
    }
    requires = ("linked_entities",)
    uses = ("knowledge",)  # the store and its linker, opened by the bot from [knowledge]

    def __init__(self, config: dict[str, Any] | None = None, resources: dict[str, Any] | None = None) -> None:
        super().__init__(config, resources)
        self.knowledge: Knowledge = self.resources["knowledge"]
        path = self.config["content"] or CONTENT
        data = load_content(path, CONTENT.parent)
        where = str(path)
        self.lines = load_slots(data, where)
        self.shared = shared_reactions()  # agreeing in their word, or with their view: the topics' own lines
        try:
            self.questions = QuestionReader(data["questions"], where)
            self.focus = [p for p in data["concept_focus"]["patterns"]]
            self.agreeing = frozenset(data["agreeing"]["words"])
            self.back_references = frozenset(data["back_references"]["words"])
            self.more_requests = [re.compile(p) for p in data["more_requests"]["patterns"]]
            self.know_forms = [re.compile(p) for p in data["questions"]["know_forms"]]
            tuning = data.get("tuning", {})
        except KeyError as exc:
            raise ConfigError(f"{where}: missing {exc}") from None
        self.max_facts = int(self.config["max_facts_per_entity"])
        self.short_reply = int(self.config["short_reply_words"])
        self.min_score = float(self.config["min_link_score"])
        self.long_statement = int(self.config["long_statement"])
        self.answer_words = int(self.config["answer_words"])
        self.place_topics = frozenset(self.config["place_topics"])
        self.echo_overlap = float(tuning.get("echo_overlap", 0.4))
        self.function_words = self.knowledge.linker.function_words

    # -- the turn --------------------------------------------------------------------------------
    def respond(self, ctx: TurnContext) -> Returned:
        ann = ctx.annotations
        if ann.is_launch or ann.is_empty or not ann.is_english or LEAVE_TYPES & set(ann.dissatisfaction):
            return None
        private = {**ctx.private, "said": list(ctx.private.get("said", [])),
                   "discussed": list(ctx.private.get("discussed", []))}
        question = self.questions.read(ann.text)
        if question is None and ann.reading.question_sentences:
            # "wow that's stiff competition are you familiar with X": asked after a statement.
            # Only when we know the thing: an unknown one is the answers responder's ("I haven't heard
            # of it, tell me!"), which keeps the conversation going better than our "I don't know much".
            # "some are smart business men how many teams are in the nfl": any factual question, asked
            # at the end of a remark, is ours when we know its subject.
            asked = ann.reading.question_sentences[0]
            inner = self.questions.read(asked)
            if inner is not None and (inner.kind == "know_about" or understanding().is_interrogative(asked)):
                if not self._subjects(ctx, private, inner):
                    return None  # a fact about a thing named earlier in the turn would not answer it
                question = inner
        if question is not None:
            return self._answer(ctx, private, question)
        if not ann.reading.shares_fact and any(p.search(q) for p in self.questions.thinking_aloud
                                               for q in ann.reading.question_sentences):
            return None  # "i wonder how a woman would size up against him": thinking aloud, not a cue for our fact
        if ann.reading.asks_back or (self._not_for_a_fact(ann) and not self._wants_more(ann)):
            return None
        if ann.reading.news or ann.reading.feeling:
            return None  # "my grandma fell but she's better": their news is the subject, never a fact
        talkable = self._talkable(ctx, private)
        if talkable is not None and talkable[0].id != private.get("entity"):
            return self._introduce(ctx, private, *talkable)
        moved_on = any(link.id != private.get("entity") for link in ctx.annotations.linked_entities) and talkable is None
        if private.get("entity") and ctx.state.active_responder == self.name and not moved_on:
            return self._continue(ctx, private)  # (they named something else in passing: let them lead)
        return None

    def _wants_more(self, ann: Annotations) -> bool:
        """"can you share some of those facts with me", "could you tell me about it": more of ours, please."""
        said = normalise(ann.text)
        return any(p.search(said) for p in self.more_requests)

    def _not_for_a_fact(self, ann: Annotations) -> bool:
        """"do you like bruno mars", "did you ever play halo", "was that their first win": a question
        we cannot read as factual, which a fact about the thing would not answer; the answers
        responder (or an honest fallback) takes it. "do you know who stan lee was" is for a fact."""
        if not ann.is_question or ann.reading.shares_fact or not understanding().asks(ann.reading):
            return False
        return not any(p.search(q) for p in self.know_forms for q in ann.reading.question_sentences)

    def _talkable(self, ctx: TurnContext, private: dict[str, Any]) -> tuple[StoredEntity, LinkedEntity] | None:
        """The best linked entity worth a fact: a name, or a concept the utterance is about."""
        for linked in ctx.annotations.linked_entities:
            if linked.score < self.min_score and linked.id not in private["discussed"]:
                continue
            entity = self.knowledge.store.get(linked.id)
            if entity is None or not self.brings_up(ctx.annotations, linked, entity):
                continue
            if self._fresh_facts(entity, private, ctx.annotations.text):
                return entity, linked
        return None

    def brings_up(self, ann: Annotations, linked: LinkedEntity, entity: StoredEntity) -> bool:
        """Does the user bring this up? A name, yes; an everyday thing only when the utterance is
        about it ("i love bees", "did you know bees ...") — not "i have to walk my dog"."""
        if not entity.generic:
            return True
        if self._in_front_of_a_noun_only(ann, linked) or self._after_another_noun(ann, linked):
            return False  # "the tea party movement" is not about tea, nor "the national spelling bee" about bees
        if ann.reading.shares_fact:
            return True
        lowered, words = normalise(ann.text), re.escape(normalise(linked.span))
        return any(re.search(p.replace("{span}", words), lowered) for p in self.focus)

    # -- sharing ---------------------------------------------------------------------------------
    def _introduce(self, ctx: TurnContext, private: dict[str, Any], entity: StoredEntity, linked: LinkedEntity) -> Returned:
        ann = ctx.annotations
        fact = self._fresh_facts(entity, private, ann.text)[0]
        again = entity.id in private["discussed"]  # back to something we talked about: no "Oh, X?" a second time
        # Named in passing in a longer statement of theirs: their point is taken in first, then ours
        # comes as a tangent ("Speaking of the NFL, ..."), never "Ooh, the NFL!" as if that were all
        # they said, and no "do you follow the NFL?" to someone who just told us about it.
        # An answer to our question names the thing up front ("mostly radiohead lately ..."), not at the
        # end of a point of its own ("there's no rule against women in the nfl").
        answering = ((ctx.state.last_bot_text or "").rstrip().endswith("?") and ann.reading.words <= self.answer_words
                     and not ann.reading.states_fact
                     and normalise(linked.span) in " ".join(normalise(ann.text).split()[:ANSWER_LEAD_WORDS]))
        passing = (ann.reading.words >= self.long_statement and not answering  # "mostly radiohead lately ..." answers us
                   and (not ann.is_question or ann.reading.shares_fact))
        point = self._said_of(entity, ann.text)
        if passing and not point & content_stems(fact, self.function_words) and (
                self._in_front_of_a_noun_only(ann, linked) or self._only_the_setting(ann, linked)
                or (len(point) >= OWN_THING_STEMS and not self._offered(ann, linked))):
            # Named in passing in a point of their own: only in front of another noun ("saints
            # cheerleaders must leave when nfl players come in"), only where their fact happens ("over 300
            # registered superheroes in the united states"), or beside a point about something else ("the
            # nfl actually uses tracking chips to ..."). A fact that does not touch their point ("It has
            # thirty-two teams") would talk past it, and general facts lower user initiative (DESIGN.md,
            # finding 3): others take their point in, and the user keeps the floor. "did you know X ..."
            # offers X itself to talk about (not "did you know that in the 60s bowlers made more than nfl
            # players"), and "i've watched X since i was a kid" has no point besides X: a fact about X is
            # what those invite. (Exempting every first-person turn as well, tried on the tuning replay,
            # brought back more recitals beside the point than facts that fit.)
            return None
        self._remember(private, entity, linked.span)
        slot = "share_more" if again else "share_passing" if passing else "share_first"
        lead = self._fact_line(ctx, private, slot, entity, fact)
        follow = self._follow(ctx, private, entity, ask=not passing)
        if ann.reading.shares_fact or passing:  # "did you know ...": take in their fact before adding ours
            return self._candidate([self._take_in(ctx, private), lead, follow],
                                   self._priority(ctx, entity), ctx, private, entity, kind="introduce")
        return self._candidate([lead, follow], self._priority(ctx, entity), ctx, private, entity, kind="introduce")

    def _priority(self, ctx: TurnContext, entity: StoredEntity) -> Priority:
        long_statement = len(ctx.annotations.text.split()) > 4 or ctx.state.active_responder == self.name
        strong = long_statement and not self._answers_another_topic(ctx, entity)
        return Priority.STRONG_CONTINUE if strong else Priority.WEAK_CONTINUE

    @staticmethod
    def _answers_another_topic(ctx: TurnContext, entity: StoredEntity) -> bool:
        """A short reply to a topic's question that links to another topic's entity ("it was dune part
        two" to the movie script's question, linked to the novel) is that topic's answer, read wrong
        by the linker: the topic keeps the turn."""
        topic = ctx.topics.of_responder(ctx.state.active_responder or "")
        asked = (ctx.state.last_bot_text or "").rstrip().endswith("?")
        return bool(topic and asked and entity.topic != topic.name and len(ctx.annotations.text.split()) <= 6)

    def _continue(self, ctx: TurnContext, private: dict[str, Any]) -> Returned:
        entity = self.knowledge.store.get(str(private["entity"]))
        if entity is None:
            return None
        ann = ctx.annotations
        words = len(normalise(ann.text).split())
        wants_more = self._wants_more(ann)
        if ann.is_question and not wants_more and not (ann.is_yes_no_question and self._asks_about(ann, entity)):
            return None  # a question we could not read as factual, or about another thing: someone else answers it
        agrees = ann.is_yes or normalise(ann.text) in self.agreeing or wants_more
        # A "yeah" that goes on with a point of its own ("yeah he was a great quarterback too you have
        # to wonder what he was thinking") is taken in like any point, never talked over.
        has_point = words > self.short_reply and (not agrees or words > self.long_statement)
        # "no", "ok", "i dunno": little back. "no it seems so much longer i guess ..." goes on: engaged.
        brief = words <= self.short_reply or (words <= self.long_statement and (ann.is_no or ann.reading.unsure))
        engaged = agrees or not (brief or ann.is_backchannel)
        fresh = self._fresh_facts(entity, private, ann.text)
        if not engaged:
            return self._handback(ctx, private, entity, "move_on")
        if not fresh or int(private.get("facts_on_entity", 0)) >= self.max_facts:
            if user_leads(ctx):  # they are telling us more: take it in, no "that's all my facts" over it
                return self._heard(ctx, private, "heard_more")
            lead = self._take_in(ctx, private) if has_point else None
            return self._handback(ctx, private, entity, "handback", lead)
        # A long "yeah ..." that goes on about something else agrees with us and then moves on.
        if (not agrees or words > self.long_statement) and self._about_something_else(ctx, entity, private, agrees):
            # "demetri martin wrote a palindrome poem" while we talk about the Olympics: their fact is
            # the subject now; another Olympics fact would ignore it.
            return self._heard(ctx, private, "heard_elsewhere")
        parts: list[Said | None] = []
        if has_point:
            parts.append(self._take_in(ctx, private))  # their point first, never ignored
        parts.append(self._fact_line(ctx, private, "share_more", entity, fresh[0]))
        parts.append(self._follow(ctx, private, entity))
        return self._candidate(parts, Priority.STRONG_CONTINUE, ctx, private, entity, kind="more")

    def _heard(self, ctx: TurnContext, private: dict[str, Any], kind: str) -> Candidate:
        """Their point taken in, and the entity let go; our next line only if they are not telling us more."""
        line = self._take_in(ctx, private)
        private.pop("entity", None)
        private.pop("said_as", None)
        return build([line], Priority.STRONG_CONTINUE, needs_prompt=not user_leads(ctx), topic=ctx.state.current_topic,
                     state=private, meta={"kind": kind})

    def _take_in(self, ctx: TurnContext, private: dict[str, Any]) -> Said:
        """A nod to what they just said, before anything of ours: in their own word when they judged
        it ("It really is crazy!"), as news to us when it is a fact, else an acknowledgement."""
        reading = ctx.annotations.reading
        if reading.surprised and not reading.states_fact:  # "wow i did not know that at all"
            return choose(self.shared["surprised"], "surprised", ctx, private)
        if reading.entity_mood == "positive" and not reading.told:  # "i loved halo 3 and used to play it all the time"
            return choose(self.shared["positive"], "positive", ctx, private)
        if any(f.kind in ("favorite", "likes") for f in ctx.annotations.user_facts):
            # "don't hate me but my favorite team is the patriots", "i am a brewers fan": their pick,
            # met warmly, never "I can tell you've thought about this."
            return choose(self.shared["their_pick"], "their_pick", ctx, private)
        if reading.told == "judgement":
            return choose(self.shared["mirror"], "mirror", ctx, private, evaluation=reading.evaluation)
        if reading.told == "opinion" or reading.sentiment == "negative":  # "the patriots are overrated": never "Oh, I like that."
            return choose(self.shared["long_opinion"], "long_opinion", ctx, private)
        if reading.told == "fact" and reading.grim:  # "... lost the right to vote": never "Good one."
            return choose(self.shared["fact_grim"], "fact_grim", ctx, private)
        slot = "fact_heard" if reading.told == "fact" else "acknowledge"
        return choose(self.lines[slot], slot, ctx, private)

    def _about_something_else(self, ctx: TurnContext, entity: StoredEntity, private: dict[str, Any],
                              agrees: bool = False) -> bool:
        """The user's turn shares something of its own and none of it is about the entity: no word of
        its name, of our last line, and no pronoun pointing back at it (after a "yeah", one anywhere:
        "yeah i watched them with my family" agrees and goes on about it)."""
        said = normalise(ctx.annotations.text)
        ours = content_stems(" ".join([entity.title, str(private.get("said_as") or ""), ctx.state.last_bot_text or ""]),
                             self.function_words)
        if self._refers_back(said, ours) or (agrees and self.back_references & set(said.split())):
            return False
        user = content_stems(said, self.function_words)
        if user & ours:
            return False
        return len(user) >= OWN_THING_STEMS or bool(DIGITS.search(said) and len(user) >= 2)

    def _asks_about(self, ann: Annotations, entity: StoredEntity) -> bool:
        """Does their (last) question point back at the entity we hold ("did they win it")?"""
        asked = (ann.reading.question_sentences or [normalise(ann.text)])[0]
        return self._refers_back(asked, content_stems(entity.title, self.function_words))

    def _refers_back(self, said: str, ours: set[str]) -> bool:
        """Does a pronoun point back at our entity? Only one that comes before the user names a thing
        of their own: in "i love birds they are so interesting" the "they" is the birds."""
        for word in said.split():
            if word in self.back_references:
                return True
            if word not in self.function_words and len(word) > 1 and stem(word) not in ours:
                return False
        return False

    @staticmethod
    def _remember(private: dict[str, Any], entity: StoredEntity, said_as: str) -> None:
        """This entity is now the one under discussion (and, for the linker, discussed)."""
        private.update(entity=entity.id, facts_on_entity=0, said_as=said_as)
        private["discussed"] = [*[d for d in private["discussed"] if d != entity.id], entity.id][-MAX_DISCUSSED:]

    def _handback(self, ctx: TurnContext, private: dict[str, Any], entity: StoredEntity, slot: str,
                  lead: Said | None = None) -> Candidate:
        """Back to the entity's topic, after a nod to what they said (``lead``) when they said something."""
        line = choose(self.lines[slot], slot, ctx, private, **title_fields(entity, private.get("said_as")))
        private.pop("entity", None)
        private.pop("said_as", None)
        return build([lead, line], Priority.STRONG_CONTINUE, needs_prompt=True, handoff=handoff_to(entity.topic),
                     topic=ctx.state.current_topic, entity=entity.title, entity_id=entity.id, state=private,
                     meta={"kind": slot})

    def _follow(self, ctx: TurnContext, private: dict[str, Any], entity: StoredEntity, ask: bool = True) -> Said | None:
        """After a fact: alternately a question and the bot's own take (initiative: not always a question)."""
        count = int(private.get("follows", 0))
        private["follows"] = count + 1
        # "mostly radiohead lately": never "Do you listen to a lot of Radiohead?" (chirpy/understanding/facts)
        liked = ctx.state.user_facts.including(ctx.annotations.user_facts).likes(entity.title, str(private.get("said_as") or ""))
        kind = "question" if ask and count % 2 == 0 and not liked else "opinion"
        slot = f"{kind}_{entity.topic}" if f"{kind}_{entity.topic}" in self.lines else f"{kind}_any"
        return choose(self.lines[slot], slot, ctx, private, **title_fields(entity, private.get("said_as")))

    def _fact_line(self, ctx: TurnContext, private: dict[str, Any], slot: str, entity: StoredEntity, fact: str) -> Said:
        private["said"] = [*private["said"], fact_key(fact)]
        private["facts_on_entity"] = int(private.get("facts_on_entity", 0)) + 1
        if not reads_as_clause(fact, entity) and f"{slot}_plain" in self.lines:
            slot = f"{slot}_plain"  # "Unqualified, the word ..." cannot follow "I read that"
        return choose(self.lines[slot], slot, ctx, private, fact=fact, fact_clause=fact_clause(fact),
                      **title_fields(entity, private.get("said_as")))

    def _fresh_facts(self, entity: StoredEntity, private: dict[str, Any], user_text: str) -> list[str]:
        """Facts not said yet, nor just said by the user; the more surprising ones (not the
        description, which the user likely knows) first."""
        said = set(private.get("said", []))
        user = content_stems(user_text, self.function_words)
        said_of = self._said_of(entity, user_text)
        fresh: list[tuple[bool, str]] = []
        for fact in (*entity.facts, entity.description):
            if not fact or fact_key(fact) in said:
                continue
            stems = content_stems(fact, self.function_words)
            if stems and len(stems & user) / len(stems) >= self.echo_overlap:
                continue
            fresh.append((bool(stems & said_of), fact))
        # A fact touching their point ("injuries" in the NFL) first; otherwise the stored order.
        return [fact for _, fact in sorted(fresh, key=lambda pair: not pair[0])]

    @staticmethod
    def _in_front_of_a_noun_only(ann: Annotations, linked: LinkedEntity) -> bool:
        """"nfl" in "nfl players": the name only modifies what they talk about."""
        return only_modifies(linked.span, about(ann))

    @staticmethod
    def _after_another_noun(ann: Annotations, linked: LinkedEntity) -> bool:
        """"spelling bee": a noun in front of the everyday word (left out of ``about``, as modifiers
        are) makes it another thing."""
        if len(normalise(linked.span).split()) != 1:
            return False  # "horror film": the modifier is part of what they named
        span = re.escape(normalise(linked.span))
        said = re.search(rf"(\S+) {span}\b", normalise(ann.text))
        kept = re.search(rf"(\S+) {span}\b", about(ann))
        return said is not None and (kept is None or kept.group(1) != said.group(1))

    def _only_the_setting(self, ann: Annotations, linked: LinkedEntity) -> bool:
        """A place named only as where what they tell happens ("in the united states", "a store in
        alabama", "not uncommon especially in europe and japan"), not as its subject ("canada is the
        only country with two national sports")."""
        return linked.topic in self.place_topics and understanding().is_setting(ann.text, linked.span)

    @staticmethod
    def _offered(ann: Annotations, linked: LinkedEntity) -> bool:
        """A fact they share that leads with the thing ("did you know the zorblat quintet recorded ...",
        "i read that the eiffel tower grows ..."): the thing itself is offered to talk about."""
        lead = " ".join(normalise(ann.text).split()[:OFFER_LEAD_WORDS])
        return ann.reading.shares_fact and re.search(rf"\b{re.escape(normalise(linked.span))}\b", lead) is not None

    def _said_of(self, entity: StoredEntity, user_text: str) -> set[str]:
        """What they said of the entity, beyond its name (content stems): a fact sharing one touches their point."""
        return content_stems(user_text, self.function_words) - content_stems(entity.title, self.function_words)

    def _candidate(self, parts: list[Said | None], priority: Priority, ctx: TurnContext, private: dict[str, Any],
                   entity: StoredEntity, kind: str) -> Candidate:
        # The conversation's topic stays on (an interrupted script can resume); the entity is ours.
        return build(parts, priority, topic=ctx.state.current_topic, entity=entity.title, entity_id=entity.id,
                     state=private, meta={"kind": kind})

    # -- questions -------------------------------------------------------------------------------
    def _answer(self, ctx: TurnContext, private: dict[str, Any], question: FactualQuestion) -> Returned:
        entities = self._subjects(ctx, private, question)
        if question.kind == "know_about":
            if entities and self._fresh_facts(entities[0][0], private, ""):
                return self._introduce_answer(ctx, private, entities[0])
            return self._unknown(ctx, private, question, about=True)
        if question.kind == "describe" and entities and self._names_only(question, entities[0][1]):
            entity = entities[0][0]
            fresh = [f for f in (entity.description, *entity.facts) if fact_key(f) not in set(private["said"])]
            if fresh:
                return self._answered(ctx, private, entity, fresh[0], "describe")
        found = self._find_answer(ctx, private, question, entities)
        if found is not None:
            return self._answered(ctx, private, *found, "answer")
        if self._find_answer(ctx, {**private, "said": []}, question, entities) is not None:
            line = choose(self.lines["mentioned"], "mentioned", ctx, private)  # we said it already: say so
            return build([line], Priority.STRONG_CONTINUE, needs_prompt=True, topic=ctx.state.current_topic, state=private,
                         meta={"kind": "mentioned"})
        if question.quiz:
            return None  # "do you know who ...": the reaction's "no idea, tell me!" lets the user answer
        return self._unknown(ctx, private, question, about=False)

    def _subjects(self, ctx: TurnContext, private: dict[str, Any], question: FactualQuestion) -> list[tuple[StoredEntity, LinkedEntity | None]]:
        """Stored entities the question is about: linked in its subject, else the one under discussion
        when the question points back at it ("when did they start")."""
        subject_words = set(question.subject.split())
        found = []
        for linked in ctx.annotations.linked_entities:
            if set(normalise(linked.span).split()) <= subject_words:
                entity = self.knowledge.store.get(linked.id)
                if entity is not None:
                    found.append((entity, linked))
        if not found and private.get("entity") and self.questions.mentions_pronoun(question.subject):
            entity = self.knowledge.store.get(str(private["entity"]))
            if entity is not None:
                found.append((entity, None))
        return found

    def _find_answer(self, ctx: TurnContext, private: dict[str, Any], question: FactualQuestion,
                     entities: list[tuple[StoredEntity, LinkedEntity | None]]) -> tuple[StoredEntity, str] | None:
        named = {stem(w) for _, linked in entities if linked for w in normalise(linked.span).split()}
        stems = content_stems(question.subject, self.function_words | self.questions.question_only_words) - named
        said = set(private["said"])
        linked = [entity for entity, _ in entities]
        # The entities it names first; then a full-text search ("what is the capital of france" is
        # answered by Paris, which it does not name).
        for pool in (linked, lambda: self.knowledge.store.search(self._search_terms(question.subject), limit=5)):
            best: tuple[StoredEntity, str, float] | None = None
            for entity in pool() if callable(pool) else pool:
                sentences = [f for f in (entity.description, *entity.facts) if fact_key(f) not in said]
                found = best_answer(stems, sentences, question.form, self.function_words)
                if found and (best is None or found[1] > best[2]):
                    best = (entity, found[0], found[1])
            if best:
                return best[0], best[1]
        return None

    def _names_only(self, question: FactualQuestion, linked: LinkedEntity | None) -> bool:
        """Does "what is X" ask what X is (not "what is the capital of X")?"""
        if linked is None:
            return True
        rest = set(question.subject.split()) - set(normalise(linked.span).split()) - self.function_words
        return not rest

    def _search_terms(self, subject: str) -> list[list[str]]:
        """One group per content word: the word, its stem as a prefix, its irregular base ("won": "win*")."""
        groups = []
        for word in normalise(subject).replace("'", " ").split():
            if word in self.function_words or len(word) < 2:
                continue
            groups.append(list(dict.fromkeys([word, f"{stem(word)}*"])))
        return groups

    def _introduce_answer(self, ctx: TurnContext, private: dict[str, Any], found: tuple[StoredEntity, LinkedEntity | None]) -> Returned:
        entity, linked = found
        candidate = self._introduce(ctx, private, entity, linked or LinkedEntity(entity.id, entity.title, entity.title,
                                                                                  entity.topic, 1.0))
        if isinstance(candidate, Candidate):
            candidate.priority = Priority.STRONG_CONTINUE  # they asked: however short, it is ours to answer
        return candidate

    def _answered(self, ctx: TurnContext, private: dict[str, Any], entity: StoredEntity, fact: str, slot: str) -> Candidate:
        self._remember(private, entity, entity.title)
        line = self._fact_line(ctx, private, slot, entity, fact)
        return build([line], Priority.STRONG_CONTINUE, needs_prompt=True, topic=ctx.state.current_topic,
                     entity=entity.title, entity_id=entity.id, state=private, meta={"kind": slot})

    def _unknown(self, ctx: TurnContext, private: dict[str, Any], question: FactualQuestion, about: bool) -> Candidate:
        subject = question.subject if len(question.subject.split()) <= 5 else "that"
        slot = "unknown_about" if about else "unknown"
        line = choose(self.lines[slot], slot, ctx, private, subject=subject)
        return build([line], Priority.WEAK_CONTINUE, needs_prompt=True, topic=ctx.state.current_topic, state=private,
                     meta={"kind": slot})
