"""Document type and classification read off an editor's title, mapped onto the controlled vocabularies."""
from __future__ import annotations

import re

from corpus.model import CLASSIFICATIONS

# Order matters: the first match wins, so compound and more specific names come first.
_TYPE_PATTERNS: tuple[tuple[str, str], ...] = (
    ("record of conversation", r"record of (?:a |the )?(?:conversation|talk|meeting)s?|memorandum of (?:a |the )?conversation"),
    ("minutes", r"minutes|protocol of (?:the )?meeting|excerpt from (?:the )?protocol"),
    ("resolution", r"resolution"),
    ("decree", r"decree"),
    ("directive", r"directive|instruction"),
    ("order", r"\border\b"),
    ("telegram", r"telegram|ciphergram|cipher(?:ed)? message"),
    ("cable", r"\bcable"),
    ("letter", r"\bletter"),
    ("memorandum", r"memorandum|\bmemo\b"),
    ("report", r"\breport"),
    ("statement", r"statement|declaration"),
    ("speech", r"\bspeech|address to"),
    ("note", r"\bnote\b|\bnotes\b"),
    ("list", r"\blist of\b"),
    ("article", r"\barticle\b"),
    ("information", r"\binformation\b"),
)
_COMPILED = tuple((name, re.compile(pattern, re.IGNORECASE)) for name, pattern in _TYPE_PATTERNS)

_CLASSIFICATION_RE = re.compile(
    r"\b(top\s+secret|strictly\s+secret|secret|confidential)\b", re.IGNORECASE
)


def detect_doc_type(title: str) -> str:
    """The first vocabulary type the title names, or "" (never guessed from the body)."""
    for name, pattern in _COMPILED:
        if pattern.search(title or ""):
            return name
    return ""


def detect_classification(text: str) -> str:
    """The strongest classification marking in the text ("Top Secret" beats "Secret"), or ""."""
    found = {m.group(1).lower().split()[0] for m in _CLASSIFICATION_RE.finditer(text or "")}
    for label in CLASSIFICATIONS:
        if label.lower().split()[0] in found:
            return label
    return ""
