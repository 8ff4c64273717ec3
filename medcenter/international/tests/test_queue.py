"""The coordinators' queue at scale: each filter and sort is read in order from an index (no
sort of every matching case), "overdue" under another sort still keeps only overdue cases, and
the rows written in Python escape what inquirers typed."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from medcenter.accounts.tests.factories import sign_in_verified
from medcenter.international import selectors
from medcenter.international.models import Case
from medcenter.international.tests.factories import coordinator, new_case

pytestmark = pytest.mark.django_db


def _page_query(user, params):
    with CaptureQueriesContext(connection) as queries:
        page = selectors.queue(user, params)
    found = [q["sql"] for q in queries.captured_queries if 'FROM "international_case"' in q["sql"]]
    assert len(found) == 1
    return page, found[0]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan, without statistics")
@pytest.mark.parametrize("sort", sorted(selectors.SORTS))
@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"status": "new"},
        {"country": "MX"},
        {"language": "es"},
        {"coordinator": "me"},
        {"coordinator": "none"},
        {"overdue": "1"},
        {"status": "new", "overdue": "1"},
        {"country": "MX", "language": "es", "overdue": "1"},
    ],
)
def test_each_filter_and_sort_reads_its_page_in_order_from_an_index(sort, filters):
    user = coordinator()
    for _ in range(3):
        new_case()
    cursor = selectors.queue(user, selectors.QueueParams(sort=sort), page_size=1).next_cursor
    assert cursor

    for after in ("", cursor):
        params = selectors.parse_queue_params({**filters, "sort": sort, "after": after})
        _page, sql = _page_query(user, params)
        with connection.cursor() as db:
            db.execute("EXPLAIN QUERY PLAN " + sql)
            plan = " | ".join(str(row[-1]) for row in db.fetchall())
        assert "TEMP B-TREE" not in plan, plan
        assert "SCAN international_case" not in plan or "USING INDEX" in plan, plan


@pytest.mark.parametrize("sort", ["received", "oldest"])
def test_overdue_under_another_sort_keeps_only_overdue_cases_in_that_order(sort):
    user = coordinator()
    cases = [new_case() for _ in range(4)]
    now = timezone.now()
    for n, case in enumerate(cases):
        Case.objects.filter(pk=case.pk).update(
            received_at=now - timedelta(days=10 - n),
            due_at=now - timedelta(hours=1) if n % 2 == 0 else now + timedelta(days=3),
        )
    overdue = [cases[0].pk, cases[2].pk]

    page = selectors.queue(user, selectors.QueueParams(sort=sort, overdue=True), page_size=1)
    rest = selectors.queue(
        user, selectors.QueueParams(sort=sort, overdue=True, after=page.next_cursor)
    )

    seen = [c.pk for c in page.cases + rest.cases]
    assert seen == (overdue[::-1] if sort == "received" else overdue)
    assert rest.next_cursor == ""


def test_the_queue_rows_escape_what_inquirers_typed_and_link_each_case(client):
    user = coordinator()
    sign_in_verified(client, user)
    case = new_case(patient_name='<script>alert("x")</script> Ana')
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() - timedelta(hours=1))

    with translation.override("es"):
        url = reverse("international:queue")
        link = reverse("international:case", args=[case.public_id])
    body = client.get(url).content.decode()

    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Ana" in body
    assert f'href="{link}"' in body
    assert "México" in body  # the country in the page's language
    assert "Atrasado" in body  # the overdue badge, translated
