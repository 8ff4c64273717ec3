"""Trial pages: search, a trial in plain language, the pre-screen and contact request (public);
the coordinator's queues and criteria review, and a clinician's "trials for this patient"."""

from __future__ import annotations

import json
import uuid
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from medcenter.core import audit, idempotency
from medcenter.core.clientaddr import client_ip
from medcenter.core.http import apply_errors, offers_break_glass
from medcenter.core.routes import patient_data_route, public_route, staff_route
from medcenter.directory.models import Program
from medcenter.directory.search import zip_point
from medcenter.patients.selectors import get_patient_for
from medcenter.trials import genefilter, prescreen, profiles, selectors, services
from medcenter.trials.forms import (
    ContactForm,
    CriterionForm,
    DecisionForm,
    PrescreenForm,
    SearchForm,
)
from medcenter.trials.importer import NCT_ID
from medcenter.trials.models import Candidate, ContactRequest, Criterion, Trial

PATIENT = "patients.patient"


def _trial(nct_id: str) -> Trial:
    if not NCT_ID.match(nct_id.upper()):
        raise Http404  # not an NCT number (and never a NUL byte in a query)
    trial = (
        Trial.objects.select_related("program", "principal_investigator")
        .filter(nct_id=nct_id.upper())
        .first()
    )
    if trial is None:
        raise Http404
    return trial


# --- Public ---------------------------------------------------------------------------------


@public_route
def search(request: HttpRequest) -> HttpResponse:
    """Find a trial: condition (lay words too), gene, phase, age, program, distance, new."""
    programs = [(p.slug, p.label) for p in Program.objects.filter(is_published=True)]
    form = SearchForm(request.GET or None, programs=programs)
    found = selectors.TrialSearch([])
    near_unknown = False
    searched = form.is_bound and form.is_valid()
    if searched:
        data = form.cleaned_data
        point = zip_point(data["near"]) if data["near"] else None
        near_unknown = bool(data["near"]) and point is None
        found = selectors.find_trials(
            selectors.SearchQuery(
                condition=data["condition"],
                gene=data["gene"],
                phase=data["phase"],
                status="all" if data["all"] else "open",
                age=data["age"],
                program=data["program"],
                new_this_month=data["new"],
                latitude=point[0] if point else None,
                longitude=point[1] if point else None,
                miles=float(data["miles"]) if point and data["miles"] else None,
            )
        )
    elif not form.is_bound:
        found = selectors.find_trials(selectors.SearchQuery())
    trials = found.trials
    requires = found.requires or {}
    language = get_language() or "en"
    return render(
        request,
        "trials/search.html",
        {
            "form": form,
            "results": [(t, t.plain(language), requires.get(t.pk, [])) for t in trials[:100]],
            "total": len(trials),
            "genes": [genefilter.known_as(g) for g in found.genes],
            "gene_suggestions": (
                selectors.genes_required_in_catalogue() if "gene" in form.errors else []
            ),
            "near_unknown": near_unknown,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@public_route
def detail(request: HttpRequest, nct_id: str) -> HttpResponse:
    """One trial in plain language, with who can join and whom to call."""
    trial = _trial(nct_id)
    criteria = list(trial.criteria.filter(is_active=True))
    return render(
        request,
        "trials/detail.html",
        {
            "trial": trial,
            "plain": trial.plain(get_language() or "en"),
            "inclusion": [c for c in criteria if c.section == "inclusion"],
            "exclusion": [c for c in criteria if c.section == "exclusion"],
        },
    )


def _rules(trial: Trial) -> Any:
    return selectors.compile_trials(Trial.objects.filter(pk=trial.pk))[0]


@public_route
def prescreen_view(request: HttpRequest, nct_id: str) -> HttpResponse:
    """ "Could I be eligible?": a few questions; the answers are checked, nothing is stored."""
    trial = _trial(nct_id)
    rules = _rules(trial)
    questions = prescreen.questions_for(rules)
    form = PrescreenForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        answers = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        match, likely = prescreen.assess(rules, questions, answers)
        contact = ContactForm(
            initial={"answers": json.dumps(answers), "idempotency_key": str(uuid.uuid4())}
        )
        return render(
            request,
            "trials/prescreen_result.html",
            {
                "trial": trial,
                "lines": prescreen.summary(rules, questions, answers, match),
                "likely": likely,
                "contact": contact,
            },
        )
    return render(
        request,
        "trials/prescreen.html",
        {"trial": trial, "form": form},
        status=400 if form.is_bound else 200,
    )


def _checked_answers(raw: str, questions: list[prescreen.Question]) -> dict[str, Any]:
    """The pre-screen answers carried in the contact form, checked again with the pre-screen's
    own form: a tampered value is dropped rather than trusted."""
    try:
        loaded = json.loads(raw or "{}")
    except (json.JSONDecodeError, ValueError):
        return {}
    if not isinstance(loaded, dict):
        return {}
    form = PrescreenForm({k: str(v) for k, v in loaded.items()}, questions=questions)
    form.is_valid()
    return {
        k: v for k, v in form.cleaned_data.items() if v not in (None, "") and k not in form.errors
    }


@public_route
def contact(request: HttpRequest, nct_id: str) -> HttpResponse:
    """Send the pre-screen to the trial's coordinator with a way to reach the person."""
    trial = _trial(nct_id)
    if request.method != "POST":
        return redirect("trials:prescreen", nct_id=trial.nct_id)
    rules = _rules(trial)
    questions = prescreen.questions_for(rules)
    form = ContactForm(request.POST)
    answers = _checked_answers(request.POST.get("answers") or "", questions)
    match, likely = prescreen.assess(rules, questions, answers)
    if form.is_valid():
        data = form.cleaned_data

        def create() -> dict[str, Any]:
            made = services.request_contact(
                trial=trial,
                name=data["name"],
                email=data["email"] or "",
                phone=data["phone"] or "",
                language=get_language() or "en",
                answers=answers,
                explanation=[v.as_dict() for v in match.verdicts],
                likely=likely,
                patient=_own_patient(request),
                actor=request.user,
                client_ip=client_ip(request),
            )
            return {"request": str(made.public_id)}

        answer = idempotency.submit_form_once(
            form,
            scope="trials.contact",
            payload={k: str(v) for k, v in data.items()},
            create=create,
        )
        if answer is not None and answer.status == 429:
            response = render(request, "trials/throttled.html", {"trial": trial}, status=429)
            response["Retry-After"] = str(answer.body.get("retry_after", 3600))
            return response
        if answer is not None:
            return render(request, "trials/contact_sent.html", {"trial": trial})
    return render(
        request,
        "trials/prescreen_result.html",
        {
            "trial": trial,
            "lines": prescreen.summary(rules, questions, answers, match),
            "likely": likely,
            "contact": form,
        },
        status=400,
    )


def _own_patient(request: HttpRequest) -> Any:
    """A signed-in patient asking for themselves: the request joins their record."""
    from medcenter.patients.models import Patient

    user: Any = request.user
    if not user.is_authenticated or user.is_staff:
        return None
    return Patient.objects.filter(user=user).first()


# --- Staff: coordinators ------------------------------------------------------------------


def _decided(request: HttpRequest, form: DecisionForm, decide: Any, **target: Any) -> bool:
    """Record a posted decision through `decide`; False (errors on the form) if refused."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        decide(
            **target,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
    except ValidationError as error:
        apply_errors(form, error)
        return False
    messages.success(request, _("Saved."))
    return True


@staff_route("trials.prescreen_trial")
def coordinator(request: HttpRequest) -> HttpResponse:
    """The coordinator's desk: open contact requests and the trials with their candidates."""
    trials = Trial.objects.open().select_related("program").order_by("nct_id")
    return render(
        request,
        "trials/coordinator.html",
        {"requests": selectors.request_queue()[:200], "trials": trials},
    )


@patient_data_route(
    model="trials.contactrequest", kwargs=("request_id",), permission="trials.prescreen_trial"
)
def contact_request(request: HttpRequest, request_id: UUID) -> HttpResponse:
    """One contact request with the pre-screen's explanation, and the decision.

    A request from someone not yet a patient here is the trial team's to read (audited); once
    linked to a patient, the usual basis for that patient's record applies.
    """
    contact = get_object_or_404(
        ContactRequest.objects.select_related("trial", "patient"), public_id=request_id
    )
    if contact.patient is not None:
        get_patient_for(
            request.user,
            public_id=contact.patient.public_id,
            staff_only=True,
            action="trial_request.viewed",
        )
    else:
        audit.record(action="trial_request.viewed", actor=request.user, target=contact, read=True)
    form = DecisionForm(request.POST or None, candidate=False, initial={"status": contact.status})
    if _decided(request, form, services.decide_request, contact=contact):
        return redirect("trials:contact_request", request_id=contact.public_id)
    return render(
        request,
        "trials/contact_request.html",
        {"contact": contact, "form": form, "events": contact.events.select_related("actor")},
        status=400 if form.is_bound and form.errors else 200,
    )


@staff_route("trials.prescreen_trial")
def trial_desk(request: HttpRequest, nct_id: str) -> HttpResponse:
    """A trial's candidates (with explanations) and its structured criteria to review."""
    trial = _trial(nct_id)
    return render(
        request,
        "trials/trial_desk.html",
        {
            "trial": trial,
            "candidates": selectors.candidate_queue(trial=trial)[:200],
            "criteria": trial.criteria.all(),
            "requests": selectors.request_queue(trial=trial)[:100],
        },
    )


@staff_route("trials.manage_trial")
def criterion_edit(
    request: HttpRequest, nct_id: str, criterion_id: int | None = None
) -> HttpResponse:
    """Correct the parser's reading of a criterion (or add one); corrections survive re-import."""
    trial = _trial(nct_id)
    criterion = get_object_or_404(Criterion, pk=criterion_id, trial=trial) if criterion_id else None
    initial: dict[str, Any] = {"section": "inclusion", "kind": "text", "is_active": True}
    if criterion is not None:
        initial = {
            "section": criterion.section,
            "kind": criterion.kind,
            "source": criterion.source,
            "is_active": criterion.is_active,
            **{
                k: (", ".join(v) if isinstance(v, list) else v)
                for k, v in criterion.params.items()
                if k != "present"
            },
            "present": "false" if criterion.params.get("present") is False else "true",
        }
    form = CriterionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if criterion is None:
                services.add_criterion(
                    trial=trial,
                    section=data["section"],
                    kind=data["kind"],
                    params=form.params(),
                    source=data["source"] or "",
                    actor=request.user,
                )
            else:
                services.correct_criterion(
                    criterion=criterion,
                    section=data["section"],
                    kind=data["kind"],
                    params=form.params(),
                    is_active=data["is_active"],
                    actor=request.user,
                )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("Saved. The team's reading is kept when the trial is imported again.")
            )
            return redirect("trials:desk", nct_id=trial.nct_id)
    return render(
        request,
        "trials/criterion_form.html",
        {"trial": trial, "criterion": criterion, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@patient_data_route(
    model="trials.candidate", kwargs=("candidate_id",), permission="trials.prescreen_trial"
)
@offers_break_glass
def candidate(request: HttpRequest, candidate_id: UUID) -> HttpResponse:
    """A candidate's explanation and the coordinator's decision (the patient's record: audited)."""
    found = get_object_or_404(
        Candidate.objects.select_related("trial", "patient"), public_id=candidate_id
    )
    access = get_patient_for(
        request.user,
        public_id=found.patient.public_id,
        staff_only=True,
        action="trial_candidate.viewed",
        narrow_basis=selectors.prescreen_basis(found),
    )
    # Explained from the record as it is now; a decision keeps the explanation it was made on.
    match = selectors.explain(found.trial, profiles.profile_for_patient(access.patient))
    form = DecisionForm(request.POST or None, candidate=True, initial={"status": found.status})
    if _decided(
        request,
        form,
        services.decide_candidate,
        candidate=found,
        explanation=[v.as_dict() for v in match.verdicts],
    ):
        return redirect("trials:candidate", candidate_id=found.public_id)
    return render(
        request,
        "trials/candidate.html",
        {
            "candidate": found,
            "patient": access.patient,
            "match": match,
            "form": form,
            "events": found.events.select_related("actor"),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


# --- Staff: clinicians --------------------------------------------------------------------


@patient_data_route(model=PATIENT, permission="trials.view_trial")
@offers_break_glass
def patient_trials(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Trials for this patient: ranked from the oncology record, each criterion explained.

    Viewing refreshes the patient's candidates, so the trial teams see them too.
    """
    access = get_patient_for(
        request.user,
        public_id=public_id,
        staff_only=True,
        action="trials.matched",
    )
    profile = profiles.profile_for_patient(access.patient)
    ranked = selectors.match_open_trials(profile, limit=25, include_ineligible=False)
    services.rematch_patient(patient=access.patient, profile=profile)
    return render(
        request,
        "trials/patient_trials.html",
        {"patient": access.patient, "ranked": ranked, "profile": profiles.describe(profile)},
    )
