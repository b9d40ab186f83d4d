"""multi_worker: TF1 ps + SyncReplicasOptimizer vs MultiWorkerMirroredStrategy, across processes.

Every comparison starts real processes on 127.0.0.1 (a ps and two workers for TF1, two workers
for TF2), each bounded by HP.timeout_seconds: a dead or hung worker fails the test with its log.
The planted losses are data_parallel's (the same global batch of 50 over two replicas); the
workers that unpickle them import test_data_parallel, whose modules cannot split a worker's CPU
(tf1to2.cluster initialises a worker's devices first).
"""
import json
import os
import tempfile
from unittest import mock

import keras

import numpy as np
import pytest
import tensorflow as tf

from equivalence_tests.test_data_parallel import (per_replica_batch_as_global,
                                                  replica_mean_loss, single_device)
from tf1to2 import cluster, data, harness, testing
from tf1to2.tolerances import distribute as dtol
from tf1_style import multi_worker as tf1_multi_worker
from tf2_style import mlp as tf2_mlp
from tf2_style import multi_worker as tf2_multi_worker

HP = tf2_multi_worker.HP
# The sides concatenate the workers' logits in worker order: worker i holds rows i, i + 2, ...
WORKER_ORDER = np.r_[0:HP.global_batch_size:2, 1:HP.global_batch_size:2]


def contiguous_halves(strategy, images, labels):
    """Worker i reads the i-th contiguous half of each global batch, not rows i::2 as TF1."""
    def dataset_fn(context):
        per_worker = context.get_per_replica_batch_size(HP.global_batch_size)
        first = context.input_pipeline_id * per_worker
        return tf.data.Dataset.from_tensor_slices((images, labels)).batch(
            HP.global_batch_size).map(lambda x, y: (x[first:first + per_worker],
                                                    y[first:first + per_worker]))
    return strategy.distribute_datasets_from_function(dataset_fn)


def same_shard_everywhere(strategy, images, labels):
    """Every worker reads shard 0 (its index ignored): half the data, twice."""
    def dataset_fn(context):
        return tf.data.Dataset.from_tensor_slices((images, labels)).shard(
            context.num_input_pipelines, 0).batch(
            context.get_per_replica_batch_size(HP.global_batch_size))
    return strategy.distribute_datasets_from_function(dataset_fn)


def parameter_server_task(seed=0, steps=HP.steps):
    """One task of a ParameterServerStrategy cluster, the direct successor of the TF1 ps pattern:
    the chief coordinates and returns the step losses and final weights; workers and the ps
    serve. ``coordinator.join()`` after every step: a step runs on ONE worker with the whole
    global batch, so the run is sequential and equals one device (without the join the steps
    would run asynchronously, on stale variables, as TF1 ps training without
    SyncReplicasOptimizer did)."""
    config = json.loads(os.environ["TF_CONFIG"])
    spec, task = tf.train.ClusterSpec(config["cluster"]), config["task"]
    if task["type"] != "chief":
        tf.distribute.Server(spec, job_name=task["type"], task_index=task["index"],
                             protocol="grpc", start=True).join()
    strategy = tf.distribute.ParameterServerStrategy(
        tf.distribute.cluster_resolver.SimpleClusterResolver(spec, rpc_layer="grpc",
                                                              task_type="chief", task_id=0))
    coordinator = tf.distribute.coordinator.ClusterCoordinator(strategy)
    mnist = data.mnist("bundled")
    images, _ = next(mnist.random_batches(HP.global_batch_size, 1, seed))
    keras.utils.set_random_seed(seed)
    with strategy.scope():  # variables on the ps
        model = tf2_mlp.build_model(images[:1])
        optimizer = tf2_multi_worker.build_optimizer()

    @tf.function
    def train_step(images, labels):
        def step(images, labels):
            with tf.GradientTape() as tape:
                loss = tf2_multi_worker.replica_loss(labels, model(images))
            optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables),
                                          model.trainable_variables))
            return loss
        return strategy.run(step, args=(images, labels))

    losses = []
    for batch_images, batch_labels in mnist.random_batches(HP.global_batch_size, steps, seed):
        loss = coordinator.schedule(train_step, args=(tf.constant(batch_images),
                                                      tf.constant(batch_labels)))
        coordinator.join()
        losses.append(float(loss.fetch()))
    return losses, {name: v.numpy() for name, v in tf2_mlp.tf1_names(model).items()}


def default_tokens_start(sess, optimizer, is_chief, init_op, num_tokens=0):
    """The TF1 start with SyncReplicasOptimizer's default tokens (get_init_tokens_op(-1))."""
    return _START(sess, optimizer, is_chief, init_op, num_tokens=-1)


_START = tf1_multi_worker._start  # as imported, before any patch (workers import this module)


def crash(seed, steps, initial_values=None):
    """A worker that dies."""
    raise SystemExit(3)


def hang(seed, steps, initial_values=None):
    import time
    time.sleep(3600)


class MultiWorkerTest(testing.EquivalenceTest):
    EXAMPLE = "multi_worker"
    QUANTITIES = ("variables", "outputs", "loss", "gradients", "losses", "trajectory", "metrics")
    SLOW_SEEDS = True  # every comparison starts five processes: seeds 1 and 2 run with -m slow

    def test_both_sides_equal_one_device(self):
        # The reference of data_parallel: the mlp on ONE device, the whole global batch, SGD.
        reference = single_device(0, HP.steps)
        reference.outputs["logits"] = reference.outputs["logits"][WORKER_ORDER]
        report = self.report(0)
        for side in (report.tf1, report.tf2):
            for quantity in ("outputs", "loss", "gradients", "losses", "trajectory"):
                check = harness.compare_values(quantity, getattr(reference, quantity),
                                               getattr(side, quantity), dtol.REPLICA_SGD)
                self.assertTrue(check.ok, f"{quantity}: {check.max_abs_diff}")

    def test_planted_loss_not_scaled_by_global_batch_is_caught(self):
        """PITFALLS #45: the strategy sums the workers' gradients."""
        report = self.assert_caught("gradients", replica_loss=replica_mean_loss)
        tf1, tf2 = report.tf1.gradients, report.tf2.gradients
        np.testing.assert_allclose(tf2["dense_1/bias"], 2 * tf1["dense_1/bias"], atol=1e-6)

    @pytest.mark.slow
    def test_planted_per_replica_batch_as_global_is_caught(self):
        """PITFALLS #45: the per-worker batch given as the global one."""
        report = self.assert_caught("gradients", replica_loss=per_replica_batch_as_global)
        self.assertFalse(report.check("trajectory").ok)

    def test_planted_worker_reads_another_shard_order_is_caught(self):
        """PITFALLS #47: only the per-worker outputs see another split of the same batch."""
        # Contiguous halves instead of rows i::2: the same 50 examples, so the mean gradient and
        # every step agree; only what each worker computed on its own rows (its logits) differs.
        report = self.assert_caught("outputs", distribute=contiguous_halves)
        self.assertTrue(report.check("gradients").ok)

    @pytest.mark.slow
    def test_planted_every_worker_reads_the_same_shard_is_caught(self):
        report = self.assert_caught("gradients", distribute=same_shard_everywhere)
        self.assertFalse(report.check("losses").ok)

    @pytest.mark.slow
    def test_planted_sync_replicas_default_tokens_is_caught(self):
        """PITFALLS #46: SyncReplicasOptimizer's default initial tokens."""
        # SyncReplicasOptimizer's default get_init_tokens_op() puts replicas_to_aggregate tokens
        # in the queue: each worker's first step returns before the first update, its next
        # gradient is computed on stale variables, and the workers' steps no longer pair up.
        # Measured: a worker still waiting for its token after 300 s (killed by the time bound).
        with mock.patch.object(tf1_multi_worker, "_start", default_tokens_start):
            report = harness.compare(self.EXAMPLE, seed=0)
        self.assertFalse(report.equivalent, report.table())

    @pytest.mark.slow
    def test_parameter_server_strategy_equals_one_device(self):
        jobs = cluster.local_cluster(chief=1, worker=2, ps=1)
        tasks = {f"{job}{index}": ({"seed": 0, "steps": HP.steps},
                                   cluster.tf_config(jobs, job, index))
                 for job in jobs for index in range(len(jobs[job]))}
        with tempfile.TemporaryDirectory() as directory:
            losses, weights = cluster.run_workers(
                __name__, "parameter_server_task", tasks, HP.timeout_seconds, directory,
                daemons=("worker0", "worker1", "ps0"))["chief0"]
        reference = single_device(0, HP.steps)
        for quantity, expected, actual in (("losses", reference.losses, losses),
                                           ("weights", reference.trajectory[-1], weights)):
            check = harness.compare_values(quantity, expected, actual, dtol.REPLICA_SGD)
            self.assertTrue(check.ok, f"{quantity}: {check.max_abs_diff}")

    def test_a_dead_worker_fails_with_its_log(self):
        jobs = cluster.local_cluster(worker=1)
        tasks = {"worker0": ({"seed": 0, "steps": 1}, cluster.tf_config(jobs, "worker", 0))}
        with tempfile.TemporaryDirectory() as directory, \
                mock.patch.object(tf2_multi_worker, "train_worker", crash):
            with self.assertRaisesRegex(cluster.WorkerError,
                                        "worker0 exited with code 3; the last .* its log"):
                cluster.run_workers(tf2_multi_worker.__name__, "train_worker", tasks,
                                    HP.timeout_seconds, directory)

    def test_a_hung_worker_is_killed_at_its_time_bound(self):
        jobs = cluster.local_cluster(worker=1)
        tasks = {"worker0": ({"seed": 0, "steps": 1}, cluster.tf_config(jobs, "worker", 0))}
        with tempfile.TemporaryDirectory() as directory, \
                mock.patch.object(tf2_multi_worker, "train_worker", hang):
            with self.assertRaisesRegex(cluster.WorkerError, "still running after 5 s"):
                cluster.run_workers(tf2_multi_worker.__name__, "train_worker", tasks, 5,
                                    directory)
