"""pip install -e python: the polo package from this checkout (python/README.md).

Generates the protocol-buffer stubs first (generate_protos.sh: Debian's
protoc and grpc_python_plugin). On Debian, install into a virtual
environment that sees the system's packages:

    python3 -m venv --system-site-packages .venv && .venv/bin/pip install -e python
"""

import pathlib
import subprocess

from setuptools import find_packages, setup

here = pathlib.Path(__file__).resolve().parent
subprocess.run(["bash", str(here / "generate_protos.sh")], check=True)

setup(
    name="polo",
    version="0.1.0",
    description="POLO from Python: the learner's client, trained values, run folders, exports",
    packages=find_packages(where=str(here), include=["polo", "polo.*"]),
    python_requires=">=3.9",
    # Debian: python3-grpcio, python3-protobuf, python3-numpy (deploy/packages.txt).
    install_requires=["grpcio", "protobuf>=3.20", "numpy"],
    # polo.export and //tools:export: python3-torch, python3-onnx.
    extras_require={"export": ["torch", "onnx"], "frames": ["pandas"]},
)
