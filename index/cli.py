"""Commands of the index stage: `reindex` and `index status|verify|repair|publish` (web/cli.py adds them to the
kwarchive group), and the `--index` option every command that reads an index shares."""
from __future__ import annotations

import errno
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import click

from corpus.cli import KwarchiveCommand, KwarchiveGroup, corpus_option
from corpus.errors import KwarchiveError
from corpus.shards import RECORDS_PER_SHARD

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INDEX = REPO_ROOT / "var" / "index"


def index_root(value: str | None = None) -> Path:
    """`--index DIR`, else `KWARCHIVE_INDEX`, else var/index in the project."""
    return Path(value or os.environ.get("KWARCHIVE_INDEX") or DEFAULT_INDEX).expanduser()


index_option = click.option("--index", "index_dir", type=click.Path(file_okay=False), default=None,
                            help="Index root (default KWARCHIVE_INDEX or var/index).")


@click.command("reindex", cls=KwarchiveCommand)
@click.option("--incremental", is_flag=True, help="Only add, update and delete documents whose content changed.")
@click.option("--if-stale", is_flag=True, help="Do nothing when the index is present and up to date.")
@click.option("--strict", is_flag=True, help="Fail, indexing nothing, when any record or collection is skipped "
                                             "(for CI).")
@click.option("--workers", type=click.IntRange(0, 256), default=None,
              help="Worker processes of the local Dask cluster (default: one per core from 5,000 records; "
                   "0: index in this process).")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Run the shard tasks on this Dask scheduler (tcp://HOST:8786; default "
                   "KWARCHIVE_DASK_SCHEDULER); its workers must see the corpus and index roots at these paths.")
@click.option("--shard-size", type=click.IntRange(1), default=None,
              help=f"Records of a documents.jsonl per shard task, one index segment each (default: at most "
                   f"{RECORDS_PER_SHARD:,}, at least two shards per worker).")
@index_option
@corpus_option
def reindex(incremental: bool, if_stale: bool, strict: bool, workers: int | None, scheduler: str | None,
            shard_size: int | None, index_dir: str | None, corpus_dir: str | None) -> None:
    """Rebuild the index into a new generation and switch to it atomically."""
    from index.build import build_streaming

    root = index_root(index_dir)
    hashes = incremental or if_stale
    then = ("indexing what changed" if incremental else "indexing") + (" if the index is out of date" if if_stale
                                                                       else "")
    with _corpus_runner(corpus_dir, workers, scheduler, shard_size) as (plan, runner), \
            _ProgressReporter("read", "shards", f"versions{', hashes' if hashes else ''}") as reading, \
            _ProgressReporter("indexed", "documents") as progress:
        click.echo(f"reindexing {len(plan.shards)} shard{'s' if len(plan.shards) != 1 else ''} {runner.where}: "
                   f"reading them for version links{' and content hashes' if hashes else ''}, then {then}",
                   err=True)
        summary = _building(root, lambda: build_streaming(
            plan, root, progress, runner=runner, check=lambda scan: _report_skipped(scan, strict),
            incremental=incremental, if_stale=if_stale, reading=reading))
    if summary.mode == "current":
        click.echo(f"index at {root} is up to date")
        return
    _echo_summary(summary, runner.where)


@contextmanager
def _corpus_runner(corpus_dir: str | None, workers: int | None = None, scheduler: str | None = None,
                   shard_size: int | None = None):
    """The corpus's shard plan and the runner its tasks run on, the shards balanced over the runner's workers
    unless `shard_size` says how large they are."""
    from corpus.shards import plan_shards
    from index.cluster import open_runner, shard_size as balanced

    plan = plan_shards(corpus_dir, shard_size or RECORDS_PER_SHARD)
    with open_runner(plan.lines, workers=workers, scheduler=scheduler) as runner:
        if shard_size is None and plan.lines:
            size = balanced(plan.lines, runner.workers, RECORDS_PER_SHARD)
            plan = plan if size == RECORDS_PER_SHARD else plan.recut(size)
        yield plan, runner


def _building(root: Path, build):
    try:
        return build()
    except OSError as exc:
        raise click.ClickException(_write_failure(exc, root)) from exc


def _echo_summary(summary, where: str = "") -> None:
    click.echo(
        f"{summary.mode} reindex: {summary.documents} documents in {summary.seconds:.1f} s, "
        f"{summary.size_bytes / 1e6:.1f} MB, generation {summary.generation}"
        + (f" ({summary.added} added, {summary.updated} updated, {summary.deleted} deleted)"
           if summary.mode == "incremental" else "")
        + (f" ({where})" if where else "")
    )


def _report_skipped(corpus, strict: bool) -> None:  # a Corpus, or a CorpusScan of a streaming build
    """Say what is wrong with the corpus and what was left out, one problem a line; with --strict, stop there."""
    if not corpus.problems:
        return
    for problem in corpus.problems:
        click.echo(f"corpus: {problem}", err=True)
    what = f"skipped {corpus.skipped}" if corpus.skipped else f"{len(corpus.problems)} corpus problem(s)"
    if strict:
        raise click.ClickException(f"{what}; nothing was indexed (--strict)")
    if corpus.skipped:
        click.echo(f"{what} (listed above); the rest is indexed", err=True)


def _write_failure(exc: OSError, root: Path) -> str:
    """A failed write (full disk, quota, permissions) said plainly, with what is still being served."""
    from index.generations import live_generation

    try:
        live = live_generation(root)
        kept = f"the live index (generation {live.number}) is untouched" if live else "there is no live index yet"
    except KwarchiveError as error:
        kept = f"the live index cannot be read either: {error.message}"
    reason = exc.strerror or str(exc)
    hint = "free some space" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else "fix the cause"
    return f"reindex failed: {reason} ({exc.filename or root}); {kept}. {hint.capitalize()} and run it again."


@click.group("index", cls=KwarchiveGroup)
def index_group() -> None:
    """Inspect the search index."""


@index_group.command("status")
@index_option
@corpus_option
def status(index_dir: str | None, corpus_dir: str | None) -> None:
    """Live generation, document count, build time, corpus hash, and whether it is out of date."""
    from corpus.shards import corpus_root
    from index.build import scan_corpus
    from index.status import index_status

    root = index_root(index_dir)
    corpus_root(corpus_dir)  # a corpus root that is not there is the error, whatever the index
    result = index_status(root)
    if result.usable:  # then compare it with the corpus, scanned as a reindex scans it (never held whole)
        with _corpus_runner(corpus_dir) as (plan, runner):
            result = index_status(root, scan_corpus(plan, runner, hashes=True))
    for line in result.lines():
        click.echo(line)
    if not result.usable:
        sys.exit(1)


@index_group.command("verify")
@index_option
def verify(index_dir: str | None) -> None:
    """Read every file of the live generation and compare it with the checksums recorded when it was built."""
    from index import integrity
    from index.generations import check_files, live_generation

    root = index_root(index_dir)
    live = live_generation(root)
    if live is None:
        raise click.ClickException(f"no index at {root}; run `kwarchive reindex`")
    files = live.meta.get(integrity.FILES)
    if files is None:
        raise click.ClickException(f"generation {live.number} was built without checksums; run `kwarchive reindex`")
    started = time.perf_counter()
    check_files(live, full=True)
    size = sum(entry["size"] for entry in files.values())
    click.echo(f"generation {live.number}: {len(files)} files, {size / 1e6:.1f} MB match their checksums "
               f"({time.perf_counter() - started:.1f} s)")


@index_group.command("repair")
@index_option
def repair(index_dir: str | None) -> None:
    """Point CURRENT back at the newest intact generation when the live one is missing or damaged."""
    from index.generations import build_lock, last_good_generation, point_current_at
    from index.status import index_status

    root = index_root(index_dir)
    with build_lock(root):
        status = index_status(root)
        if status.usable:
            click.echo(f"generation {status.generation} is live and intact; nothing to repair")
            return
        good = last_good_generation(root, full=True)
        if good is None:
            raise click.ClickException(f"{status.error}; no intact generation to go back to: run `kwarchive reindex`")
        point_current_at(root, good.name)
    click.echo(f"was: {status.error}\nCURRENT now names generation {good.number} ({good.meta.get('documents')} "
               f"documents, built at {good.meta.get('built_at')}); run `kwarchive reindex` to bring it up to date")


@index_group.command("publish")
@click.argument("dest_root", type=click.Path(file_okay=False))
@click.option("--generation", "number", type=click.IntRange(min=1),
              help="Publish this finished generation instead of the live one.")
@click.option("--index", "index_dir", type=click.Path(file_okay=False),
              help="Source index root (default KWARCHIVE_INDEX or var/index).")
def publish(dest_root: str, number: int | None, index_dir: str | None) -> None:
    """Copy the live (or a named) generation into DEST_ROOT, verify it, and make it live there atomically."""
    from index.replicas import publish_copy, source_generation

    source_root = index_root(index_dir)
    result = publish_copy(source_generation(source_root, number), source_root, Path(dest_root))
    live = result.generation
    if not result.copied:
        click.echo(f"{dest_root} already serves generation {result.source.number} of {source_root} "
                   f"(as generation {live.number}); nothing copied")
        return
    click.echo(f"published generation {result.source.number} of {source_root} to {dest_root} as generation "
               f"{live.number}: {live.meta.get('documents')} documents, {result.files} files, "
               f"{result.size_bytes / 1e6:.1f} MB verified, in {result.seconds:.1f} s")


class _ProgressReporter:
    """One pass's progress: a tqdm bar on a terminal; otherwise a log line every ~10% and at the end, naming the
    pass ("read 3/5 shards, 180 documents (versions)", "indexed 250/250 documents (40 docs/s)")."""

    def __init__(self, verb: str, unit: str, note: str = ""):
        self.verb, self.unit, self.note = verb, unit, note

    def __enter__(self):
        self.bar, self.next_log, self.logged, self.started = None, 0, -1, time.perf_counter()
        return self

    def __call__(self, done: int, total: int, documents: int | None = None) -> None:
        if sys.stderr.isatty():
            if self.bar is None:
                from tqdm import tqdm

                self.bar = tqdm(total=total, unit=self.unit.split()[-1], desc=self.verb, file=sys.stderr)
            self.bar.update(done - self.bar.n)
        elif (done >= self.next_log or done == total) and done != self.logged:
            counted = done if documents is None else documents
            rate = counted / max(time.perf_counter() - self.started, 1e-9)
            read = "" if documents is None else f", {documents} document{'' if documents == 1 else 's'}"
            notes = "; ".join(filter(None, (self.note, f"{rate:.0f} docs/s")))
            click.echo(f"{self.verb} {done}/{total} {self.unit}{read} ({notes})", err=True)
            self.next_log, self.logged = done + max(total // 10, 1), done

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.close()
        return False
