"""Errors a user can act on. The library raises them; each adapter translates them once."""

from __future__ import annotations


class QAError(Exception):
    """Base of every error compare-qa reports to a user."""


class SettingsError(QAError):
    """A setting (a ``QA_*`` variable or ``.env`` line) has a value compare-qa cannot use."""


class InvalidQuestionError(QAError):
    """The question is empty, whitespace or too long."""


class CorpusError(QAError):
    """The corpus directory is missing or holds no readable article."""


class IndexNotBuiltError(QAError):
    """No index has been built yet."""

    def __init__(self, index_dir: object) -> None:
        super().__init__(f"index not built in {index_dir}: run `qa index build`")


class IndexMismatchError(QAError):
    """The index was built with another model, dimension or schema."""


class IndexCorruptError(QAError):
    """An index file is truncated or does not match its checksum."""


class BuildLockedError(QAError):
    """Another build holds the index lock."""


class SourceError(QAError):
    """A source given to ``qa add`` cannot be fetched, read or turned into an article."""


class SourceConflictError(SourceError):
    """The corpus file a source would be written to already holds a different source."""
