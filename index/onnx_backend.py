"""The ``onnx-int8`` embedding backend: the same sentence-transformers model, run by onnxruntime.

The model's transformer is exported to ONNX once and its weights quantized to int8 (dynamic quantization,
per channel), then cached; tokenizing, mean pooling and normalising follow the model's own configuration
(its tokenizer.json, max_seq_length, Pooling), so a vector differs from the float32 one only by quantization.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import uuid
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from index.embeddings import ModelNotFound

OPSET = 17


def exported_int8(model_folder: Path, target: Path) -> Path:
    """The int8 ONNX file of the model in ``model_folder``, exported into ``target`` on first use."""
    final = target / "model_int8.onnx"
    if final.is_file():
        return final
    try:
        import torch
        from onnxruntime.quantization import QuantType, quantize_dynamic
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as transformers_logging
    except ImportError as exc:  # onnx is needed to quantize
        raise ModelNotFound(
            f"the onnx-int8 backend needs the 'fast' extra: pip install 'clinqa[fast]' ({exc})"
        ) from exc

    transformers_logging.disable_progress_bar()
    target.mkdir(parents=True, exist_ok=True)
    work = target / f".export-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    work.mkdir()
    try:
        model = AutoModel.from_pretrained(str(model_folder)).eval()
        tokenizer = AutoTokenizer.from_pretrained(str(model_folder))

        class LastHidden(torch.nn.Module):
            def __init__(self, inner: torch.nn.Module) -> None:
                super().__init__()
                self.inner = inner

            def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
                out = self.inner(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
                return out.last_hidden_state

        sample = tokenizer(["a sample sentence", "another"], return_tensors="pt", padding=True)
        names = ["input_ids", "attention_mask", "token_type_ids"]
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's notes on shapes are about the export, not the user's data
            torch.onnx.export(
                LastHidden(model).eval(),
                tuple(sample[n] for n in names),
                str(work / "model.onnx"),
                input_names=names,
                output_names=["last_hidden_state"],
                dynamic_axes={n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]},
                opset_version=OPSET,
                dynamo=False,
            )
        logging.disable(logging.WARNING)  # the quantizer's advice on pre-processing goes to the root logger
        try:
            quantize_dynamic(
                str(work / "model.onnx"), str(work / "model_int8.onnx"), per_channel=True, weight_type=QuantType.QInt8
            )
        finally:
            logging.disable(logging.NOTSET)
        os.replace(work / "model_int8.onnx", final)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return final


class OnnxEmbeddings(Embeddings):
    """LangChain embeddings from an ONNX export of a sentence-transformers model (mean pooling, unit length)."""

    def __init__(self, model_folder: Path, onnx_file: Path, threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        config = json.loads((model_folder / "sentence_bert_config.json").read_text())
        pooling = json.loads((model_folder / "1_Pooling" / "config.json").read_text())
        if not pooling.get("pooling_mode_mean_tokens"):
            raise ModelNotFound(f"the onnx-int8 backend supports mean-pooling models only ({model_folder})")
        self.tokenizer = Tokenizer.from_file(str(model_folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(int(config.get("max_seq_length", 256)))
        self.tokenizer.no_padding()  # tokenizer.json pads to a fixed 128 tokens; one text needs no padding
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])

    def _embed_one(self, text: str) -> np.ndarray:
        # One text per run, never a padded batch: dynamic quantization scales activations over the whole
        # input tensor, so in a batch a text's vector would depend on its neighbours (measured: cosine down
        # to 0.98 between the same text alone and batched). Alone it is also faster here (no padding).
        encoded = self.tokenizer.encode(text)
        ids = np.array([encoded.ids], dtype=np.int64)
        mask = np.array([encoded.attention_mask], dtype=np.int64)
        hidden = self.session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )
        weights = mask[0][:, None].astype(np.float32)
        pooled = (hidden[0][0] * weights).sum(axis=0) / max(float(weights.sum()), 1.0)
        return pooled / max(float(np.linalg.norm(pooled)), 1e-12)

    def matrix(self, texts: Sequence[str]) -> np.ndarray:
        """The unit vectors of ``texts``, one row each."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self._embed_one(t) for t in texts])

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.matrix(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.matrix([text])[0].tolist()
