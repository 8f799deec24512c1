"""Typed errors of the Qt-free core; every message is one readable line."""

from __future__ import annotations


class EvidenceBoardError(Exception):
    """Base of every error the core raises on purpose."""


class CaseFileError(EvidenceBoardError):
    """The case file cannot be opened or used."""


class CaseFileMissing(CaseFileError):
    pass


class NotACaseFile(CaseFileError):
    pass


class NewerSchema(CaseFileError):
    """The file was written by a newer Evidence Board."""


class CaseFileExists(CaseFileError):
    pass


class ReadOnlyCase(CaseFileError):
    pass


class DiskFull(EvidenceBoardError):
    """The disk (or the user's quota) is full; what was asked changed nothing."""


class ServiceError(EvidenceBoardError):
    """A service call was refused; nothing in the case changed."""


class UnknownId(ServiceError):
    pass


class InvalidInput(ServiceError):
    pass


class NothingToUndo(ServiceError):
    pass
