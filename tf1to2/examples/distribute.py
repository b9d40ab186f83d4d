"""Registry entries: distribute pairs (issue 15: scale-out, proven equal to one device)."""
from tf1to2 import tolerances as tol
from tf1to2.examples.example import Example
from tf1to2.hparams.distribute import MULTI_WORKER
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
    Example(
        "multi_worker",
        "The MNIST MLP across two worker processes on 127.0.0.1: TF1 between-graph replication "
        "(a ps task, replica_device_setter, SyncReplicasOptimizer) vs MultiWorkerMirroredStrategy "
        "with TF_CONFIG; SGD 0.1, global batch 50, each worker its rows i::2.",
        "TF1 'Distributed TensorFlow' how-to and tools/dist_test mnist_replica.py; TF tutorial "
        "'Custom training loop with Keras and MultiWorkerMirroredStrategy'", "seed",
        MULTI_WORKER.steps, tolerances=_REPLICAS, book="idioms",
        train_job="tf1to2.jobs.distribute:multi_worker",
        # Five fresh processes per comparison, each importing TensorFlow (11 s here): 69 s at a
        # load average of 3-4, too long for `tf1to2 compare --all`'s two minutes.
        heavy=True),
]
