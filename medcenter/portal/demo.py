"""Demo data for the Patient Gateway: pre-visit instructions, visits inside the e-check-in
window (one checked in by the parent of the 14-year-old), a video visit, a released stage and
the adult patient's opt-in to "trials that may fit me". Deterministic and idempotent."""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from medcenter.accounts.demo import staff_email
from medcenter.accounts.models import User
from medcenter.core.seeding import DemoLogin
from medcenter.directory.models import Clinician, Location
from medcenter.oncology.models import StageAssessment
from medcenter.oncology.services import release_stage_to_patient
from medcenter.patients.access import Basis, PatientAccess
from medcenter.patients.demo import PATIENT_DOMAIN
from medcenter.patients.models import Patient, ProxyGrant
from medcenter.portal import services
from medcenter.portal.models import TrialMatchingConsent
from medcenter.scheduling import selectors as scheduling
from medcenter.scheduling import services as booking
from medcenter.scheduling.models import Appointment, BookingChannel, VisitType

INSTRUCTIONS = {
    # visit type code: English, then the other site languages
    "new-patient": (
        "Please arrive 20 minutes early. Bring a photo ID, your insurance card, a list of "
        "your medicines and any scans or reports from other hospitals.",
        {
            "es": "Llegue 20 minutos antes. Traiga una identificación con foto, su tarjeta del "
            "seguro, la lista de sus medicamentos y los estudios o informes de otros hospitales.",
            "ar": "يرجى الحضور قبل الموعد بعشرين دقيقة. أحضر بطاقة هوية بصورة وبطاقة التأمين "
            "وقائمة أدويتك وأي صور أشعة أو تقارير من مستشفيات أخرى.",
        },
    ),
    "follow-up": (
        "Please arrive 15 minutes early and bring a list of your medicines.",
        {
            "es": "Llegue 15 minutos antes y traiga la lista de sus medicamentos.",
            "ar": "يرجى الحضور قبل الموعد بخمس عشرة دقيقة وإحضار قائمة أدويتك.",
        },
    ),
    "telehealth": (
        "Find a quiet, private place with good light. Test your camera and microphone; the "
        "link to join appears 15 minutes before the visit.",
        {
            "es": "Busque un lugar tranquilo y privado con buena luz. Pruebe su cámara y su "
            "micrófono; el enlace aparece 15 minutos antes de la consulta.",
            "ar": "اختر مكانًا هادئًا وخاصًا بإضاءة جيدة. جرّب الكاميرا والميكروفون؛ يظهر رابط "
            "الانضمام قبل الموعد بخمس عشرة دقيقة.",
        },
    ),
    "ct-scan": (
        "Do not eat for 4 hours before the scan; you may drink water. Tell us if you have "
        "kidney problems or an allergy to contrast dye.",
        {
            "es": "No coma durante las 4 horas previas al estudio; puede beber agua. Avísenos si "
            "tiene problemas de riñón o alergia al contraste.",
            "ar": "لا تأكل لمدة أربع ساعات قبل الفحص، ويمكنك شرب الماء. أخبرنا إذا كانت لديك "
            "مشكلات في الكلى أو حساسية من الصبغة.",
        },
    ),
}


def seed(*, rng: random.Random) -> list[DemoLogin]:
    _instructions()
    scheduler = User.objects.get(email=staff_email("scheduler"))
    clinician_user = User.objects.get(email=staff_email("clinician"))
    talia = Patient.objects.filter(email=f"talia.brightwater@{PATIENT_DOMAIN}").first()
    mila = Patient.objects.filter(given_name="Mila", family_name="Fenwick").first()
    doctor = Clinician.objects.filter(family_name="Zhang-Holloway").first()
    if talia is None or mila is None or doctor is None:
        return []
    _soon(talia, doctor, "follow-up", days=2, actor=scheduler)
    _soon(talia, doctor, "telehealth", days=5, actor=scheduler)
    mila_visit = _soon(mila, doctor, "follow-up", days=1, actor=scheduler)
    grant = ProxyGrant.objects.current().filter(patient=mila).first()
    if mila_visit is not None and grant is not None and not hasattr(mila_visit, "portal_checkin"):
        parent = grant.proxy
        services.check_in(
            access=PatientAccess(mila, Basis.PROXY, frozenset(grant.scopes), False, grant),
            appointment=mila_visit,
            details={"interpreter_needed": False},
            insurance={
                "insurance_payer": "Lakeside Family Plan",
                "insurance_member_id": "LFP-2231",
            },
            card_front=None,
            card_back=None,
            submitted_by=parent,
            reauthenticated=False,
        )
    stage = (
        StageAssessment.objects.filter(diagnosis__patient=talia).order_by("-assessed_on").first()
    )
    if stage is not None:
        release_stage_to_patient(stage=stage, actor=clinician_user)
    if talia.user is not None and not TrialMatchingConsent.objects.filter(patient=talia).exists():
        services.set_trial_matching(
            access=PatientAccess(talia, Basis.SELF, frozenset(), True),
            opted_in=True,
            changed_by=talia.user,
        )
    return []


def _instructions() -> None:
    for code, (english, others) in INSTRUCTIONS.items():
        visit = VisitType.objects.filter(code=code).first()
        if visit is None:
            continue
        translations = dict(visit.translations)
        for language, text in others.items():
            translations[language] = {**translations.get(language, {}), "instructions": text}
        visit.instructions = english
        visit.translations = translations
        visit.save(update_fields=["instructions", "translations", "updated_at"])


def _soon(
    patient: Patient, clinician: Clinician, code: str, *, days: int, actor: User
) -> Appointment | None:
    """A booked visit `days` ahead (inside the e-check-in window), at the first free slot of
    the clinician that day, else booked over the day's first hour with a reason."""
    visit_type = VisitType.objects.filter(code=code).first()
    if visit_type is None:
        return None
    existing = (
        Appointment.objects.filter(patient=patient, visit_type=visit_type, status="booked")
        .filter(start__gt=timezone.now(), start__lte=timezone.now() + timedelta(days=days + 1))
        .first()
    )
    if existing is not None:
        return existing
    day = timezone.localdate() + timedelta(days=days)
    start_of_day = datetime.combine(day, time(8, 0), tzinfo=scheduling.center_tz())
    slot = scheduling.next_slot(
        owner=("clinician", clinician.pk),
        visit_type=visit_type,
        start=start_of_day,
        end=start_of_day + timedelta(hours=10),
        staff=True,
    )
    location = Location.objects.filter(pk=slot.location_id).first() if slot else None
    location = location or clinician.locations.order_by("name").first()
    if location is None:
        return None
    return booking.book_appointment(
        patient=patient,
        visit_type=visit_type,
        location=location,
        start=slot.start if slot else start_of_day + timedelta(hours=2),
        actor=actor,
        channel=BookingChannel.STAFF,
        clinician=clinician,
        reason_for_visit="Review before the next cycle",
        overbook_reason="" if slot else "Demo: visit inside the e-check-in window",
    )
