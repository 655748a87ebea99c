"""How much a question word tells, judged from the indexed corpus and from the language at large.

A clinician's question mixes three kinds of words the sources may not contain:

- forms of words the corpus does use: typos ("titraton"), other endings ("neuropathic" for neuropathy),
  prefixed forms ("haemodialysis", "retitrate");
- everyday words and shorthand that describe the situation ("wakes at night", "office worker");
- names of things the corpus never mentions (a drug, a disease, a procedure): then the sources cannot
  answer, whatever else matches.

``Lexicon`` tells them apart with evidence, not lists: the corpus's own vocabulary (the lexical index's
document frequencies), and how common a word is in English at large (wordfreq's Zipf scale, where 3 is a
word met about once per million words). A name is a longer word that neither the corpus nor everyday
English uses; how much it matters to the question is left to the fitted models.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache

from assistant.vocabulary import ACTION_TERMS
from corpus.text import STOPWORDS, stem

# Zipf frequency at and above which a word is ordinary English (about once per million words or more).
COMMON_ZIPF = 3.0
# ... and a word of everyday English, that no rare word is a form of by its beginning alone ("rather", 5.3, is no
# form of "intrathecal"; "dialysis", 3.3, is of "interdialytic").
EVERYDAY_ZIPF = 4.5
# A shorter word is shorthand or an initialism more often than a name; it is not judged a name.
MIN_NAME_LENGTH = 6
# Two words are forms of one another when they share a prefix this long (and most of the shorter word).
MIN_SHARED_PREFIX = 5
_LETTERS = re.compile(r"^[a-z]+$")


@lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    """How common ``word`` is in English: wordfreq's Zipf value (0 for a word it has never seen)."""
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, "en"))


@lru_cache(maxsize=1)
def _common_english() -> tuple[str, ...]:
    from wordfreq import top_n_list

    return tuple(sorted(w for w in top_n_list("en", 40000) if _LETTERS.match(w) and len(w) >= 4))


# A word this long or longer that English has never seen may be a slip of the keyboard.
MIN_RESPELL_LENGTH = 5


def respelled(text: str, known: Callable[[str], bool]) -> tuple[str, list[tuple[str, str]]]:
    """``text`` with each word that English has never seen and the sources do not use ("startign") replaced by
    the common English word one edit away that the sources do use ("starting"), and the replacements made.

    Acronyms in capitals ("VLCAD") and words the sources use ("Donnai" of Donnai-Barrow syndrome) are names,
    not slips; only common English words are targets, so a misspelled drug name is never turned into
    another drug's name (those are matched by their form in the corpus: ``Lexicon.variant``).
    """
    fixes: list[tuple[str, str]] = []
    for word in dict.fromkeys(re.findall(r"[A-Za-z]+", text)):
        lower = word.lower()
        if len(lower) < MIN_RESPELL_LENGTH or word.isupper() or zipf(lower) > 0 or known(lower):
            continue
        near = Lexicon._near(lower, _common_english())
        if near is not None and zipf(near) >= COMMON_ZIPF and known(near):
            near = near.capitalize() if word[0].isupper() else near
            fixes.append((word, near))
            text = re.sub(rf"\b{re.escape(word)}\b", near, text)
    return text, fixes


def unclipped(text: str, lexicon: Lexicon, written: Callable[[str], str | None]) -> tuple[str, list[tuple[str, str]]]:
    """``text`` with each short clip of a corpus word ("tiz") written as that word ("tizanidine"), and the
    replacements made. ``written`` gives the form the sources write a corpus word (a stem) in.

    A clip of five letters or more is matched where words are compared (``Lexicon.variant``). A shorter one is
    read as a word only here, where the reader is told, and only when typed in lower case (in capitals it is an
    initialism: "ESRD"), unknown to the sources, rare in English, and the start of nearly only one corpus word.
    A question that names a drug by its first syllable ("how much tiz to start?") is about that drug: left as it
    is, nothing in it says whose dose is asked, and other drugs' dose lines would answer it. A clip that starts
    several corpus words is read as the common English word it clips (``english_reading``), when the sources
    write that word: "preg pt" is a pregnant patient, and the passages on pregnancy are the ones to search.
    """
    fixes: list[tuple[str, str]] = []
    for word in dict.fromkeys(re.findall(r"\b[A-Za-z]+\b", text)):
        if word[1:] != word[1:].lower() or word.lower() in STOPWORDS:
            continue
        key = lexicon.short_clip(word.lower())
        form = written(key) if key is not None else None
        if form is None and not lexicon.known(word.lower()):
            # The start of several corpus words ("preg": pregnancy and pregabalin) is read as the one English
            # reads it as, when the sources write that word ("pregnant").
            reading = english_reading(word.lower())
            form = reading if reading is not None and lexicon.known(reading) else None
        if form is None:
            continue
        form = form.capitalize() if word[0].isupper() else form
        fixes.append((word, form))
        text = re.sub(rf"\b{re.escape(word)}\b", form, text)
    return text, fixes


# How many of the corpus words a clip begins are weighed by meaning (the most frequent; see ``clipped_by_meaning``).
MAX_CLIP_READINGS = 8


def clipped_by_meaning(
    text: str,
    lexicon: Lexicon,
    written: Callable[[str], str | None],
    alike: Callable[[str, list[str]], Sequence[float]],
    threshold: float,
) -> tuple[str, list[tuple[str, str]]]:
    """``text`` with each word the corpus has in no form that begins corpus words written as the one of them it
    means, and the replacements made: the clip clinicians write for a long word that ``unclipped`` cannot read
    by its letters, being a word English writes itself ("labs" for laboratory tests, "rehab") or the start of
    several corpus words ("neuro"). ``alike(word, forms)`` gives the closeness in meaning of the word to each
    written form (``written``) of those it begins; the closest is taken when it reaches ``threshold``. Only what
    the word begins: by meaning alone a word may come near another thing ("quinine" and "tonic"). Not a word in
    capitals after its first letter, an initialism (spelled out apart), nor one read as a word that only frames
    a question (``ACTION_TERMS``: "medication", "treatment")."""
    fixes: list[tuple[str, str]] = []
    for typed in dict.fromkeys(re.findall(r"\b[A-Za-z][a-z]{2,}\b", text)):
        word = typed.lower()
        base = word[:-1] if word.endswith("s") and not word.endswith("ss") else word
        # A word the corpus writes in another form is matched as that form, unless the form only begins with it
        # and goes on ("neuro" of "neurology"): a clip, whose meaning is its whole word's.
        form = lexicon.variant(word)
        if word in STOPWORDS or (form is not None and not lexicon.begins(base, form)):
            continue
        keys = lexicon.completions(base)[:MAX_CLIP_READINGS]
        forms = [f for f in dict.fromkeys(written(k) for k in keys) if f]
        if not forms:
            continue
        closeness = list(alike(word, forms))
        best = max(range(len(forms)), key=lambda i: closeness[i])
        # A word read as one that frames a question ("medication") names nothing to search for: left as typed.
        if closeness[best] < threshold or stem(forms[best]) in ACTION_TERMS:
            continue
        form = forms[best].capitalize() if typed[0].isupper() else forms[best]
        fixes.append((typed, form))
        text = re.sub(rf"\b{re.escape(typed)}\b", form, text)
    return text, fixes


# Two words that share a prefix are forms of one word when what follows it is an ending: at most this long in
# either word ("neuropath-ic" and "neuropath-y", "numb" and "numb-ness", "cirrho-tic" and "cirrho-si")...
MAX_ENDING = 5
# ... and short in one of them. Two long endings make two words ("carnosin-emia" and "carnosin-uria",
# "lymphaden-itis" and "lymphaden-opathy"), as does a corpus word that is only the first part of a compound
# ("cranio" of "craniodiaphyseal").
MAX_SHORTER_ENDING = 3


# After a prefix of the question word's own that is not one English uses (Zipf below PREFIX_ZIPF: "haemo",
# "carno"), what differs must be shorter still (the longest, the shorter ending).
MAX_ENDING_AFTER_PREFIX = (3, 1)
PREFIX_ZIPF = 2.5


def _endings_only(a: int, b: int, whole: bool = False) -> bool:
    longest, shorter = MAX_ENDING_AFTER_PREFIX if whole else (MAX_ENDING, MAX_SHORTER_ENDING)
    return max(a, b) <= longest and min(a, b) <= shorter


def _common_completions(prefix: str) -> list[str]:
    """The common English words (Zipf COMMON_ZIPF or more) that begin with ``prefix``."""
    english = _common_english()
    at = bisect.bisect_left(english, prefix)
    out = []
    while at < len(english) and english[at].startswith(prefix):
        if zipf(english[at]) >= COMMON_ZIPF:
            out.append(english[at])
        at += 1
    return out


def _english_reads_otherwise(clip: str, word: str) -> bool:
    """English commonly writes a word beginning with ``clip`` that is no form of the corpus word ``word``:
    "preg" begins "pregnant" and "pregnancy" as well as "pregabalin", and "carb" begins "carbon" and "carbs";
    such a clip stands for no one word."""
    return any(not _same_word(w, word) for w in _common_completions(clip))


def _same_word(a: str, b: str) -> bool:
    """``a`` and ``b`` are forms of one word: what follows their shared prefix are endings."""
    shared = shared_prefix(a, b)
    return _endings_only(len(a) - shared, len(b) - shared)


@lru_cache(maxsize=4096)
def english_reading(word: str) -> str | None:
    """The common English word that ``word``, rare in English itself, is the clipped form of ("preg" of
    "pregnant"), or None: only when every common English word (Zipf COMMON_ZIPF or more, MIN_CLIPPED_REST
    letters longer) it begins is a form of that one ("pred" begins "predict" and "predator", and stands for
    neither)."""
    if len(word) < MIN_SHORT_CLIP or not _LETTERS.match(word) or zipf(word) >= PREFIX_ZIPF:
        return None
    found = [w for w in _common_completions(word) if len(w) >= len(word) + MIN_CLIPPED_REST]
    if not found:
        return None
    best = max(found, key=zipf)
    return best if all(_same_word(w, best) for w in found) else None


def shared_prefix(a: str, b: str) -> int:
    """How many leading letters ``a`` and ``b`` share."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


# A clipped word keeps at least this many letters of the word it shortens, which has this many more ...
MIN_CLIPPED = 5
# ... or, typed in lower case, at least this many (``unclipped``: "tiz" for tizanidine) ...
MIN_SHORT_CLIP = 3
MIN_CLIPPED_REST = 3
# ... and it names the corpus word whose forms hold this share of the document frequency of its completions.
CLIPPED_SHARE = 0.9

# How many words' variants a Lexicon remembers.
MAX_REMEMBERED = 100_000


class Lexicon:
    """The corpus vocabulary (stemmed tokens with their document frequencies) and English word frequencies."""

    def __init__(self, df: Mapping[str, int], documents: int) -> None:
        self.df = df
        self.documents = max(documents, 1)
        self._sorted = sorted(df)
        self._variants: dict[str, str | None] = {}  # word -> variant(word), asked of many words, often again

    def known(self, word: str) -> bool:
        """The corpus uses this word (as its stem)."""
        return stem(word) in self.df or word in self.df

    def in_corpus_words(self, text: str) -> str:
        """``text`` with each word the corpus lacks but has another form of written as that form
        ("interdialytic cramps" -> "interdialytic dialysat cramps"), for a word-matching search; the word is
        kept beside its form. Unchanged when there is none."""
        out, changed = [], False
        for token in re.findall(r"\S+", text):
            out.append(token)
            word = token.strip(".,;:!?()[]\"'").lower()
            if len(word) < MIN_SHARED_PREFIX or not _LETTERS.match(word) or word in STOPWORDS or self.known(word):
                continue
            form = self.variant(word)
            if form is not None and form != word:
                out.append(form)
                changed = True
        return " ".join(out) if changed else text

    def variant(self, word: str) -> str | None:
        """A corpus word that ``word`` is a form of, or None.

        A form shares a long prefix with it ("neuropathic" and "neuropathy", "numb" and "numbness"), possibly
        after a short prefix of its own ("haemodialysis" and "dialysis"), or is one edit away from it
        ("titraton").
        """
        if word not in self._variants:
            if len(self._variants) >= MAX_REMEMBERED:
                self._variants.clear()  # a long-running server is asked ever new words
            self._variants[word] = self._variant(word)
        return self._variants[word]

    def _variant(self, word: str) -> str | None:
        if self.known(word):
            return word
        if len(word) < MIN_SHARED_PREFIX - 1 or not _LETTERS.match(word):
            return None
        for offset in range(0, max(1, min(6, len(word) - MIN_SHARED_PREFIX + 1))):
            # After a prefix that English writes on its own ("intra", "re", "hyper"), any form of the rest.
            strict = offset > 0 and zipf(word[:offset]) < PREFIX_ZIPF
            rest = word[offset:]
            found = self._prefix_match(rest, whole=strict)
            # Not an everyday word that only begins like the rest ("rather" is no form of "intrathecal" after
            # "int"): a form of a rare word is rare too, unless it is nearly all of the rest ("infection" of
            # "reinfection").
            if found and offset and zipf(found) >= EVERYDAY_ZIPF and shared_prefix(rest, found) < len(rest) - 2:
                continue
            if found:
                return found
        # A word English writes is spelled as meant: no slip of the keyboard from another ("facet" is not "fact").
        near = self._near(word, self._sorted) if zipf(word) < PREFIX_ZIPF else None
        return near or self._clipped(word)

    def _clipped(self, word: str, least: int = MIN_CLIPPED) -> str | None:
        """The corpus word that ``word`` is the clipped form of, as clinicians shorten a long word to its first
        syllables ("benzos" for benzodiazepines, "anticoag" for anticoagulation), or None. Only a word English
        rarely writes (Zipf below PREFIX_ZIPF), of at least ``least`` letters, whose completions in the corpus
        are nearly all one word (CLIPPED_SHARE of their document frequency, each at least MIN_CLIPPED_REST
        letters longer): "labs" is no clip, being common English, a clip that begins several corpus words
        stands for none of them, and nor does one that begins a common English word the corpus lacks."""
        base = word[:-1] if word.endswith("s") and not word.endswith("ss") else word
        if len(base) < least or zipf(word) >= PREFIX_ZIPF:
            return None
        found = self.completions(base)
        if not found:
            return None
        best = found[0]

        def other(w: str) -> bool:
            shared = shared_prefix(w, best)
            # A short clip's completions are one word only in endings ("pregabalin" is no form of "pregnancy").
            return shared < len(best) - MAX_ENDING or (
                least < MIN_CLIPPED and not _endings_only(len(w) - shared, len(best) - shared)
            )

        share = sum(self.df[w] for w in found if other(w))
        total = sum(self.df[w] for w in found)
        if not total or 1 - share / total < CLIPPED_SHARE:
            return None
        return None if _english_reads_otherwise(base, best) else best

    @staticmethod
    def begins(base: str, word: str, rest: int = MIN_CLIPPED_REST) -> bool:
        """``base`` is the start of the corpus word ``word``, which goes on for at least ``rest`` letters more."""
        return word.startswith(base) and len(word) >= len(base) + rest

    def completions(self, base: str, rest: int = MIN_CLIPPED_REST) -> list[str]:
        """The corpus words (stems) that begin with ``base`` and are at least ``rest`` letters longer, the most
        frequent first."""
        at = bisect.bisect_left(self._sorted, base)
        found: list[str] = []
        while at < len(self._sorted) and self._sorted[at].startswith(base):
            if len(self._sorted[at]) >= len(base) + rest:
                found.append(self._sorted[at])
            at += 1
        return sorted(found, key=lambda w: (-self.df[w], w))

    def short_clip(self, word: str) -> str | None:
        """The corpus word (as its stem) that ``word``, shorter than a clip ``variant`` matches, is the clipped
        form of ("tizanidin" for "tiz"), or None; see ``unclipped``."""
        if not MIN_SHORT_CLIP <= len(word) < MIN_CLIPPED or not _LETTERS.match(word) or self.known(word):
            return None
        return self._clipped(word, MIN_SHORT_CLIP)

    def _prefix_match(self, word: str, whole: bool = False) -> str | None:
        """The corpus word that ``word`` is another form of (``_endings_only``); with ``whole``, for what is
        left of a word after a prefix of its own, nearly the corpus word itself ("dialysis" of "haemodialysis";
        not "sinemia" of "carnosinemia" for "sinemet")."""
        head = word[:MIN_SHARED_PREFIX]
        at = bisect.bisect_left(self._sorted, head)
        best: str | None = None
        while at < len(self._sorted) and self._sorted[at].startswith(head):
            other = self._sorted[at]
            shared = shared_prefix(word, other)
            if (
                shared >= 0.6 * min(len(word), len(other))
                and _endings_only(len(word) - shared, len(other) - shared, whole)
                and (best is None or shared > shared_prefix(word, best))
            ):
                best = other
            at += 1
        return best

    @staticmethod
    def _near(word: str, vocabulary: tuple[str, ...] | list[str]) -> str | None:
        """A word of ``vocabulary`` (sorted) at most one edit from ``word``, sharing its first two letters."""
        head = word[:2]
        lo = bisect.bisect_left(vocabulary, head)
        hi = bisect.bisect_left(vocabulary, head[:1] + chr(ord(head[1]) + 1)) if len(head) == 2 else lo
        bucket = [w for w in vocabulary[lo:hi] if abs(len(w) - len(word)) <= 1]
        for other in difflib.get_close_matches(word, bucket, n=3, cutoff=0.8):
            if _edits_at_most_one(word, other):
                return other
        return None

    def everyday(self, word: str) -> bool:
        """Ordinary English, a slip of the keyboard away from it ("recieve"), or two ordinary words run
        together ("workup")."""
        if zipf(word) >= COMMON_ZIPF:
            return True
        if len(word) < 5 or not _LETTERS.match(word):
            return False
        near = self._near(word, _common_english())
        if near is not None and zipf(near) >= COMMON_ZIPF:
            return True
        return any(
            zipf(word[:i]) >= COMMON_ZIPF + 1 and zipf(word[i:]) >= COMMON_ZIPF + 1 for i in range(3, len(word) - 1)
        )

    def nameness(self, word: str) -> float:
        """0 to 1: how much ``word`` looks like the name of something the corpus never mentions.

        0 for a corpus word or a form of one, a number, shorthand (short words) and everyday English; else it
        rises as the word gets rarer in English (1 at Zipf 1 or below).
        """
        if len(word) < MIN_NAME_LENGTH or not _LETTERS.match(word) or self.variant(word) is not None:
            return 0.0
        if self.everyday(word):
            return 0.0
        return max(0.0, min(1.0, (COMMON_ZIPF - zipf(word)) / 2.0))

    def salience(self, word: str) -> float:
        """0 to 1: how much ``word`` says about what a conversation is about.

        A corpus word (or a form of one) from 0.3 up, the rarer in the corpus the more; a name the corpus
        lacks from 0.6 up; everyday English and shorthand that the corpus cannot match, 0.
        """
        if not _LETTERS.match(word.replace("-", "")):
            return 0.0
        variant = self.variant(word)
        if variant is not None:
            return 0.3 + 0.7 * self.rarity(variant)
        name = self.nameness(word)
        return 0.6 + 0.4 * name if name > 0 else 0.0

    @staticmethod
    def specificity(word: str) -> float:
        """0 to 1: how specific a word is in English at large: 1 for a word met at most about three times per
        billion words (Zipf 2.5 and below: drug and disease names), 0 for one met once per 30,000 words or
        more (Zipf 4.5: "measures", "stroke")."""
        return max(0.0, min(1.0, (4.5 - zipf(word)) / 2.0))

    def rarity(self, word: str) -> float:
        """0 to 1: how rare the word is in the corpus (its idf, scaled by the largest possible)."""
        import math

        df = self.df.get(stem(word), self.df.get(word, 0))
        return math.log((self.documents + 1) / (df + 0.5)) / math.log((self.documents + 1) / 0.5)


def _edits_at_most_one(a: str, b: str) -> bool:
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))
