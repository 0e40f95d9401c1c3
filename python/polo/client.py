"""polo.Client: a running learner's status, progress, workers and weights over gRPC.

    client = polo.Client("localhost:50051")
    client.progress()["agent_steps"]
    value = client.weights()          # the latest weights, as a polo.Value

The same calls as `//server:cli` (server/cli_main.cc), with the same
security: TLS when `tls_ca` names the CA that signed the learner's
certificate, mutual TLS with `tls_cert` and `tls_key`, and the bearer token
of `token_file` on every call (README, "Running across machines
securely"). Dicts have the keys of the CLI's --json output (polo._messages).
Every failed call raises polo.LearnerError with the gRPC code and the
learner's message.

Thread-safety: one Client may be used from several threads (gRPC channels
and stubs are thread-safe).
"""

import time

import grpc

from polo._messages import to_dict
from polo._proto import polo_pb2, polo_pb2_grpc
from polo.value import Value

# rpc/channel.h kMaxMessageBytes: the learner's limit on every message.
_MAX_MESSAGE_BYTES = 64 * 1024 * 1024


class LearnerError(Exception):
    """A call the learner refused or could not answer.

    Attributes: method (e.g. "GetWeights"), code (a grpc.StatusCode, e.g.
    grpc.StatusCode.NOT_FOUND), code_name ("NOT_FOUND") and details (the
    learner's message, e.g. "version: 99 is not kept ...")."""

    def __init__(self, method, code, details):
        self.method = method
        self.code = code
        self.code_name = code.name if code is not None else "UNKNOWN"
        self.details = details or ""
        super().__init__(f"{method}: {self.code_name}: {self.details}")


def _read(path, what):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise ValueError(f"{what}: cannot read {path!r}: {e.strerror}") from None


def _read_token(path):
    """The token in `path`, with util/secrets.h ReadTokenFile's rules."""
    token = _read(path, "token_file").decode("utf-8", errors="replace").strip()
    if not token:
        raise ValueError(f"token_file: {path!r} is empty")
    if len(token) < 16:
        raise ValueError(f"token_file: the token in {path!r} has {len(token)} characters, "
                         "expected at least 16 (deploy/make_certs.sh writes 64)")
    if any(c.isspace() or not c.isprintable() for c in token):
        raise ValueError(f"token_file: {path!r} holds more than one token (expected one line of "
                         "printable characters without spaces)")
    return token


class Client:
    """A client of the learner at `address` ("host:port").

    tls_ca: the CA file that signed the learner's certificate (TLS on);
    tls_cert, tls_key: this client's certificate and key (mutual TLS; both
    or neither, and only with tls_ca); tls_server_name: the name to check in
    the learner's certificate instead of the address's host; token_file: a
    file holding the worker or admin token (checkpoint() needs the admin
    one); timeout_s: the deadline of each call (checkpoint: 120 s).

    Files are read when the client is made; ValueError names the argument
    of a missing, unreadable or malformed one. Making a client does not
    connect: a learner that is down shows as LearnerError UNAVAILABLE on the
    first call.
    """

    def __init__(self, address, *, tls_ca=None, tls_cert=None, tls_key=None, token_file=None,
                 tls_server_name=None, timeout_s=10.0):
        # rpc/channel.cc LearnerChannelArguments: the message limits, and
        # reconnecting within 2 s of a learner that comes (back) up, each
        # attempt (TCP and TLS handshakes) allowed 10 s.
        options = [("grpc.max_receive_message_length", _MAX_MESSAGE_BYTES),
                   ("grpc.max_send_message_length", _MAX_MESSAGE_BYTES),
                   ("grpc.max_reconnect_backoff_ms", 2000),
                   ("grpc.initial_reconnect_backoff_ms", 100),
                   ("grpc.min_reconnect_backoff_ms", 10000)]
        if (tls_cert is None) != (tls_key is None):
            missing = "tls_cert" if tls_cert is None else "tls_key"
            raise ValueError(f"{missing}: missing; a client certificate needs both tls_cert "
                             "and tls_key")
        if tls_ca is None:
            if tls_cert is not None or tls_server_name is not None:
                raise ValueError("tls_ca: missing; tls_cert, tls_key and tls_server_name need "
                                 "TLS, which needs the CA that signed the learner's certificate")
            self._channel = grpc.insecure_channel(address, options=options)
        else:
            credentials = grpc.ssl_channel_credentials(
                root_certificates=_read(tls_ca, "tls_ca"),
                private_key=_read(tls_key, "tls_key") if tls_key else None,
                certificate_chain=_read(tls_cert, "tls_cert") if tls_cert else None)
            if tls_server_name is not None:
                options.append(("grpc.ssl_target_name_override", tls_server_name))
            self._channel = grpc.secure_channel(address, credentials, options=options)
        self._metadata = ()
        if token_file is not None:
            self._metadata = (("authorization", "Bearer " + _read_token(token_file)),)
        self._stub = polo_pb2_grpc.LearnerStub(self._channel)
        # A watcher keeps a thread driving the channel's connection attempts
        # between calls. Without one, gRPC Python advances a connection only
        # while a call is in flight, and a call fails at once while the
        # channel is in backoff: a learner that comes up after the client
        # was made stayed unreachable over TLS for minutes (measured).
        self._channel.subscribe(self._on_state, try_to_connect=True)
        self._address = address
        self._timeout_s = float(timeout_s)

    @property
    def address(self):
        return self._address

    def _call(self, method, request, timeout_s=None):
        try:
            return getattr(self._stub, method)(
                request, timeout=self._timeout_s if timeout_s is None else timeout_s,
                metadata=self._metadata)
        except grpc.RpcError as e:
            raise LearnerError(method, e.code(), e.details()) from None

    def status(self):
        """The run: its config, run folder, phase, checkpoints (RunStatus)."""
        return to_dict(self._call("GetStatus", polo_pb2.StatusRequest()))

    def progress(self):
        """Agent steps, episodes, updates, rates, memory (Progress)."""
        return to_dict(self._call("GetProgress", polo_pb2.ProgressRequest()))

    def workers(self):
        """One dict per registered worker (ListWorkersResponse.workers)."""
        return to_dict(self._call("ListWorkers", polo_pb2.ListWorkersRequest()))["workers"]

    def watch(self, interval_s=2.0, count=None):
        """Yields progress() every `interval_s` seconds, `count` times (None:
        until the caller stops iterating)."""
        n = 0
        while count is None or n < count:
            if n > 0:
                time.sleep(interval_s)
            yield self.progress()
            n += 1

    def checkpoint(self):
        """Asks the learner to write a checkpoint now (admin token); returns
        {"path", "agent_steps", "weights_version"}."""
        return to_dict(self._call("Checkpoint", polo_pb2.CheckpointRequest(), timeout_s=120.0))

    def weights(self, version=None):
        """The latest weights (or exactly `version`, NOT_FOUND once the
        learner no longer keeps it) as a polo.Value."""
        request = polo_pb2.GetWeightsRequest()
        if version is None:
            request.latest = True
        else:
            request.version = int(version)
        return Value(self._call("GetWeights", request))

    def _on_state(self, state):
        """Connectivity changes: nothing to do, the subscription is what counts."""

    def close(self):
        self._channel.unsubscribe(self._on_state)
        self._channel.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return f"polo.Client({self._address!r})"
