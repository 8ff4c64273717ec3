"""schema.org JSON-LD for a page: `<script type="application/ld+json">`, escaped exactly as
Django's `json_script` escapes (<, > and & as \\u escapes), so no value can close the script
element. It is data, not code: the CSP's script-src does not apply to it."""

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import _json_script_escapes  # type: ignore[attr-defined]
from django.utils.safestring import SafeString, mark_safe


def ld_json(data: Any) -> SafeString:
    """The element for `data` (a dict or list of schema.org objects)."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(
        _json_script_escapes
    )
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308
