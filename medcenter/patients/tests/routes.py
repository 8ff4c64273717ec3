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
