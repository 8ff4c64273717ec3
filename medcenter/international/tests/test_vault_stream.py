"""R19 for streamed documents: chunked AES-GCM, checked chunk by chunk."""

import pytest

from medcenter.core import vault


@pytest.fixture(autouse=True)
def _documents(tmp_path, settings):
    settings.DOCUMENT_ROOT = tmp_path


def test_a_streamed_document_reads_back_whole_and_in_pieces(monkeypatch):
    monkeypatch.setattr(vault, "STREAM_CHUNK", 1000)
    content = bytes(range(256)) * 20  # 5,120 bytes: six chunks
    key = vault.store_stream(chunks=[content[:700], content[700:3000], content[3000:]])
    assert vault.fetch(key=key) == content
    assert b"".join(vault.open_stream(key=key)) == content
    assert bytes(range(256)) not in vault._path(key).read_bytes()


def test_an_empty_stream_is_one_empty_final_chunk():
    key = vault.store_stream(chunks=[])
    assert vault.fetch(key=key) == b""


@pytest.mark.parametrize("where", ["flip", "truncate", "drop-last-chunk", "append"])
def test_a_tampered_stream_is_never_served(monkeypatch, where):
    monkeypatch.setattr(vault, "STREAM_CHUNK", 100)
    key = vault.store_stream(chunks=[b"x" * 350])
    path = vault._path(key)
    blob = bytearray(path.read_bytes())
    if where == "flip":
        blob[40] ^= 1
    elif where == "truncate":
        del blob[-5:]
    elif where == "drop-last-chunk":
        last = 4 + 50 + 16
        del blob[-last:]
    else:
        blob += b"extra"
    path.write_bytes(bytes(blob))
    with pytest.raises(vault.VaultError):
        vault.fetch(key=key)


def test_the_first_format_still_streams():
    key = vault.store(content=b"older document")
    assert b"".join(vault.open_stream(key=key)) == b"older document"
