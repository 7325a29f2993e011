"""The numpy CPPN equals TeachMyAgent's TensorFlow network on stored check outputs."""

from __future__ import annotations

import numpy as np
import pytest
from teachbench.tasks.envs.cppn import TerrainCPPN, weights_path


def test_forward_pass_matches_reference_outputs():
    ref = np.load(weights_path("check_outputs"))
    cppn = TerrainCPPN()
    for v, expected in zip(ref["input_vectors"], ref["raw_output"], strict=True):
        out = cppn.generate(v)
        assert out.shape == (200, 2) and out.dtype == np.float32
        # float32 matmul order differs from TF's: agree to 1e-5 of the output scale (~200)
        scale = np.abs(expected).max()
        np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5 * scale)


def test_ground_only_weights_have_one_output():
    cppn = TerrainCPPN("ground_cppn")
    assert cppn.generate([0.0, 0.8, 0.1]).shape == (200, 1)


def test_input_vector_length_is_checked():
    with pytest.raises(ValueError, match="3 values"):
        TerrainCPPN().generate([0.1, 0.2])
