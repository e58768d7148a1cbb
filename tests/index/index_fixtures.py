"""A small multilingual corpus and authority built in code, shared by the index tests (and the kill test's
subprocess, which imports this file by path)."""
from __future__ import annotations

import hashlib
import json
from dataclasses import replace

from corpus.authority import Authority, AuthorityEntry
from corpus.model import ArchiveRef, DateRange, Document


def small_authority() -> Authority:
    return Authority([
        AuthorityEntry("joseph-stalin", "Joseph Stalin", "person", ("Stalin", "I. V. Stalin"),
                       ("Filippov", "Fyn Si", "Instantsia"), ("Сталин", "斯大林", "스탈린")),
        AuthorityEntry("kim-il-sung", "Kim Il Sung", "person", ("Kim Il-sung",), (), ("김일성", "金日成", "Ким Ир Сен")),
        AuthorityEntry("terentii-shtykov", "Terentii Shtykov", "person", ("Shtykov", "Shtikov"), (), ("Штыков",)),
        AuthorityEntry("andrei-vyshinsky", "Andrei Vyshinsky", "person", ("Vyshinsky", "Vishinsky"), (),
                       ("Вышинский",)),
        AuthorityEntry("vladimir-razuvaev", "Vladimir Razuvaev", "person", ("Razuvaev", "Razuvayev", "Razubayev"),
                       (), ("Разуваев",)),
        AuthorityEntry("pak-hon-yong", "Pak Hon-yong", "person", ("Pak Heonyeong", "Pak Hen Yen"), (), ("박헌영",)),
        AuthorityEntry("mao-zedong", "Mao Zedong", "person", ("Mao Tse-tung",), (), ("毛泽东", "毛澤東")),
        AuthorityEntry("chongjin", "Chongjin", "place", ("Seishin", "Cheongjin"), (), ("청진",)),
    ])


def _doc(number: str, title: str, body: str, start: str = "", end: str = "", **extra) -> Document:
    label = start or "undated"
    return Document(id=f"fx/{number}", collection="fx", number=number, title=title, body=body,
                    date=DateRange(start, end or start, label, "day" if start else "unknown"), **extra)


def small_documents() -> list[Document]:
    return [
        _doc("1", "Telegram from Filippov to Kim Il Sung",
             "Filippov's telegrams reached Kim Il-sung. The Korean friends asked about Ch'óngjin and Łódź.",
             "1950-07-05", senders=("Joseph Stalin",), recipients=("Kim Il Sung",), doc_type="telegram",
             people=("Joseph Stalin", "Kim Il Sung"), places=("Chongjin",), classification="Top Secret",
             archive=ArchiveRef(repository="APRF")),
        _doc("2", "Донесение Штыкова", "Штыков сообщил Вышинскому о беседе с Ким Ир Сеном. Телеграммы получены.",
             "1950-06-20", senders=("Terentii Shtykov",), doc_type="report", people=("Terentii Shtykov",),
             language="ru"),
        _doc("3", "김일성의 전보", "김일성은 스탈린에게 전보를 보냈다. 박헌영도 동의했다.", "1950-09-29", "1950-10-01",
             senders=("Kim Il Sung", "Pak Hon-yong"), recipients=("Joseph Stalin",), doc_type="letter",
             language="ko"),
        _doc("4", "毛泽东致斯大林电", "毛泽东同志致电斯大林。的", "1950-10-02", senders=("Mao Zedong",),
             recipients=("Joseph Stalin",), doc_type="telegram", language="zh"),
        _doc("5", "Report by Shtikov", "Shtikov reported that Razubayev met Pak Heonyeong; a telegram followed.",
             "1951-01-10", senders=("Terentii Shtykov",), doc_type="report", people=("Vladimir Razuvaev",)),
        _doc("6", "Note on communications", "The communications of the telegraph office were intercepted.",
             senders=("Ministry of Foreign Affairs, USSR",)),
        _doc("7", "Fyn Si to Mao", "Fyn Si approved the plan. Razuvayev will report from Seishin.", "1951-06-01",
             "1952-02-01", senders=("Joseph Stalin",), recipients=("Mao Zedong",), doc_type="telegram"),
    ]


def changed(doc: Document, **fields) -> Document:
    return replace(doc, **fields)


class FixtureCorpus:
    """What the build needs of a Corpus: documents, authority and a hash of the records."""

    def __init__(self, documents=None, authority=None):
        self.documents = list(small_documents() if documents is None else documents)
        self.authority = authority or small_authority()

    def corpus_hash(self) -> str:
        digest = hashlib.sha256()
        for doc in self.documents:
            digest.update(json.dumps(doc.to_dict(), sort_keys=True).encode())
        return digest.hexdigest()[:16]
