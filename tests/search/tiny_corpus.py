"""The tiny corpus written in code that the search tests index (shared by conftest and tests that build their own
indexes from it)."""
from corpus.authority import Authority, AuthorityEntry
from corpus.model import ArchiveRef, DateRange, Document

AUTHORITY = Authority([
    AuthorityEntry("joseph-stalin", "Joseph Stalin", "person", ("Stalin", "I. V. Stalin"), ("Filippov", "Fyn Si"),
                   ("Сталин",)),
    AuthorityEntry("kim-il-sung", "Kim Il Sung", "person", ("Kim Il-sung",), (), ("김일성", "Ким Ир Сен")),
    AuthorityEntry("terentii-shtykov", "Terentii Shtykov", "person", ("Shtykov", "Shtikov"), (), ("Штыков",)),
    AuthorityEntry("mao-zedong", "Mao Zedong", "person", ("Mao Tse-tung", "Mao"), (), ("毛泽东",)),
    AuthorityEntry("kaesong", "Kaesong", "place", ("Kaesŏng", "Kaijo"), (), ("개성",)),
])


def doc(number, title, body, start="", end="", label="", precision="day", **fields):
    return Document(id=f"test/{number}", collection="test", number=str(number), title=title, body=body,
                    date=DateRange(start, end or start, label or start, precision if start else "unknown"),
                    language="English", **fields)


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
