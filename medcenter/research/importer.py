"""Reading publications from MEDLINE (.nbib, PubMed's "MEDLINE" format, read with Biopython's
`Bio.Medline`) and RIS (read with `rispy`) into plain records, each checked on its own.

Nothing here writes: `services.import_publications` de-duplicates and stores, and the report
names every record it did not take and why."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

import rispy
from Bio import Medline

DOI_PREFIXES = (
    "https://doi.org/",
    "http://doi.org/",
    "https://dx.doi.org/",
    "http://dx.doi.org/",
    "doi:",
)
DOI_SHAPE = re.compile(r"^10\.\d{4,9}/\S+$")
PMID_SHAPE = re.compile(r"^[1-9]\d{0,9}$")
YEAR_SHAPE = re.compile(r"(1[89]\d\d|2[01]\d\d)")


def normalize_doi(value: str | None) -> str:
    """The DOI as the database keeps it: lowercase, without a resolver prefix ('' if none)."""
    text = (value or "").strip()
    lowered = text.lower()
    for prefix in DOI_PREFIXES:
        if lowered.startswith(prefix):
            text = text[len(prefix) :]
            break
    return text.strip().lower()


@dataclass
class Record:
    label: str  # how the report names it: "record 3 (PMID 16403221)"
    pmid: str = ""
    doi: str = ""
    title: str = ""
    journal: str = ""
    year: int | None = None
    volume: str = ""
    issue: str = ""
    pages: str = ""
    authors: list[str] = field(default_factory=list)
    abstract: str = ""
    problems: list[str] = field(default_factory=list)


def _label(index: int, pmid: str, doi: str, title: str) -> str:
    if pmid:
        return f"record {index} (PMID {pmid})"
    if doi:
        return f"record {index} (DOI {doi})"
    if title:
        return f"record {index} ({title[:60]!r})"
    return f"record {index}"


def _year(text: str) -> int | None:
    found = YEAR_SHAPE.search(text or "")
    return int(found.group(1)) if found else None


def _check(record: Record) -> Record:
    if not record.title:
        record.problems.append("it has no title")
    if record.pmid and not PMID_SHAPE.match(record.pmid):
        record.problems.append(f"its PMID {record.pmid!r} is not a PubMed id (digits only)")
    if record.doi and not DOI_SHAPE.match(record.doi):
        record.problems.append(f"its DOI {record.doi!r} is not a DOI (10.<prefix>/<suffix>)")
    if not record.pmid and not record.doi:
        record.problems.append("it has neither a PMID nor a DOI, so it cannot be de-duplicated")
    return record


def _one_line(value: Any) -> str:
    if isinstance(value, list):
        value = " ".join(str(v) for v in value)
    return " ".join(str(value or "").split())


def read_medline(text: str) -> list[Record]:
    records = []
    for index, raw in enumerate(Medline.parse(io.StringIO(text)), start=1):  # type: ignore[no-untyped-call]
        pmid = _one_line(raw.get("PMID"))
        doi = ""
        for aid in [*raw.get("AID", []), *([raw["LID"]] if raw.get("LID") else [])]:
            if aid.strip().endswith("[doi]"):
                doi = normalize_doi(aid.rsplit("[", 1)[0])
                break
        title = _one_line(raw.get("TI"))
        record = Record(
            label=_label(index, pmid, doi, title),
            pmid=pmid,
            doi=doi,
            title=title,
            journal=_one_line(raw.get("JT") or raw.get("TA")),
            year=_year(_one_line(raw.get("DP"))),
            volume=_one_line(raw.get("VI")),
            issue=_one_line(raw.get("IP")),
            pages=_one_line(raw.get("PG")),
            authors=[_one_line(a) for a in (raw.get("FAU") or raw.get("AU") or [])],
            abstract=_one_line(raw.get("AB")),
        )
        if not raw:
            record.problems.append("it is empty")
        records.append(_check(record))
    return records


def _ris_pmid(entry: dict[str, Any]) -> str:
    accession = _one_line(entry.get("accession_number"))
    if accession:
        return accession.removeprefix("PMID:").strip()
    for note in entry.get("notes") or []:
        found = re.search(r"PMID:\s*(\d+)", str(note))
        if found:
            return found.group(1)
    return ""


def read_ris(text: str) -> list[Record]:
    """RIS records; the PMID is read from AN (accession number) or a "PMID: n" note."""
    entries = rispy.loads(text, skip_unknown_tags=True)
    records = []
    for index, entry in enumerate(entries, start=1):
        pmid = _ris_pmid(entry)
        doi = normalize_doi(entry.get("doi"))
        title = _one_line(entry.get("title") or entry.get("primary_title"))
        start, end = _one_line(entry.get("start_page")), _one_line(entry.get("end_page"))
        records.append(
            _check(
                Record(
                    label=_label(index, pmid, doi, title),
                    pmid=pmid,
                    doi=doi,
                    title=title,
                    journal=_one_line(
                        entry.get("journal_name")
                        or entry.get("secondary_title")
                        or entry.get("alternate_title3")
                    ),
                    year=_year(
                        _one_line(
                            entry.get("year") or entry.get("publication_year") or entry.get("date")
                        )
                    ),
                    volume=_one_line(entry.get("volume")),
                    issue=_one_line(entry.get("number")),
                    pages=f"{start}-{end}" if start and end else start,
                    authors=[
                        _one_line(a)
                        for a in (entry.get("authors") or entry.get("first_authors") or [])
                    ],
                    abstract=_one_line(entry.get("abstract")),
                )
            )
        )
    opened = len(re.findall(r"^TY  - ", text, re.MULTILINE))
    for index in range(len(entries) + 1, opened + 1):
        records.append(
            Record(label=f"record {index}", problems=["it does not end with an ER line"])
        )
    return records


def detect_format(name: str, text: str) -> str:
    """'ris' or 'medline', from the file's name, else its first tag."""
    lowered = name.lower()
    if lowered.endswith(".ris"):
        return "ris"
    if lowered.endswith((".nbib", ".medline", ".txt")) and "PMID-" in text:
        return "medline"
    return "ris" if re.search(r"^TY  - ", text, re.MULTILINE) else "medline"
