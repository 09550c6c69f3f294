"""compare-qa: extractive, cited answers to comparison questions. Pure library: no HTTP, no Slack."""

from qa.answer import Answer, Citation, Comparison, Conflict
from qa.build import BuildReport
from qa.engine import Engine
from qa.errors import (
    BuildLockedError,
    CorpusError,
    IndexCorruptError,
    IndexMismatchError,
    IndexNotBuiltError,
    InvalidQuestionError,
    QAError,
)
from qa.settings import Settings
from qa.status import IndexStatus

__all__ = [
    "Answer", "BuildLockedError", "BuildReport", "Citation", "Comparison", "Conflict", "CorpusError", "Engine",
    "IndexCorruptError", "IndexMismatchError", "IndexNotBuiltError", "IndexStatus", "InvalidQuestionError", "QAError",
    "Settings",
]
