"""The one family of errors whose messages are meant for users; the CLI (corpus/cli.py `KwarchiveCommand`) and the
web (web/errors.py) each map them in one place, to exit codes and HTTP statuses.

The base lives here because corpus/ is the first stage: every stage can subclass it without importing against the
flow. Each subclass lives in the stage where its error is born: `CorpusError` here, `IndexUnavailable` in
index/errors.py, `BadRequest` and `NotFound` in search/errors.py."""


class KwarchiveError(Exception):
    """Base of every error with a message a user can act on."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class CorpusError(KwarchiveError):
    """A collection folder, manifest or record that cannot be read."""
