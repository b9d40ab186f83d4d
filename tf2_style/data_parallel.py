"""The MNIST MLP trained data-parallel on two devices, TF2 style (tf.distribute, Keras 3).

Source: the TF1 multi-GPU tower pattern (tensorflow/models `tutorials/image/cifar10/
cifar10_multi_gpu_train.py`) migrated as TensorFlow's "Custom training with tf.distribute.Strategy"
tutorial does, applied to the handbook's MNIST MLP (`tf2_style/mlp.py`, whose model is imported,
not copied). Each global batch of 50 is split in two by the strategy; each replica (two logical
CPU devices stand in for two GPUs) runs the step on its half; the gradients are all-reduced and
applied once by SGD.

What changed from TF1:
- the towers, `reuse_variables()` and `average_gradients` became `tf.distribute.MirroredStrategy`:
  variables created under `strategy.scope()` are mirrored, `strategy.run` runs the step on each
  replica and `apply_gradients` all-reduces (sums) the gradients;
- because the gradients are summed, not averaged, the loss must be divided by the GLOBAL batch
  size (`tf.nn.compute_average_loss`), not averaged over the replica's own batch;
- splitting the batch by hand became `strategy.experimental_distribute_dataset` of a dataset
  batched by the global batch size.
"""
import keras
import tensorflow as tf

from tf2_style.mlp import build_accuracy, build_model, evaluate, tf1_names
from tf1to2 import cluster, data, hparams, mapping
from tf1to2.harness import Trace
from tf1to2.hparams.distribute import DATA_PARALLEL as HP

MNIST = hparams.MNIST_TRAINING
TWO_DEVICES = cluster.two_cpus()  # before TensorFlow initialises its devices, or never


def replica_loss(labels, logits):
    """The replica's share of the global mean loss: sum over its examples / GLOBAL batch size."""
    per_example = keras.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True)
    return tf.nn.compute_average_loss(per_example, global_batch_size=HP.global_batch_size)


def build_strategy():
    return tf.distribute.MirroredStrategy([f"/cpu:{i}" for i in range(HP.replicas)])


def build_optimizer():
    return keras.optimizers.SGD(learning_rate=HP.learning_rate)


def distribute(strategy, images, labels):
    """Global batches -> per-replica batches (replica i gets the i-th slice of each)."""
    dataset = tf.data.Dataset.from_tensor_slices((images, labels)).batch(HP.global_batch_size)
    return strategy.experimental_distribute_dataset(dataset)


def train_and_evaluate(seed, mnist, batches, initial_values=None):
    images, labels = next(mnist.random_batches(HP.global_batch_size, 1, seed))
    keras.utils.set_random_seed(seed)
    strategy = build_strategy()
    with strategy.scope():  # variables (model and optimizer slots) are mirrored on each replica
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
    for batch_images, batch_labels in batches:
        step_loss = train_step(next(iter(distribute(strategy, batch_images, batch_labels))))
        result.record_step(step_loss, mapping.read(variables))
    result.metrics["eval_accuracy"] = evaluate(model, accuracy, mnist.eval_images,
                                               mnist.eval_labels)
    return result


def trace(seed=0, steps=HP.steps, initial_values=None):
    if not TWO_DEVICES:  # this process initialised its devices before two could be made
        return cluster.trace_in_subprocess(__name__, seed, steps, initial_values)
    mnist = data.mnist(MNIST.check_data_source)
    return train_and_evaluate(seed, mnist, mnist.random_batches(HP.global_batch_size, steps, seed),
                              initial_values)


cluster.remember(__name__, globals())
