#!/usr/bin/env bash
# Generates the polo package's protocol-buffer and gRPC stubs from proto/
# with Debian's protoc and grpc_python_plugin (protobuf-compiler,
# protobuf-compiler-grpc; the same protoc version as python3-protobuf):
#
#   python/generate_protos.sh [OUT_DIR]
#
# writes ensemble_pb2.py, polo_pb2.py and polo_pb2_grpc.py into OUT_DIR
# (default: python/polo/_proto, where `import polo` looks for them; they are
# not committed). //python:stubs runs it in the build, and python/setup.py
# runs it on `pip install -e python`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-${root}/python/polo/_proto}"
mkdir -p "${out}"
out="$(cd "${out}" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "${tmp}"' EXIT
cd "${root}"
/usr/bin/protoc --proto_path=. --python_out="${tmp}" --grpc_out="${tmp}" \
  --plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin proto/ensemble.proto proto/polo.proto
# protoc names each module after its .proto path (polo.proto's code imports
# "proto.ensemble_pb2"); in the package the modules are siblings.
for name in ensemble_pb2 polo_pb2 polo_pb2_grpc; do
  sed -e 's/^from proto import /from . import /' "${tmp}/proto/${name}.py" > "${out}/${name}.py"
done
