"""What every reader shares: the parse error, and opening a path or an uploaded file."""

import io
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _

Source = str | Path | IO[str] | IO[bytes]


class GenomicsParseError(ValueError):
    """A line that cannot be read: `line` (1-based, as an editor counts) and `field`."""

    def __init__(self, *, line: int, field: str, message: str) -> None:
        self.line = line
        self.field = field
        self.message = message
        super().__init__(
            _("Line %(line)s, %(field)s: %(message)s")
            % {"line": line, "field": field, "message": message}
        )


def fail(errors: list[GenomicsParseError] | None, error: GenomicsParseError) -> None:
    """Raise `error`, or collect it when the caller passed a list."""
    if errors is None:
        raise error
    errors.append(error)


@contextmanager
def as_path(source: Source, suffix: str) -> Iterator[str]:
    """A file path for `source`; an uploaded file is written to a temporary file first."""
    if isinstance(source, str | Path):
        yield str(source)
        return
    data = source.read()
    payload = data.encode("utf-8") if isinstance(data, str) else data
    handle, name = tempfile.mkstemp(suffix=suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
        yield name
    finally:
        os.unlink(name)


@contextmanager
def as_text(source: Source) -> Iterator[IO[str]]:
    """A text handle for a path, a text file or a binary (UTF-8) upload."""
    if isinstance(source, str | Path):
        with open(source, encoding="utf-8-sig", newline="") as handle:
            yield handle
        return
    data = source.read()
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    yield io.StringIO(text, newline="")
