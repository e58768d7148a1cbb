"""Publishing a generation into another index root, for replica servers (see docs/REPLICAS.md).

The copy is built in the destination's own `gen-N.tmp`, every byte checked against the checksums the build
recorded, then sealed with the same `publish` a reindex uses: the generation directory renamed into place,
CURRENT replaced atomically, older generations removed. Servers on that root pick it up as after a reindex,
and whatever goes wrong before the switch leaves the destination exactly as it was.
"""
from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from corpus.errors import KwarchiveError
from index import integrity
from index.generations import (Generation, build_lock, generation_by_number, live_generation, next_generation,
                               open_generation, publish)


class PublishFailed(KwarchiveError):
    """A generation that cannot be published to the destination; the destination is unchanged."""


@dataclass(frozen=True)
class Published:
    source: Generation
    generation: Generation  # as it is now live in the destination
    files: int
    size_bytes: int
    seconds: float
    copied: bool  # False when the destination already served this very build


def source_generation(root: Path, number: int | None = None) -> Generation:
    """The live generation of `root`, or generation `number` when one is named."""
    if number is None:
        live = live_generation(root)
        if live is None:
            raise PublishFailed(f"no index at {root}; run `kwarchive reindex` first")
        return live
    return generation_by_number(root, number)


def publish_copy(source: Generation, source_root: Path, dest_root: Path) -> Published:
    """Copy `source` into `dest_root`, verify the copy, and make it the live generation there."""
    started = time.perf_counter()
    source_root, dest_root = Path(source_root), Path(dest_root)
    _refuse_same_root(source_root, dest_root)
    try:
        with build_lock(dest_root):
            files = source.meta.get(integrity.FILES) or integrity.record(source.path)
            current = live_generation(dest_root)
            if current is not None and _same_build(current.meta, source.meta, files):
                return Published(source, current, len(files), _size(files), time.perf_counter() - started, False)
            # The source's number when it is free, so replicas and their source name a build alike.
            number, tmp = next_generation(dest_root, at_least=source.number)
            try:
                meta = _copy_verified(source, tmp, files, number)
                generation = publish(dest_root, number, tmp, meta)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
    except OSError as exc:
        raise PublishFailed(f"cannot publish to {dest_root}: {exc.strerror or exc} "
                            f"({exc.filename or dest_root}); it is unchanged") from exc
    return Published(source, generation, len(files), _size(files), time.perf_counter() - started, True)


def _copy_verified(source: Generation, tmp: Path, files: dict, number: int) -> dict:
    for name in files:
        _copy_durably(source.path / name, tmp / name)
    problem = integrity.damage(tmp, files, full=True)
    if problem:
        raise PublishFailed(f"the copy of generation {source.number} does not match the build: {problem}; "
                            "the destination is unchanged")
    meta = {**source.meta, "generation": number, integrity.FILES: files,
            "published_from": {"path": str(source.path.resolve()), "generation": source.number,
                               "at": datetime.now(timezone.utc).isoformat(timespec="seconds")}}
    integrity.write_signatures(tmp, files)  # just read in full: servers on the destination need not read it again
    open_generation(Generation(number, tmp, meta))  # the copy opens as an index (IndexUnavailable otherwise)
    return meta


def _copy_durably(source: Path, target: Path) -> None:
    shutil.copyfile(source, target)
    with open(target, "rb") as copied:
        os.fsync(copied.fileno())


def _refuse_same_root(source_root: Path, dest_root: Path) -> None:
    source, dest = source_root.resolve(), dest_root.resolve()
    if dest == source:
        raise PublishFailed(f"{dest_root} is the source index root itself; name another root to publish to")
    if source in dest.parents:
        raise PublishFailed(f"{dest_root} is inside the source index root {source_root}; name a root outside it")


def _same_build(live_meta: dict, source_meta: dict, files: dict) -> bool:
    keys = ("built_at", "corpus_hash", "documents")
    return live_meta.get(integrity.FILES) == files and all(live_meta.get(k) == source_meta.get(k) for k in keys)


def _size(files: dict) -> int:
    return sum(entry["size"] for entry in files.values())
