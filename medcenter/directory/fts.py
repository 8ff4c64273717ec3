"""Full-text search over clinicians' interests and biographies, on either database.

PostgreSQL: a `search_document` tsvector (English configuration) with a GIN index.
SQLite: an FTS5 virtual table `directory_clinician_fts` (porter stemmer, unicode61) whose rowid
is the clinician's id. Both return {clinician id: rank in 0..1} for the same words.
"""

import re

import nh3
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import TextField, Value
from django.db.models.functions import Concat

from medcenter.directory.models import Clinician

FTS_TABLE = "directory_clinician_fts"
WORD = re.compile(r"\w+", re.UNICODE)


def _plain(html: str) -> str:
    return nh3.clean(html or "", tags=set())


def _document(c: Clinician) -> str:
    return " ".join(
        [c.title, c.clinical_interests, c.research_interests, c.bio_teaser, _plain(c.bio)]
    )


def reindex(clinician_ids: list[int] | None = None) -> None:
    """Rebuild the text index for these clinicians (all when None)."""
    clinicians = Clinician.objects.all()
    if clinician_ids is not None:
        clinicians = clinicians.filter(pk__in=clinician_ids)
    if connection.vendor == "postgresql":
        clinicians.update(
            search_document=SearchVector(
                Concat(
                    "title",
                    Value(" "),
                    "clinical_interests",
                    Value(" "),
                    "research_interests",
                    Value(" "),
                    "bio_teaser",
                    Value(" "),
                    "bio",
                    output_field=TextField(),
                ),
                config="english",
            )
        )
        return
    rows = [
        (c.pk, _document(c))
        for c in clinicians.only(
            "id", "title", "clinical_interests", "research_interests", "bio_teaser", "bio"
        )
    ]
    with connection.cursor() as cursor:
        if clinician_ids is None:
            cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608 - constant table name
        else:
            cursor.executemany(
                f"DELETE FROM {FTS_TABLE} WHERE rowid = %s",  # noqa: S608
                [(pk,) for pk, _ in rows],
            )
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE} (rowid, body) VALUES (%s, %s)",  # noqa: S608
            rows,
        )


def search(words: list[str], *, limit: int = 300) -> dict[int, float]:
    """Clinicians whose text matches any of the words, with a rank in 0..1."""
    words = [w for w in (m.group() for word in words for m in WORD.finditer(word)) if len(w) > 2]
    if not words:
        return {}
    if connection.vendor == "postgresql":
        query = SearchQuery(" | ".join(words), search_type="raw", config="english")
        rows = (
            Clinician.objects.filter(search_document=query)
            .annotate(rank=SearchRank("search_document", query))
            .order_by("-rank")
            .values_list("id", "rank")[:limit]
        )
        found = list(rows)
        top = max((r for _, r in found), default=0) or 1
        return {pk: float(r) / top for pk, r in found}
    match = " OR ".join(f'"{w}"*' for w in words)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid, bm25({FTS_TABLE}) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "  # noqa: S608
            f"ORDER BY bm25({FTS_TABLE}) LIMIT %s",
            [match, limit],
        )
        found = cursor.fetchall()
    best = min((score for _, score in found), default=-1) or -1  # bm25: lower is better
    return {pk: float(score) / best for pk, score in found}
