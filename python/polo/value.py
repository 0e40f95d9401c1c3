"""polo.Value: a trained value ensemble, evaluated in NumPy as the C++ does.

Member k of the ensemble (proto/ensemble.proto, docs/design.md, "Value
ensemble") computes, for a raw feature row x,

    z      = (x - offset) * scale                      (double)
    V_k(x) = b + s * (f_k(z) + beta * p_k(z))          (double)

with f_k the trained and p_k the prior net, multilayer perceptrons run in
float32; the optimistic value (eq. 6) over the K members is

    V(x) = (1/kappa) * log((1/K) * sum_k exp(kappa * V_k(x))),

the members' mean at kappa = 0.

The numbers are the C++ ensemble's (learner/eigen_ensemble.cc evaluating
one state, as the planner's trace does): the nets run in float32 with each
output summed over its inputs in input order, one rounded multiply and one
rounded add per term (Eigen's matrix-vector kernel without FMA; inputs
summed in blocks of 16 from 128 inputs on, as it does), tanh is Eigen 3.4's
float approximation (a clamped rational function, the same on every
platform without FMA), the normalisation, the affine output map and eq. 6
(a shifted log-sum-exp with expm1/log1p from the C library) in double.
The python tests compare it with `//experiments:mpc --trace` to 1e-9
relative.

Thread-safety: a Value is immutable once made; its methods can be called
from any number of threads.
"""

import math

import numpy as np

from polo._proto import ensemble_pb2

_TANH = ensemble_pb2.EnsembleSpec.TANH
_RELU = ensemble_pb2.EnsembleSpec.RELU
_ACTIVATION_NAMES = {_TANH: "tanh", _RELU: "relu"}
_MAX_WIDTH = 65536
_MAX_ENSEMBLE_SIZE = 1024

# Eigen 3.4's float tanh (Eigen/src/Core/MathFunctionsImpl.h,
# generic_fast_tanh_float, the build without FMA): tanh(x) ~ p(x) / q(x) on
# x clamped to +-7.90531110763549805, x itself where |x| < 0.0004.
_F = np.float32
_TANH_CLAMP = _F(7.90531110763549805)
_TANH_TINY = _F(0.0004)
_TANH_ALPHA = [_F(c) for c in (  # x^13, x^11, ..., x^1 of p.
    -2.76076847742355e-16, 2.00018790482477e-13, -8.60467152213735e-11, 5.12229709037114e-08,
    1.48572235717979e-05, 6.37261928875436e-04, 4.89352455891786e-03)]
_TANH_BETA = [_F(c) for c in (  # x^6, x^4, x^2, x^0 of q.
    1.19825839466702e-06, 1.18534705686654e-04, 2.26843463243900e-03, 4.89352518554385e-03)]


def _tanh_float(a):
    """Eigen's float tanh of a float32 array, element for element."""
    x = np.maximum(np.minimum(a, _TANH_CLAMP), -_TANH_CLAMP)
    x2 = x * x
    p = x2 * _TANH_ALPHA[0] + _TANH_ALPHA[1]
    for alpha in _TANH_ALPHA[2:]:
        p = x2 * p + alpha
    p = x * p
    q = x2 * _TANH_BETA[0] + _TANH_BETA[1]
    for beta in _TANH_BETA[2:]:
        q = x2 * q + beta
    return np.where(np.abs(a) < _TANH_TINY, x, p / q)


def _dense(h, weights, bias, block):
    """h @ W^T + b per net in float32, each output summed over the inputs in
    order, `block` inputs at a time (each block from zero, then added to the
    running sum). h: (batch, nets, in) or (batch, 1, in) for an input every
    net shares; weights: (nets, out, in); bias: (nets, out)."""
    inputs = weights.shape[2]
    total = None
    for start in range(0, inputs, block):
        acc = h[:, :, start, None] * weights[None, :, :, start]
        for i in range(start + 1, min(start + block, inputs)):
            acc += h[:, :, i, None] * weights[None, :, :, i]
        total = acc if total is None else total + acc
    return total + bias[None]


class Value:
    """A value ensemble's weights, evaluated as the planner evaluates them.

    Make one with Value.load(path) (a weights.pb file: a learner checkpoint's
    or a run folder's), Value.from_bytes(data), Value.from_npz(path) (what
    `//tools:export --format=npz` writes), Value(weights) for a
    polo.EnsembleWeights message, or polo.Client.weights(). Raises
    ValueError naming the field if the weights are malformed (the checks of
    learner/ensemble_weights.cc, ValidateEnsembleWeights).
    """

    def __init__(self, weights):
        _validate(weights)
        spec = weights.spec
        self._weights = ensemble_pb2.EnsembleWeights()
        self._weights.CopyFrom(weights)
        self._num_features = spec.num_features
        self._ensemble_size = spec.ensemble_size
        self._hidden_sizes = tuple(spec.hidden_sizes)
        self._relu = spec.activation == _RELU
        self._prior_scale = float(spec.prior_scale)
        self._value_scale = float(spec.value_scale) if spec.HasField("value_scale") else 1.0
        self._value_offset = float(spec.value_offset) if spec.HasField("value_offset") else 0.0
        self._offset = np.array(weights.normalisation.offset, dtype=np.float64)
        self._scale = np.array(weights.normalisation.scale, dtype=np.float64)
        # Layer l of all 2K nets, trained then priors: (2K, out, in), (2K, out).
        self._layers = []
        for l in range(len(self._hidden_sizes) + 1):
            nets = [m.trained.layers[l] for m in weights.members]
            nets += [m.prior.layers[l] for m in weights.members]
            out, inputs = nets[0].out_features, nets[0].in_features
            w = np.array([np.array(n.weights, dtype=np.float32).reshape(out, inputs) for n in nets])
            b = np.array([np.array(n.bias, dtype=np.float32) for n in nets])
            self._layers.append((w, b))

    @classmethod
    def load(cls, path):
        """From an EnsembleWeights file (weights.pb)."""
        with open(path, "rb") as f:
            return cls.from_bytes(f.read(), source=str(path))

    @classmethod
    def from_bytes(cls, data, source="weights"):
        """From a serialised EnsembleWeights message."""
        weights = ensemble_pb2.EnsembleWeights()
        try:
            weights.ParseFromString(data)
        except Exception as e:  # google.protobuf.message.DecodeError
            raise ValueError(f"{source}: not a polo.EnsembleWeights binary proto ({e})") from None
        return cls(weights)

    @classmethod
    def from_npz(cls, path):
        """From the arrays `//tools:export --format=npz` wrote (polo.export)."""
        from polo import export  # Keeps the NumPy-only path free of torch.
        return cls(export.weights_from_npz(path))

    @property
    def weights(self):
        """A copy of the polo.EnsembleWeights message."""
        copy = ensemble_pb2.EnsembleWeights()
        copy.CopyFrom(self._weights)
        return copy

    @property
    def num_features(self):
        return self._num_features

    @property
    def ensemble_size(self):
        """K, the number of members."""
        return self._ensemble_size

    @property
    def hidden_sizes(self):
        return self._hidden_sizes

    @property
    def activation(self):
        """"tanh" or "relu"."""
        return "relu" if self._relu else "tanh"

    @property
    def prior_scale(self):
        """beta, the weight of each member's prior net."""
        return self._prior_scale

    @property
    def value_scale(self):
        """s, the nets' unit in return units."""
        return self._value_scale

    @property
    def value_offset(self):
        """b, the value of a state the nets know nothing about."""
        return self._value_offset

    @property
    def input_offset(self):
        """The normalisation z = (x - input_offset) * input_scale."""
        return self._offset.copy()

    @property
    def input_scale(self):
        return self._scale.copy()

    @property
    def version(self):
        """The weights version the learner stamped (0 = untrained)."""
        return self._weights.version

    @property
    def agent_steps(self):
        return self._weights.agent_steps

    def members(self, features):
        """V_k(x) of every member: shape (K,) for one feature row, (batch, K)
        for a (batch, num_features) array. Float64."""
        rows, single = self._rows(features)
        values = self._members(rows)
        return values[0] if single else values

    def value(self, features, kappa=0.0):
        """Eq. 6 at optimism `kappa` (finite; 0 = the members' mean): a float
        for one feature row, shape (batch,) for a (batch, num_features)
        array."""
        kappa = float(kappa)
        if not math.isfinite(kappa):
            raise ValueError(f"kappa: is {kappa}, expected finite")
        rows, single = self._rows(features)
        values = aggregate(self._members(rows), kappa)
        return float(values[0]) if single else values

    def _rows(self, features):
        x = np.asarray(features, dtype=np.float64)
        single = x.ndim == 1
        if single:
            x = x[None, :]
        if x.ndim != 2 or x.shape[1] != self._num_features:
            raise ValueError(f"features: have shape {np.shape(features)}, expected "
                             f"({self._num_features},) or (batch, {self._num_features})")
        return x, single

    def _members(self, x):
        h = ((x - self._offset) * self._scale).astype(np.float32)[:, None, :]
        last = len(self._layers) - 1
        for l, (w, b) in enumerate(self._layers):
            nets, out, inputs = w.shape
            # Eigen's matrix-vector kernel sums 128 inputs or more in blocks
            # of 16 (of 4 past 8000 stacked rows); the output layer (one row
            # per net) is a plain dot product.
            if l == last or inputs < 128:
                block = inputs
            else:
                block = 16 if nets * out * 4 < 32000 else 4
            h = _dense(h, w, b, block)
            if l < last:
                h = np.maximum(h, _F(0)) if self._relu else _tanh_float(h)
        k = self._ensemble_size
        trained = h[:, :k, 0].astype(np.float64)
        prior = h[:, k:, 0].astype(np.float64)
        return self._value_offset + self._value_scale * (trained + self._prior_scale * prior)

    def __repr__(self):
        return (f"polo.Value(version={self.version}, num_features={self._num_features}, "
                f"ensemble_size={self._ensemble_size}, hidden_sizes={list(self._hidden_sizes)}, "
                f"activation={self.activation!r})")


def aggregate(member_values, kappa):
    """Eq. 6 per row of a (batch, K) array of member values, as
    learner/eigen_ensemble.cc Aggregate computes it: the sum over members in
    order / K at kappa == 0, else ref + log1p(mean_k expm1(kappa (V_k -
    ref))) / kappa with ref the member maximising kappa * V_k."""
    v = np.asarray(member_values, dtype=np.float64)
    batch, k = v.shape
    out = np.empty(batch)
    for i in range(batch):
        row = [float(x) for x in v[i]]
        if kappa == 0.0:
            total = 0.0
            for x in row:
                total += x
            out[i] = total / k
            continue
        ref = max(row) if kappa > 0 else min(row)
        total = 0.0
        for x in row:
            total += math.expm1(kappa * (x - ref))
        out[i] = ref + math.log1p(total / k) / kappa
    return out


def _check_range(value, maximum, field):
    if not 0 < value <= maximum:
        raise ValueError(f"{field}: is {value}, expected in [1, {maximum}]")


def _check_values(values, size, field):
    if len(values) != size:
        raise ValueError(f"{field}: has {len(values)} values, expected {size}")
    array = np.asarray(values, dtype=np.float64)
    if not np.all(np.isfinite(array)):
        j = int(np.flatnonzero(~np.isfinite(array))[0])
        raise ValueError(f"{field}[{j}]: is {array[j]}, expected a finite value")


def _validate(weights):
    """The checks of learner/ensemble_weights.cc ValidateEnsembleWeights,
    with its messages."""
    spec = weights.spec
    _check_range(spec.num_features, _MAX_WIDTH, "spec.num_features")
    _check_range(spec.ensemble_size, _MAX_ENSEMBLE_SIZE, "spec.ensemble_size")
    for l, width in enumerate(spec.hidden_sizes):
        _check_range(width, _MAX_WIDTH, f"spec.hidden_sizes[{l}]")
    if spec.activation not in _ACTIVATION_NAMES:
        raise ValueError(f"spec.activation: is {spec.activation}, expected TANH or RELU")
    if not (math.isfinite(spec.prior_scale) and spec.prior_scale >= 0):
        raise ValueError(f"spec.prior_scale: is {spec.prior_scale}, expected finite and >= 0")
    if spec.HasField("value_scale") and not (math.isfinite(spec.value_scale)
                                             and spec.value_scale > 0):
        raise ValueError(f"spec.value_scale: is {spec.value_scale}, expected finite and > 0")
    if not math.isfinite(spec.value_offset):
        raise ValueError(f"spec.value_offset: is {spec.value_offset}, expected finite")
    _check_values(weights.normalisation.offset, spec.num_features, "normalisation.offset")
    _check_values(weights.normalisation.scale, spec.num_features, "normalisation.scale")
    if len(weights.members) != spec.ensemble_size:
        raise ValueError(f"members: has {len(weights.members)} values, "
                         f"expected {spec.ensemble_size}")
    widths = [spec.num_features] + list(spec.hidden_sizes) + [1]
    for k, member in enumerate(weights.members):
        for part, mlp in (("trained", member.trained), ("prior", member.prior)):
            field = f"members[{k}].{part}"
            if len(mlp.layers) != len(widths) - 1:
                raise ValueError(f"{field}.layers: has {len(mlp.layers)} layers, "
                                 f"expected {len(widths) - 1}")
            for l, layer in enumerate(mlp.layers):
                name = f"{field}.layers[{l}]"
                if layer.in_features != widths[l]:
                    raise ValueError(f"{name}.in_features: is {layer.in_features}, "
                                     f"expected {widths[l]}")
                if layer.out_features != widths[l + 1]:
                    raise ValueError(f"{name}.out_features: is {layer.out_features}, "
                                     f"expected {widths[l + 1]}")
                _check_values(layer.weights, widths[l] * widths[l + 1], f"{name}.weights")
                _check_values(layer.bias, widths[l + 1], f"{name}.bias")
