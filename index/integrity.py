"""Checksums of a generation's files: recorded when it is built, checked when it is opened, on every request
(cheaply) and in full by `kwarchive index verify`, so a damaged index answers 503 with the reason instead of
wrong results or 500s.

What each check costs, and why it is enough:
- Build: every new file is read once more to checksum it (CRC-32, ~1 GB/s per core; files an incremental build
  hard-links from the live generation keep the checksum recorded for them). A few seconds on a 100,000-document
  build of eight minutes.
- Open (each worker, each generation): sizes of all files, then only files whose inode, size, mtime or ctime
  differ from the signature taken when they were last verified (`verified.json`) are read and checksummed.
  The build writes that signature, so a worker normally starts with a dozen `stat` calls and reads nothing.
  Any write to a file — random bytes, a zeroed block, truncation — changes its mtime and ctime (ctime cannot be
  set back from user space), so it is re-checksummed before it is trusted.
- Per request: the same `stat` comparison against what this process verified (microseconds).
- `kwarchive index verify`: checksums every file whatever the signatures say; this is what catches damage that
  bypasses the file system (a failing disk), which the cheaper checks cannot see.
"""
from __future__ import annotations

import json
import os
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

CHUNK = 4 * 2**20
SIGNATURES = "verified.json"
UNCHECKED = ("generation.json", SIGNATURES)  # the metadata holds the checksums; the signatures are a cache
FILES = "files"  # key of the checksums in a generation's metadata: {name: {"size": int, "crc32": int}}

Signature = tuple[int, int, int, int]  # inode, size, mtime_ns, ctime_ns


def checksum(path: Path) -> int:
    """CRC-32 of a whole file (zlib releases the GIL, so files are checksummed in parallel threads)."""
    crc = 0
    with open(path, "rb", buffering=0) as source:
        while chunk := source.read(CHUNK):
            crc = zlib.crc32(chunk, crc)
    return crc


def record(directory: Path, known: dict | None = None) -> dict:
    """Size and checksum of every file of a finished build; `known` entries are reused for the files an
    incremental build hard-linked (same inode as the verified live file, so the same bytes)."""
    known = known or {}
    names = sorted(p.name for p in directory.iterdir() if p.is_file() and p.name not in UNCHECKED)
    fresh = [n for n in names if not (n in known and known[n]["size"] == (directory / n).stat().st_size)]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        sums = dict(zip(fresh, pool.map(lambda n: checksum(directory / n), fresh)))
    files = {}
    for name in names:
        files[name] = {"size": (directory / name).stat().st_size,
                       "crc32": sums[name] if name in sums else known[name]["crc32"]}
    return files


def write_signatures(directory: Path, files: dict) -> None:
    """Remember the files' current stat signatures as verified (best effort: a read-only index just re-checks)."""
    try:
        payload = {name: list(_signature(directory / name)) for name in files}
        temporary = directory / f"{SIGNATURES}.{os.getpid()}.tmp"
        temporary.write_text(json.dumps(payload), encoding="utf-8")
        os.replace(temporary, directory / SIGNATURES)
    except OSError:
        pass


def damage(directory: Path, files: dict | None, *, full: bool = False,
           trusted: dict[str, Signature] | None = None) -> str:
    """Why the files of a generation are not the ones its build recorded ("" when they are).

    Files whose signature equals the trusted one (`trusted`, else `verified.json`) are not read unless `full`.
    """
    if files is None:
        return ""  # built before checksums were recorded: nothing to compare (`index status` says so)
    if not _well_formed(files):
        return "its recorded checksums are unreadable"
    if trusted is None and not full:
        trusted = _stored_signatures(directory)
    suspect = []
    for name, want in files.items():
        try:
            signature = _signature(directory / name)
        except OSError:
            return f"file {name} is missing"
        if signature[1] != want["size"]:
            return f"file {name} is {signature[1]:,} bytes, {want['size']:,} when it was built"
        if full or tuple(trusted.get(name, ())) != signature:
            suspect.append(name)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        for name, crc in zip(suspect, pool.map(lambda n: _checksum_or_none(directory / n), suspect)):
            if crc != files[name]["crc32"]:
                return f"file {name} differs from the checksum recorded when it was built"
    if suspect:
        write_signatures(directory, files)
    return ""


def _well_formed(files) -> bool:
    return isinstance(files, dict) and all(
        isinstance(name, str) and "/" not in name and isinstance(want, dict)
        and isinstance(want.get("size"), int) and isinstance(want.get("crc32"), int) for name, want in files.items())


def signatures(directory: Path, files: dict | None) -> dict[str, Signature]:
    """The current stat signatures of the recorded files (missing ones left out)."""
    found = {}
    for name in files or {}:
        try:
            found[name] = _signature(directory / name)
        except OSError:
            pass
    return found


def _signature(path: Path) -> Signature:
    stat = os.stat(path)
    return stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns


def _stored_signatures(directory: Path) -> dict:
    try:
        payload = json.loads((directory / SIGNATURES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(payload, dict):
        return {}
    return {name: tuple(value) for name, value in payload.items() if isinstance(value, list)}


def _checksum_or_none(path: Path) -> int | None:
    try:
        return checksum(path)
    except OSError:
        return None
