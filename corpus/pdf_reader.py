"""Reader for PDF documents such as clinical practice guidelines: the same Article as the other readers.

From the lines of ``pdf_layout`` (reading order, no running headers or footers):

- title from the document's metadata, else its largest line on the first page; date printed near the top
  of the first pages ("November 4, 2022"), else the metadata's creation date; source from its author;
- headings from type size and weight; their levels from the PDF's outline (bookmarks) where it has one
  and a heading matches an entry, else from type size;
- blocks: paragraphs (lines joined, words hyphenated at line ends rejoined), bullets, list items kept whole
  at their nesting level ("1." over "a." over "i.", a checklist's "D. Gloves" over its "i."), with the items
  they stand under that end in ':' or are labels as their context, recommendations (a numbered or labelled
  statement carrying its grading: "(recommendation category: A; evidence type: 3)", "Strong recommendation,
  low-quality evidence"), kept whole, and table rows, kept as "cell | cell" under their table's caption and
  header row;
- the reference list (a "References" section of numbered entries) parsed into entries; citation markers in
  the text ("(12)", "[12]", superscripts) tied to an entry only when the list has an entry of that number;
- every block knows the physical page (from 1) and printed label where each part of it begins.

A PDF that cannot be read is refused with one line: encrypted, without a text layer (scanned), truncated or
corrupt. A page that cannot be parsed is left out and named in the article's metadata (``lost_pages``).
"""

from __future__ import annotations

import io
import itertools
import logging
import re
import threading
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from corpus.pdf_layout import Line, clean, page_lines, strip_running
from corpus.references import split_source_year
from corpus.types import Article, Block, ReadError, Reference, Section

# pdfminer logs each oddity of a font or stream it works around; what matters reaches the index summary as a
# skipped file or a lost page, one line each.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

# A PDF of this many characters per page or fewer has no usable text layer.
MIN_CHARS_PER_PAGE = 20
# A heading is at most this long; a longer run of bold lines is a bold paragraph.
MAX_HEADING = 160
# A few words in body type on a line of their own, printed this many times or more in one document ("Not
# applicable" beside each item of a checklist), are a form's box, not content; a heading repeated as often
# ("Supporting Rationale" under each recommendation) is set in its own type and stays.
FORM_BOX_REPEATS = 10
# A web address cut at the end of a line, after a character it cannot end on: "https://doi.", "10.1016/".
_BROKEN_ADDRESS = re.compile(r"(?:https?://|www\.)\S*[./_=?&#~-]$")
# A line that ends with a web address, and a line that opens with the rest of one ("80/08897077.2017",
# "/10.1080/...", "113103"): an address has no spaces, so a line break inside it is no word break.
_ADDRESS_END = re.compile(r"(?:https?://|www\.)\S*$")
_ADDRESS_PART = re.compile(r"[\w%~-]*[/.%]\S*(?:\s|$)|\d+(?:\s|$)")
# The level of a run-in heading (bold words opening a paragraph): below every other heading.
RUN_IN_LEVEL = 1_000
# A bullet's mark: a bullet sign, a dash before a space, or a lone letter that a symbol font's bullet glyph
# decodes to when the PDF maps it to Latin-1 ("ï", "§", "Ø", "ü") or that nested lists use ("o"): no English word
# is one of these alone. Not before a number: "§ 164.512" cites a section.
_LETTER_BULLETS = "ï§Øüo"
_BULLET = re.compile(rf"^([•●▪■◦‣∙·❑□➢✓]|[–-](?=\s)|[{_LETTER_BULLETS}](?=\s+\D))\s*")
# What ends a sentence or introduces a list: an item after it starts a block of its own.
_CLAUSE_END = re.compile(r"[.:;?!][)\"”’]?$")
_STEP = re.compile(r"^(\d{1,2})[.)]\s+(?=\S)")
# A list item's mark: "1.", "a)", "B.", "iv." (an "i." is a letter after "h." and a numeral under an item).
_ITEM = re.compile(r"^(\d{1,2}|[a-z]|[A-Z]|[ivx]{1,5})[.)]\s+(?=\S)")
_NUMERALS = {n: i for i, n in enumerate("i ii iii iv v vi vii viii ix x xi xii xiii xiv xv".split(), start=1)}
# The grading a recommendation carries at its end: "(recommendation category: A; evidence type: 3)",
# "(Strong recommendation, low-quality evidence)", "Conditional recommendation; very low certainty of evidence".
_GRADING = re.compile(
    r"(\((?=[^()]*\brecommendation\b)(?=[^()]*\b(?:category|evidence|strength|grade|quality|certainty)\b)[^()]*\)"
    r"|\b(?:strong|conditional|weak) recommendation[,;]?\s+(?:very low|low|moderate|high)[- ]"
    r"(?:quality|certainty)(?: of)? evidence\)?)\s*\.?\s*$",
    re.IGNORECASE,
)
# A table's or figure's caption: "TABLE. ...", "Table 2: ...", "FIGURE 1. ...", "BOX. ...".
_CAPTION = re.compile(r"^(table|figure|box|exhibit)\s*[A-Z]?\d{0,2}\s*[.:—–]\s*\S", re.IGNORECASE)
# A note under a table starts with its symbol or a label: "* Multiply ...", "† Tapentadol ...", "Sources: ...".
_NOTE_START = re.compile(r"^([*†‡§¶#]|[A-Z][a-z]+( [a-z]+)?:\s)")
_APPENDIX = re.compile(r"^(appendix|annex)\b", re.IGNORECASE)
# Furniture of boxes and tables that run over pages.
_CONTINUED = re.compile(r"^\(?continued( on (the )?next page| from (the )?previous page)?\)?\.?$", re.IGNORECASE)
_RECOMMENDATION_ID = re.compile(r"^(recommendation\s+\d+[a-z]?|\d+(?:\.\d+){1,3})\b", re.IGNORECASE)
_REFERENCES = re.compile(r"^(references?|bibliography|literature cited)$", re.IGNORECASE)
_ENTRY = re.compile(r"^(\d{1,4})\.(?:\s+(?=\S)|(?=[A-Z]))")
# A line of a table of contents: "Recommendation 4 ........ 30".
_LEADER = re.compile(r"\.{5,}\s*\d+\s*$")
# A document may have several numbered reference lists (the body's, then an appendix's, each from 1): the
# entries of list k and the markers of the text it serves are numbered k * REFERENCE_LIST + n.
REFERENCE_LIST = 10_000
_MARKER = re.compile(r"[(\[]\s?(\d{1,4}(?:\s?[,–-]\s?\d{1,4})*)\s?[)\]]")
_DATE = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December)\s+\d{1,2},\s+"
    r"(19|20)\d{2}\b"
)


# pdfminer's strictness is one global setting: one page is read strictly at a time.
_STRICT = threading.Lock()


@dataclass
class _Open:
    """A block being built from lines: its text so far, its pages and its markers."""

    kind: str
    text: str = ""
    pages: list[tuple[int, int, str]] = field(default_factory=list)
    superscripts: list[tuple[int, str]] = field(default_factory=list)
    last: Line | None = None
    context: tuple[str, ...] = ()
    depth: int = 0
    lettered: bool = False  # opened by a letter that stands for a bullet ("ï"): its list's next item is one too


def _readings(mark: str) -> list[tuple[str, int]]:
    """The (style, value) pairs a list item's mark may stand for: "2" is number 2, "b" letter 2, "B" capital 2,
    "ii" numeral 2; "i", "v" and "x" are both a letter and a numeral."""
    found = []
    if mark.isdigit():
        found.append(("number", int(mark)))
    elif len(mark) == 1:
        found.append(("letter", ord(mark) - ord("a") + 1) if mark.islower() else ("capital", ord(mark) - ord("A") + 1))
    if mark in _NUMERALS:
        found.append(("numeral", _NUMERALS[mark]))
    return found


class _Lists:
    """The list items open at each level of a section's nested lists ("1." over "a." over "i."), to tell
    which line opens an item and at what level.

    A mark that follows the last item of an open level ("b." after "a.", "iv." after "iii.", "i." after "h.")
    is the next item of that level, and closes the levels under it. A first mark ("a.", "i.", "A.") opens a
    level under the item just read, or starts a list where a paragraph may start. A number always opens an
    item, at the top level unless it continues one (guidelines number their recommendations through the
    text). Any other line is no item.
    """

    def __init__(self) -> None:
        self.levels: list[tuple[str, int, _Open]] = []
        self.under: tuple[tuple[int, str], ...] = ()  # the headings (level, text) the open lists stand under

    def clear(self) -> None:
        self.levels = []
        self.under = ()

    def item(self, text: str, current: _Open | None, starts: bool) -> tuple[int, str, int] | None:
        """(level, style, value) of the item that ``text`` opens, or None when it opens none."""
        mark = _ITEM.match(text)
        if not mark:
            return None
        readings = _readings(mark.group(1))
        for depth in range(len(self.levels) - 1, -1, -1):
            style, value, _ = self.levels[depth]
            if (style, value + 1) in readings:
                return depth, style, value + 1
        if readings[0][0] == "number":
            return (0, *readings[0])
        firsts = [(style, value) for style, value in readings if value == 1]
        if firsts and self.levels and current is self.levels[-1][2]:
            return (len(self.levels), *firsts[0])  # "a." under "1. ... include:"; "i." under "a. ... to:"
        if firsts and starts:
            return (0, *firsts[0])
        return None

    def opened(self, depth: int, style: str, value: int, block: _Open, under: tuple[tuple[int, str], ...]) -> None:
        """Record the item ``block`` opened at ``depth`` under the headings ``under``, closing the levels under
        it."""
        del self.levels[depth:]
        self.levels.append((style, value, block))
        self.under = under

    def heads(self, depth: int) -> tuple[str, ...]:
        """The items an item at ``depth`` stands under that name what it is about: those ending in ':' and
        those that are labels ("D. Gloves"), not sentences."""
        return tuple(
            block.text.strip()
            for _, _, block in self.levels[:depth]
            if block.text.rstrip().endswith(":") or not re.search(r"[.?!;,]\)?$", block.text.rstrip())
        )


def _numbers(group: str) -> list[int]:
    out: list[int] = []
    for part in re.split(r"\s*,\s*", group.strip()):
        if not part:
            continue
        ends = [int(x) for x in re.split(r"\s*[–-]\s*", part) if x.isdigit()]
        if len(ends) == 2 and 0 < ends[1] - ends[0] < 30:
            out.extend(range(ends[0], ends[1] + 1))
        else:
            out.extend(ends)
    return out


def _labels(doc: object, count: int) -> list[str]:
    """The printed label of each physical page ('ii', '11'), or the page number where the PDF has none."""
    try:
        # pdfminer's page labels never end: take as many as there are pages.
        labels = list(itertools.islice(doc.get_page_labels(), count))  # type: ignore[attr-defined]
    except Exception:
        labels = []
    if len(labels) != count:
        return [str(i + 1) for i in range(count)]
    return [str(label) for label in labels]


def _outline(doc: object) -> list[tuple[int, str]]:
    """The PDF's bookmarks as (level, title), without empty or internal ones ("_GoBack")."""
    try:
        entries = list(doc.get_outlines())  # type: ignore[attr-defined]
    except Exception:
        return []
    out = []
    for entry in entries:
        level, title = int(entry[0]), clean(str(entry[1] or "")).strip()
        title = re.sub(r"\s+", " ", title)
        if title and not title.startswith("_"):
            out.append((level, title))
    # Entries of one kind ("Recommendation 1", "Recommendation 2") are siblings, whatever levels the PDF gives.
    shape_level: dict[str, int] = {}
    for level, title in out:
        shape = re.sub(r"\d+", "#", title.lower())
        shape_level[shape] = min(level, shape_level.get(shape, level))
    return [(shape_level[re.sub(r"\d+", "#", t.lower())], t) for _, t in out] if len(out) >= 3 else []


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def read_pdf_article(path: Path, data: bytes | None = None, article_id: str | None = None) -> Article:
    """Read one PDF into an Article (see the module docstring); ReadError with one line when it cannot."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    path = Path(path)
    data = data if data is not None else path.read_bytes()
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise ReadError("not a PDF file (no %PDF header)")
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pages = pdf.pages
    except Exception as exc:
        # pdfplumber wraps pdfminer's errors: the password error is the one it wraps.
        wrapped = [exc, exc.__context__, *(a for a in exc.args if isinstance(a, BaseException))]
        if any(isinstance(e, PDFPasswordIncorrect | PDFEncryptionError) for e in wrapped):
            raise ReadError("encrypted PDF: it needs a password to be read") from exc
        raise ReadError(f"not a readable PDF: truncated or corrupt ({type(exc).__name__})") from exc
    try:
        article = _read(path, pdf, pages)
    finally:
        pdf.close()
    if article_id is not None and article_id != article.id:
        from dataclasses import replace

        article = replace(article, id=article_id)
    return article


def _read(path: Path, pdf: object, pages: list) -> Article:
    labels = _labels(pdf.doc, len(pages))  # type: ignore[attr-defined]
    per_page: list[list[Line]] = []
    heights: list[float] = []
    lost: list[str] = []  # pages of which nothing could be read
    damaged: list[str] = []  # pages read only in part (a broken stream skipped)
    chars = 0
    for index, page in enumerate(pages):
        lines, whole = _page(page, index)
        if not whole and not lines:
            lost.append(str(index + 1))
        elif not whole:
            damaged.append(str(index + 1))
        chars += sum(len(line.text) for line in lines)
        per_page.append(lines)
        heights.append(float(page.height))
        page.flush_cache()  # a 300-page guideline must not keep every page's objects in memory
    if chars <= MIN_CHARS_PER_PAGE * max(1, len(pages) - len(lost)):
        raise ReadError("no text layer (a scanned PDF?): run OCR on it first")
    per_page = strip_running(per_page, heights)
    lines = [line for page in per_page for line in page]
    meta = {str(k): clean(str(v)) for k, v in (pdf.metadata or {}).items() if isinstance(v, str | bytes)}  # type: ignore[attr-defined]
    title = _title(meta, per_page)
    article = _Builder(lines, labels, _outline(pdf.doc), title).build()  # type: ignore[attr-defined]
    metadata = {"pages": str(len(pages))}
    if lost:
        metadata["lost_pages"] = ", ".join(lost)
    if damaged:
        metadata["damaged_pages"] = ", ".join(damaged)
    return Article(
        id=path.stem,
        path=str(path),
        title=title,
        sections=article.sections,
        updated=_date(per_page, meta),
        references=article.references,
        source=meta.get("Author") or None,
        metadata=metadata,
    )


def _page(page: Any, index: int) -> tuple[list[Line], bool]:
    """The lines of one page, and whether the whole page was read.

    pdfminer skips what it cannot decode (a corrupt content stream gives an empty page, silently); read
    strictly first, so that such a page is known, then leniently for whatever can still be read of it.
    """
    from pdfminer import settings

    with _STRICT:
        settings.STRICT = True
        try:
            return page_lines(page, index), True
        except Exception:
            pass
        finally:
            settings.STRICT = False
    try:
        return page_lines(page, index), False
    except Exception:
        return [], False


def _title(meta: dict[str, str], pages: list[list[Line]]) -> str:
    title = re.sub(r"\s+", " ", meta.get("Title", "")).strip()
    if 10 <= len(title) <= 300 and not re.match(r"^(untitled|microsoft word|document\d*)\b", title, re.I):
        return title
    first = [line for page in pages[:2] for line in page]
    if not first:
        return "Untitled PDF"
    biggest = max(line.size for line in first)
    return " ".join(line.text for line in first if line.size == biggest)[:300]


def _date(pages: list[list[Line]], meta: dict[str, str]) -> str | None:
    for page in pages[:3]:
        for line in page:
            match = _DATE.search(line.text)
            if match:
                return match.group(0)
    created = re.match(r"D:(\d{4})(\d{2})(\d{2})", meta.get("CreationDate", ""))
    return f"{created.group(1)}-{created.group(2)}-{created.group(3)}" if created else None


@dataclass
class _Parsed:
    sections: tuple[Section, ...]
    references: tuple[Reference, ...]


class _Builder:
    """Lines in reading order to sections of blocks, and the reference list."""

    def __init__(self, lines: list[Line], labels: list[str], outline: list[tuple[int, str]], title: str) -> None:
        lines = [line for line in lines if not _CONTINUED.match(line.text.strip())]
        self.lines = lines
        self.labels = labels
        self.outline = {_key(t): level for level, t in outline}
        self.title_key = _key(title)
        weighted: Counter[float] = Counter()
        faces: Counter[str] = Counter()
        for line in lines:
            weighted[line.size] += len(line.text)
            faces[line.family] += len(line.text)
        self.body = weighted.most_common(1)[0][0] if weighted else 10.0
        self.body_family = faces.most_common(1)[0][0] if faces else ""
        styles = sorted({(line.size, line.bold) for line in lines if self._heading_style(line)}, reverse=True)
        self.style_level = {style: i + 1 for i, style in enumerate(styles)}
        self.max_outline = max(self.outline.values(), default=0)
        self.words = Counter(w.lower() for line in lines for w in re.findall(r"[A-Za-z][A-Za-z-]*", line.text))
        # The usual gap between the lines of a paragraph, by type size: a wider gap starts a new paragraph.
        gaps: dict[float, list[float]] = {}
        for a, b in itertools.pairwise(lines):
            if (a.page, a.column, a.size) == (b.page, b.column, b.size) and 0 <= b.top - a.bottom < 2 * a.size:
                gaps.setdefault(a.size, []).append(round(b.top - a.bottom, 1))
        self.leading = {size: Counter(found).most_common(1)[0][0] for size, found in gaps.items()}
        # Rows repeated word for word with no figure in them ("Yes | No" beside each question of a checklist)
        # are a form's furniture, not content.
        rows = Counter(" | ".join(line.cells) for line in lines if line.cells)
        self.furniture = {row for row, n in rows.items() if n >= 3 and not re.search(r"\d", row)}
        alone = Counter(line.text.strip() for line in lines if not line.cells and not self._heading_style(line))
        self.lone_boxes = {
            text
            for text, n in alone.items()
            if n >= FORM_BOX_REPEATS and len(text.split()) <= 3 and not re.search(r"\d", text)
        }
        # So are the same few words repeated as the last cells of many rows (the "Yes | No" boxes ticked beside
        # each item): the item is kept as text, its boxes are dropped.
        cells = Counter(cell for line in lines for cell in line.cells[1:])
        boxes = {c for c, n in cells.items() if n >= 3 and len(c.split()) <= 3 and not re.search(r"\d", c)}
        for line in lines:
            trailing = 0
            while trailing < len(line.cells) - 1 and line.cells[-1 - trailing] in boxes:
                trailing += 1
            if trailing and " | ".join(line.cells) not in self.furniture:
                first_box = line.text.rfind(" ".join(line.cells[-trailing:]))
                if first_box > 0:
                    line.text = line.text[:first_box].rstrip()
                    line.cells = line.cells[:-trailing] if len(line.cells) - trailing > 1 else []
        self.notes: dict[int, tuple[str, ...]] = {}  # id() of the lines of notes under a table -> its caption
        self.lines = self._floats_after_flow(lines)

    def _float_end(self, lines: list[Line], start: int) -> int:
        """The end (exclusive) of the table, figure or box that starts at ``start``: its caption, then its
        rows and the smaller-type notes under them (same page and column), or the ruled box under it."""
        first = lines[start]
        end = start + 1
        if first.boxed:
            return self._box_end(lines, start)
        caption = [first] if not first.cells else []
        while end < len(lines):
            line = lines[end]
            if line.page != first.page:
                break
            if line.boxed and caption:
                return self._box_end(lines, end)  # "BOX 3. ..." over the box it names
            same_caption = caption and (line.size, line.bold) == (caption[-1].size, caption[-1].bold)
            if same_caption and not line.cells and 0 <= line.top - caption[-1].bottom < line.size:
                caption.append(line)
            elif line.column != first.column or not (line.cells or line.size < self.body - 0.5):
                break
            end += 1
        title = re.sub(r"\s+", " ", " ".join(c.text for c in caption)).strip()
        seen_rows = False
        for line in lines[start:end]:
            seen_rows = seen_rows or bool(line.cells)
            if seen_rows and not line.cells:
                self.notes[id(line)] = (title,) if title else ()
        return end

    @staticmethod
    def _box_end(lines: list[Line], start: int) -> int:
        """The end (exclusive) of the ruled box whose band holds ``lines[start]``."""
        first = lines[start]
        end = start + 1
        while end < len(lines) and (lines[end].page, lines[end].band) == (first.page, first.band):
            end += 1
        return end

    def _starts_float(self, line: Line) -> bool:
        text = line.text.strip()
        caption = bool(_CAPTION.match(text)) and (line.bold or line.size < self.body - 0.5)
        return bool(line.cells) or caption or line.boxed

    def _paragraph_end(self, lines: list[Line], start: int) -> int:
        """The last line of the paragraph that goes on at ``start``: at the first sentence end where a new
        paragraph starts, and never past its page or into a table or box (at most 60 lines on)."""
        end = start
        while end + 1 < len(lines) and end - start < 60:
            line, after = lines[end], lines[end + 1]
            if after.page != line.page or after.boxed or after.cells:
                return end
            if re.search(r"[.?!][)\"”’]?$", line.text.strip()):
                moved = (after.column, after.band) != (line.column, line.band)
                gap = after.top - line.bottom
                wide = gap > self.leading.get(line.size, 0.2 * line.size) + 0.4 * line.size
                indented = after.x0 - line.x0 > 0.6 * line.size
                starts = bool(_BULLET.match(after.text) or _STEP.match(after.text))
                restyled = abs(after.size - line.size) > 0.6 or after.bold != line.bold
                if moved or wide or indented or starts or restyled:
                    return end
            end += 1
        return end

    def _floats_after_flow(self, lines: list[Line]) -> list[Line]:
        """Reading order with tables and figures moved out of the sentences they interrupt: when the text
        before a table stops mid-sentence and goes on after it ("... with previous dosage increases," / TABLE /
        "other treatments ..."), the table follows the end of that paragraph."""
        out: list[Line] = []
        index = 0
        while index < len(lines):
            if not self._starts_float(lines[index]):
                out.append(lines[index])
                index += 1
                continue
            end = self._float_end(lines, index)
            region = lines[index:end]
            before = out[-1] if out else None
            after = lines[end] if end < len(lines) else None
            unfinished = (
                before is not None
                and not before.cells
                and abs(before.size - self.body) <= 0.6
                and not re.search(r"[.?!:][)\"”’]?$", before.text.strip())
            )
            if unfinished and after is not None and abs(after.size - before.size) <= 0.6 and not after.bold:  # type: ignore[union-attr]
                last = self._paragraph_end(lines, end)
                out.extend(lines[end : last + 1])
                out.extend(region)
                index = last + 1
            else:
                out.extend(region)
                index = end
        return out

    def _heading_style(self, line: Line) -> bool:
        text = line.text.strip()
        if line.cells or len(text) < 3 or len(text) > 160 or _BULLET.match(text) or _STEP.match(text):
            return False
        if not re.search(r"[A-Za-z]", text):
            return False
        if line.size >= self.body + 0.75:
            return True
        return line.bold and line.size >= self.body - 1.5 and not re.search(r"[.;,:]$", text)

    def _level(self, text: str, line: Line) -> int:
        key = _key(text)
        if _APPENDIX.match(text):
            return 1  # an appendix stands beside the body's sections, whatever its type size
        for title, level in self.outline.items():
            if key == title or (len(title) > 12 and (key.startswith(title) or title.startswith(key))):
                return level
        return self.max_outline + self.style_level.get((line.size, line.bold), len(self.style_level) + 1)

    def build(self) -> _Parsed:
        sections: list[Section] = []
        path: list[tuple[int, str]] = []
        blocks: list[Block] = []
        current: _Open | None = None
        table: tuple[str, ...] = ()
        references: list[Reference] = []
        entry: list[str] | None = None
        in_references = False
        pending: list[Line] = []  # heading lines of a heading that may run over several lines
        lists = _Lists()  # the list items open at each level, "1." over "a." over "i."
        skip = 0  # lines already taken as part of a heading
        scope = 0  # the reference list that the text so far cites: the lists finished before it
        last_number = 0  # the number of the last entry of the list being read
        entry_line: Line | None = None
        scopes: dict[int, int] = {}  # id() of each block -> its scope

        def add(open_block: _Open) -> None:
            block = self._block(open_block)
            scopes[id(block)] = scope
            blocks.append(block)

        def close() -> None:
            nonlocal current
            if current is not None and current.text.strip():
                add(current)
            current = None

        def add_entry() -> None:
            nonlocal entry
            if entry is not None:
                reference = _reference([self._entry_text(entry)])
                if reference.number is not None:
                    reference = replace(reference, number=reference.number + scope * REFERENCE_LIST)
                references.append(reference)
            entry = None

        def end_references() -> None:
            nonlocal in_references, scope, last_number
            add_entry()
            if in_references and last_number:
                scope += 1
            in_references = False
            last_number = 0

        def close_section() -> None:
            nonlocal blocks
            close()
            if blocks:
                sections.append(Section(tuple(t for _, t in path), tuple(blocks)))
            blocks = []

        def flush_heading() -> None:
            nonlocal pending, in_references, table, entry
            if not pending:
                return
            text = re.sub(r"\s+", " ", " ".join(line.text for line in pending)).strip()
            level = self._level(text, pending[0])
            pending = []
            key = _key(text)
            if key == self.title_key or (len(key) >= 8 and key in self.title_key):
                return  # the document's title (or a part of it) over its first page is no section
            close_section()
            end_references()
            while path and path[-1][0] >= level:
                path.pop()
            path.append((level, text))
            # Headings printed again over the next page of their section (a checklist's part and "Elements to
            # be assessed") go on with the lists open under them: "H." after "G." of the page before.
            if tuple(path) != lists.under[: len(path)]:
                lists.clear()
            in_references = bool(_REFERENCES.match(text))
            table = ()

        def bold_paragraph() -> None:
            """The heading lines so far are too long for a heading: a bold paragraph (a recommendation)."""
            nonlocal current, pending
            close()
            current = _Open("paragraph")
            for bold in pending:
                self._append(current, bold, bold.text.strip())
            pending = []

        outside: list[tuple[int, str]] | None = None  # the section path around the box being read
        for index, line in enumerate(self.lines):
            text = line.text.strip()
            if skip:
                skip -= 1
                continue
            # A box's own headings hold only inside it: after it, the text is back under the headings before it.
            if line.boxed and outside is None:
                flush_heading()
                outside = list(path)
            elif not line.boxed and outside is not None:
                flush_heading()
                if path != outside:
                    close_section()
                    path[:] = outside
                outside = None
            run = 0 if in_references or pending else self._set_apart(index)
            if run:
                flush_heading()
                pending = self.lines[index : index + run]
                skip = run - 1
                continue
            run_in = None if in_references else self._run_in(pending, line, index, current)
            if run_in is not None:
                # A heading set in bold at the start of its paragraph ("Chronic Low Back Pain. The review found
                # ..."): the deepest heading of what follows, until the next heading of any kind.
                joined, heading, text = run_in
                if joined:
                    pending = []  # the bold lines before it are the heading's first lines
                elif pending and sum(len(p.text) for p in pending) > MAX_HEADING:
                    bold_paragraph()
                flush_heading()
                close_section()
                end_references()
                while path and path[-1][0] >= RUN_IN_LEVEL:
                    path.pop()
                path.append((RUN_IN_LEVEL, heading))
                table = ()
                if not text:
                    continue  # the paragraph starts on the next line
                current = _Open("paragraph")
                self._append(current, line, text)
                continue
            if self._heading_style(line) and not in_references:
                last = current.last if current is not None else None
                if (
                    not pending
                    and last is not None
                    and last.bold
                    and (last.size, last.bold) == (line.size, line.bold)
                    and not self._breaks(current, line)  # type: ignore[arg-type]
                ):
                    self._append(current, line, text)  # type: ignore[arg-type]
                    continue
                adjacent = (
                    line.page == pending[-1].page and 0 <= line.top - pending[-1].bottom < line.size
                    if pending
                    else False
                )
                # A run of bold lines longer than a heading goes on at the top of the next column or page.
                runs_on = (
                    sum(len(p.text) for p in pending) > 80
                    and (line.page, line.column)
                    != (
                        pending[-1].page,
                        pending[-1].column,
                    )
                    if pending
                    else False
                )
                if pending and (pending[-1].size, pending[-1].bold) == (line.size, line.bold) and (adjacent or runs_on):
                    pending.append(line)
                    if sum(len(p.text) for p in pending) > MAX_HEADING:
                        bold_paragraph()
                    continue
                flush_heading()
                pending = [line]
                continue
            if pending and (sum(len(p.text) for p in pending) > MAX_HEADING or self._continues(pending[-1], line)):
                bold_paragraph()
            flush_heading()
            if in_references:
                if self._heading_style(line) and not _ENTRY.match(text):
                    end_references()
                    pending = [line]
                    continue
                # Text across the page after a list set in columns is back matter, not a reference.
                moved_out = (
                    entry_line is not None
                    and entry_line.column != 0
                    and line.column == 0
                    and line.page != entry_line.page
                )
                if moved_out:
                    end_references()
                else:
                    start = _ENTRY.match(text)
                    number = int(start.group(1)) if start else 0
                    # The next entry's number follows the last one's; "2020. https://..." goes on an entry.
                    if start and (not last_number or last_number < number <= last_number + 3):
                        add_entry()
                        entry = [text]
                        last_number = number
                    elif entry is not None:
                        entry.append(text)
                    entry_line = line
                    continue
            if _LEADER.search(text) or any(_LEADER.search(cell) for cell in line.cells):
                continue  # a table of contents
            if (line.cells and " | ".join(line.cells) in self.furniture) or line.text.strip() in self.lone_boxes:
                continue
            if line.cells:
                close()
                if not table:
                    caption = self._caption(blocks)
                    table = (*caption, " | ".join(line.cells))
                    header = _Open("header", context=caption)
                    self._append(header, line, " | ".join(line.cells))
                    add(header)  # in the chunk's text (searchable), never quoted on its own
                    continue
                row = _Open("row", context=table)
                self._append(row, line, " | ".join(line.cells))
                add(row)
                continue
            table = ()
            note = self.notes.get(id(line))
            if note is not None:
                if current is None or current.kind != "note" or _NOTE_START.match(text):
                    close()
                    current = _Open("note", context=note)
                self._append(current, line, text)
                continue
            mark = _BULLET.match(text)
            # Nested items that go on with the sentence before them ("... aged ≥18 years with" / "ï acute pain
            # (...)," / "ï subacute pain (...), or"): read on in it, without their marks. After a lead-in (":") or
            # a sentence, each is an item, and so is the next one of a list begun so.
            lettered = mark is not None and mark.group(1) in _LETTER_BULLETS
            if (
                lettered
                and current is not None
                and not current.lettered
                and not _CLAUSE_END.search(current.text.rstrip())
            ):
                text, mark, lettered = _BULLET.sub("", text), None, False
            kind = "bullet" if mark else None
            starts = current is None or bool(re.search(r"[.:?!]\)?$", current.text.rstrip()))
            item = None if kind else lists.item(text, current, starts)
            if item is not None or kind is not None or current is None or self._breaks(current, line):
                close()
                current = _Open(kind or ("item" if item is not None else "paragraph"), lettered=lettered)
                if kind == "bullet":
                    text = _BULLET.sub("", text)
                elif item is not None:
                    current.context, current.depth = lists.heads(item[0]), item[0] + 1
                    lists.opened(*item, current, tuple(path))
            self._append(current, line, text)
        flush_heading()
        close_section()
        end_references()
        return _Parsed(tuple(_scoped(section, scopes, references) for section in sections), tuple(references))

    def _caption(self, blocks: list[Block]) -> tuple[str, ...]:
        """The caption of a table: the block just before it when it names a table."""
        if blocks and re.match(r"^table\b", blocks[-1].text, re.IGNORECASE):
            return (blocks[-1].text,)
        return ()

    def _set_apart(self, index: int) -> int:
        """How many lines from ``index`` make a heading set in another typeface than the body, at about body
        size ("Hand Hygiene" in a sans face above serif text): up to three short adjacent lines in one other
        face, without end punctuation, followed by a line in the body's face. 0 when there is none."""
        first = self.lines[index]
        if first.family == self.body_family or abs(first.size - self.body) > 1.5 or not first.text[:1].isupper():
            return 0
        run = 1
        while index + run < len(self.lines) and run <= 3:
            line, previous = self.lines[index + run], self.lines[index + run - 1]
            if (line.family, line.size, line.page) != (first.family, first.size, first.page):
                break
            if not 0 <= line.top - previous.bottom <= 0.5 * line.size:
                break
            run += 1
        following = self.lines[index + run] if index + run < len(self.lines) else None
        text = " ".join(line.text.strip() for line in self.lines[index : index + run])
        if following is None or following.family != self.body_family or following.page != first.page:
            return 0
        if any(line.cells for line in self.lines[index : index + run]) or len(text) > 100:
            return 0
        return 0 if re.search(r"[.;,:]$", text) else run

    def _run_in(
        self, pending: list[Line], line: Line, index: int, current: _Open | None
    ) -> tuple[bool, str, str] | None:
        """(whether ``pending`` is part of it, the heading, the rest of the line) when ``line`` opens its paragraph
        with a run-in heading: a few bold words in title case ending with a full stop, then roman text on the
        same line or at once on the next. Bold heading lines just before it (``pending``) are its start when the
        last of them was wrapped into it ("Noninvasive Nonpharmacologic Treatments for Chronic" / "Pain. ...");
        else they are a heading of their own, above it."""
        if not line.lead_in or line.cells:
            return None
        head, rest = line.text[: line.lead_in].strip(), line.text[line.lead_in :].strip()
        if not rest:
            after = self.lines[index + 1] if index + 1 < len(self.lines) else None
            if (
                after is None
                or after.bold
                or (after.page, after.column) != (line.page, line.column)
                or not 0 <= after.top - line.bottom < line.size
                or not after.text[:1].isupper()
            ):
                return None  # a bold sentence of its own, not a heading run into its paragraph
        joined = bool(pending) and self._wrapped(pending[-1], line)
        if not pending and current is not None and not self._breaks(current, line):
            return None  # within a paragraph: bold words for emphasis
        start = [p.text.strip() for p in pending] if joined else []
        heading = re.sub(r"\s+", " ", " ".join([*start, head])).strip().rstrip(".").strip()
        long_words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", heading) if len(w) >= 4]
        if len(heading.split()) > 12 or not long_words or not all(w[0].isupper() for w in long_words):
            return None
        return joined, heading, rest

    def _entry_text(self, lines: list[str]) -> str:
        """A reference-list entry's lines as one text: words broken at a line's end joined as in the body, and a
        web address broken at a line's end ("https://doi." / "org/10.1016/...") whole again, so it can be
        followed."""
        text = ""
        for line in lines:
            line = line.strip()
            if not text:
                text = line
            elif _BROKEN_ADDRESS.search(text) or (_ADDRESS_END.search(text) and _ADDRESS_PART.match(line)):
                text += line
            else:
                text = self._join(text, line)[0]
        return text

    def _wrapped(self, before: Line, line: Line) -> bool:
        """Whether ``line`` goes on from ``before`` in the same type, ``before`` having been broken at the column's
        edge: the first word of ``line`` would not have fitted after it."""
        if (before.page, before.column) != (line.page, line.column) or abs(before.size - line.size) > 0.6:
            return False
        if not 0 <= line.top - before.bottom < line.size:
            return False
        edge = max(other.x1 for other in self.lines if (other.page, other.column) == (line.page, line.column))
        first = line.text.split()[0] if line.text.split() else ""
        return before.x1 + (len(first) + 1) * 0.45 * line.size > edge

    def _continues(self, heading: Line, line: Line) -> bool:
        """Whether ``line`` finishes the sentence that a bold line seemed to start as a heading: it follows at
        once, in the same type size, in lower case ("... with evidence-" / "based medications ...")."""
        gap = line.top - heading.bottom
        same_place = (line.page, line.column) == (heading.page, heading.column)
        close = 0 <= gap <= self.leading.get(line.size, 0.2 * line.size) + 0.2 * line.size
        return same_place and close and line.size == heading.size and line.text[:1].islower()

    def _breaks(self, block: _Open, line: Line) -> bool:
        """Whether ``line`` starts a new paragraph rather than continuing ``block``."""
        last = block.last
        if last is None:
            return True
        if abs(line.size - last.size) > 0.6:
            return True
        ended = bool(re.search(r"[.:?!]\)?$", block.text.rstrip()))
        if line.page == last.page and line.band != last.band:
            return ended or not line.text[:1].islower()  # text under a box or a full-width line
        if line.page != last.page or line.column != last.column:
            return ended and line.text[:1].isupper()
        gap = line.top - last.bottom
        if gap > self.leading.get(line.size, 0.2 * line.size) + 0.4 * line.size:
            return True
        if ended and line.bold != last.bold:
            return True  # a sentence ended and the type changes weight: a bold lead-in, or the end of one
        return ended and line.x0 - last.x0 > 0.6 * line.size and line.text[:1].isupper()

    def _append(self, block: _Open, line: Line, text: str) -> None:
        at = len(block.text)
        if block.text:
            joined, at = self._join(block.text, text)
            block.text = joined
        else:
            block.text = text
        if not block.pages or block.pages[-1][1] != line.page + 1:
            block.pages.append((at, line.page + 1, self.labels[line.page]))
        removed = len(line.text.strip()) - len(text)  # a bullet sign taken off the line's start
        for offset, numbers in line.markers:
            block.superscripts.append((max(0, at + offset - removed), numbers))
        block.last = line

    def _join(self, before: str, after: str) -> tuple[str, int]:
        """``before`` and the next line ``after`` as one text, and where ``after`` starts in it.

        A word broken at the line's end ("nonpharma-" / "cologic") is rejoined; a hyphenated word ("cancer-" /
        "related") keeps its hyphen: whichever form the document itself uses elsewhere, else rejoined when the
        next line goes on in lower case.
        """
        match = re.search(r"([A-Za-z]+)-$", before)
        if match and after[:1].islower():
            head = match.group(1)
            tail = re.match(r"[A-Za-z]+", after)
            if tail:
                joined = (head + tail.group(0)).lower()
                hyphened = f"{head}-{tail.group(0)}".lower()
                seen_joined, seen_hyphened = self.words[joined], self.words[hyphened]
                if seen_hyphened > seen_joined:
                    return before + after, len(before)
                if not seen_joined and not seen_hyphened and _keeps_hyphen(head, tail.group(0)):
                    return before + after, len(before)  # "guideline-" / "concordant": two words, not one broken
            return before[:-1] + after, len(before) - 1
        if before.endswith(("—", "/", "–")):
            return before + after, len(before)
        return f"{before} {after}", len(before) + 1

    def _block(self, block: _Open) -> Block:
        text = block.text.strip()
        spans = [(at, n) for at, group in block.superscripts for n in _numbers(group)]
        spans += [(m.start(), n) for m in _MARKER.finditer(text) for n in _numbers(m.group(1))]
        spans.sort()
        kind = "paragraph" if block.kind == "note" else block.kind
        context = block.context
        if kind in ("item", "paragraph") and _GRADING.search(text):
            kind = "recommendation"
            number = _STEP.match(text)
            label = _RECOMMENDATION_ID.match(text)
            name = f"Recommendation {number.group(1)}" if number else label.group(1) if label else ""
            context = (*context, name) if name else context
        markers = tuple(dict.fromkeys(n for _, n in spans))
        depth = block.depth if kind == "item" else 1 if kind == "bullet" else 0
        kind = "step" if kind == "item" else kind
        return Block(text, kind, depth, markers, context, tuple(block.pages), tuple(spans))


def _scoped(section: Section, scopes: dict[int, int], references: list[Reference]) -> Section:
    """``section`` with each block's markers numbered in the reference list its text cites: the list after it,
    else (an appendix that has no list of its own) the last list before it."""
    lists = sorted({(r.number or 0) // REFERENCE_LIST for r in references})
    last: dict[int, int] = {}  # list -> its last entry number
    for r in references:
        if r.number:
            k = r.number // REFERENCE_LIST
            last[k] = max(last.get(k, 0), r.number % REFERENCE_LIST)
    blocks = []
    for block in section.blocks:
        scope = scopes.get(id(block), 0)
        served = scope if scope in lists else max((k for k in lists if k < scope), default=0)
        offset = served * REFERENCE_LIST
        # A number past the end of the list it would cite ("the original (2020) review") is no marker.
        limit = last.get(served)
        spans = tuple((at, n + offset) for at, n in block.marker_spans if limit is None or n <= limit)
        markers = tuple(n + offset for n in block.markers if limit is None or n <= limit)
        if spans != block.marker_spans or markers != block.markers:
            block = replace(block, markers=markers, marker_spans=spans)
        blocks.append(block)
    return replace(section, blocks=tuple(blocks))


def _keeps_hyphen(head: str, tail: str) -> bool:
    """Whether a hyphen at a line's end joins two words ("guideline-" / "concordant") rather than breaks one
    ("pharma-" / "cologic"), for a word the document writes nowhere else: the joined form is no English word,
    the head is an ordinary one and the tail a word at all."""
    from wordfreq import zipf_frequency

    def zipf(word: str) -> float:
        return zipf_frequency(word.lower(), "en")

    if zipf(head + tail) > 0:
        return False
    return len(head) > 1 and zipf(head) >= 3.0 and len(tail) > 1 and zipf(tail) >= 1.0


def _reference(entry: list[str]) -> Reference:
    """A numbered reference-list entry: '12. Authors. Title. Source Year;...' -> Reference(12, ...)."""
    text = re.sub(r"\s+", " ", " ".join(entry)).strip()
    match = _ENTRY.match(text)
    number = int(match.group(1)) if match else None
    body = _ENTRY.sub("", text, count=1)
    parts = [
        p.strip()
        for p in re.split(
            r"(?<=[a-z0-9\)\]”\"’])\.\s+(?=[A-Z0-9\[])|(?<=[A-Z])\.\s+(?=[A-Z][a-z])|(?<=[a-z])\.[”\"’]\s+(?=[A-Z])",
            body,
        )
    ]
    parts = [p for p in parts if p]
    title = parts[1] if len(parts) > 2 else parts[0] if parts else body
    source = ". ".join(parts[2:]) if len(parts) > 2 else ""
    source, year = split_source_year(source) if source else ("", None)
    if year is None:
        found = re.search(r"\b(19|20)\d{2}\b", body)
        year = found.group(0) if found else None
    kind = "Guideline" if re.search(r"guideline|recommendation|consensus", title, re.IGNORECASE) else "Research"
    return Reference(number, kind, title.rstrip("."), source.rstrip("."), year)
