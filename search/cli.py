"""`kwarchive search QUERY`: the same results as /api/search, as a readable table or the API's JSON."""
from __future__ import annotations

import html
import json
import re

import click

from corpus.cli import KwarchiveCommand
from index.cli import index_option, index_root
from search.request import SearchRequest
from search.searcher import Searcher

_TAGS = re.compile(r"</?mark>")
_SPACE = re.compile(r"\s+")


def _plain(marked: str) -> str:
    """Marks as *word*, entities unescaped, one line: readable in a terminal."""
    return _SPACE.sub(" ", html.unescape(_TAGS.sub("*", marked))).strip()


@click.command("search", cls=KwarchiveCommand)
@click.argument("query", required=False, default="")
@click.option("--from", "date_from", default="", help="YYYY, YYYY-MM or YYYY-MM-DD")
@click.option("--to", "date_to", default="", help="YYYY, YYYY-MM or YYYY-MM-DD")
@click.option("--filter", "filters", multiple=True, metavar="NAME=VALUE", help="facet filter, e.g. sender=Stalin")
@click.option("--sort", default="relevance", type=click.Choice(["relevance", "date_asc", "date_desc"]))
@click.option("--page", default=1, type=int)
@click.option("--per-page", default=20, type=int)
@click.option("--json", "as_json", is_flag=True, help="print the /api/search JSON")
@index_option
def search_command(query, date_from, date_to, filters, sort, page, per_page, as_json, index_dir):
    """Search the archive."""
    args: dict[str, list[str]] = {"q": [query], "from": [date_from], "to": [date_to], "sort": [sort],
                                  "page": [str(page)], "per_page": [str(per_page)]}
    for item in filters:
        name, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"expected NAME=VALUE, got '{item}'", param_hint="--filter")
        args.setdefault(name.strip(), []).append(value)
    request = SearchRequest.from_args(args)
    result = Searcher(index_root(index_dir)).search(request)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(f"{counts_line(result.total, result.total_documents)} — {request.describe()}")
    for notice in result.notices:
        click.echo(f"note: {notice}")
    if result.suggestion and not result.search_instead:  # a correction is already announced in the notices
        click.echo(f"did you mean: {result.suggestion}")
    first = (result.page - 1) * result.per_page
    for n, hit in enumerate(result.hits, first + 1):
        parties = f"{', '.join(hit.senders) or '?'} → {', '.join(hit.recipients) or '?'}"
        click.echo(f"{n:>4}. {hit.id:<22} {hit.date['label'] or 'undated':<24} {_plain(hit.title)}")
        click.echo(f"      {hit.doc_type or '-'} | {parties} | score {hit.score}")
        if hit.versions:
            click.echo(f"      also in: {', '.join(v['id'] for v in hit.versions)}")
        click.echo(f"      {_plain(hit.snippet)}")


def counts_line(results: int, documents: int) -> str:
    """"250 documents (238 results, versions of one document grouped)": documents first, as the page says."""
    line = f"{documents:,} document{'' if documents == 1 else 's'}"
    if results != documents:
        line += f" ({results:,} result{'' if results == 1 else 's'}, versions of one document grouped)"
    return line
