"""How the audit-failure matrix (patients/tests/test_audit_failure_matrix.py) calls each of
the International Patient Center's audited writes: the arrangement runs with a working audit
log and returns the call to make once the audit insert fails."""

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any, cast

from django.utils import timezone

from medcenter.accounts.tests.factories import StaffUserFactory, UserFactory, verified
from medcenter.core.uploads import check_upload
from medcenter.international import itinerary, services
from medcenter.international.tests.factories import dicom_bytes, inquiry_data, new_case

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
SERVICES = "medcenter.international.services."


def _coordinator() -> Any:
    return verified(cast(Any, StaffUserFactory(roles=["international_coordinator"])))


def _reviewer() -> Any:
    return verified(cast(Any, StaffUserFactory(roles=["clinician"])))


def _sent_estimate() -> tuple[Any, Any, Any]:
    user = _coordinator()
    case = new_case()
    follower = UserFactory()
    case.account = follower
    case.save()
    services.set_price(code="CONSULT", description="Consultation", amount_cents=85_000, actor=user)
    estimate = services.create_estimate(
        case=case, lines=[services.LineRequest("CONSULT")], currency="USD", actor=user
    )
    services.send_estimate(estimate=estimate, actor=user)
    return user, follower, estimate


def _accepted() -> tuple[Any, Any]:
    user, follower, estimate = _sent_estimate()
    services.accept_estimate(user=follower, estimate=estimate)
    case = estimate.case
    case.refresh_from_db()
    return user, case


def _cleared() -> tuple[Any, Any]:
    user, case = _accepted()
    services.clear(case=case, actor=user, override_reason="Approved")
    case.refresh_from_db()
    return user, case


def _opinion() -> tuple[Any, Any]:
    user, reviewer = _coordinator(), _reviewer()
    case = new_case()
    services.assign_reviewer(case=case, reviewer=reviewer, actor=user)
    opinion = services.decide(
        case=case, specialist=reviewer, decision="remote", summary="We agree with the plan."
    )
    return reviewer, opinion


def _translation_task() -> tuple[Any, Any]:
    case = services.submit_inquiry(
        data=inquiry_data(), documents=[check_upload(name="informe.pdf", content=PDF)]
    )
    return _coordinator(), case.tasks.get(kind="translation")


def _itinerary_call(ctx: Any) -> Callable[[], Any]:
    from medcenter.scheduling.tests.factories import (
        ClinicianFactory,
        LocationFactory,
        SpecialtyFactory,
        VisitTypeFactory,
        weekly_rules,
    )

    location: Any = LocationFactory()
    visit: Any = VisitTypeFactory(code="multidisciplinary")
    specialty: Any = SpecialtyFactory(slug="medical-oncology-matrix")
    clinician: Any = ClinicianFactory()
    clinician.specialties.add(specialty)
    clinician.locations.add(location)
    weekly_rules(clinician=clinician, location=location, visit_types=[visit])
    user, case = _cleared()
    services.link_patient(case=case, patient=ctx.patient, actor=user)
    return lambda: itinerary.book(
        case=case,
        arrival=timezone.localdate() + timedelta(days=10),
        specialties=[specialty],
        location=location,
        visit_type=visit,
        actor=user,
    )


def entries() -> dict[str, Callable[[Any], Callable[[], Any]]]:
    def case_and(call: Callable[[Any, Any], Any]) -> Callable[[Any], Callable[[], Any]]:
        def arrange(ctx: Any) -> Callable[[], Any]:
            user, case = _coordinator(), new_case()
            return lambda: call(user, case)

        return arrange

    def accepted_and(call: Callable[[Any, Any], Any]) -> Callable[[Any], Callable[[], Any]]:
        def arrange(ctx: Any) -> Callable[[], Any]:
            user, case = _accepted()
            return lambda: call(user, case)

        return arrange

    def sent_and_accept(ctx: Any) -> Callable[[], Any]:
        _user, follower, estimate = _sent_estimate()
        return lambda: services.accept_estimate(user=follower, estimate=estimate)

    def draft_and_send(ctx: Any) -> Callable[[], Any]:
        user = _coordinator()
        case = new_case()
        services.set_price(code="MRI", description="MRI", amount_cents=100_000, actor=user)
        estimate = services.create_estimate(
            case=case, lines=[services.LineRequest("MRI")], currency="USD", actor=user
        )
        return lambda: services.send_estimate(estimate=estimate, actor=user)

    def priced_estimate(ctx: Any) -> Callable[[], Any]:
        user, case = _coordinator(), new_case()
        services.set_price(code="CT", description="CT", amount_cents=100_000, actor=user)
        return lambda: services.create_estimate(
            case=case, lines=[services.LineRequest("CT")], currency="USD", actor=user
        )

    def follow(ctx: Any) -> Callable[[], Any]:
        case = new_case()
        token = services.follow_token(case)
        user = UserFactory()
        return lambda: services.follow_case(user=user, token=token)

    def decide(ctx: Any) -> Callable[[], Any]:
        user, reviewer = _coordinator(), _reviewer()
        case = new_case()
        services.assign_reviewer(case=case, reviewer=reviewer, actor=user)
        return lambda: services.decide(case=case, specialist=reviewer, decision="visit")

    def reviewer(ctx: Any) -> Callable[[], Any]:
        user, case, specialist = _coordinator(), new_case(), _reviewer()
        return lambda: services.assign_reviewer(case=case, reviewer=specialist, actor=user)

    def opinion_letter(ctx: Any) -> Callable[[], Any]:
        reviewer, opinion = _opinion()
        return lambda: services.send_opinion_letter(opinion=opinion, actor=reviewer)

    def translation(ctx: Any) -> Callable[[], Any]:
        user, task = _translation_task()
        upload = check_upload(name="translation.pdf", content=PDF)
        return lambda: services.add_translation(task=task, upload=upload, actor=user)

    def complete(ctx: Any) -> Callable[[], Any]:
        user, case = _coordinator(), new_case()
        task = case.tasks.get()
        return lambda: services.complete_task(task=task, actor=user)

    def visa(ctx: Any) -> Callable[[], Any]:
        user, case = _cleared()
        facts = services.VisaFacts("", "Consultation", 7, (), "Dr. Vale", "")
        return lambda: services.issue_visa_letter(case=case, facts=facts, actor=user)

    def summary(ctx: Any) -> Callable[[], Any]:
        user, case = _cleared()
        for status in ("scheduled", "in_care"):
            services.set_status(case=case, status=status, actor=user)
        facts = services.SummaryFacts(
            "Seen in clinic.",
            "Visto en consulta.",
            ("CT in 3 months",),
            timezone.localdate() + timedelta(days=90),
        )
        return lambda: services.send_visit_summary(case=case, facts=facts, actor=user)

    def study(ctx: Any) -> Callable[[], Any]:
        import io

        case = new_case()
        return lambda: services.add_study(
            case=case, file=io.BytesIO(dicom_bytes()), name="ct.dcm", actor=None
        )

    return {
        SERVICES + "submit_inquiry": lambda ctx: (
            lambda: services.submit_inquiry(data=inquiry_data())
        ),
        SERVICES + "add_document": case_and(
            lambda user, case: services.add_document(
                case=case,
                upload=check_upload(name="r.pdf", content=PDF),
                kind="record",
                language="en",
                actor=user,
            )
        ),
        SERVICES + "add_study": study,
        SERVICES + "follow_case": follow,
        SERVICES + "assign_coordinator": case_and(
            lambda user, case: services.assign_coordinator(case=case, coordinator=user, actor=user)
        ),
        SERVICES + "assign_reviewer": reviewer,
        SERVICES + "link_patient": lambda ctx: (
            lambda user, case: (
                lambda: services.link_patient(case=case, patient=ctx.patient, actor=user)
            )
        )(_coordinator(), new_case()),
        SERVICES + "record_first_reply": case_and(
            lambda user, case: services.record_first_reply(case=case, actor=user)
        ),
        SERVICES + "set_status": case_and(
            lambda user, case: services.set_status(case=case, status="under_review", actor=user)
        ),
        SERVICES + "add_task": case_and(
            lambda user, case: services.add_task(
                case=case,
                kind="records",
                title="Ask for the MRI",
                due_at=timezone.now() + timedelta(days=1),
                owner=user,
                actor=user,
            )
        ),
        SERVICES + "complete_task": complete,
        SERVICES + "add_translation": translation,
        SERVICES + "decide": decide,
        SERVICES + "send_opinion_letter": opinion_letter,
        SERVICES + "set_price": lambda ctx: (
            lambda user: (
                lambda: services.set_price(
                    code="PET", description="PET-CT", amount_cents=600_000, actor=user
                )
            )
        )(_coordinator()),
        SERVICES + "enter_rate": lambda ctx: (
            lambda user: (
                lambda: services.enter_rate(
                    currency="MXN",
                    per_usd=Decimal("17.1"),
                    on_date=timezone.localdate(),
                    actor=user,
                )
            )
        )(_coordinator()),
        SERVICES + "create_estimate": priced_estimate,
        SERVICES + "send_estimate": draft_and_send,
        SERVICES + "accept_estimate": sent_and_accept,
        SERVICES + "record_deposit": accepted_and(
            lambda user, case: services.record_deposit(
                case=case,
                amount_cents=1000,
                received_on=timezone.localdate(),
                reference="W",
                actor=user,
            )
        ),
        SERVICES + "add_guarantee": accepted_and(
            lambda user, case: services.add_guarantee(
                case=case,
                guarantor_kind="insurer",
                guarantor_name="Fictional Mutual",
                limit_cents=100_000,
                valid_from=timezone.localdate(),
                valid_until=timezone.localdate() + timedelta(days=30),
                scan=None,
                actor=user,
            )
        ),
        SERVICES + "clear": accepted_and(
            lambda user, case: services.clear(case=case, actor=user, override_reason="Approved")
        ),
        SERVICES + "issue_visa_letter": visa,
        SERVICES + "send_visit_summary": summary,
        "medcenter.international.itinerary.book": _itinerary_call,
    }
