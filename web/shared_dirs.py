"""Directories that every worker process of one service shares, one per index, in the temporary directory (tests
and helpers may run several services on one machine; each index gets its own)."""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def shared_dir(index: str, kind: str) -> Path:
    """`<tmp>/kwarchive-<kind>-<uid>-<hash of the index path>`, created private to this user."""
    name = hashlib.sha1(str(Path(index).resolve()).encode()).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"kwarchive-{kind}-{os.getuid()}-{name}"
    path.mkdir(mode=0o700, exist_ok=True)
    found = path.lstat()
    if found.st_uid != os.getuid() or found.st_mode & 0o077 or not path.is_dir() or path.is_symlink():
        # Someone else made it first (the temporary directory is shared): files in it could be planted.
        raise PermissionError(f"{path} is not a private directory of this user; remove it and restart")
    return path
