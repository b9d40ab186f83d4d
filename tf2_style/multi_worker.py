"""The MNIST MLP trained across two worker processes, TF2 style (MultiWorkerMirroredStrategy).

Source: TF1's distributed training recipe (`mnist_replica.py`: a ps, two workers,
`replica_device_setter`, `SyncReplicasOptimizer`) migrated as TensorFlow's "Custom training loop
with Keras and MultiWorkerMirroredStrategy" tutorial does, applied to the handbook's MNIST MLP
(`tf2_style/mlp.py`, whose model is imported, not copied). Every worker is a process on
127.0.0.1 that reads its cluster and its own role from `TF_CONFIG`; each builds the same model,
takes rows i, i + 2, ... of each global batch of 50, and the strategy all-reduces the gradients
between the workers before one SGD update on every copy.

What changed from TF1:
- the ps task, `replica_device_setter` and `SyncReplicasOptimizer` became
  `tf.distribute.MultiWorkerMirroredStrategy`: every worker holds a copy of the variables
  (created under `strategy.scope()`) and `apply_gradients` all-reduces (sums) the gradients
  between the workers; there is no ps and no token queue;
- because the gradients are summed, not averaged, the loss must be divided by the GLOBAL batch
  size (`tf.nn.compute_average_loss`), not averaged over the worker's own shard;
- feeding each worker its rows by hand became `strategy.distribute_datasets_from_function`,
  whose input context tells each worker its shard and its per-replica batch size;
- the chief's initialisation, token queue and queue runner (what `MonitoredTrainingSession`
  and the optimizer's session hook did) disappeared: variables are created and broadcast in place.
"""
import keras
import tensorflow as tf

import json
import os
import tempfile
import time

import numpy as np

from tf2_style.mlp import build_accuracy, build_model, evaluate, tf1_names
from tf1to2 import cluster, data, hparams, mapping
from tf1to2.harness import Trace
from tf1to2.hparams.distribute import MULTI_WORKER as HP

MNIST = hparams.MNIST_TRAINING


def replica_loss(labels, logits):
    """The worker's share of the global mean loss: sum over its examples / GLOBAL batch size."""
    per_example = keras.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True)
    return tf.nn.compute_average_loss(per_example, global_batch_size=HP.global_batch_size)


def build_strategy():
    """The strategy of this worker: the cluster and this task come from TF_CONFIG."""
    task = json.loads(os.environ["TF_CONFIG"])["task"]
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    return strategy, task, strategy.num_replicas_in_sync


def build_optimizer():
    return keras.optimizers.SGD(learning_rate=HP.learning_rate)


def distribute(strategy, images, labels):
    """Global batches, one after the other -> each worker's rows index, index + workers, ..."""
    def dataset_fn(context):
        dataset = tf.data.Dataset.from_tensor_slices((images, labels))
        return dataset.shard(context.num_input_pipelines, context.input_pipeline_id).batch(
            context.get_per_replica_batch_size(HP.global_batch_size))
    return strategy.distribute_datasets_from_function(dataset_fn)


def train_worker(seed, steps, initial_values=None):
    """One worker of the cluster: it trains its copy of the model on its shard."""
    strategy, task, workers = build_strategy()
    mnist = data.mnist(MNIST.check_data_source)
    images, labels = next(mnist.random_batches(HP.global_batch_size, 1, seed))
    keras.utils.set_random_seed(seed)
    with strategy.scope():  # variables (model and optimizer slots) are mirrored on each worker
        model = build_model(images[:1])
        optimizer = build_optimizer()
    variables = tf1_names(model)
    accuracy = build_accuracy()

    def forward(images, labels):
        with tf.GradientTape() as tape:
            logits = model(images)
            loss = replica_loss(labels, logits)
        return loss, logits, tape.gradient(loss, model.trainable_variables)

    def step(images, labels):
        loss, _, gradients = forward(images, labels)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))  # all-reduce SUM
        return loss

    @tf.function
    def train_step(batch):
        return strategy.reduce("SUM", strategy.run(step, args=batch), axis=None)

    @tf.function
    def check(batch):
        loss, logits, gradients = strategy.run(forward, args=batch)
        return (strategy.reduce("SUM", loss, axis=None), strategy.gather(logits, axis=0),
                [strategy.reduce("SUM", gradient, axis=None) for gradient in gradients])

    if initial_values is not None:
        mapping.assign(variables, initial_values)
    loss, logits, gradients = check(next(iter(distribute(strategy, images, labels))))
    result = Trace(variables=mapping.read(variables), outputs={"logits": logits.numpy()},
                   loss={"loss": loss.numpy()},
                   gradients=mapping.gradients_by_tf1_name(
                       variables, model.trainable_variables, gradients))
    batches = list(mnist.random_batches(HP.global_batch_size, steps, seed))
    dataset = iter(distribute(strategy, *[np.concatenate(part) for part in zip(*batches)])
                   if batches else ())
    start = time.perf_counter()
    for _ in batches:
        step_loss = train_step(next(dataset))
        result.record_step(step_loss, mapping.read(variables))
    result.metrics["seconds_per_step"] = (time.perf_counter() - start) / max(steps, 1)
    if task["index"] == 0:
        result.metrics["eval_accuracy"] = evaluate(model, accuracy, mnist.eval_images,
                                                   mnist.eval_labels)
    return result


def run_cluster(seed, steps, initial_values=None, workers=HP.replicas):
    """Start ``workers`` worker processes on 127.0.0.1; the run as one device sees it.

    Every worker holds the all-reduced loss and gradients and the gathered logits: the chief's
    result is the run's.
    """
    jobs = cluster.local_cluster(worker=workers)
    tasks = {f"{job}{index}": ({"seed": seed, "steps": steps, "initial_values": initial_values},
                               cluster.tf_config(jobs, job, index))
             for job in jobs for index in range(len(jobs[job]))}
    with tempfile.TemporaryDirectory(prefix="tf1to2-") as directory:
        results = cluster.run_workers(__name__, "train_worker", tasks, HP.timeout_seconds,
                                      directory)
    chief = results["worker0"]
    trace = Trace(variables=chief.variables, outputs=chief.outputs, loss=chief.loss,
                  gradients=chief.gradients, losses=chief.losses, trajectory=chief.trajectory,
                  metrics={"eval_accuracy": chief.metrics["eval_accuracy"]})
    return trace, chief.metrics["seconds_per_step"]


def trace(seed=0, steps=HP.steps, initial_values=None):
    return run_cluster(seed, steps, initial_values)[0]


cluster.remember(__name__, globals())
