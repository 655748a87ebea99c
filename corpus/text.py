"""Text helpers shared by the readers and the floors above: decoding, words, sentences, markers."""

from __future__ import annotations

import codecs
import re
import unicodedata

from corpus.types import ReadError

MAX_FILE_BYTES = 20 * 1024 * 1024

STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "done",
        "down",
        "during",
        "each",
        "either",
        "else",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "may",
        "me",
        "might",
        "more",
        "most",
        "must",
        "my",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "out",
        "over",
        "own",
        "per",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "upon",
        "very",
        "via",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "vs",
        "etc",
        "e",
        "g",
        "ie",
        "eg",
        "s",
        "t",
    ]
)


def decode(data: bytes) -> str:
    """Bytes of a text file as str: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252.

    Raises ReadError for empty, binary or oversized input.
    """
    if not data.strip():
        raise ReadError("empty file")
    if len(data) > MAX_FILE_BYTES:
        raise ReadError(f"file too large ({len(data) // (1024 * 1024)} MB; limit {MAX_FILE_BYTES // (1024 * 1024)} MB)")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ReadError(f"broken UTF-16 text ({exc.reason})") from exc
    if b"\x00" in data[:8192]:
        raise ReadError("binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Scraped and exported files are often Windows-1252; every byte decodes in Latin-1 as the fallback.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


def normalize_space(text: str) -> str:
    """Collapse runs of white space (including non-breaking spaces) to one space and strip the ends."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")


def stem(word: str) -> str:
    """A light, predictable suffix stripper, so that word forms meet.

    'cramps' -> 'cramp', 'dosing' and 'dose' -> 'dos', 'titrate', 'titrating' and 'titration' -> 'titrat',
    'monitoring' -> 'monitor', 'abruptly' -> 'abrupt', 'numbness' -> 'numb'. Short words are left alone.
    """
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if len(word) > 5 and word.endswith("ly"):
        word = word[:-2]  # 'abruptly' -> 'abrupt', 'weekly' -> 'week'
    if len(word) >= 7 and word.endswith("iness"):
        word = word[:-5] + "y"  # 'drowsiness' -> 'drowsy', 'dizziness' -> 'dizzy'
    elif len(word) >= 7 and word.endswith("ness"):
        word = word[:-4]  # 'numbness' -> 'numb', 'weakness' -> 'weak'
    if len(word) >= 8 and word.endswith("ment"):
        word = word[:-4]  # 'treatment' -> 'treat', 'management' -> 'manage'
    for suffix in ("ing", "ion", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]  # 'stopping' -> 'stopp' -> 'stop'
    return word


def unaccented(text: str) -> str:
    """``text`` with its accents dropped and its compatibility characters plain ("naïve" -> "naive")."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """Lower-cased word tokens of ``text``, accents dropped ("Guillain-Barré", "naïve" are one word each, as
    typed without accents), hyphenated words kept whole and also split into parts."""
    if not text.isascii():
        text = unaccented(text)
    out: list[str] = []
    for token in _WORD.findall(text.lower()):
        out.append(token)
        if "-" in token:
            out.extend(p for p in token.split("-") if p)
    return out


def terms(text: str) -> set[str]:
    """The stemmed content words of ``text`` (stopwords and bare numbers removed)."""
    return {stem(w) for w in words(text) if w not in STOPWORDS and not w.isdigit() and len(w) > 1}


# Abbreviations that end in a period but do not end a sentence.
_ABBREV = re.compile(
    r"(?:\b(?:e\.g|i\.e|vs|etc|Dr|Mr|Mrs|Ms|Prof|Fig|No|approx|cf|al|St|Jr|Sr|incl|min|max|mo|wk|yr|U\.S|"
    r"[A-Z])\.)$"
)


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences; every sentence is a verbatim, stripped span of ``text``.

    Breaks after '.', '!' or '?' followed by white space and an upper-case letter, a digit or an opening
    bracket or quote, except after common abbreviations and single initials. Decimals ('2.5 mg') never
    break, because no space follows their period.
    """
    sentences: list[str] = []
    start = 0
    for match in re.finditer(r"[.!?][\"')\]]*\s+(?=[A-Z0-9(\[\"'])", text):
        candidate = text[start : match.start() + 1]
        if _ABBREV.search(candidate.rstrip("\"')]")):
            continue
        end = match.end()
        piece = text[start:end].strip()
        if piece:
            sentences.append(piece)
        start = end
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


# Words after which a trailing number belongs to the text ("stage 3", "type 2", "3 times"), not a marker.
# Plural units ("for 7 days 2") are left out on purpose: a number after them is a marker.
_NOT_BEFORE_MARKER = frozenset(
    [
        "stage",
        "grade",
        "type",
        "step",
        "phase",
        "class",
        "level",
        "day",
        "week",
        "month",
        "year",
        "hour",
        "minute",
        "mg",
        "g",
        "kg",
        "mcg",
        "ml",
        "l",
        "mmol",
        "x",
        "and",
        "or",
        "to",
        "of",
        "chapter",
        "part",
        "figure",
        "table",
        "version",
        "number",
        "no",
        "cycle",
        "tier",
        "line",
        "trisomy",
        "chromosome",
        "factor",
        "vitamin",
        "section",
        "page",
        "gene",
        "score",
        "hla",
        "cd",
        "covid",
    ]
)

_TAIL_MARKERS = re.compile(r"(?<=[A-Za-z).\]%:;])\s+(\d{1,2}(?:\s*,\s*\d{1,2})*)\s*$")
_MID_MARKERS = re.compile(r"(?<=[A-Za-z)\]%])\s+(\d{1,2}(?:\s*,\s*\d{1,2})*)(?=,\s+[a-z])")


def _marker_numbers(group: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.split(r"\s*,\s*", group.strip()))


def _plausible(text: str, start: int, numbers: tuple[int, ...]) -> bool:
    if any(n < 1 or n > 99 for n in numbers):
        return False
    before = re.search(r"(/?)([A-Za-z]+)\W*$", text[:start])
    if before is None or before.group(1) == "/":
        return True  # after a unit ratio such as "mg/day" a number cannot be part of the text
    return before.group(2).lower() not in _NOT_BEFORE_MARKER


def strip_markers(line: str) -> tuple[str, tuple[int, ...]]:
    """Split a line of scraped article text into its text and its inline citation markers.

    Markers are bare numbers after a statement: at the end of the line ("... up to 30 mg/day 1",
    "... symptoms 3, 4") or before a comma that continues the sentence ("... need treatment 5, persistent
    ..."). A number that belongs to the text ("30 mg/day", "stage 3", "3 times daily") is kept as text.
    """
    tail_found: list[int] = []
    mid_found: list[int] = []
    text = line
    tail = _TAIL_MARKERS.search(text)
    if tail:
        numbers = _marker_numbers(tail.group(1))
        if _plausible(text, tail.start(), numbers):
            tail_found.extend(numbers)
            text = text[: tail.start()]
    while True:
        mid = _MID_MARKERS.search(text)
        if not mid:
            break
        numbers = _marker_numbers(mid.group(1))
        if not _plausible(text, mid.start(), numbers):
            break
        mid_found.extend(numbers)
        text = text[: mid.start()] + text[mid.end() :]
    ordered = tuple(dict.fromkeys(mid_found + tail_found))
    return text.rstrip(), ordered
