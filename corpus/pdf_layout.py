"""A PDF page as a reader sees it: lines in reading order, without running headers and footers.

pdfplumber gives words with their position, font and size. This module turns them into ``Line`` records:

- columns: a page whose words leave a vertical gutter in its middle third is read column by column; a
  line that crosses the gutter (a title, a box heading, a wide table) separates the page into bands, and
  each band is read left column, then right column;
- superscript numbers (smaller type, raised) are taken out of the text as citation markers;
- a line whose words fall into cells separated by wide gaps is a table row: its cells are kept apart;
- running headers and footers (lines in the top and bottom bands whose text, digits aside, recurs on many
  pages) and bare page numbers are dropped.

Nothing here knows about articles; ``pdf_reader`` builds the Article from these lines.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

# The top and bottom bands of a page, as shares of its height, where running headers and footers live.
BAND = 0.075
# A header or footer recurs on at least this share of pages (and on three pages at least).
RECURS = 0.2
# A gap between words this many times the font size splits table cells.
CELL_GAP = 1.6
# A superscript is at most this share of its line's type size.
SUPERSCRIPT = 0.85
# The narrowest gap between two columns, in points.
GUTTER = 8.0
# Words closer than this share of the type size are one token split by a change of font ("(" "58" ")").
TIGHT = 0.04
# In letter-spaced type, a gap this many times the letters' own spacing is a space between words.
WORD_GAP_OVER_LETTERS = 2.5
# Bold, black, heavy and semibold faces, written out or abbreviated ("HelveticaNeueLTStd-Bd", "Arial,Bold").
_BOLD = re.compile(r"bold|black|heavy|semibold|demi|[-,](?:bd|hv|blk|bk)(?![a-z])", re.IGNORECASE)
_PAGE_NUMBER = re.compile(r"^(page\s+)?\d{1,4}(\s+of\s+\d{1,4})?$", re.IGNORECASE)
_MARKER_TEXT = re.compile(r"^[\d,–\-]+$")
_CHAR_FIXES = {
    "\u2011": "-",  # non-breaking hyphen
    "\u00ad": "",  # soft hyphen
    "\u00a0": " ",
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
}


def clean(text: str) -> str:
    """Ligatures spelled out, non-breaking and soft hyphens normalised, other compatibility forms kept."""
    for bad, good in _CHAR_FIXES.items():
        text = text.replace(bad, good)
    return unicodedata.normalize("NFC", text)


@dataclass
class Line:
    """One line of text in reading order, with where it stands and how it is set.

    ``cells`` holds a table row's cells (empty for prose); ``markers`` the superscript citation numbers that
    followed a word, as (offset in ``text``, "12,13") pairs.
    """

    text: str
    page: int  # 0-based physical page
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    column: int  # 0 full width, 1 left, 2 right
    family: str = ""  # the typeface of most of the line ("HelveticaNeueLTStd"), without subset prefix or style
    cells: list[str] = field(default_factory=list)
    markers: list[tuple[int, str]] = field(default_factory=list)
    band: int = 0  # which band of the page (between full-width lines and rules) the line stands in
    boxed: bool = False  # the band is ruled above and below: a box set over both columns
    lead_in: int = 0  # how many characters the line opens with in bold, ending with a full stop ("Harms. ...")


def _bold(word: dict[str, Any]) -> bool:
    return bool(_BOLD.search(str(word.get("fontname", ""))))


def _gutter(words: Sequence[dict[str, Any]], width: float) -> float | None:
    """The x of a column gutter in the page's middle third, or None for a one-column page.

    Words are grouped into text rows across the whole width. At a gutter, few rows have a word over it (a
    title, a summary or a table may run over both columns), and many rows lie wholly on each side of it.
    """
    if len(words) < 40:
        return None
    lo, hi = int(width * 0.3), int(width * 0.7)
    rows: list[list[dict[str, Any]]] = []
    for w in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if rows and abs(rows[-1][0]["top"] - w["top"]) < 2:
            rows[-1].append(w)
        else:
            rows.append([w])
    spans = [(min(w["x0"] for w in row), max(w["x1"] for w in row), row) for row in rows]
    covered = [0] * (hi - lo)
    for _, _, row in spans:
        for w in row:
            for column in range(max(int(w["x0"]), lo), min(int(w["x1"]) + 1, hi)):
                covered[column - lo] += 1
    best = min(range(len(covered)), key=lambda i: (covered[i], abs(i - len(covered) / 2)))
    x: float = lo + best
    # A gutter leaves at least GUTTER points free of words in the rows that do not cross it.
    slack = covered[best] + max(1, len(rows) // 50)
    free = [i for i in range(len(covered)) if covered[i] <= slack and abs(i - best) <= 40]
    if max(free) - min(free) + 1 < GUTTER:
        return None
    x = lo + (min(free) + max(free)) / 2
    crossing = covered[best]
    clear = [row for _, _, row in spans if not any(w["x0"] < x < w["x1"] for w in row)]
    left = sum(1 for row in clear if any(w["x1"] <= x for w in row))
    right = sum(1 for row in clear if any(w["x0"] >= x for w in row))
    if crossing > 0.35 * len(rows) or min(left, right) < 8:
        return None
    return float(x)


def _group_lines(words: list[dict[str, Any]], page: int, column: int) -> list[Line]:
    """Words of one column (or of the full width) grouped into lines, top to bottom."""
    words = sorted(words, key=lambda w: (w["top"], w["x0"]))
    rows: list[list[dict[str, Any]]] = []
    for w in words:
        height = w["bottom"] - w["top"]
        for row in reversed(rows[-3:]):
            top = min(x["top"] for x in row)
            bottom = max(x["bottom"] for x in row)
            overlap = min(bottom, w["bottom"]) - max(top, w["top"])
            if overlap > 0.3 * min(height, bottom - top):
                row.append(w)
                break
        else:
            rows.append([w])
    return [_line(sorted(row, key=lambda w: w["x0"]), page, column) for row in rows]


_RUN_STOPS = frozenset(":;,.")


def _words_of_run(run: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """A run of letter-spaced single letters cut into its words: where a gap is clearly wider than the spacing of
    its letters (the run's typical gap), and at least a quarter of the type's size ("A P P E N D I X  A" is two
    words, its letters 1.5 pt apart at 17 pt, its words 7.3 pt)."""
    gaps = [b["x0"] - a["x1"] for a, b in pairwise(run)]
    if not gaps:
        return [run]
    spacing = statistics.median(gaps)
    words: list[list[dict[str, Any]]] = [[run[0]]]
    for gap, letter in zip(gaps, run[1:], strict=True):
        if gap > WORD_GAP_OVER_LETTERS * spacing and gap > 0.25 * float(letter["size"]):
            words.append([letter])
        else:
            words[-1].append(letter)
    return words


def _unspace(row: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Letter-spaced type ("F O R  O U T P A T I E N T") as words: runs of single letters closer together than
    the gaps between them and the next run are joined, each word of the run (``_words_of_run``) on its own."""
    out: list[dict[str, Any]] = []
    run: list[dict[str, Any]] = []

    def flush() -> None:
        # Mostly lone letters: three short words in capitals set at word spacing ("CDC MME FDA") are no run.
        if len(run) >= 3 and 2 * sum(len(w["text"]) == 1 and w["text"].isalpha() for w in run) > len(run):
            for letters in _words_of_run(run):
                merged = dict(letters[0])
                merged["text"] = "".join(w["text"] for w in letters)
                merged["x1"] = letters[-1]["x1"]
                out.append(merged)
        else:
            out.extend(run)
        run.clear()

    for w in row:
        # A letter, or two or three capitals set closer than the rest by kerning ("PAT" of "O U T P A T I E N T").
        single = w["text"].isalpha() and (len(w["text"]) == 1 or (len(w["text"]) <= 3 and w["text"].isupper()))
        # A stop or colon set as the run's letters are ends its word ("A P P E N D I X  A :").
        stop = w["text"] in _RUN_STOPS and bool(run)
        if (single or stop) and (not run or w["x0"] - run[-1]["x1"] < 0.6 * float(w["size"])):
            run.append(w)
            continue
        flush()
        if single:
            run.append(w)
        else:
            out.append(w)
    flush()
    return out


def _line(row: list[dict[str, Any]], page: int, column: int) -> Line:
    row = _unspace(row)
    sizes = [float(w["size"]) for w in row]
    body = max(sizes)
    main = [w for w in row if float(w["size"]) > SUPERSCRIPT * body or not _MARKER_TEXT.match(w["text"])]
    text = ""
    markers: list[tuple[int, str]] = []
    cells: list[str] = []
    cell = ""
    previous: dict[str, Any] | None = None
    ends: list[tuple[int, bool]] = []  # each word's end in ``text`` and whether it is set in bold
    for w in row:
        word = clean(w["text"])
        raised = w not in main and previous is not None and w["bottom"] < previous["bottom"] - 0.5
        if raised:
            markers.append((len(text), word))
            continue
        gap = w["x0"] - previous["x1"] if previous is not None else 0.0
        space = "" if previous is not None and gap < TIGHT * float(w["size"]) else " "
        if previous is not None and gap > CELL_GAP * float(w["size"]):
            cells.append(cell)
            cell = word
        else:
            cell = f"{cell}{space}{word}" if cell else word
        text = f"{text}{space}{word}" if text else word
        ends.append((len(text), _bold(w)))
        previous = w
    cells.append(cell)
    bold = sum(len(w["text"]) for w in main if _bold(w)) * 2 > sum(len(w["text"]) for w in main)
    families: Counter[str] = Counter()
    for w in main:
        families[str(w.get("fontname", "")).split("+")[-1].split("-")[0].split(",")[0]] += len(w["text"])
    return Line(
        text=text,
        page=page,
        x0=float(row[0]["x0"]),
        x1=float(row[-1]["x1"]),
        top=float(min(w["top"] for w in row)),
        bottom=float(max(w["bottom"] for w in row)),
        size=round(statistics.median(float(w["size"]) for w in main) if main else body, 1),
        bold=bold,
        column=column,
        family=families.most_common(1)[0][0] if families else "",
        cells=cells if len(cells) > 1 else [],
        markers=markers,
        lead_in=run_in_length(text, ends),
    )


# A list item's own marker ("a.", "iv.", "2.", "1.2."): set in bold, it opens an item, not a run-in heading.
_ITEM_MARK = re.compile(r"^(?:[A-Za-z]|[ivxlcdm]+|\d+(?:\.\d+)*)[.)]$", re.IGNORECASE)


def run_in_length(text: str, ends: list[tuple[int, bool]]) -> int:
    """The length of the bold words that open ``text`` and end with a full stop (a full stop set in roman right
    after them counts), or 0. A whole bold line ending with a full stop counts too: its paragraph may run on in
    roman on the next line."""
    bold = 0
    while bold < len(ends) and ends[bold][1]:
        bold += 1
    if not bold:
        return 0
    end = ends[bold - 1][0]
    if not text[:end].endswith(".") and bold < len(ends) and text[end : ends[bold][0]].strip() == ".":
        end = ends[bold][0]  # "Pain" in bold, then "." in roman
    head = text[:end].strip()
    if not head.endswith(".") or _ITEM_MARK.match(head) or not re.search(r"[A-Za-z]{3}", head):
        return 0
    return end


def unique_chars(chars: list[dict[str, Any]], tolerance: float = 1.0) -> list[dict[str, Any]]:
    """``chars`` without the copies some PDFs draw over a character to make it look bold: a char with the same
    text, font and size as a kept one within ``tolerance`` points of it. Linear in the number of chars (a
    grid of ``tolerance``-sized cells), where pdfplumber's own dedupe is quadratic on a full page."""
    kept: list[dict[str, Any]] = []
    grid: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for char in chars:
        key = (char.get("upright"), char["text"], char.get("fontname"), char.get("size"))
        gx, gy = int(char["x0"] // tolerance), int(char["doctop"] // tolerance)
        duplicate = any(
            abs(other["x0"] - char["x0"]) <= tolerance and abs(other["doctop"] - char["doctop"]) <= tolerance
            for dx in (-1, 0, 1)
            for dy in (-1, 0, 1)
            for other in grid.get((*key, gx + dx, gy + dy), ())
        )
        if not duplicate:
            kept.append(char)
            grid.setdefault((*key, gx, gy), []).append(char)
    return kept


def page_lines(page: Any, index: int) -> list[Line]:
    """The lines of one pdfplumber page in reading order (headers and footers still in)."""
    unique = {id(c) for c in unique_chars(page.chars)}
    page = page.filter(lambda obj: obj.get("object_type") != "char" or id(obj) in unique)
    words = page.extract_words(extra_attrs=["fontname", "size"], keep_blank_chars=False, x_tolerance=1.5)
    words = [w for w in words if w.get("upright", True) and w["text"].strip()]
    if not words:
        return []
    height, width = float(page.height), float(page.width)
    body = [w for w in words if BAND * height < w["top"] and w["bottom"] < (1 - BAND) * height]
    gutter = _gutter(body, width)
    if gutter is None:
        return _group_lines(words, index, 0)
    spanning = [w for w in words if w["x0"] < gutter < w["x1"]]
    # A text line that runs across the gutter with only a word space at it (a title over both columns) is
    # one line, though no word crosses the gutter.
    near_left = [w for w in words if 0 < gutter - w["x1"] < 1.5 * float(w["size"])]
    near_right = [w for w in words if 0 <= w["x0"] - gutter < 1.5 * float(w["size"])]
    for a in near_left:
        for b in near_right:
            same_line = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 0.5 * (a["bottom"] - a["top"])
            if same_line and b["x0"] - a["x1"] < 0.8 * float(a["size"]) and a["size"] == b["size"]:
                spanning += [a, b]
    full_rows = _group_lines(spanning, index, 0) if spanning else []
    # A word on the same text line as a spanning word belongs to that full-width line.
    full, left, right = list(spanning), [], []
    for w in words:
        if w in spanning:
            continue
        if any(r.top - 1 <= (w["top"] + w["bottom"]) / 2 <= r.bottom + 1 for r in full_rows):
            full.append(w)
        elif (w["x0"] + w["x1"]) / 2 < gutter:
            left.append(w)
        else:
            right.append(w)
    wide = _group_lines(full, index, 0)
    columns = _group_lines(left, index, 1) + _group_lines(right, index, 2)
    # Bands: a full-width line, or a rule drawn across the gutter (the edge of a box set over both columns),
    # ends the band above it; each band is read left column, then right.
    breaks: list[tuple[float, Line | None]] = [(line.top, line) for line in wide]
    breaks += [(y, None) for y in _rules(page, gutter)]
    breaks.sort(key=lambda b: (b[0], b[1] is None))
    ordered: list[Line] = []
    start = float("-inf")
    ruled_above = False
    for number, (edge, line) in enumerate([*breaks, (float("inf"), None)]):
        band = [c for c in columns if start <= c.top < edge]
        boxed = ruled_above and line is None and edge != float("inf")
        for c in sorted(band, key=lambda c: (c.column, c.top)):
            c.band, c.boxed = number, boxed
            ordered.append(c)
        ruled_above = line is None
        if line is not None:
            line.band = number
            ordered.append(line)
        start = edge
    return ordered


def _rules(page: Any, gutter: float) -> list[float]:
    """The y of each horizontal rule that crosses the gutter and spans most of the page's width."""
    width = float(page.width)
    found = []
    for edge in [*page.lines, *page.rects]:
        flat = abs(float(edge["bottom"]) - float(edge["top"])) < 2
        if flat and edge["x0"] < gutter < edge["x1"] and edge["x1"] - edge["x0"] > 0.6 * width:
            found.append(float(edge["top"]))
    return sorted(set(round(y, 1) for y in found))


def _shape(text: str) -> str:
    return re.sub(r"\s+", "", re.sub(r"\d+", "#", text.lower()))


def strip_running(pages: list[list[Line]], heights: list[float]) -> list[list[Line]]:
    """The pages without running headers and footers and bare page numbers in the top and bottom bands."""
    banded: Counter[str] = Counter()
    for lines, height in zip(pages, heights, strict=True):
        seen = {_shape(line.text) for line in lines if _in_band(line, height)}
        banded.update(seen)
    needed = max(3, int(RECURS * len(pages)))
    recurring = {shape for shape, n in banded.items() if n >= needed}
    out = []
    for lines, height in zip(pages, heights, strict=True):
        kept = []
        for line in lines:
            if _in_band(line, height) and (_shape(line.text) in recurring or _PAGE_NUMBER.match(line.text.strip())):
                continue
            kept.append(line)
        out.append(kept)
    return out


def _in_band(line: Line, height: float) -> bool:
    return line.top < BAND * height or line.bottom > (1 - BAND) * height
