"""`kwarchive corpus export|check`: the corpus as records, and what is wrong with it."""
from __future__ import annotations

import json
import sys

import click

from corpus.check import check_corpus
from corpus.loader import load_corpus

corpus_option = click.option(
    "--corpus", "corpus_dir", envvar="KWARCHIVE_CORPUS", default=None,
    type=click.Path(file_okay=False), help="Root of collection folders (default: the bundled corpus).",
)


@click.group("corpus")
def corpus_group() -> None:
    """Read and check the collections."""


@corpus_group.command("export")
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True)
@corpus_option
def export(fmt: str, corpus_dir: str | None) -> None:
    """Print every document, one JSON object per line."""
    corpus = load_corpus(corpus_dir)
    for problem in corpus.problems:
        click.echo(f"warning: {problem}", err=True)
    out = sys.stdout
    for doc in corpus.documents:
        out.write(json.dumps(doc.to_dict(), ensure_ascii=False) + "\n")


@corpus_group.command("check")
@corpus_option
def check(corpus_dir: str | None) -> None:
    """Validate the corpus; exit status 1 when something is wrong."""
    report = check_corpus(load_corpus(corpus_dir))
    click.echo(report.render())
    if not report.ok:
        raise SystemExit(1)
