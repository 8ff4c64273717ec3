"""How the site's static files are served: whitenoise, with a one-year cache for hashed names."""

from whitenoise.middleware import WhiteNoiseMiddleware


class StaticFilesMiddleware(WhiteNoiseMiddleware):  # type: ignore[misc]  # untyped library
    """Serve static files; a file whose name carries its content hash is cached for a year.

    A hashed name changes whenever the content does, so browsers may keep it `immutable`.
    Whitenoise's own default is ten years; a year is what HTTP caches are specified to honour
    (RFC 9111 recommends no more) and what performance audits (Lighthouse) look for. The
    compressed copies (.gz, .br) collectstatic writes are served to browsers that accept them.
    """

    FOREVER = 365 * 24 * 60 * 60
