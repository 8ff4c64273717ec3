"""Enumerate registered routes from the URLconf, for the access and audit matrices."""

from django.urls import URLPattern, URLResolver, get_resolver

from medcenter.core.routes import PatientDataRoute


def all_routes(*, with_patterns: bool = False) -> list:
    """(namespaced URL name, view[, route text]) for every named route of the project."""
    found: list = []

    def walk(patterns: list, namespace: str, prefix: str) -> None:
        for pattern in patterns:
            text = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                ns = namespace
                if pattern.namespace:
                    ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, ns, text)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                found.append(
                    (name, pattern.callback, text) if with_patterns else (name, pattern.callback)
                )

    walk(get_resolver().url_patterns, "", "")
    return found


def patient_data_routes() -> list[tuple[str, PatientDataRoute]]:
    return [
        (name, view.patient_data) for name, view in all_routes() if hasattr(view, "patient_data")
    ]


def app_route_urls(namespace: str, values: dict) -> list[tuple[str, str, str]]:
    """(name, url, "staff" or "patient") for every route of `namespace`, its path arguments
    filled from `values` by name; a route named `<namespace>:staff_...` is the staff's."""
    from django.urls import reverse

    urls = []
    for name, _view, text in all_routes(with_patterns=True):
        if name.startswith(f"{namespace}:"):
            kwargs = {k: v for k, v in values.items() if f":{k}>" in text}
            kind = "staff" if name.startswith(f"{namespace}:staff_") else "patient"
            urls.append((name, reverse(name, kwargs=kwargs), kind))
    return urls
