"""Protocol-buffer and gRPC stubs generated from proto/ (python/generate_protos.sh)."""

import os as _os

if not _os.path.exists(_os.path.join(_os.path.dirname(__file__), "polo_pb2.py")):
    raise ImportError("polo's protocol-buffer stubs are not generated: run "
                      "python/generate_protos.sh (or pip install -e python)")
