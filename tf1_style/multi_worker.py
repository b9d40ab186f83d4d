"""The MNIST MLP trained across two worker processes, TF1 between-graph replication style.

Source: TF1's distributed training recipe ("Distributed TensorFlow" how-to, `mnist_replica.py`
of tensorflow/tools/dist_test): one `tf.train.Server` per task of a `ClusterSpec` (a parameter
server and two workers), the variables placed on the ps by `tf.train.replica_device_setter`,
synchronous updates through `tf.train.SyncReplicasOptimizer`, applied to the handbook's MNIST MLP
(`tf1_style/mlp.py`, whose model and loss are imported, not copied). Every task is a process on
127.0.0.1 that reads its cluster and its own role from `TF_CONFIG`; each worker builds its own
graph (between-graph replication), takes rows i, i + 2, ... of each global batch of 50 and sends
the gradient of ITS mean loss; the optimizer waits for both, applies their mean once by SGD and
releases the workers for the next step.

What changes in TF2:
- the ps task, `replica_device_setter` and `SyncReplicasOptimizer` become
  `tf.distribute.MultiWorkerMirroredStrategy`: every worker holds a copy of the variables
  (created under `strategy.scope()`) and `apply_gradients` all-reduces (sums) the gradients
  between the workers; there is no ps and no token queue;
- because the gradients are summed, not averaged, the loss must be divided by the GLOBAL batch
  size (`tf.nn.compute_average_loss`), not averaged over the worker's own shard;
- feeding each worker its rows by hand becomes `strategy.distribute_datasets_from_function`,
  whose input context tells each worker its shard and its per-replica batch size;
- the chief's initialisation, token queue and queue runner (what `MonitoredTrainingSession`
  and the optimizer's session hook do) disappear: variables are created and broadcast in place.
"""
import tensorflow.compat.v1 as tf

import json
import os
import random
import tempfile
import time

import numpy as np

from tf1_style.mlp import build_accuracy, build_model, compute_loss, evaluate
from tf1to2 import cluster, data, hparams
from tf1to2.harness import Trace
from tf1to2.hparams.distribute import MULTI_WORKER as HP

MNIST = hparams.MNIST_TRAINING


def replica_loss(images, labels):
    """One worker: the mlp's model and its mean loss on this worker's shard of the batch."""
    logits = build_model(images)
    return compute_loss(labels, logits), logits


def build_strategy():
    """This task's server and the device function of its graph, from TF_CONFIG."""
    config = json.loads(os.environ["TF_CONFIG"])
    spec, task = tf.train.ClusterSpec(config["cluster"]), config["task"]
    server = tf.train.Server(spec, job_name=task["type"], task_index=task["index"])
    device = tf.train.replica_device_setter(  # variables on the ps, everything else here
        cluster=spec, worker_device=f"/job:worker/task:{task['index']}")
    return server, device, task, spec.num_tasks("worker")


def build_optimizer(workers):
    """SGD whose update waits for every worker's gradient and applies their MEAN."""
    return tf.train.SyncReplicasOptimizer(
        tf.train.GradientDescentOptimizer(learning_rate=HP.learning_rate),
        replicas_to_aggregate=workers, total_num_replicas=workers)


def distribute(images, labels, workers, index):
    """This worker's shard of global batches: rows index, index + workers, ..."""
    return images[index::workers], labels[index::workers]


def _start(sess, optimizer, is_chief, init_op, num_tokens=0):
    """What `optimizer.make_session_run_hook(is_chief, num_tokens=0)` and
    `MonitoredTrainingSession` do, without their 30 s polls and their join at exit."""
    if is_chief:
        sess.run(init_op)
        sess.run(optimizer.chief_init_op)
        # No initial tokens: every worker's first step waits for the first update. The default
        # (replicas_to_aggregate tokens) lets each worker take its first step before it, so its
        # next gradient is stale; here the workers' steps stopped pairing up and the run hung.
        sess.run(optimizer.get_init_tokens_op(num_tokens))
        optimizer.get_chief_queue_runner().create_threads(sess, daemon=True, start=True)
    else:  # wait until the chief has initialised the variables on the ps
        while len(sess.run(optimizer.ready_for_local_init_op)):
            time.sleep(0.05)
        sess.run(optimizer.local_step_init_op)


def train_worker(seed, steps, initial_values=None):
    """One task of the cluster: the ps serves the variables; a worker trains on its shard."""
    server, device, task, workers = build_strategy()
    if task["type"] == "ps":
        server.join()  # serves until the process is killed
    index = task["index"]
    mnist = data.mnist(MNIST.check_data_source)
    images, labels = distribute(*next(mnist.random_batches(HP.global_batch_size, 1, seed)),
                                workers, index)
    random.seed(seed)
    with tf.Graph().as_default(), tf.device(device):
        images_ = tf.placeholder(tf.float32, [None, 28, 28, 1], name="images")
        labels_ = tf.placeholder(tf.int32, [None], name="labels")
        loss, logits = replica_loss(images_, labels_)
        optimizer = build_optimizer(workers)
        gradients = optimizer.compute_gradients(loss)
        train_op = optimizer.apply_gradients(gradients,
                                             global_step=tf.train.get_or_create_global_step())
        accuracy = build_accuracy(labels_, logits)
        variables = {v.op.name: v for v in tf.trainable_variables()}
        init_op = tf.global_variables_initializer() if initial_values is None else tf.group(
            tf.variables_initializer([v for v in tf.global_variables()
                                      if v.op.name not in variables]),
            *[variable.assign(initial_values[name]) for name, variable in variables.items()])
        # The device filters let a worker start without waiting for the other worker.
        sess = tf.Session(server.target, config=tf.ConfigProto(
            device_filters=["/job:ps", f"/job:worker/task:{index}"]))
        _start(sess, optimizer, index == 0, init_op)
        feed_dict = {images_: images, labels_: labels}
        result = Trace(variables=sess.run(variables),
                       outputs={"logits": sess.run(logits, feed_dict)},
                       loss={"loss": sess.run(loss, feed_dict)},
                       gradients=sess.run({v.op.name: g for g, v in gradients}, feed_dict))
        start = time.perf_counter()
        for batch in mnist.random_batches(HP.global_batch_size, steps, seed):
            batch_images, batch_labels = distribute(*batch, workers, index)
            # It returns once both workers' gradients were averaged and applied.
            step_loss, _ = sess.run([loss, train_op],
                                    {images_: batch_images, labels_: batch_labels})
            result.record_step(step_loss, sess.run(variables))
        result.metrics["seconds_per_step"] = (time.perf_counter() - start) / max(steps, 1)
        if index == 0:
            result.metrics["eval_accuracy"] = evaluate(sess, accuracy, mnist.eval_images,
                                                       mnist.eval_labels)
    # No sess.close(): the chief queue runner's thread stays blocked in the gradient
    # accumulators and closing would wait for it; the worker process leaves with os._exit.
    return result


def run_cluster(seed, steps, initial_values=None, workers=HP.replicas):
    """Start a ps and ``workers`` worker processes on 127.0.0.1; the run as one device sees it.

    The workers' shards are put back together: logits in worker order, the loss and the
    gradients as the mean SyncReplicasOptimizer applies, each step's loss as the workers' mean.
    """
    jobs = cluster.local_cluster(ps=1, worker=workers)
    tasks = {f"{job}{index}": ({"seed": seed, "steps": steps, "initial_values": initial_values},
                               cluster.tf_config(jobs, job, index))
             for job in jobs for index in range(len(jobs[job]))}
    with tempfile.TemporaryDirectory(prefix="tf1to2-") as directory:
        results = cluster.run_workers(__name__, "train_worker", tasks, HP.timeout_seconds,
                                      directory, daemons=("ps0",))
    shards = [results[f"worker{index}"] for index in range(workers)]
    chief = shards[0]
    mean = lambda values: np.mean(values, axis=0, dtype=np.float32)  # noqa: E731
    trace = Trace(variables=chief.variables,
                  outputs={"logits": np.concatenate([s.outputs["logits"] for s in shards])},
                  loss={"loss": mean([s.loss["loss"] for s in shards])},
                  gradients={name: mean([s.gradients[name] for s in shards])
                             for name in chief.gradients},
                  losses=[float(mean(losses)) for losses in zip(*[s.losses for s in shards])],
                  trajectory=chief.trajectory,
                  metrics={"eval_accuracy": chief.metrics["eval_accuracy"]})
    return trace, chief.metrics["seconds_per_step"]


def trace(seed=0, steps=HP.steps, initial_values=None):
    return run_cluster(seed, steps, initial_values)[0]


cluster.remember(__name__, globals())
