"""Scheduling's notices: worded by templates in the patient's language, sent by the outbox;
and the outbox's home in core leaves scheduling without an import loop."""

import ast
from pathlib import Path

import pytest
from django.core import mail

from medcenter.scheduling import services
from medcenter.scheduling.tests.conftest import next_weekday_at

pytestmark = pytest.mark.django_db


def test_a_spanish_speaking_patient_gets_the_confirmation_in_spanish(
    clinic, patient, django_capture_on_commit_callbacks
):
    clinician, location, visit = clinic
    held = services.hold_slot(
        patient=patient,
        visit_type=visit,
        location=location,
        start=next_weekday_at(9, days_ahead=10),
        actor=None,
        clinician=clinician,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_hold(appointment=held, actor=None)

    (message,) = mail.outbox
    assert patient.preferred_language == "es"
    assert message.subject == "Su cita está programada"
    assert location.name in message.body
    assert [a[0] for a in message.attachments] == ["appointment.ics"]


def test_notify_depends_on_the_outbox_and_models_only():
    """notify -> tasks -> services -> referrals -> notify was an import loop: notify now
    imports nothing from scheduling but its models, even inside a function."""
    source = (Path(__file__).resolve().parents[1] / "notify.py").read_text()
    imported = {
        node.module
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and node.module
    } | {
        alias.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    ours = {m for m in imported if m.startswith("medcenter.")}
    assert ours == {"medcenter.core", "medcenter.core.models", "medcenter.scheduling.models"}


def _imports_within(package: Path, prefix: str) -> dict[str, set[str]]:
    """Module -> the modules of `prefix` it imports, counting imports inside functions."""
    modules = {
        prefix + "." + ".".join(p.relative_to(package).with_suffix("").parts): p
        for p in package.rglob("*.py")
        if "tests" not in p.parts and "migrations" not in p.parts
    }
    modules = {name.removesuffix(".__init__"): path for name, path in modules.items()}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                found |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names}
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle in `graph`, or [] when there is none."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(module: str) -> list[str]:
        state[module] = 1
        path.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        state[module] = 2
        path.pop()
        return []

    for module in sorted(graph):
        if module not in state and (found := visit(module)):
            return found
    return []


def test_scheduling_and_the_outbox_have_no_import_loop():
    app = Path(__file__).resolve().parents[1]
    outbox_package = app.parent / "core" / "outbox"
    assert _cycle(_imports_within(app, "medcenter.scheduling")) == []
    assert _cycle(_imports_within(outbox_package, "medcenter.core.outbox")) == []
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]  # it can see one
