"""`{% shellcache "name" [everyone] %}…{% endshellcache %}`: parts of the site shell, rendered
once.

For a visitor who is not signed in, the header and footer depend only on the language and the
path (the language switcher's links, the current menu item) and on settings; rendering them on
every request cost about as much as a search. They are kept per process, bounded. A part
marked `everyone` holds nothing of the person (no name, no account link, no CSRF token), so it
is kept for signed-in users too: on the Patient Gateway's pages the shell cost a fifth of the
request (bench/portal_load.py --profile). Unmarked parts are rendered afresh for signed-in
users, whose header is their own.
"""

from collections import OrderedDict
from threading import Lock
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import Parser, Token
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

LIMIT = 2048
_rendered: OrderedDict[tuple[Any, ...], SafeString] = OrderedDict()
_lock = Lock()


@receiver(setting_changed)
def _forget(**kwargs: Any) -> None:
    with _lock:
        _rendered.clear()


class ShellCacheNode(template.Node):
    def __init__(self, name: str, nodelist: template.NodeList, *, everyone: bool = False) -> None:
        self.name = name
        self.nodelist = nodelist
        self.everyone = everyone

    def render(self, context: template.Context) -> str:
        request = context.get("request")
        user = context.get("user")
        if request is None or user is None or (user.is_authenticated and not self.everyone):
            return self.nodelist.render(context)
        key = (self.name, get_language(), request.path)
        found = _rendered.get(key)
        if found is None:
            found = mark_safe(self.nodelist.render(context))  # noqa: S308 - template output
            with _lock:
                _rendered[key] = found
                if len(_rendered) > LIMIT:
                    _rendered.popitem(last=False)
        return found


@register.tag
def shellcache(parser: Parser, token: Token) -> ShellCacheNode:
    bits = token.split_contents()
    if len(bits) not in (2, 3) or (len(bits) == 3 and bits[2] != "everyone"):
        raise template.TemplateSyntaxError('shellcache takes one name, then "everyone" or nothing')
    nodelist = parser.parse(("endshellcache",))
    parser.delete_first_token()
    return ShellCacheNode(bits[1].strip("\"'"), nodelist, everyone=len(bits) == 3)
