"""The small corpora built in code that the index and search tests index: one authority for both, one way to
write a Document, and two document sets: SEVEN multilingual records (collection `fx`: scripts, spellings,
pseudonyms; the index tests) and SIX English ones (collection `test`: dates of every precision, versions, markup;
the search tests). The kill test's subprocess imports this file by path."""
from __future__ import annotations

import hashlib
import json
from dataclasses import replace

from corpus.authority import Authority, AuthorityEntry
from corpus.model import ArchiveRef, DateRange, Document

AUTHORITY = Authority([
    AuthorityEntry("joseph-stalin", "Joseph Stalin", "person", ("Stalin", "I. V. Stalin"),
                   ("Filippov", "Fyn Si", "Instantsia"), ("Сталин", "斯大林", "스탈린")),
    AuthorityEntry("kim-il-sung", "Kim Il Sung", "person", ("Kim Il-sung",), (), ("김일성", "金日成", "Ким Ир Сен")),
    AuthorityEntry("terentii-shtykov", "Terentii Shtykov", "person", ("Shtykov", "Shtikov"), (), ("Штыков",)),
    AuthorityEntry("andrei-vyshinsky", "Andrei Vyshinsky", "person", ("Vyshinsky", "Vishinsky"), (),
                   ("Вышинский",)),
    AuthorityEntry("vladimir-razuvaev", "Vladimir Razuvaev", "person", ("Razuvaev", "Razuvayev", "Razubayev"),
                   (), ("Разуваев",)),
    AuthorityEntry("pak-hon-yong", "Pak Hon-yong", "person", ("Pak Heonyeong", "Pak Hen Yen"), (), ("박헌영",)),
    AuthorityEntry("mao-zedong", "Mao Zedong", "person", ("Mao Tse-tung", "Mao"), (), ("毛泽东", "毛澤東")),
    AuthorityEntry("chongjin", "Chongjin", "place", ("Seishin", "Cheongjin"), (), ("청진",)),
    AuthorityEntry("kaesong", "Kaesong", "place", ("Kaesŏng", "Kaijo"), (), ("개성",)),
])


def small_authority() -> Authority:
    return AUTHORITY


def doc(number, title, body, start="", end="", label="", precision="day", *, collection="test",
        language="English", **fields) -> Document:
    """A record of `collection`; undated when `start` is empty, its label the start date unless given."""
    return Document(id=f"{collection}/{number}", collection=collection, number=str(number), title=title, body=body,
                    date=DateRange(start, end or start, label or start, precision if start else "unknown"),
                    language=language, **fields)


def _fx(number: str, title: str, body: str, start: str = "", end: str = "", language: str = "", **fields):
    return doc(number, title, body, start, end, start or "undated", collection="fx", language=language, **fields)


def small_documents() -> list[Document]:
    return [
        _fx("1", "Telegram from Filippov to Kim Il Sung",
            "Filippov's telegrams reached Kim Il-sung. The Korean friends asked about Ch'óngjin and Łódź.",
            "1950-07-05", senders=("Joseph Stalin",), recipients=("Kim Il Sung",), doc_type="telegram",
            people=("Joseph Stalin", "Kim Il Sung"), places=("Chongjin",), classification="Top Secret",
            archive=ArchiveRef(repository="APRF")),
        _fx("2", "Донесение Штыкова", "Штыков сообщил Вышинскому о беседе с Ким Ир Сеном. Телеграммы получены.",
            "1950-06-20", senders=("Terentii Shtykov",), doc_type="report", people=("Terentii Shtykov",),
            language="ru"),
        _fx("3", "김일성의 전보", "김일성은 스탈린에게 전보를 보냈다. 박헌영도 동의했다.", "1950-09-29", "1950-10-01",
            senders=("Kim Il Sung", "Pak Hon-yong"), recipients=("Joseph Stalin",), doc_type="letter",
            language="ko"),
        _fx("4", "毛泽东致斯大林电", "毛泽东同志致电斯大林。的", "1950-10-02", senders=("Mao Zedong",),
            recipients=("Joseph Stalin",), doc_type="telegram", language="zh"),
        _fx("5", "Report by Shtikov", "Shtikov reported that Razubayev met Pak Heonyeong; a telegram followed.",
            "1951-01-10", senders=("Terentii Shtykov",), doc_type="report", people=("Vladimir Razuvaev",)),
        _fx("6", "Note on communications", "The communications of the telegraph office were intercepted.",
            senders=("Ministry of Foreign Affairs, USSR",)),
        _fx("7", "Fyn Si to Mao", "Fyn Si approved the plan. Razuvayev will report from Seishin.", "1951-06-01",
            "1952-02-01", senders=("Joseph Stalin",), recipients=("Mao Zedong",), doc_type="telegram"),
    ]


TINY_DOCUMENTS = [
    doc(1, "Telegram from Filippov to Shtykov", "Filippov asks Shtikov about the armistice talks at Kaesong.",
        "1951-07-10", doc_type="telegram", senders=("Joseph Stalin",), recipients=("Terentii Shtykov",),
        people=("Joseph Stalin", "Terentii Shtykov"), places=("Kaesong",), classification="Top Secret",
        archive=ArchiveRef(repository="AP RF"), versions=("test/2",)),
    doc(2, "Ciphered telegram, Stalin to Shtykov", "Stalin asks Shtykov about the armistice negotiations.",
        "1951-07-10", doc_type="telegram", senders=("Joseph Stalin",), recipients=("Terentii Shtykov",),
        people=("Joseph Stalin", "Terentii Shtykov"), versions=("test/1",)),
    doc(3, "Letter from Kim Il Sung to Stalin", "김일성 writes to Сталин about the offensive. Штыков agrees.",
        "1950-06", "1950-06-30", "June 1950", "month", doc_type="letter", senders=("Kim Il Sung",),
        recipients=("Joseph Stalin",), people=("Kim Il Sung", "Joseph Stalin", "Terentii Shtykov"),
        classification="Secret"),
    doc(4, "Note with planted <b>markup</b>",
        "The body plants <script>alert(1)</script> and <b>bold</b> text next to the word armistice & more.",
        "1953-07-27", "1953-12-31", "after 27 July 1953", "after", doc_type="note"),
    doc(5, "Undated memorandum on prisoners", "Prisoners of war and the repatriation question.",
        doc_type="memorandum", senders=("Mao Zedong",)),
    doc(6, "Report from Mao Zedong", "Mao Zedong reports on the front: " + "long text " * 80 + "armistice at last.",
        "1950-12-01", "1951-01-15", "December 1950 - January 1951", "range", doc_type="report",
        senders=("Mao Zedong",), recipients=("Joseph Stalin",), people=("Mao Zedong",)),
]


def changed(record: Document, **fields) -> Document:
    return replace(record, **fields)


class FixtureCorpus:
    """What the build needs of a Corpus: documents, authority and a hash of the records."""

    def __init__(self, documents=None, authority=None):
        self.documents = list(small_documents() if documents is None else documents)
        self.authority = authority or small_authority()

    def corpus_hash(self) -> str:
        digest = hashlib.sha256()
        for record in self.documents:
            digest.update(json.dumps(record.to_dict(), sort_keys=True).encode())
        return digest.hexdigest()[:16]
