"""The `kwarchive` command: every stage's commands in one group, plus `serve` (gunicorn with our config)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from corpus.cli import KwarchiveGroup, corpus_group
from index.cli import index_group, index_option, reindex
from search.cli import search_command

GUNICORN_CONF = Path(__file__).resolve().parent / "gunicorn_conf.py"


@click.group(cls=KwarchiveGroup)
@click.version_option(package_name="kwarchive", message="%(prog)s %(version)s")
def cli() -> None:
    """Full-text search over declassified Korean War documents, 1949–1954."""


cli.add_command(corpus_group)
cli.add_command(reindex)
cli.add_command(index_group)
cli.add_command(search_command)


def gunicorn_argv(host: str, port: int, workers: int | None) -> list[str]:
    argv = [sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONF), "--bind", f"{host}:{port}"]
    if workers:
        argv += ["--workers", str(workers)]
    # The factory form imports the installed package, so `serve` works outside the repository too.
    return argv + ["web.app:create_app()"]


@cli.command("serve")
@index_option
@click.option("--port", type=click.IntRange(1, 65535), default=8000, envvar="PORT", show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="Default: KWARCHIVE_WORKERS or 2 × CPUs.")
def serve(index_dir: str | None, port: int, host: str, workers: int | None) -> None:
    """Serve the search site and API with gunicorn."""
    env = dict(os.environ)
    if index_dir:
        env["KWARCHIVE_INDEX"] = str(Path(index_dir).resolve())
    argv = gunicorn_argv(host, port, workers)
    click.echo(f"serving on http://{host}:{port}/", err=True)
    os.execve(sys.executable, argv, env)


def main() -> None:
    cli(prog_name="kwarchive")
