"""`kwarchive corpus export|check`: the corpus as records, and what is wrong with it. Also what every stage's
commands share: `KwarchiveCommand` (the CLI's one mapping of errors to exit codes) and the `--corpus` option."""
from __future__ import annotations

import json
import sys

import click

from corpus.check import check_corpus
from corpus.errors import KwarchiveError
from corpus.loader import load_corpus

corpus_option = click.option(
    "--corpus", "corpus_dir", envvar="KWARCHIVE_CORPUS", default=None, type=click.Path(file_okay=False),
    help="Root of collection folders (default KWARCHIVE_CORPUS or the bundled collections).",
)


class KwarchiveCommand(click.Command):
    """A command whose project errors print `Error: <message>` and exit with status 1, never a traceback (click's
    own usage errors exit with 2). Every kwarchive command is one: this is the CLI's one place for errors."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KwarchiveError as exc:
            raise click.ClickException(exc.message) from exc


class KwarchiveGroup(click.Group):
    """A group whose commands (and subgroups' commands) are `KwarchiveCommand`s."""

    command_class = KwarchiveCommand
    group_class = type


@click.group("corpus", cls=KwarchiveGroup)
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
