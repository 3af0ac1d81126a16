"""The document library: the corpus managed as a set of documents (add, remove, list, show)."""

from assistant.library.guess import GuessedMeta, guess_metadata
from assistant.library.store import Added, DocumentInfo, Library, Overrides

__all__ = ["Added", "DocumentInfo", "GuessedMeta", "Library", "Overrides", "guess_metadata"]
