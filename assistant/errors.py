"""Domain errors. Each message says what went wrong and what to do about it.

The CLI prints them as one line; the API translates them into Chinese messages.
"""

from __future__ import annotations


class PolicyQAError(Exception):
    """Base class for every error policyqa raises on purpose."""


class CorpusError(PolicyQAError):
    """The corpus manifest or a document in it cannot be read."""


class ParseError(PolicyQAError):
    """A document does not have the structure the parser needs."""


class EmbedderError(PolicyQAError):
    """The configured embedding backend cannot be loaded or used."""


class IndexMissingError(PolicyQAError):
    """No index has been built yet."""


class IndexStaleError(PolicyQAError):
    """The index was built from another corpus or another embedder."""


class IndexCorruptError(PolicyQAError):
    """The index on disk is damaged or of an unknown format."""


class IndexWriteError(PolicyQAError):
    """The index folder cannot be written (read-only, full, not ours)."""


class UnknownLocatorError(PolicyQAError):
    """A (doc_id, locator) pair that names no clause."""


class BusyError(PolicyQAError):
    """Another process is already doing work that must not run twice at once (a build)."""


class LibraryError(PolicyQAError):
    """A document cannot be added to or removed from the corpus; nothing was changed."""


class DuplicateDocumentError(LibraryError):
    """The same file (by checksum) or the same id is already in the library."""


class DocumentTooLargeError(LibraryError):
    """The file is over the upload size limit."""


class UnknownDocumentError(PolicyQAError):
    """A document id that is not in the library."""


class SearchBackendError(PolicyQAError):
    """The configured search engine (Milvus) cannot be reached or refused an operation."""
