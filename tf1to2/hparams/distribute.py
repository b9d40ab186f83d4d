"""Hyperparameters of the scale-out pairs (data_parallel, multi_worker)."""
import dataclasses


@dataclasses.dataclass(frozen=True)
class DataParallel:
    """The MNIST MLP (tf1_style/tf2_style mlp) trained data-parallel on two replicas.

    SGD, not Adam: an SGD step is linear in the gradient, so the all-reduce's different order of
    summation shows as a few ulps and no more; Adam divides by sqrt(v) + epsilon and amplifies
    those ulps where v is tiny (PITFALLS #8), which would blur the 2x planted mistakes.
    """
    replicas: int = 2
    global_batch_size: int = 50   # the mlp's batch, split 25 + 25 across the replicas
    learning_rate: float = 0.1
    steps: int = 10


@dataclasses.dataclass(frozen=True)
class MultiWorker(DataParallel):
    steps: int = 5                # every step is a round trip between processes
    # A worker still running after this is killed and the run fails. Generous: on 2 cores shared
    # with other jobs (load average 10) importing TensorFlow alone took a worker 30-85 s.
    timeout_seconds: float = 300.0
    train_steps: int = 40         # the main job (`tf1to2 compare multi_worker --train`)


DATA_PARALLEL = DataParallel()
MULTI_WORKER = MultiWorker()
