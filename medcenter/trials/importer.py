"""Import ClinicalTrials.gov API v2 study records (single records or search pages).

Each record is checked whole before anything is written, then saved in its own transaction:
a malformed record is reported by file and field and skipped, never half-imported. A
re-import replaces the registry's fields that the record carries, leaves the ones it does not
carry (search pages are often projections with a few modules only), never touches this
center's own fields, and re-reads the eligibility text keeping the team's corrections.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from medcenter.trials import services
from medcenter.trials.eligibility import age_bounds
from medcenter.trials.models import OverallStatus, Sex, Trial

NCT_ID = re.compile(r"^NCT\d{8}$")
PHASES = {"EARLY_PHASE1", "PHASE1", "PHASE2", "PHASE3", "PHASE4", "NA"}
MAX_FILE_BYTES = 50 * 1024 * 1024


class RecordProblem(ValueError):
    """A record that cannot be imported: which field, and what is wrong with it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass
class Problem:
    source: str
    nct_id: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.nct_id or '(no NCT id)'}: {self.field}: {self.message}"


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)

    def summary(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.problems)} skipped"
        )


# --- Reading files ------------------------------------------------------------------------------


def records_in(paths: Iterable[Path]) -> Iterator[tuple[str, Any]]:
    """(source label, record) for every study in the files and folders given.

    A file that cannot be read or is not JSON yields one RecordProblem in place of a record.
    """
    for path in paths:
        files = sorted(path.rglob("*.json")) if path.is_dir() else [path]
        for file in files:
            yield from _records_in_file(file)


def _records_in_file(file: Path) -> Iterator[tuple[str, Any]]:
    label = str(file)
    try:
        if file.stat().st_size > MAX_FILE_BYTES:
            yield label, RecordProblem("file", "larger than 50 MB")
            return
        data = json.loads(file.read_bytes())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        yield label, RecordProblem("file", f"not readable JSON ({error})")
        return
    yield from records_in_data(data, label)


def records_in_data(data: Any, label: str) -> Iterator[tuple[str, Any]]:
    """Studies in parsed JSON: one record, or a search page's `studies` list."""
    if isinstance(data, dict) and isinstance(data.get("studies"), list):
        for number, study in enumerate(data["studies"], start=1):
            yield f"{label}#studies[{number}]", study
    elif isinstance(data, list):
        for number, study in enumerate(data, start=1):
            yield f"{label}#[{number}]", study
    else:
        yield label, data


# --- One record -----------------------------------------------------------------------------


def _module(protocol: dict[str, Any], name: str) -> dict[str, Any] | None:
    value = protocol.get(name)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise RecordProblem(f"protocolSection.{name}", "must be an object")
    return value


def _text(module: dict[str, Any], key: str, where: str, limit: int | None = None) -> str:
    value = module.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise RecordProblem(f"{where}.{key}", "must be text")
    value = value.strip()
    if limit is not None and len(value) > limit:
        raise RecordProblem(f"{where}.{key}", f"longer than {limit} characters")
    return value


def _strings(module: dict[str, Any], key: str, where: str) -> list[str]:
    value = module.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RecordProblem(f"{where}.{key}", "must be a list of text")
    return [v.strip() for v in value if v.strip()]


def _objects(module: dict[str, Any], key: str, where: str) -> list[dict[str, Any]]:
    value = module.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise RecordProblem(f"{where}.{key}", "must be a list of objects")
    return value


def _date(struct: Any, where: str) -> str:
    """A v2 partial date ("2024", "2024-03" or "2024-03-15") from a date struct."""
    if struct is None:
        return ""
    if not isinstance(struct, dict) or not isinstance(struct.get("date", ""), str):
        raise RecordProblem(where, "must be a date object")
    value = str(struct.get("date", ""))
    if value and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        raise RecordProblem(where, f"not a date: {value!r}")
    if len(value) == 10:
        _full_date(value, where)
    return value


def _full_date(value: str, where: str) -> date | None:
    if len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise RecordProblem(where, f"not a date: {value!r}") from error


def _age(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise RecordProblem(where, "must be text such as '18 Years'")
    years = age_bounds(value, None)[0]
    if years is None and value.strip().upper() not in ("", "N/A", "NA"):
        raise RecordProblem(where, f"not an age: {value!r}")
    return years


def _sites(module: dict[str, Any]) -> list[dict[str, Any]]:
    sites = []
    where = "contactsLocationsModule.locations"
    for number, location in enumerate(_objects(module, "locations", where), start=1):
        geo = location.get("geoPoint")
        if not isinstance(geo, dict):
            geo = {}
        lat, lon = geo.get("lat"), geo.get("lon")
        for name, value, low, high in (("lat", lat, -90, 90), ("lon", lon, -180, 180)):
            if value is not None and (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not low <= value <= high
            ):
                raise RecordProblem(f"{where}[{number}].geoPoint.{name}", "not a coordinate")
        sites.append(
            {
                "facility": str(location.get("facility") or "")[:300],
                "status": str(location.get("status") or ""),
                "city": str(location.get("city") or ""),
                "state": str(location.get("state") or ""),
                "zip": str(location.get("zip") or ""),
                "country": str(location.get("country") or ""),
                "lat": lat,
                "lon": lon,
            }
        )
    return sites


def _contacts(module: dict[str, Any]) -> list[dict[str, str]]:
    where = "contactsLocationsModule.centralContacts"
    return [
        {k: str(contact.get(k) or "") for k in ("name", "role", "phone", "email")}
        for contact in _objects(module, "centralContacts", where)
    ]


def read_record(record: Any) -> dict[str, Any]:
    """The Trial fields a v2 record carries, checked; raises RecordProblem on the first fault."""
    if not isinstance(record, dict):
        raise RecordProblem("record", "must be an object")
    protocol = record.get("protocolSection")
    if not isinstance(protocol, dict):
        raise RecordProblem("protocolSection", "missing")
    ident = _module(protocol, "identificationModule")
    if ident is None:
        raise RecordProblem("protocolSection.identificationModule", "missing")
    nct_id = _text(ident, "nctId", "identificationModule")
    if not NCT_ID.match(nct_id):
        raise RecordProblem("identificationModule.nctId", f"not an NCT number: {nct_id!r}")
    fields: dict[str, Any] = {"nct_id": nct_id}
    title = _text(ident, "briefTitle", "identificationModule", 500)
    if title:
        fields["brief_title"] = title
    if "officialTitle" in ident:
        fields["official_title"] = _text(ident, "officialTitle", "identificationModule")
    if "acronym" in ident:
        fields["acronym"] = _text(ident, "acronym", "identificationModule", 100)

    status = _module(protocol, "statusModule")
    if status is not None:
        if "overallStatus" in status:
            value = _text(status, "overallStatus", "statusModule")
            if value not in OverallStatus.values:
                raise RecordProblem("statusModule.overallStatus", f"unknown status {value!r}")
            fields["overall_status"] = value
        if "startDateStruct" in status:
            fields["start_date"] = _date(status["startDateStruct"], "statusModule.startDateStruct")
        for key, name in (
            ("studyFirstPostDateStruct", "first_posted"),
            ("lastUpdatePostDateStruct", "last_update_posted"),
        ):
            if key in status:
                value = _date(status[key], f"statusModule.{key}")
                fields[name] = _full_date(value, f"statusModule.{key}")

    sponsor = _module(protocol, "sponsorCollaboratorsModule")
    if sponsor is not None and "leadSponsor" in sponsor:
        lead = sponsor["leadSponsor"]
        if not isinstance(lead, dict):
            raise RecordProblem("sponsorCollaboratorsModule.leadSponsor", "must be an object")
        fields["sponsor"] = _text(lead, "name", "sponsorCollaboratorsModule.leadSponsor", 300)

    description = _module(protocol, "descriptionModule")
    if description is not None:
        for key, name in (
            ("briefSummary", "brief_summary"),
            ("detailedDescription", "detailed_description"),
        ):
            if key in description:
                fields[name] = _text(description, key, "descriptionModule")

    conditions = _module(protocol, "conditionsModule")
    if conditions is not None:
        for key, name in (("conditions", "conditions"), ("keywords", "keywords")):
            if key in conditions:
                fields[name] = _strings(conditions, key, "conditionsModule")

    design = _module(protocol, "designModule")
    if design is not None:
        if "studyType" in design:
            fields["study_type"] = _text(design, "studyType", "designModule", 30)
        if "phases" in design:
            phases = _strings(design, "phases", "designModule")
            unknown = [p for p in phases if p not in PHASES]
            if unknown:
                raise RecordProblem("designModule.phases", f"unknown phase {unknown[0]!r}")
            fields["phases"] = phases

    arms = _module(protocol, "armsInterventionsModule")
    if arms is not None:
        where = "armsInterventionsModule"
        if "interventions" in arms:
            fields["interventions"] = [
                {k: str(item.get(k) or "") for k in ("type", "name", "description")}
                for item in _objects(arms, "interventions", where)
            ]
        if "armGroups" in arms:
            fields["arms"] = [
                {
                    "label": str(item.get("label") or ""),
                    "type": str(item.get("type") or ""),
                    "description": str(item.get("description") or ""),
                    "interventions": [str(n) for n in item.get("interventionNames") or []],
                }
                for item in _objects(arms, "armGroups", where)
            ]

    eligibility = _module(protocol, "eligibilityModule")
    if eligibility is not None:
        where = "eligibilityModule"
        if "eligibilityCriteria" in eligibility:
            fields["eligibility_criteria"] = _text(eligibility, "eligibilityCriteria", where)
        if "minimumAge" in eligibility:
            fields["minimum_age_years"] = _age(eligibility["minimumAge"], f"{where}.minimumAge")
        if "maximumAge" in eligibility:
            fields["maximum_age_years"] = _age(eligibility["maximumAge"], f"{where}.maximumAge")
        if "sex" in eligibility:
            sex = _text(eligibility, "sex", where)
            if sex not in Sex.values:
                raise RecordProblem(f"{where}.sex", f"unknown value {sex!r}")
            fields["sex"] = sex
        if "healthyVolunteers" in eligibility:
            volunteers = eligibility["healthyVolunteers"]
            if not isinstance(volunteers, bool):
                raise RecordProblem(f"{where}.healthyVolunteers", "must be true or false")
            fields["healthy_volunteers"] = volunteers
        low, high = fields.get("minimum_age_years"), fields.get("maximum_age_years")
        if low is not None and high is not None and low > high:
            raise RecordProblem(f"{where}.minimumAge", "is above the maximum age")

    contacts = _module(protocol, "contactsLocationsModule")
    if contacts is not None:
        if "locations" in contacts:
            fields["sites"] = _sites(contacts)
        if "centralContacts" in contacts:
            fields["contacts"] = _contacts(contacts)
    return fields


def record_hash(record: Any) -> str:
    return hashlib.sha256(
        json.dumps(record, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()


# --- Writing --------------------------------------------------------------------------------


def import_record(record: Any) -> tuple[str, str]:
    """Create or update one trial from a record: ("created"|"updated"|"unchanged", NCT id)."""
    fields = read_record(record)
    nct_id = fields.pop("nct_id")
    digest = record_hash(record)
    with transaction.atomic():
        trial = Trial.objects.select_for_update().filter(nct_id=nct_id).first()
        if trial is not None and trial.record_hash == digest:
            return "unchanged", nct_id
        outcome = "updated"
        if trial is None:
            if "brief_title" not in fields:
                raise RecordProblem("identificationModule.briefTitle", "missing")
            trial = Trial(nct_id=nct_id)
            outcome = "created"
        criteria_before = trial.eligibility_criteria
        for name, value in fields.items():
            setattr(trial, name, value)
        trial.record_hash = digest
        trial.imported_at = timezone.now()
        trial.save()
        if outcome == "created" or trial.eligibility_criteria != criteria_before:
            services.refresh_criteria(trial=trial)
    return outcome, nct_id


def import_records(items: Iterable[tuple[str, Any]]) -> ImportReport:
    """Import each record on its own; collect what was skipped and why."""
    report = ImportReport()
    for label, record in items:
        nct_id = _nct_of(record)
        if isinstance(record, RecordProblem):
            report.problems.append(Problem(label, "", record.field, record.message))
            continue
        try:
            outcome, nct_id = import_record(record)
        except RecordProblem as problem:
            report.problems.append(Problem(label, nct_id, problem.field, problem.message))
            continue
        getattr(report, outcome).append(nct_id)
    return report


def import_paths(paths: Iterable[Path]) -> ImportReport:
    return import_records(records_in(paths))


def _nct_of(record: Any) -> str:
    try:
        value = record["protocolSection"]["identificationModule"]["nctId"]
    except (KeyError, TypeError):
        return ""
    return value if isinstance(value, str) else ""
