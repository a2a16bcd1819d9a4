"""Reading a user utterance the way responders need: what did they name, do they sound keen, do
they not know, are they turning the question back, are they sharing a fact?

The text-level reading (``Reading``) is computed once per turn by the core annotator and shared
through the annotations; the helpers that depend on a responder's own vocabulary (``things`` with a
preference, ``entity``, ``answer_phrase``) stay methods here. Everything works on ASR-style text
(lowercase, no punctuation) as well as typed text, and the word lists live in
``content/understanding.toml``. Built once per process: patterns are compiled at start-up.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from chirpy.content import compile_patterns, load_content, normalise
from chirpy.understanding.acts.vocabulary import QUESTION_ACTS

if TYPE_CHECKING:
    from chirpy.annotations import Annotations

CONTENT = Path(__file__).parent / "content" / "understanding.toml"
_SENTENCE_END = re.compile(r"[.!?]+")
_DENIALS = frozenset({"not", "never", "no", "hardly", "barely"})
FACT_MIN_WORDS = 8  # shorter statements are reactions or answers, not facts told
_DENIAL_STEMS = frozenset({"has", "have", "is", "was", "are", "were", "does", "did", "do", "wo", "ca", "could", "should"})


@dataclass
class Reading:
    """How the user said it: the per-turn reading every responder shares (plain data, logged)."""

    words: int = 0
    sentiment: str | None = None  # "positive" | "negative"
    entity_mood: str | None = None  # how they feel about the thing they named ("i love the beatles")
    feeling: tuple[str, str] | None = None  # their own state: ("negative", "tired")
    bad_news: bool = False  # "my cat died": sympathy, not a topic
    good_news: bool = False  # "i got a new job", "she's doing better" (with bad_news: sorry and glad at once)
    thanks: bool = False
    shares_fact: bool = False  # "did you know ...", "i read that ..."
    states_fact: bool = False  # ... or tells one plainly: "the nfl uses tracking chips in the shoulder pads"
    unsure: bool = False  # "i don't know", "hard to say"
    surprised: bool = False  # what we told them was news to them: "that's cool i had no idea"
    grim: bool = False  # grim news about people ("... lost the right to vote"): met soberly
    sympathy: bool = False  # they feel for someone in a hard spot ("it must be horrible to live with that")
    starts_negative: bool = False  # "not really ...", "nah i ..."
    opinion: bool = False  # "i think ...", "honestly ..."
    asks_back: bool = False  # "what about you?"
    title: str | None = None  # "it was dune part two" -> "Dune Part Two"
    evaluation: str | None = None  # their word for what they tell: "crazy" in "it's crazy how ..."
    question_sentences: list[str] = field(default_factory=list)  # last first, normalised

    @property
    def told(self) -> str | None:
        """How a statement of theirs is taken in: "opinion" (a view), "judgement" (they judged what
        they tell: agree in their word), "fact" (news to us), or None. One reading for every responder."""
        if self.opinion:
            return "opinion"
        if self.evaluation:
            return "judgement"
        return "fact" if self.states_fact else None

    @property
    def news(self) -> str | None:
        """The reaction slot for news the user shares: "bad_news", "mixed_news" (bad, but getting
        better: sorry and glad at once) or "good_news"; None when they share none."""
        if self.bad_news:
            return "mixed_news" if self.good_news else "bad_news"
        return "good_news" if self.good_news else None


class Understanding:
    def read(self, ann: "Annotations") -> Reading:
        """The reading of one utterance, computed once per turn by the core annotator."""
        text = ann.text
        lowered = normalise(text)
        asked = self.question_sentences(text, ann)
        shares_fact, opinion = self.shares_fact(text), self.is_opinion(text)
        return Reading(
            words=words(text), sentiment=self.sentiment(text), entity_mood=self.entity_mood(text),
            feeling=self.feeling(text), bad_news=self.bad_news(text), good_news=self.good_news(text), thanks=self.is_thanks(text),
            shares_fact=shares_fact, states_fact=shares_fact or self.states_fact(text, ann.is_question, opinion),
            unsure=self.is_unsure(text), surprised=bool(self.surprised_re.search(lowered)),
            grim=bool(self.grim_re.search(lowered)), sympathy=bool(self.sympathy_re.search(lowered)),
            starts_negative=self.starts_negative(text),
            opinion=opinion, asks_back=self.asks_back(text, asked), title=self.title(text, ann),
            evaluation=self.evaluation(text), question_sentences=asked,
        )

    def __init__(self, path: Path = CONTENT) -> None:
        data = load_content(path)
        self.ignored_labels = frozenset(data["ignored_entity_labels"])
        self.empty_heads = frozenset(data["empty_heads"])
        self.skip_words = frozenset(data["skip_words"])
        self.swaps = dict(data["pronoun_swaps"])
        prefixes = sorted(data["answer_prefixes"], key=len, reverse=True)
        self.prefix = re.compile(r"^(?:(?:" + "|".join(re.escape(p) for p in prefixes) + r")\s+)+")
        self.unsure = re.compile(r"^(?:(?:um|uh|hmm|well|oh|honestly|ugh) )*(?:" + "|".join(data["unsure"]) + r")\b")
        self.bad_first = frozenset(data["bad_first_words"])
        self.leading_fillers = frozenset(data["leading_fillers"])
        self.lowercase_openers = frozenset(data["lowercase_openers"])
        self.opinion_re = compile_patterns(data["opinion_markers"])
        self.surprised_re = compile_patterns(data["surprised"])
        self.grim_re = compile_patterns(data["grim"])
        self.sympathy_re = compile_patterns(data["sympathy"])
        self.not_in_answers = frozenset(data["not_in_answers"])
        self.likes_re = compile_patterns(data["likes"])
        self.negative = compile_patterns(data["negative"])
        self.positive = compile_patterns(data["positive"])
        self.asks_back_re = compile_patterns(data["what_about_you"])
        self.fact_re = compile_patterns(data["shares_fact"])
        self.fact_marker = re.compile(r"\b(?:" + "|".join(data["fact_markers"]) + r")\b")
        self.first_person = re.compile(r"^(?:(?:" + "|".join(map(re.escape, data["leading_fillers"])) + r") )*(?:i|i'?m|im|i'?ve|ive|i'?d|my|me|we|our)\b")
        self.evaluation_re = re.compile(
            r"\b(?:it'?s|it is|that'?s|thats|that is|this is|what'?s|whats|what is|how|sounds|seems)\s+"
            r"(?:(?:" + "|".join(data["evaluation_intensifiers"]) + r")\s+)?(" + "|".join(data["evaluations"]) + r")\b")
        self.evaluation_links = frozenset(data["evaluation_links"])
        self.evaluation_words = frozenset(e for e in data["evaluations"] if " " not in e)
        # "... scary that they have chips that can track you": the word judging the clause it opens.
        self.evaluation_clause_re = re.compile(r"\b(" + "|".join(data["evaluations"]) + r") (?:that|how) (?!is\b|was\b|'?s\b)")
        self.feeling_re = self._feelings(data)
        self.negative_opener = re.compile(r"^(?:(?:um|uh|hmm|well|oh|honestly) )*(?:" + "|".join(data["negative_openers"]) + r")\b")
        self.title_opener = re.compile(r"^(?:" + "|".join(re.escape(p) for p in sorted(data["title_openers"], key=len, reverse=True)) + r")\s+")
        self.title_small = frozenset(data["title_small_words"])
        self.indefinite = frozenset(data["indefinite_openers"])
        self.possessive = frozenset(data["possessive_openers"])
        self.bad_news_re = compile_patterns(data["bad_news"])
        self.good_news_re = compile_patterns(data["good_news"])
        self.news_personal = compile_patterns(data["news_personal"])
        self.news_distant = compile_patterns(data["news_distant"])
        self.thanks_re = compile_patterns(data["thanks"])
        self.question_openers = frozenset(data["question_openers"])
        self.question_fillers = frozenset(data["question_fillers"])
        self.question_endings = tuple(data["question_endings"])

    @staticmethod
    def _feelings(data: dict) -> re.Pattern[str]:
        """'i'm (pretty) tired', 'i feel kind of down', 'feeling great': the feeling word is captured."""
        between = "|".join(re.escape(w) for w in sorted(data["feeling_intensifiers"], key=len, reverse=True))
        negative = "|".join(re.escape(w) for w in sorted(data["feelings_negative"], key=len, reverse=True))
        positive = "|".join(re.escape(w) for w in sorted(data["feelings_positive"], key=len, reverse=True))
        frame = r"\b(?:i'?m|i am|im|i feel|i'?ve been|i have been|feeling)\s+(?:(?:" + between + r")\s+)*"
        return re.compile(frame + r"(?:(?P<negative>" + negative + r")|(?P<positive>" + positive + r"))(?:\s+(?:today|tonight|now|right now|lately|at the moment))?(?:$|\s+(?:so|and|but|because|cause|today|tonight|i|lol|haha|about)\b)")

    # -- what the user named ---------------------------------------------------------------------
    def things(self, ann: "Annotations", prefer: Callable[[str], bool] | None = None) -> list[str]:
        """Things the user named, most specific first: entities, then noun phrases (said back as
        'your ...'); with ``prefer``, the phrases it accepts (e.g. ones a topic knows) come first."""
        found: list[str] = []
        phrases = list(ann.noun_phrases)
        # The stored spelling of a linked name said in lowercase ("nasa" -> "NASA", not "Nasa").
        spelled = {link.title.lower(): link.title for link in ann.linked_entities}
        for entity in ann.entities:
            if entity.label in self.ignored_labels or self._only_modifies(entity.text, ann):
                continue
            # A noun phrase holding the entity is more complete ("taylor" -> "taylor swift").
            longer = next((p for p in phrases if entity.text.lower() in p.lower() and len(p) > len(entity.text)
                           and len(p.split()) <= 3), None)
            text = longer or entity.text
            # ASR text is lowercase: "the godfather" -> "The Godfather", "max" -> "Max".
            found.append(text.title() if text.islower() else text)
        if prefer is not None:  # names stay first; among plain noun phrases, the preferred ones lead
            phrases.sort(key=lambda phrase: not prefer(phrase.lower()))  # stable: keeps the order otherwise
        found.extend(phrases)
        cleaned: list[str] = []
        for phrase in found:
            thing = self.clean(phrase)
            thing = spelled.get(thing.lower(), thing) if thing else thing
            if thing and thing.lower() not in {c.lower() for c in cleaned}:
                cleaned.append(thing)
        return cleaned

    @staticmethod
    def _only_modifies(name: str, ann: "Annotations") -> bool:
        """"uk" in "uk prime minister william gladstone" is not what they talk about ("I had never heard
        that about Uk")."""
        return bool(ann.about_text) and only_modifies(name, ann.about_text)

    def clean(self, phrase: str) -> str | None:
        words = re.findall(r"[\w'&.-]+", phrase.replace("’", "'"))
        words = [w.strip(".") for w in words if w.strip(".")]
        while words and words[0].lower() in self.leading_fillers:
            words = words[1:]
        while len(words) > 1 and words[0].lower() in self.evaluation_words:
            words = words[1:]  # "that is amazing nasa apparently ...": the parse's "amazing nasa" is NASA
        if words and words[-1].lower().endswith("'s") and len(words) > 1:
            words[-1] = words[-1][:-2]  # "the university of iowa's" -> "the university of iowa"
        lowered = [w.lower() for w in words]
        head = lowered[1:] if lowered[:1] in (["a"], ["an"], ["the"]) and len(lowered) > 1 else lowered  # "a non republican"
        if not words or len(words) > 5 or lowered[-1] in self.empty_heads or lowered[0] in self.bad_first or head[0] in self.bad_first:
            return None
        if any(w in self.skip_words for w in lowered):
            return None
        swapped = [self.swaps.get(w.lower(), w) for w in words]
        if swapped[0].lower() in self.lowercase_openers:
            swapped[0] = swapped[0].lower()  # "Their basketball program" said mid-sentence
        return " ".join(swapped)

    def entity(self, ann: "Annotations", short_answer: bool = False, prefer: Callable[[str], bool] | None = None) -> str | None:
        """The one thing to refer to; for a short answer to a question, the answer itself counts."""
        things = self.things(ann, prefer)
        if things:
            return things[0]
        if short_answer:
            return self.answer_phrase(ann.text)
        return None

    def answer_phrase(self, text: str) -> str | None:
        """'probably inception' -> 'inception'; only for replies of a few words."""
        lowered = normalise(text)
        if not lowered or self.is_unsure(text) or len(lowered.split()) > 6:
            return None
        stripped = self.prefix.sub("", lowered).strip()
        words = stripped.split()
        if not words or len(words) > 4 or any(w in self.not_in_answers for w in words):
            return None
        return self.clean(stripped)

    # -- how they said it ------------------------------------------------------------------------
    def sentiment(self, text: str) -> str | None:
        lowered = normalise(text)
        if self.negative.search(lowered):
            return "negative"
        if self.positive.search(lowered):
            return "positive"
        return None

    def entity_mood(self, text: str) -> str | None:
        """How the user feels about the thing they named: "positive" only when they say they like it
        ("i love the beatles"), not when something else in the sentence was "nice"."""
        sentiment = self.sentiment(text)
        if sentiment == "positive" and not self.likes_re.search(normalise(text)):
            return None
        return sentiment

    def evaluation(self, text: str) -> str | None:
        """The word they judge what they tell with: "crazy" in "it's pretty crazy how many ...", so a
        reply can agree in their terms. Not after "not": "that's not crazy" has no match."""
        lowered = normalise(text)
        found = self.evaluation_re.search(lowered)
        if not found:
            clause = self.evaluation_clause_re.search(lowered)
            return clause.group(1) if clause else None
        # "that's cool i find ..." at the very start judges what *we* said; only a judgement of what
        # they go on to tell ("it's crazy how ...", or one later in the turn) is theirs to agree with.
        follows = lowered[found.end():].split()[:1]
        opening = len(lowered[: found.start()].split()) < 2
        if opening and not (follows and follows[0] in self.evaluation_links):
            return None
        if opening and found.group(0).startswith("that") and follows == ["the"]:
            return None  # "that's cool the highest score ever was 222 0": "that" is our line, then their fact
        return found.group(1)

    def is_opinion(self, text: str) -> bool:
        return bool(self.opinion_re.search(normalise(text)))

    def is_unsure(self, text: str) -> bool:
        """'i dont know', 'not sure', 'hmm hard to say'; not a long statement that starts that way."""
        lowered = normalise(text)
        return len(lowered.split()) <= 7 and bool(self.unsure.match(lowered))

    def feeling(self, text: str) -> tuple[str, str] | None:
        """How the user says they feel: ("negative", "tired") for "not really i'm pretty tired today".
        Only the user's own state ("i'm tired"), not an opinion of a thing ("the movie was sad")."""
        found = self.feeling_re.search(normalise(text))
        if found is None:
            return None
        mood = "negative" if found.group("negative") else "positive"
        return mood, found.group(mood)

    def bad_news(self, text: str) -> bool:
        """'my cat died last week', 'i lost my job': the user needs sympathy, not a topic. A famous
        or long-gone person's death ('she was an icon she died in 1886') is a fact, not their news."""
        lowered = normalise(text)
        if not self.bad_news_re.search(lowered):
            return False
        return bool(self.news_personal.search(lowered)) or not self.news_distant.search(lowered)

    def good_news(self, text: str) -> bool:
        """'i got a new job', 'she's doing a bit better': glad with them; not "he hasn't been
        recovering too well" (a denial just before it)."""
        lowered = normalise(text)
        for found in self.good_news_re.finditer(lowered):
            before = lowered[: found.start()].split()[-4:]
            if not any(word in _DENIALS or word.endswith("n't") or word.endswith("nt") and word[:-2] in _DENIAL_STEMS
                       for word in before):
                return True
        return False

    def says_nothing(self, thing: str) -> bool:
        """'nope', 'yeah sure': words that answer but name nothing."""
        return all(w in self.not_in_answers or w in self.empty_heads for w in thing.lower().split())

    def is_thanks(self, text: str) -> bool:
        return bool(self.thanks_re.search(normalise(text)))

    def is_possessed(self, thing: str) -> bool:
        """'your brother', 'her old albums': someone's thing, not a pick to praise."""
        first = thing.split()[0].lower() if thing.split() else ""
        return first in self.possessive

    def starts_negative(self, text: str) -> bool:
        """'not really ...', 'nah i ...', 'i don't ...': the answer is a no, however long."""
        return bool(self.negative_opener.match(normalise(text)))

    def is_named(self, thing: str, ann: "Annotations") -> bool:
        """Is ``thing`` a name (an entity spaCy found) rather than a kind of thing ("a movie")?"""
        lowered = thing.lower()
        return any(e.label not in self.ignored_labels and (e.text.lower() in lowered or lowered in e.text.lower())
                   for e in ann.entities)

    @staticmethod
    def is_setting(text: str, thing: str) -> bool:
        """Is the thing only where what they tell happens ("... superheroes in the united states", "a
        store in alabama"), not its subject ("canada is the only country with two national sports")?"""
        place = re.escape(normalise(thing).removeprefix("the "))
        listed = r"(?:[a-z' ]{1,40}? (?:and|or) )?"  # "in europe and south america and japan"
        return bool(re.search(rf"\b(?:in|at|across|around|throughout) {listed}(?:the )?{place}\b", normalise(text)))

    def is_generic(self, thing: str) -> bool:
        """'a movie', 'some books': an indefinite phrase names a kind of thing, never a title."""
        first = thing.split()[0].lower() if thing.split() else ""
        return first in self.indefinite

    def title(self, text: str, ann: "Annotations") -> str | None:
        """The title in "it was dune part two" (lowercase ASR), capitalised: "Dune Part Two"."""
        lowered = normalise(ann.text)
        found = self.title_opener.match(lowered)
        if found is None or len(lowered.split()) > 8:
            return None
        phrase = self.clean(lowered[found.end():])
        if (not phrase or self.is_generic(phrase) or self.sentiment(phrase)
                or any(w in self.not_in_answers for w in phrase.lower().split())):
            return None  # "it was boring", "it was a movie": not a title
        return self.title_case(phrase)

    def title_case(self, phrase: str) -> str:
        if not phrase.islower():
            return phrase  # typed with capitals: the user's own spelling wins
        words = phrase.split()
        return " ".join(w if (i and w in self.title_small) else w[:1].upper() + w[1:] for i, w in enumerate(words))

    def asks_back(self, text: str, asked: list[str] | None = None) -> bool:
        """'what about you?', or a statement ending with 'You?' (Topical-Chat style); in run-on speech
        ("i like the bears how about yourself"), any sentence that asks it back."""
        sentences = [s for s in _SENTENCE_END.split(text) if s.strip()]
        last = normalise(sentences[-1]) if sentences else ""
        return any(self.asks_back_re.search(s) for s in [last, *(asked or [])] if s)

    def question_sentences(self, text: str, ann: "Annotations | None" = None) -> list[str]:
        """The sentences that ask something, last first, normalised. Typed text says so with "?";
        speech has none, so the dialogue-act segments that are questions stand in ("i agree do you
        watch much tv" -> "do you watch much tv"); with neither, the whole text."""
        parts = re.findall(r"[^.!?]+[.!?]*", text)
        asked = [normalise(p) for p in parts if p.rstrip().endswith("?")]
        if not asked and ann is not None:
            asked = [normalise(s.text) for s in ann.segments if QUESTION_ACTS & set(s.acts)]
        if not asked:
            asked = [normalise(p) for p in parts if p.strip()] if len(parts) > 1 else [normalise(text)]
        return [q for q in reversed(asked) if q]

    def is_interrogative(self, sentence: str) -> bool:
        """Is this sentence shaped like a question ("do you ...", "who ...", "..., right")? Not "they
        had 53 films" (typed with a surprised "?", or a statement the acts read as a question)."""
        words = normalise(sentence).split()
        while words and words[0] in self.question_fillers:
            words = words[1:]
        if not words:
            return False
        text = " ".join(words)
        return words[0] in self.question_openers or any(text == e or text.endswith(" " + e) for e in self.question_endings)

    def asks(self, reading: Reading) -> bool:
        """Does the utterance really ask something: one of its question sentences is shaped like one?"""
        return any(self.is_interrogative(q) for q in reading.question_sentences)

    def shares_fact(self, text: str) -> bool:
        return bool(self.fact_re.search(normalise(text)))

    def states_fact(self, text: str, question: bool = False, opinion: bool | None = None) -> bool:
        """A fact told plainly, about the world rather than themselves: long enough, with a number or
        a record word ("only", "never", "first", "invented"), not opening on "i"/"my", not their
        opinion, and no question in it. What an acknowledgement should meet with "I didn't know that".
        (``read`` adds the facts shared as such, "did you know ...", and passes the opinion it read.)"""
        lowered = normalise(text)
        opinion = self.is_opinion(text) if opinion is None else opinion
        return (len(lowered.split()) >= FACT_MIN_WORDS and bool(self.fact_marker.search(lowered))
                and not self.first_person.match(lowered) and not opinion and not question)


@functools.lru_cache(maxsize=4)
def understanding(path: Path = CONTENT) -> Understanding:
    return Understanding(path)


def words(text: str) -> int:
    return len(normalise(text).split())


def only_modifies(name: str, about_text: str) -> bool:
    """Does ``name`` only modify another noun ("nfl" in "nfl players")? The parse blanks such modifiers
    in ``about_text`` (``Annotations.about_text``). A name's last word is what counts: its own first
    words modify it ("kellan moore", "eiffel tower")."""
    head = (normalise(name).split() or [""])[-1]
    return bool(head) and re.search(rf"\b{re.escape(head)}\b", about_text) is None
