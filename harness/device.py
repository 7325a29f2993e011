"""Where DRL students compute: ``teachbench run --device cpu|cuda``.

The choice travels to the run processes as the environment variable ``TEACHBENCH_DEVICE``
(forked and cluster workers inherit it), which the DRL students read when their ``device``
argument is not given. It is not part of the protocol: a CUDA run answers the same question
as a CPU run, only bit-for-bit equality of records is promised on CPU alone.
"""

from __future__ import annotations

import os

DEVICE_VARIABLE = "TEACHBENCH_DEVICE"
DEVICES = ("cpu", "cuda")


def use_device(name: str) -> None:
    """Select the device of every run started from this process; fail early if it is absent."""
    if name not in DEVICES:
        raise ValueError(f"unknown device {name!r}: use one of {', '.join(DEVICES)}")
    if name == "cuda":
        import torch

        if not torch.cuda.is_available():
            raise ValueError(
                f"--device cuda was asked for but torch {torch.__version__} sees no CUDA GPU; "
                "install a CUDA build of torch on a GPU machine, or use --device cpu"
            )
    os.environ[DEVICE_VARIABLE] = name
