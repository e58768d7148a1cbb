"""Running a search the way a URL would, for the tests over the bundled index (the `real` fixture)."""
from search.request import SearchRequest


def search(searcher, **args):
    """`search(real, q="Stalin", sender="Joseph Stalin")`: a list value repeats the parameter."""
    return searcher.search(SearchRequest.from_args({k: [v] if isinstance(v, str) else v for k, v in args.items()}),
                           facet_limit=None)
