"""The modules that hold services and selectors, found by walking the package.

A module counts when a part of its dotted name is `services`, `selectors` or `access` (so a
module grown into a package counts too), or when it is one of the few service modules named
after what they serve.
"""

import ast
import importlib
import inspect
import pkgutil
import textwrap
from collections.abc import Iterator
from types import FunctionType, ModuleType

import medcenter

SERVICE_PARTS = frozenset({"services", "selectors", "access"})
# Service modules named after their subject rather than `services`.
NAMED_SERVICE_MODULES = frozenset(
    {
        "medcenter.scheduling.referrals",
        "medcenter.accounts.mfa",
        "medcenter.international.itinerary",
    }
)


def service_modules() -> list[ModuleType]:
    names = []
    for info in pkgutil.walk_packages(medcenter.__path__, prefix="medcenter."):
        parts = info.name.split(".")
        if "tests" in parts or "migrations" in parts:
            continue
        if SERVICE_PARTS & set(parts[2:]) or info.name in NAMED_SERVICE_MODULES:
            names.append(info.name)
    return [importlib.import_module(name) for name in sorted(names)]


def functions_of(module: ModuleType) -> Iterator[FunctionType]:
    """The functions defined in the module itself (not imported into it)."""
    for _name, value in vars(module).items():
        if inspect.isfunction(value) and value.__module__ == module.__name__:
            yield inspect.unwrap(value)


def _calls(function: FunctionType) -> tuple[set[str], bool]:
    """The names the function calls, and whether it records a write's audit event itself."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    called: set[str] = set()
    audits_a_write = False
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        target = node.func
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        called.add(name)
        is_record = (
            isinstance(target, ast.Attribute)
            and target.attr == "record"
            and getattr(target.value, "id", "") == "audit"
        )
        if is_record:
            keywords = {k.arg: k.value for k in node.keywords}
            read = keywords.get("read")
            outcome = keywords.get("outcome")
            marked_read = isinstance(read, ast.Constant) and read.value is True
            refused = isinstance(outcome, ast.Attribute) and outcome.attr in {"DENIED", "FAILURE"}
            action = keywords.get("action")
            authentication = isinstance(action, ast.Constant) and str(action.value).startswith(
                "auth."
            )
            if not (marked_read or refused or authentication):
                audits_a_write = True
    return called, audits_a_write


def audited_writes() -> dict[str, FunctionType]:
    """Every service function that records a write's audit event, itself or through another
    service function it calls ("module.function" -> function); private helpers are followed
    but not listed."""
    functions = {
        f"{module.__name__}.{function.__name__}": function
        for module in service_modules()
        for function in functions_of(module)
    }
    calls: dict[str, set[str]] = {}
    writers: set[str] = set()
    for qualified, function in functions.items():
        calls[qualified], audits = _calls(function)
        if audits:
            writers.add(qualified)
    changed = True
    while changed:
        changed = False
        writer_names = {name.rsplit(".", 1)[1] for name in writers}
        for qualified, called in calls.items():
            if qualified not in writers and called & writer_names:
                writers.add(qualified)
                changed = True
    return {
        name: functions[name]
        for name in sorted(writers)
        if not name.rsplit(".", 1)[1].startswith("_")
    }
