"""Errors born in the index stage (the base is corpus/errors.py's `KwarchiveError`)."""
from corpus.errors import KwarchiveError


class IndexUnavailable(KwarchiveError):
    """The live index is missing, corrupt or being replaced and cannot answer."""


class BuildFailed(KwarchiveError):
    """A reindex could not finish (a shard task failed, the cluster is unreachable); the live index is kept."""
