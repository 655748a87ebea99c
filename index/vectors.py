"""Unit vectors packed small enough to travel in a chunk's metadata, in the store itself.

Each row is stored as int8 with its own float16 scale (max |x| / 127): a dot product with a query vector
is off by about 0.0005, far below what separates a relevant statement from another. Keeping them in the
chunk's metadata means they reach every process that reads the store, a Chroma server's replicas included.
"""

from __future__ import annotations

import base64

import numpy as np


def pack(matrix: np.ndarray) -> str:
    """``matrix`` (rows of floats) as one ASCII string: rows, dimensions, scales and int8 values."""
    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.size == 0:
        return ""
    rows, dims = matrix.shape
    scale = np.abs(matrix).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    values = np.clip(np.rint(matrix / scale[:, None]), -127, 127).astype(np.int8)
    header = np.array([rows, dims], dtype=np.uint32).tobytes()
    return base64.b64encode(header + scale.astype(np.float16).tobytes() + values.tobytes()).decode("ascii")


def unpack(text: str) -> np.ndarray | None:
    """The float32 rows that ``pack`` stored, or None for an empty or malformed string."""
    if not text:
        return None
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
        rows, dims = (int(x) for x in np.frombuffer(data[:8], dtype=np.uint32))
        scale = np.frombuffer(data[8 : 8 + 2 * rows], dtype=np.float16).astype(np.float32)
        values = np.frombuffer(data[8 + 2 * rows : 8 + 2 * rows + rows * dims], dtype=np.int8)
        return values.reshape(rows, dims).astype(np.float32) * scale[:, None]
    except (ValueError, TypeError):
        return None
