"""Imports of Biopython's real PubMed records (tests/data/README.md): 6 records, 4 DOIs."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from medcenter.research import importer, services
from medcenter.research.models import Authorship, Publication
from medcenter.scheduling.tests.factories import ClinicianFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
MEDLINE = ["pubmed_result1.txt", "pubmed_result2.txt", "pubmed_result3.txt"]
EXPECTED = {
    "12230038": None,
    "16403221": "10.1186/1471-2105-7-10",
    "16377612": "10.1093/bioinformatics/btk021",
    "14871861": "10.1093/bioinformatics/bth078",
    "14630660": None,
    "23039619": "10.1118/1.4748329",
}


def _import_medline():
    return [
        services.import_publications(text=(DATA / name).read_text(), name=name) for name in MEDLINE
    ]


def test_imports_every_pmid_and_doi_right():
    reports = _import_medline()

    assert sum(len(r.added) for r in reports) == 6
    assert not any(r.bad or r.duplicates for r in reports)
    assert dict(Publication.objects.values_list("pmid", "doi")) == EXPECTED
    casbon = Publication.objects.get(pmid="16403221")
    assert casbon.title == "A high level interface to SCOP and ASTRAL implemented in python."
    assert casbon.journal == "BMC bioinformatics" and casbon.year == 2006
    assert casbon.authors == ["Casbon, James A", "Crooks, Gavin E", "Saqi, Mansoor A S"]
    assert Publication.objects.get(pmid="16377612").title.endswith("large-scale genomic data.")


def test_importing_again_adds_nothing():
    _import_medline()

    again = _import_medline()

    assert sum(len(r.added) for r in again) == 0
    assert sum(len(r.duplicates) for r in again) == 6
    assert Publication.objects.count() == 6


def test_the_same_records_as_ris_add_nothing():
    _import_medline()

    report = services.import_publications(
        text=(DATA / "pubmed_results.ris").read_text(), name="x.ris"
    )

    assert report.added == [] and report.bad == []
    assert len(report.duplicates) == 6
    assert Publication.objects.count() == 6


def test_ris_alone_imports_the_same_identifiers():
    report = services.import_publications(
        text=(DATA / "pubmed_results.ris").read_text(), name="x.ris"
    )

    assert len(report.added) == 6
    assert dict(Publication.objects.values_list("pmid", "doi")) == EXPECTED


def test_a_doi_already_here_is_a_duplicate_without_a_pmid():
    _import_medline()
    ris = (
        "TY  - JOUR\nTI  - Same paper\n"
        "DO  - HTTPS://DOI.ORG/10.1093/BIOINFORMATICS/BTK021\nER  - \n"
    )

    report = services.import_publications(text=ris, name="one.ris")

    assert report.added == []
    assert report.duplicates == [
        f"record 1 (DOI 10.1093/bioinformatics/btk021): same DOI as publication "
        f"{Publication.objects.get(pmid='16377612').public_id}"
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("10.1093/BIOINFORMATICS/btk021", "10.1093/bioinformatics/btk021"),
        ("https://doi.org/10.1186/1471-2105-7-10", "10.1186/1471-2105-7-10"),
        ("http://dx.doi.org/10.1118/1.4748329", "10.1118/1.4748329"),
        ("doi:10.1118/1.4748329 ", "10.1118/1.4748329"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalizes_dois(raw, expected):
    assert importer.normalize_doi(raw) == expected


def test_names_each_bad_record_and_why():
    text = (
        "PMID- 90000001\nTI  - A fine fictional record\n\n"
        "PMID- 90000002\nAB  - No title here\n\n"
        "PMID- 12ab\nTI  - Broken id\n\n"
        "TI  - No identifier at all\n\n"
        "PMID- 90000005\nTI  - Bad DOI\nAID - banana [doi]\n"
    )

    report = services.import_publications(text=text, name="mixed.nbib")

    assert report.added == ["record 1 (PMID 90000001)"]
    assert report.bad == [
        "record 2 (PMID 90000002): it has no title",
        "record 3 (PMID 12ab): its PMID '12ab' is not a PubMed id (digits only)",
        "record 4 ('No identifier at all'): "
        "it has neither a PMID nor a DOI, so it cannot be de-duplicated",
        "record 5 (PMID 90000005): its DOI 'banana' is not a DOI (10.<prefix>/<suffix>)",
    ]


@pytest.mark.parametrize(
    ("text", "name", "bad"),
    [
        (
            "TY  - JOUR\nTI  - unterminated",
            "broken.ris",
            ["record 1: it does not end with an ER line"],
        ),
        ("just some words", "notes.ris", ["the file: it holds no RIS records"]),
        ("", "empty.nbib", ["the file: it holds no MEDLINE records"]),
    ],
)
def test_a_broken_file_is_named_in_the_report(text, name, bad):
    report = services.import_publications(text=text, name=name)

    assert report.added == [] and report.bad == bad


def test_suggests_clinicians_by_family_name_and_initial_and_shows_only_confirmed():
    match = ClinicianFactory(given_name="Leighton", family_name="Pritchard")
    ClinicianFactory(given_name="Zoe", family_name="Pritchard")  # other initial: not suggested
    accents = ClinicianFactory(given_name="Ian", family_name="Tóth")

    _import_medline()

    suggested = set(Authorship.objects.values_list("clinician__family_name", "status"))
    assert suggested == {("Pritchard", "suggested"), ("Tóth", "suggested")}
    assert not Publication.objects.filter(authorships__status="confirmed").exists()
    del match, accents


def test_the_command_prints_the_report(tmp_path):
    target = tmp_path / "records.nbib"
    target.write_text((DATA / "pubmed_result2.txt").read_text())
    out = StringIO()

    call_command("import_publications", str(target), stdout=out)
    call_command("import_publications", str(target), stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == "added 4, duplicates 0, bad 0, authorships suggested 0"
    assert lines[1] == "added 0, duplicates 4, bad 0, authorships suggested 0"
    assert lines[2].startswith("duplicate: record 1 (PMID 16403221): same PMID as publication ")
