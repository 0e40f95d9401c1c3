"""POLO from Python: a running learner, trained values and run folders.

    import polo
    client = polo.Client("localhost:50051")       # polo.client
    client.progress()["agent_steps"]
    value = client.weights()                       # or polo.Value.load("weights.pb")
    value.value(features, kappa=1.0)               # eq. 6, the C++ ensemble's numbers
    run = polo.read_run("runs/maze")               # episodes and metrics, lists of dicts

polo.export (torch, onnx) writes values as ONNX, TorchScript or npz; it is
imported only on use. python/README.md has the details.
"""

from polo.client import Client, LearnerError
from polo.run import Run, read_run
from polo.value import Value

__all__ = ["Client", "LearnerError", "Run", "Value", "read_run"]
