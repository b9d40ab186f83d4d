"""Registry entries: distribute pairs (issue 15: scale-out, proven equal to one device)."""
from tf1to2 import tolerances as tol
from tf1to2.examples.example import Example
from tf1to2.tolerances import distribute as dtol

_REPLICAS = {"outputs": dtol.REPLICA_SGD, "loss": dtol.REPLICA_SGD,
             "gradients": dtol.REPLICA_SGD, "losses": dtol.REPLICA_SGD,
             "trajectory": dtol.REPLICA_SGD, "metrics": tol.EVAL_ACCURACY}

EXAMPLES = [
    Example(
        "data_parallel",
        "The MNIST MLP on two devices: TF1 towers with shared variables and averaged gradients vs "
        "MirroredStrategy with the loss scaled by the global batch; SGD 0.1, global batch 50.",
        "tensorflow/models cifar10_multi_gpu_train.py towers; TF tutorial 'Custom training with "
        "tf.distribute.Strategy'", "seed", 10, tolerances=_REPLICAS, book="idioms"),
]
