"""SECURITY.md R21/R22: one audit function; append-only; tamper-evident."""

import threading
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import override_settings
from django.urls import reverse

from medcenter.accounts.tests.factories import UserFactory
from medcenter.core import audit, request_context
from medcenter.core.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db


def _events(n=5):
    user = UserFactory()
    with transaction.atomic():
        return [audit.record(action=f"test.event{i}", actor=user) for i in range(n)]


def _raw(sql, params=()):
    """Change the table behind the application's back, as an intruder with SQL access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only"
            )
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only")


def test_each_event_links_to_the_one_before():
    events = _events(3)

    assert events[0].prev_hash == audit.GENESIS
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    assert audit.verify_chain().ok


def test_the_log_stores_public_ids_only():
    user = UserFactory(full_name="Quentin Recordsworth")
    with transaction.atomic():
        event = audit.record(action="test.named", actor=user, target=user)

    stored = AuditEvent.objects.filter(pk=event.pk).values().get()
    assert "Quentin" not in str(stored)
    assert stored["actor_public_id"] == str(user.public_id)


def test_the_application_cannot_update_or_delete_an_event():
    event = _events(1)[0]
    event.action = "rewritten"

    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="rewritten")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event0"


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_itself_refuses_update_and_delete():
    event = _events(1)[0]

    for sql in (
        "UPDATE core_auditevent SET action = 'x' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk, action="test.event0").exists()


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(
            lambda e: _raw("UPDATE core_auditevent SET action='x' WHERE id=%s", [e[2].pk]),
            id="a field changed",
        ),
        pytest.param(
            lambda e: _raw("UPDATE core_auditevent SET outcome='denied' WHERE id=%s", [e[4].pk]),
            id="the last row edited",
        ),
        pytest.param(
            lambda e: _raw("DELETE FROM core_auditevent WHERE id=%s", [e[1].pk]),
            id="a middle row removed",
        ),
        pytest.param(
            lambda e: _raw("DELETE FROM core_auditevent WHERE id=%s", [e[4].pk]),
            id="the last row removed",
        ),
        pytest.param(
            lambda e: _raw(
                "UPDATE core_auditevent SET reason='x', hash=%s WHERE id=%s", ["f" * 64, e[0].pk]
            ),
            id="a row and its hash rewritten",
        ),
    ],
)
def test_verify_audit_detects_every_out_of_band_edit(tamper):
    events = _events(5)
    call_command("verify_audit")

    tamper(events)

    with pytest.raises(CommandError, match="Audit chain broken"):
        call_command("verify_audit")


def test_a_forged_row_inserted_with_a_guessed_hash_is_detected():
    events = _events(2)
    forged = AuditEvent(
        occurred_at=events[1].occurred_at,
        action="forged",
        outcome="success",
        prev_hash=events[1].hash,
        hash="e" * 64,
    )
    forged.save()  # a new row, bypassing audit.record and the chain head

    assert not audit.verify_chain().ok


def test_a_failing_audit_write_raises_so_the_caller_can_refuse(monkeypatch):
    def broken(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(AuditEvent, "save", broken)

    with pytest.raises(audit.AuditWriteFailed):
        audit.record(action="test.read", read=True)


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain():
    user = UserFactory()
    errors = []

    def write():
        try:
            for i in range(10):
                with transaction.atomic():
                    audit.record(action=f"test.concurrent{i}", actor=user)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    report = audit.verify_chain()
    assert report.ok, report.problem
    assert report.checked == sum(h.length for h in AuditChainHead.objects.all()) == 80


def test_the_event_of_a_write_outside_a_transaction_is_refused_and_not_recorded():
    user = UserFactory()
    before = AuditEvent.objects.count()

    # The test's own atomic block (Django's TestCase) is not the caller's transaction.
    with pytest.raises(audit.WriteOutsideTransaction, match=r"test\.created"):
        audit.record(action="test.created", actor=user, target=user)

    assert AuditEvent.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_outside_any_transaction_the_event_of_a_write_is_refused():
    user = UserFactory()

    assert not connection.in_atomic_block
    with pytest.raises(audit.WriteOutsideTransaction):
        audit.record(action="test.created", actor=user, target=user)
    assert not AuditEvent.objects.exists()
    with transaction.atomic():
        event = audit.record(action="test.created", actor=user, target=user)
    assert AuditEvent.objects.get() == event
    assert audit.verify_chain().ok


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"action": "test.viewed", "read": True}, id="a read"),
        pytest.param({"action": "auth.login"}, id="an authentication event"),
        pytest.param({"action": "test.created", "outcome": "denied"}, id="a refusal"),
        pytest.param({"action": "test.created", "outcome": "failure"}, id="a failure"),
    ],
)
def test_events_that_record_no_write_need_no_transaction(kwargs):
    event = audit.record(actor=UserFactory(), **kwargs)

    assert AuditEvent.objects.get() == event


def test_outside_a_request_an_event_has_no_address_and_no_request_id():
    with transaction.atomic():
        event = audit.record(action="test.created", actor=UserFactory())

    assert event.client_ip is None
    assert event.request_id == ""


def test_the_request_context_gives_the_event_its_address_and_id_and_ends_with_it():
    with request_context.bound(client_ip="192.0.2.7", request_id="req-1"), transaction.atomic():
        inside = audit.record(action="test.created")
    with transaction.atomic():
        after = audit.record(action="test.created")

    assert (inside.client_ip, inside.request_id) == ("192.0.2.7", "req-1")
    assert (after.client_ip, after.request_id) == (None, "")
    assert request_context.current() == request_context.EMPTY


def test_a_request_audits_with_its_address_and_id_and_leaves_no_context_behind(client):
    user = UserFactory()
    client.force_login(user)
    request_id = str(uuid.uuid4())

    client.post(reverse("accounts:logout"), HTTP_X_REQUEST_ID=request_id, REMOTE_ADDR="192.0.2.9")

    event = AuditEvent.objects.get(action="auth.logout")
    assert (event.client_ip, event.request_id) == ("192.0.2.9", request_id)
    assert request_context.current() == request_context.EMPTY


# --- Several chains (issue 18) ----------------------------------------------------------------


def _events_on(chain, n, monkeypatch):
    monkeypatch.setattr(audit, "chain_of", lambda _connection: chain)
    return _events(n)


@pytest.fixture
def two_chains(monkeypatch):
    """Chain 1 and chain 3 interleaved: 1, 3, 1, 3, ... as two connections would write them."""
    rows = []
    for _ in range(3):
        rows += _events_on(1, 1, monkeypatch) + _events_on(3, 1, monkeypatch)
    monkeypatch.undo()
    return [e for e in rows if e.chain == 1], [e for e in rows if e.chain == 3]


def test_each_chain_links_from_genesis_and_has_its_own_head(two_chains):
    first, third = two_chains

    assert first[0].prev_hash == third[0].prev_hash == audit.GENESIS
    assert [e.prev_hash for e in third[1:]] == [e.hash for e in third[:-1]]
    assert AuditChainHead.objects.get(pk=3).last_hash == third[-1].hash
    report = audit.verify_chain()
    assert report.ok, report.problem
    assert [(c.chain, c.checked) for c in report.chains] == [(1, 3), (3, 3)]
    assert report.checked == 6


def test_a_rows_chain_is_part_of_its_hash_but_chain_1_hashes_as_before(two_chains):
    first, third = two_chains
    moved = AuditEvent.objects.get(pk=third[0].pk)
    moved.chain = 1

    assert audit.chain_hash(moved) != moved.hash
    # Chain 1's payload has no chain in it, so the single chain of before verifies unchanged.
    legacy = AuditEvent.objects.get(pk=first[0].pk)
    assert audit.chain_hash(legacy) == legacy.hash
    legacy.chain = 2
    assert audit.chain_hash(legacy) != legacy.hash


@pytest.mark.parametrize(
    ("tamper", "problem"),
    [
        pytest.param(
            "UPDATE core_auditevent SET reason = 'rewritten' WHERE id = %s",
            "changed after it was written",
            id="an edited row",
        ),
        pytest.param(
            "DELETE FROM core_auditevent WHERE id = %s",
            "removed or inserted",
            id="a deleted row",
        ),
        pytest.param(
            "UPDATE core_auditevent SET chain = 1 WHERE id = %s",
            "a row before it was removed or inserted, or moved between chains",
            id="a row moved to another chain",
        ),
    ],
)
def test_tampering_with_a_row_of_chain_3_is_detected(two_chains, tamper, problem):
    _first, third = two_chains

    _raw(tamper, [third[1].pk])

    report = audit.verify_chain()
    assert not report.ok
    assert problem in report.problem
    assert not {c.chain: c for c in report.chains}[3].ok
    with pytest.raises(CommandError, match="Audit chain broken"):
        call_command("verify_audit")


def test_removing_the_last_rows_of_chain_3_is_detected_by_its_head(two_chains):
    _first, third = two_chains

    _raw("DELETE FROM core_auditevent WHERE id = %s", [third[-1].pk])

    report = audit.verify_chain()
    assert report.problem == "chain 3: rows at the end of the chain were removed"
    assert {c.chain: c.ok for c in report.chains} == {1: True, 3: False}


def test_a_row_forged_into_chain_3_is_detected(two_chains):
    _first, third = two_chains
    forged = AuditEvent(
        occurred_at=third[-1].occurred_at,
        action="forged",
        outcome="success",
        prev_hash=third[-1].hash,
        hash="e" * 64,
        chain=3,
    )
    forged.save()

    assert audit.verify_chain().problem == "chain 3: the row was changed after it was written"


def test_verify_audit_reports_every_chain(two_chains, capsys):
    call_command("verify_audit")

    out = capsys.readouterr().out
    assert "Chain 1: intact, 3 events verified." in out
    assert "Chain 3: intact, 3 events verified." in out
    assert "6 events verified in 2 chain(s)" in out


def test_the_chain_is_verified_in_small_batches_across_chains(two_chains):
    report = audit.verify_chain(batch_size=1)

    assert report.ok and report.checked == 6


def test_sqlite_and_a_single_chain_setting_always_write_chain_1():
    with override_settings(AUDIT_CHAINS=1):
        assert audit.chain_of(connection) == 1
    if connection.vendor != "postgresql":
        with override_settings(AUDIT_CHAINS=8):
            assert audit.chain_of(connection) == 1


def _pid():
    connection.ensure_connection()
    return connection.connection.info.backend_pid


def _two_writers_one_waiting(chains_for):
    """Writer A records an audited write and keeps its transaction open; writer B then records
    one with a 2 s lock timeout. Returns B's outcome ("recorded" or "blocked")."""
    user = UserFactory()
    pids, outcome = {}, {}
    ready = threading.Barrier(3)
    a_recorded, b_done = threading.Event(), threading.Event()

    def writer_a():
        try:
            pids["a"] = _pid()
            ready.wait()
            with transaction.atomic():
                audit.record(action="test.concurrent_a", actor=user)
                a_recorded.set()
                b_done.wait(10)
        finally:
            connection.close()

    def writer_b():
        try:
            pids["b"] = _pid()
            ready.wait()
            a_recorded.wait(10)
            try:
                with transaction.atomic():
                    with connection.cursor() as cursor:
                        cursor.execute("SET LOCAL lock_timeout = '2s'")
                    audit.record(action="test.concurrent_b", actor=user)
                outcome["b"] = "recorded"
            except audit.AuditWriteFailed:
                outcome["b"] = "blocked"
        finally:
            b_done.set()
            connection.close()

    threads = [threading.Thread(target=writer_a), threading.Thread(target=writer_b)]
    for thread in threads:
        thread.start()
    # Both connections are open; choose the number of chains from their pids before either
    # writes (settings are process-wide, so the threads see the override).
    while len(pids) < 2 and all(t.is_alive() for t in threads):
        threading.Event().wait(0.01)
    with override_settings(AUDIT_CHAINS=chains_for(pids["a"], pids["b"])):
        ready.wait(10)
        for thread in threads:
            thread.join(30)
    return outcome.get("b"), pids


def _separating(a, b):
    """The smallest number of chains >= 2 that puts pids a and b on different chains."""
    return next(n for n in range(2, 64) if a % n != b % n)


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_writers_on_different_chains_do_not_wait_for_each_other():
    outcome, pids = _two_writers_one_waiting(_separating)

    assert outcome == "recorded"
    report = audit.verify_chain()
    assert report.ok, report.problem
    assert len([c for c in report.chains if c.checked]) == 2
    assert {e.chain for e in AuditEvent.objects.filter(action__startswith="test.concurrent")} == {
        1 + pids["a"] % _separating(pids["a"], pids["b"]),
        1 + pids["b"] % _separating(pids["a"], pids["b"]),
    }


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_writers_on_one_chain_still_take_turns():
    outcome, _pids = _two_writers_one_waiting(lambda a, b: 1)

    assert outcome == "blocked"
    assert audit.verify_chain().ok
