"""Finding article files in corpus folders and reading each with the reader for its format."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from corpus.html_reader import read_html_article
from corpus.markdown_reader import read_markdown_article
from corpus.pdf_reader import read_pdf_article
from corpus.text import MAX_FILE_BYTES
from corpus.text_reader import read_text_article
from corpus.types import Article, ReadError

# Bump when a reader changes what it returns, so that every article is read and indexed again; a reader
# with its own entry in READER_VERSIONS is bumped there, and only its files are read again.
READER_VERSION = "1"
READER_VERSIONS = {".pdf": "8"}

BUNDLED_CORPUS = Path(__file__).resolve().parent / "articles"

Reader = Callable[..., Article]
READERS: dict[str, Reader] = {
    ".txt": read_text_article,
    ".md": read_markdown_article,
    ".markdown": read_markdown_article,
    ".html": read_html_article,
    ".htm": read_html_article,
    ".pdf": read_pdf_article,
}
# Guidelines come as long PDFs (a 300-page one with figures is tens of megabytes): they may be larger.
MAX_PDF_BYTES = 200 * 1024 * 1024
# Files that sit beside articles in corpus folders and are not articles.
_NOT_ARTICLES = {"readme.md", "readme.txt", "license", "license.txt", "license.md", "notice", "notice.txt"}


@dataclass(frozen=True)
class SourceFile:
    """One article file found in a corpus folder, with the hash that decides whether to re-index it."""

    article_id: str
    path: Path
    content_hash: str


@dataclass(frozen=True)
class Skipped:
    """A file that was not indexed, and why (one line)."""

    path: str
    reason: str


def content_hash(data: bytes, suffix: str = "") -> str:
    """The hash that identifies one version of one article (a file ending in ``suffix``) as the current
    readers see it."""
    version = READER_VERSIONS.get(suffix.lower(), READER_VERSION)
    return hashlib.sha256(version.encode() + b"\0" + data).hexdigest()[:16]


def discover(folders: Iterable[Path]) -> tuple[list[tuple[str, Path]], list[Skipped]]:
    """Every article file under ``folders`` as (article id, path), sorted; and the files passed over.

    The article id is the file name without its extension. Two files with the same id are a conflict:
    the first (in folder order, then path order) is kept and the second reported.
    """
    found: list[tuple[str, Path]] = []
    skipped: list[Skipped] = []
    seen: dict[str, Path] = {}
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            skipped.append(Skipped(str(folder), "corpus folder not found"))
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file() or p.is_symlink()):
            if any(part.startswith(".") for part in path.relative_to(folder).parts):
                continue
            if path.name.lower() in _NOT_ARTICLES:
                continue
            if path.suffix.lower() not in READERS:
                skipped.append(Skipped(str(path), f"unsupported file type '{path.suffix or path.name}'"))
                continue
            article_id = path.stem
            if article_id in seen:
                skipped.append(Skipped(str(path), f"duplicate article id '{article_id}' (also {seen[article_id]})"))
                continue
            seen[article_id] = path
            found.append((article_id, path))
    return found, skipped


def read_bytes(path: Path) -> bytes:
    """The file's bytes, or ReadError with a one-line reason (an oversized file is not read at all)."""
    limit = MAX_PDF_BYTES if path.suffix.lower() == ".pdf" else MAX_FILE_BYTES
    try:
        size = path.stat().st_size
        if size > limit:
            raise ReadError(f"file too large ({size // (1024 * 1024)} MB; limit {limit // (1024 * 1024)} MB)")
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise ReadError("file vanished before it could be read") from exc
    except PermissionError as exc:
        raise ReadError("permission denied") from exc
    except IsADirectoryError as exc:
        raise ReadError("is a directory") from exc
    except OSError as exc:
        raise ReadError(f"cannot read file ({exc.strerror or exc})") from exc


def read_article(article_id: str, path: Path, data: bytes) -> Article:
    """Read one article from its bytes with the reader for its extension; ReadError on failure."""
    reader = READERS[path.suffix.lower()]
    try:
        return reader(path, data=data, article_id=article_id)
    except ReadError:
        raise
    except RecursionError as exc:
        raise ReadError("structure nested too deeply to read") from exc
    except Exception as exc:  # a reader bug must cost one file, not the whole corpus
        raise ReadError(f"could not be parsed ({type(exc).__name__}: {exc})".splitlines()[0]) from exc


def read_corpus(folders: Iterable[Path]) -> Iterator[Article | Skipped]:
    """Every article of ``folders``, read; unreadable files come out as Skipped with their reason."""
    found, skipped = discover(folders)
    yield from skipped
    for article_id, path in found:
        try:
            yield read_article(article_id, path, read_bytes(path))
        except ReadError as exc:
            yield Skipped(str(path), str(exc))
