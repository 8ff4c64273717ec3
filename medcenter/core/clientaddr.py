"""The address of the client a request came from: the one function throttles and the audit use.

Behind a load balancer every connection comes from the balancer, so `REMOTE_ADDR` names it,
not the visitor. Each proxy appends the address it received the request from to
`X-Forwarded-For`; with `TRUSTED_PROXY_HOPS = n` proxies of our own in front, the n-th address
from the right is the one our outermost proxy saw, which a client cannot forge (what a client
writes into the header itself stays to the left of it). With 0 (the default, no proxy), the
header is ignored: anyone can send it.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's IP address: from `X-Forwarded-For` behind TRUSTED_PROXY_HOPS proxies,
    else `REMOTE_ADDR`; None when there is no request or no valid address."""
    if request is None:
        return None
    hops: int = getattr(settings, "TRUSTED_PROXY_HOPS", 0)
    if hops > 0:
        forwarded = [
            part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part
        ]
        if len(forwarded) >= hops:
            # A header shorter than the proxies we have means it did not come through them all:
            # fall back to the connection's address rather than trust a client's word.
            return _address(forwarded[-hops])
    return _address(request.META.get("REMOTE_ADDR") or "")
