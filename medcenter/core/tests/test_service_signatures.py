"""Services and selectors take the acting user, never the HTTP request.

The audit log reads the client address and request id from the request context
(core.request_context), so nothing below the view needs the request; a service that took it
could not be called from a task, a command or another service.
"""

import inspect

from medcenter.core.tests.service_modules import functions_of, service_modules


def test_the_service_modules_are_found():
    names = {module.__name__ for module in service_modules()}

    assert {
        "medcenter.patients.services",
        "medcenter.patients.selectors",
        "medcenter.patients.access",
        "medcenter.oncology.services",
        "medcenter.scheduling.services",
        "medcenter.scheduling.referrals",
        "medcenter.trials.services",
        "medcenter.accounts.mfa",
    } <= names


def test_no_service_or_selector_takes_the_request():
    taking_request = [
        f"{module.__name__}.{function.__name__}"
        for module in service_modules()
        for function in functions_of(module)
        if "request" in inspect.signature(function).parameters
    ]

    assert taking_request == []
