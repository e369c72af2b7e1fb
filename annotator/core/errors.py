"""Error types with stable codes that users can search for."""

from __future__ import annotations


class AnnotatorError(Exception):
    """Base of every error this program raises on purpose."""

    code = "ANN000"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return f"{self.message} [{self.code}]"


class UserError(AnnotatorError):
    """Something the user can fix: a bad file, a wrong setting, stale data."""

    code = "ANN100"


class SchemaError(UserError):
    """The label schema in project.toml is invalid; the message names the key."""

    code = "ANN110"


class ProjectError(UserError):
    """The project folder is missing, unreadable or malformed."""

    code = "ANN120"


class InputFileError(UserError):
    """An input file cannot be read; the message names the file (and line or offset)."""

    code = "ANN130"


class OffsetError(UserError):
    """An offset is out of range or falls inside a character."""

    code = "ANN140"


class EditError(UserError):
    """An edit cannot be applied: unknown span, bad label, invalid range or attribute."""

    code = "ANN150"


class StaleDataError(UserError):
    """Someone else changed the data since it was read (optimistic locking)."""

    code = "ANN160"


class DatabaseVersionError(UserError):
    """The project database is newer than this program understands."""

    code = "ANN170"


class DatabaseError(UserError):
    """The database cannot be opened or written (locked, full, unreachable)."""

    code = "ANN180"


class DocumentIdsError(DatabaseError):
    """New documents did not get the ids an import expected; nothing of the batch was stored."""

    code = "ANN325"


class EditLogIdsError(DatabaseError):
    """Edit log rows did not get the consecutive ids expected; the transaction is not stored."""

    code = "ANN350"


class FragmentError(EditError):
    """A fragment cannot be added to or removed from a span (overlap, not a piece, last one)."""

    code = "ANN250"


class PermissionDeniedError(UserError):
    """The current annotator's role does not allow this (another's annotations, roles, schema)."""

    code = "ANN200"


class TeamError(UserError):
    """A team operation cannot be done: unknown member or role, bad assignment."""

    code = "ANN210"


class ConnectionLostError(DatabaseError):
    """The database server cannot be reached (restarted, network down); retrying may work."""

    code = "ANN203"


class AgreementError(UserError):
    """Agreement cannot be measured as asked: unknown annotators or labels, too few
    annotators."""

    code = "ANN220"


class PackageError(UserError):
    """An annotator package cannot be written or read; the message names the file."""

    code = "ANN230"


class PackageCancelledError(PackageError):
    """A package export stopped on Cancel; the unfinished file was removed."""

    code = "ANN360"


class CurationError(UserError):
    """A curation step cannot be done: unknown document, or a unit that no longer applies."""

    code = "ANN240"


class ReaderStoppedError(UserError):
    """The worker process reading an import file stopped without finishing (killed, out of
    memory) or raised an error that could not be passed back; nothing was imported."""

    code = "ANN330"


class ExportWorkersError(UserError):
    """An export's worker-process option is not a positive number."""

    code = "ANN335"


class OutputShapeError(UserError):
    """The output path names a single file where the format writes a folder (or .zip) of files,
    such as ``train.spacy`` for the spaCy export's shards; nothing was written."""

    code = "ANN390"


class ExportWorkerStoppedError(UserError):
    """A worker process of an export stopped without finishing its batch (killed, out of
    memory); nothing was written."""

    code = "ANN395"
