"""A trained value in formats other code reads: ONNX, TorchScript and NumPy's npz.

    bazel run //tools:export -- --weights=FILE --format=onnx|torchscript|npz --out=FILE [--kappa=K]
    python3 -m polo.export ...   (the same, with python/ on PYTHONPATH)

ONNX and TorchScript hold a torch module (ValueModule) that maps float32
features of shape (batch, num_features) to eq. 6 at the κ given at export
(the ONNX output "value", shape (batch,); TorchScript's forward) and to the
members' values V_k (the ONNX output "members", (batch, K); TorchScript's
members() method), the input normalisation included. They run in float32
throughout, so they match the C++ ensemble (which normalises and
aggregates in double) to a few 1e-7 relative, not bit for bit (measured on
the planner's states: 2.2e-7 at most); polo.Value is the exact one. npz holds the arrays themselves (NPZ_LAYOUT below) and loads
back into polo.Value bit for bit.

torch and onnx are needed only here (python3-torch, python3-onnx);
polo.Value and polo.Client never import them.
"""

import argparse
import math
import sys

import numpy as np

from polo._proto import ensemble_pb2
from polo.value import Value

NPZ_LAYOUT = """\
num_features, ensemble_size      int64 scalars
hidden_sizes                     int64 (L,), input side first
activation                       str scalar, "tanh" or "relu"
prior_scale, value_scale,        float64 scalars: beta, s and b of
value_offset                       V_k = b + s * (f_k(z) + beta * p_k(z))
input_offset, input_scale        float64 (num_features,): z = (x - input_offset) * input_scale
trained_weights_<l>              float32 (K, out, in): layer l of every member's trained net
trained_bias_<l>                 float32 (K, out)
prior_weights_<l>, prior_bias_<l>  the same for the prior nets
version, agent_steps             int64 scalars, the weights' stamp
"""


def to_npz(value, path):
    """Writes `value`'s arrays to `path` (numpy.savez, no pickles; NPZ_LAYOUT)."""
    weights = value.weights
    arrays = {
        "num_features": np.int64(value.num_features),
        "ensemble_size": np.int64(value.ensemble_size),
        "hidden_sizes": np.array(value.hidden_sizes, dtype=np.int64),
        "activation": np.array(value.activation),
        "prior_scale": np.float64(value.prior_scale),
        "value_scale": np.float64(value.value_scale),
        "value_offset": np.float64(value.value_offset),
        "input_offset": value.input_offset,
        "input_scale": value.input_scale,
        "version": np.int64(value.version),
        "agent_steps": np.int64(value.agent_steps),
    }
    for part in ("trained", "prior"):
        for l in range(len(value.hidden_sizes) + 1):
            layers = [getattr(m, part).layers[l] for m in weights.members]
            out, inputs = layers[0].out_features, layers[0].in_features
            arrays[f"{part}_weights_{l}"] = np.array(
                [np.array(x.weights, dtype=np.float32).reshape(out, inputs) for x in layers])
            arrays[f"{part}_bias_{l}"] = np.array(
                [np.array(x.bias, dtype=np.float32) for x in layers])
    with open(path, "wb") as f:
        np.savez(f, **arrays)


def weights_from_npz(path):
    """The polo.EnsembleWeights message of an npz file to_npz wrote."""
    with np.load(path, allow_pickle=False) as npz:
        weights = ensemble_pb2.EnsembleWeights()
        spec = weights.spec
        spec.num_features = int(npz["num_features"])
        spec.ensemble_size = int(npz["ensemble_size"])
        spec.hidden_sizes.extend(int(h) for h in npz["hidden_sizes"])
        activation = str(npz["activation"])
        if activation not in ("tanh", "relu"):
            raise ValueError(f"{path}: activation: is {activation!r}, expected 'tanh' or 'relu'")
        spec.activation = (ensemble_pb2.EnsembleSpec.TANH if activation == "tanh"
                           else ensemble_pb2.EnsembleSpec.RELU)
        spec.prior_scale = float(npz["prior_scale"])
        spec.value_scale = float(npz["value_scale"])
        spec.value_offset = float(npz["value_offset"])
        weights.normalisation.offset.extend(npz["input_offset"].tolist())
        weights.normalisation.scale.extend(npz["input_scale"].tolist())
        weights.version = int(npz["version"])
        weights.agent_steps = int(npz["agent_steps"])
        for k in range(spec.ensemble_size):
            member = weights.members.add()
            for part in ("trained", "prior"):
                for l in range(len(spec.hidden_sizes) + 1):
                    w = npz[f"{part}_weights_{l}"][k]
                    layer = getattr(member, part).layers.add()
                    layer.out_features, layer.in_features = w.shape
                    layer.weights.extend(w.astype(np.float32).ravel().tolist())
                    layer.bias.extend(npz[f"{part}_bias_{l}"][k].astype(np.float32).tolist())
    return weights


def value_module(value, kappa=0.0):
    """`value` as a torch.nn.Module (ValueModule) evaluating eq. 6 at `kappa`."""
    import torch

    class Member(torch.nn.Module):
        """V_k = b + s * (f_k(z) + beta * p_k(z)) of one member."""

        def __init__(self, trained, prior, prior_scale: float, value_scale: float,
                     value_offset: float):
            super().__init__()
            self.trained = trained
            self.prior = prior
            self.prior_scale = prior_scale
            self.value_scale = value_scale
            self.value_offset = value_offset

        def forward(self, z):
            return self.value_offset + self.value_scale * (
                self.trained(z) + self.prior_scale * self.prior(z))

    class ValueModule(torch.nn.Module):
        """forward(features) -> eq. 6 at `kappa`, shape (batch,);
        members(features) -> V_k, shape (batch, K). float32 in and out."""

        def __init__(self, members, input_offset, input_scale, kappa: float):
            super().__init__()
            self.member_nets = torch.nn.ModuleList(members)
            self.register_buffer("input_offset", input_offset)
            self.register_buffer("input_scale", input_scale)
            self.register_buffer("ones", torch.ones(1, len(members)))
            self.kappa = kappa

        @torch.jit.export
        def members(self, features):
            z = (features - self.input_offset) * self.input_scale
            return torch.cat([m(z) for m in self.member_nets], dim=1)

        def forward(self, features):
            return self.column(features).reshape(-1)

        @torch.jit.export
        def column(self, features):
            """Eq. 6 as a (batch, 1) column: shapes of two dimensions all
            the way, which OpenCV's dnn needs."""
            v = self.members(features)
            if self.kappa == 0.0:
                return v.mean(dim=1, keepdim=True)
            # Shifted by the member that maximises kappa * V_k, so that no
            # exponent is positive. The shift is spread over the members by
            # a product with a row of ones instead of by broadcasting,
            # which OpenCV's dnn does not do between two inputs.
            if self.kappa > 0.0:
                ref = v.max(dim=1, keepdim=True).values
            else:
                ref = v.min(dim=1, keepdim=True).values
            shifted = v - torch.matmul(ref, self.ones)
            mean = torch.exp(self.kappa * shifted).mean(dim=1, keepdim=True)
            return ref + torch.log(mean) / self.kappa

    def mlp(layers):
        modules = []
        for l, layer in enumerate(layers):
            linear = torch.nn.Linear(layer.in_features, layer.out_features)
            with torch.no_grad():
                linear.weight.copy_(torch.tensor(
                    np.array(layer.weights, dtype=np.float32).reshape(
                        layer.out_features, layer.in_features)))
                linear.bias.copy_(torch.tensor(np.array(layer.bias, dtype=np.float32)))
            modules.append(linear)
            if l + 1 < len(layers):
                modules.append(torch.nn.ReLU() if value.activation == "relu" else torch.nn.Tanh())
        return torch.nn.Sequential(*modules)

    weights = value.weights
    members = [Member(mlp(m.trained.layers), mlp(m.prior.layers), value.prior_scale,
                      value.value_scale, value.value_offset) for m in weights.members]
    module = ValueModule(members, torch.tensor(value.input_offset, dtype=torch.float32),
                         torch.tensor(value.input_scale, dtype=torch.float32), float(kappa))
    module.eval()
    for p in module.parameters():
        p.requires_grad_(False)
    return module


def to_torchscript(value, path, kappa=0.0):
    """Writes `value` as a TorchScript module (torch.jit.script of
    value_module) that torch.jit.load and LibTorch's torch::jit::load read."""
    import torch
    torch.jit.script(value_module(value, kappa)).save(path)


def to_onnx(value, path, kappa=0.0):
    """Writes `value` as an ONNX model (opset 13): input "features"
    (batch, num_features) float32, outputs "value" (batch,) and "members"
    (batch, K); checked with onnx.checker."""
    import onnx
    import torch

    module = value_module(value, kappa)

    class Both(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.value = module

        def forward(self, features):
            return self.value(features), self.value.members(features)

    example = torch.zeros(2, value.num_features, dtype=torch.float32)
    torch.onnx.export(Both(), (example,), path, input_names=["features"],
                      output_names=["value", "members"], opset_version=13,
                      dynamic_axes={"features": {0: "batch"}, "value": {0: "batch"},
                                    "members": {0: "batch"}})
    onnx.checker.check_model(onnx.load(path))


FORMATS = {"onnx": to_onnx, "torchscript": to_torchscript, "npz": to_npz}


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="export",
        description="Writes a trained value ensemble (weights.pb) as ONNX, TorchScript or npz.",
        epilog="npz layout:\n" + NPZ_LAYOUT, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weights", required=True, help="an EnsembleWeights file (weights.pb)")
    parser.add_argument("--format", required=True, choices=sorted(FORMATS))
    parser.add_argument("--out", required=True, help="the file to write")
    parser.add_argument("--kappa", type=float, default=0.0,
                        help="onnx, torchscript: the optimism of the eq. 6 output (default 0, the "
                             "members' mean); npz holds no kappa")
    args = parser.parse_args(argv)
    if not math.isfinite(args.kappa):
        print(f"export: --kappa: is {args.kappa}, expected finite", file=sys.stderr)
        return 2
    try:
        value = Value.load(args.weights)
    except (OSError, ValueError) as e:
        print(f"export: --weights: {e}", file=sys.stderr)
        return 2
    if args.format != "npz":
        FORMATS[args.format](value, args.out, kappa=args.kappa)
    else:
        to_npz(value, args.out)
    print(f"export: wrote {args.out} ({args.format}, {value!r})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
