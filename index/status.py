"""What the live index is and whether it still matches the corpus, with a plain reason when it is unusable."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from index.analysis import analysis_fingerprint
from index.columns import load_columns
from index import integrity
from index.errors import IndexUnavailable
from index.generations import Generation, last_good_generation, live_generation, open_generation


@dataclass(frozen=True)
class IndexStatus:
    root: Path
    generation: int | None = None
    documents: int = 0
    built_at: str = ""
    seconds: float = 0.0
    corpus_hash: str = ""
    current_corpus_hash: str = ""
    out_of_date: bool | None = None  # None when no corpus was given to compare with
    error: str = ""  # why the index cannot be used; "" when it can
    last_good: Generation | None = None  # when it cannot: the newest generation that still can
    checksums: bool = True  # whether the build recorded its files' checksums

    @property
    def usable(self) -> bool:
        return self.generation is not None and not self.error

    def lines(self) -> list[str]:
        if not self.usable:
            lines = [f"index:       {self.root}", f"problem:     {self.error}"]
            if self.last_good is not None:
                good = self.last_good
                lines.append(f"last good:   generation {good.number} ({good.meta.get('documents', '?')} documents, "
                             f"built at {good.meta.get('built_at', '?')}); `kwarchive index repair` switches back "
                             "to it, `kwarchive reindex` builds a new one")
            return lines
        state = {None: "unknown", True: "OUT OF DATE (run `kwarchive reindex`)", False: "up to date"}
        return [
            f"index:       {self.root}",
            f"generation:  {self.generation}",
            f"documents:   {self.documents}",
            f"built at:    {self.built_at} in {self.seconds:.1f} s",
            f"corpus hash: {self.corpus_hash}" + (
                f" (corpus now {self.current_corpus_hash})" if self.out_of_date else ""),
            f"state:       {state[self.out_of_date]}",
        ] + ([] if self.checksums else [
            "checksums:   not recorded (built by an older kwarchive); `kwarchive reindex` records them"])


def index_status(root: Path | str, corpus=None) -> IndexStatus:
    """Inspect the live generation; opens it and its columns so a corrupt index is reported, not hidden."""
    root = Path(root)
    try:
        generation = live_generation(root)
    except IndexUnavailable as exc:
        return IndexStatus(root, error=exc.message, last_good=_last_good(root))
    if generation is None:
        return IndexStatus(root, error=f"no index at {root}; run `kwarchive reindex`")
    meta = generation.meta
    try:
        documents = open_generation(generation).doc_count()
        load_columns(generation.path)
    except IndexUnavailable as exc:
        return IndexStatus(root, generation.number, error=exc.message, last_good=_last_good(root))
    error = ""
    if documents != meta.get("documents"):
        error = f"generation {generation.number} holds {documents} documents, its metadata says {meta.get('documents')}"
    out_of_date, current = None, ""
    if corpus is not None:
        current = corpus.corpus_hash()
        out_of_date = current != meta.get("corpus_hash") or analysis_fingerprint(corpus.authority) != meta.get(
            "analysis")
    return IndexStatus(root, generation.number, documents, meta.get("built_at", ""), float(meta.get("seconds", 0)),
                       meta.get("corpus_hash", ""), current, out_of_date, error,
                       checksums=integrity.FILES in meta)


def _last_good(root: Path) -> Generation | None:
    return last_good_generation(root) if root.is_dir() else None


def needs_build(status: IndexStatus) -> bool:
    """For `reindex --if-stale`: missing, unusable or out of date."""
    return not status.usable or bool(status.out_of_date)
