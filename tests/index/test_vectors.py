"""Statement vectors packed into chunk metadata come back close to what was packed."""

from __future__ import annotations

import numpy as np

from index.vectors import pack, unpack


def test_round_trip_keeps_cosines_within_a_thousandth() -> None:
    rng = np.random.default_rng(3)
    matrix = rng.normal(size=(7, 384)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    back = unpack(pack(matrix))
    assert back is not None and back.shape == (7, 384)
    query = matrix[0]
    assert np.abs(back @ query - matrix @ query).max() < 1e-3


def test_empty_and_malformed_text_give_none() -> None:
    assert pack(np.zeros((0, 384))) == ""
    assert unpack("") is None
    assert unpack("not base64!") is None
    assert unpack(pack(np.ones((2, 4)))[:10]) is None
