"""The one family of errors whose messages are meant for users (the CLI and the web map them to exits/statuses)."""


class KwarchiveError(Exception):
    """Base of every error with a message a user can act on."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class CorpusError(KwarchiveError):
    """A collection folder, manifest or record that cannot be read."""


class BadRequest(KwarchiveError):
    """A request parameter (query, date, page…) that cannot be honoured; `parameter` names it."""

    def __init__(self, message: str, parameter: str = ""):
        super().__init__(message)
        self.parameter = parameter


class IndexUnavailable(KwarchiveError):
    """The live index is missing, corrupt or being replaced and cannot answer."""


class NotFound(KwarchiveError):
    """A document id that does not exist."""


class TooLarge(KwarchiveError):
    """An answer (an export) that would exceed a documented limit; the message names the limit."""
