"""Source articles and their readers: files in, Article records out."""

from corpus.loader import BUNDLED_CORPUS, Skipped, read_corpus
from corpus.types import Article, Block, ReadError, Reference, Section

__all__ = ["BUNDLED_CORPUS", "Article", "Block", "ReadError", "Reference", "Section", "Skipped", "read_corpus"]
