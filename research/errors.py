"""Exceptions for mistakes a user can fix. The CLI prints their message on one line and exits 2."""


class ResearchError(Exception):
    """Base class: a problem the user can act on; the message says what to do."""


class ConfigError(ResearchError):
    """A config or option asks for something that cannot work: a missing or malformed config
    file, an unknown or mistyped key, an impossible value, a model that cannot be fitted
    with its parameters, an unwritable output folder or a missing optional extra."""


class DataError(ResearchError):
    """A data file is missing, unreadable, or has rows that break the data contract."""


class ModelFileError(ResearchError):
    """A saved model directory cannot be loaded safely."""


class ModelIntegrityError(ModelFileError):
    """The model file's SHA-256 does not match its metadata (tampered or truncated)."""


class ModelFormatError(ModelFileError):
    """The metadata is missing, malformed, or written by a newer format version."""


class ModelVersionError(ModelFileError):
    """The model was saved with another scikit-learn version."""


class UntrustedTypeError(ModelFileError):
    """The model file holds a type outside the code allowlist."""


class LabelMismatchError(ModelFileError):
    """The fitted classes differ from the labels in the metadata."""
