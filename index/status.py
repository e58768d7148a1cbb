"""What the live index is and whether it still matches the corpus, with a plain reason when it is unusable."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from corpus.errors import IndexUnavailable
from index.analysis import analysis_fingerprint
from index.columns import load_columns
from index.generations import live_generation, open_generation


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

    @property
    def usable(self) -> bool:
        return self.generation is not None and not self.error

    def lines(self) -> list[str]:
        if not self.usable:
            return [f"index:       {self.root}", f"problem:     {self.error}"]
        state = {None: "unknown", True: "OUT OF DATE (run `kwarchive reindex`)", False: "up to date"}
        return [
            f"index:       {self.root}",
            f"generation:  {self.generation}",
            f"documents:   {self.documents}",
            f"built at:    {self.built_at} in {self.seconds:.1f} s",
            f"corpus hash: {self.corpus_hash}" + (
                f" (corpus now {self.current_corpus_hash})" if self.out_of_date else ""),
            f"state:       {state[self.out_of_date]}",
        ]


def index_status(root: Path | str, corpus=None) -> IndexStatus:
    """Inspect the live generation; opens it and its columns so a corrupt index is reported, not hidden."""
    root = Path(root)
    try:
        generation = live_generation(root)
    except IndexUnavailable as exc:
        return IndexStatus(root, error=exc.message)
    if generation is None:
        return IndexStatus(root, error=f"no index at {root}; run `kwarchive reindex`")
    meta = generation.meta
    try:
        documents = open_generation(generation).doc_count()
        load_columns(generation.path)
    except IndexUnavailable as exc:
        return IndexStatus(root, generation.number, error=exc.message)
    error = ""
    if documents != meta.get("documents"):
        error = f"generation {generation.number} holds {documents} documents, its metadata says {meta.get('documents')}"
    out_of_date, current = None, ""
    if corpus is not None:
        current = corpus.corpus_hash()
        out_of_date = current != meta.get("corpus_hash") or analysis_fingerprint(corpus.authority) != meta.get(
            "analysis")
    return IndexStatus(root, generation.number, documents, meta.get("built_at", ""), float(meta.get("seconds", 0)),
                       meta.get("corpus_hash", ""), current, out_of_date, error)


def needs_build(status: IndexStatus) -> bool:
    """For `reindex --if-stale`: missing, unusable or out of date."""
    return not status.usable or bool(status.out_of_date)
