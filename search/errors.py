"""Errors born in the search stage: what a request asked for cannot be honoured or does not exist."""
from corpus.errors import KwarchiveError


class BadRequest(KwarchiveError):
    """A request parameter (query, date, page…) that cannot be honoured; `parameter` names it."""

    def __init__(self, message: str, parameter: str = ""):
        super().__init__(message)
        self.parameter = parameter


class NotFound(KwarchiveError):
    """A document id or facet name that does not exist."""
