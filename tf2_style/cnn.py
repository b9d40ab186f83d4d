"""A convolutional network on MNIST, TF2 style (Keras 3).

Source: TensorFlow handbook (snowkylin), "Models and layers", `cnn/cnn.py` and `mlp/main.py` at
101a350. Conv 5x5x32 (same, relu) → max-pool 2 → conv 5x5x64 → max-pool 2 → reshape to
7·7·64 → Dense(1024, relu) → Dense(10) logits, trained by Adam (lr 1e-3) on batches of 50 with
the sparse softmax cross-entropy of the logits; accuracy over the eval split.

What changed from TF1:
- placeholders, feed_dict and Session.run became plain tensors and calls;
- `tf.layers.conv2d/max_pooling2d/dense` and `tf.reshape` became layers held by a
  `keras.Model` subclass (the NHWC flatten order stays the same);
- `tf.losses.sparse_softmax_cross_entropy(logits)` became
  `keras.losses.SparseCategoricalCrossentropy(from_logits=True)`;
- `AdamOptimizer.minimize` became `GradientTape` plus `keras.optimizers.Adam`, whose epsilon
  must be set to TF1's 1e-8;
- the streaming `tf.metrics.accuracy` (value, update_op) pair on local variables became a
  `keras.metrics.SparseCategoricalAccuracy` object.
"""
import keras
import tensorflow as tf

from tf1to2 import data, hparams, mapping, tracing
from tf1to2.harness import Trace

HP = hparams.MNIST_TRAINING
MODEL = hparams.CNN


class CNN(keras.Model):
    def __init__(self):
        super().__init__()
        self.conv1 = keras.layers.Conv2D(filters=MODEL.conv1_filters,
                                         kernel_size=MODEL.kernel_size, padding="same",
                                         activation="relu")
        self.pool1 = keras.layers.MaxPool2D(pool_size=MODEL.pool_size, strides=MODEL.pool_strides)
        self.conv2 = keras.layers.Conv2D(filters=MODEL.conv2_filters,
                                         kernel_size=MODEL.kernel_size, padding="same",
                                         activation="relu")
        self.pool2 = keras.layers.MaxPool2D(pool_size=MODEL.pool_size, strides=MODEL.pool_strides)
        self.flatten = keras.layers.Reshape(target_shape=(7 * 7 * MODEL.conv2_filters,))
        self.dense1 = keras.layers.Dense(units=MODEL.dense_units, activation="relu")
        self.dense2 = keras.layers.Dense(units=MODEL.classes)

    def call(self, images):
        x = self.conv1(images)    # [N, 28, 28, 32]
        x = self.pool1(x)         # [N, 14, 14, 32]
        x = self.conv2(x)         # [N, 14, 14, 64]
        x = self.pool2(x)         # [N, 7, 7, 64]
        x = self.flatten(x)       # [N, 3136], NHWC order as tf.reshape in TF1
        x = self.dense1(x)        # [N, 1024]
        return self.dense2(x)     # [N, 10] logits


def build_model(images):
    model = CNN()
    model(images)  # Keras creates the weights on the first call.
    return model


def compute_loss(labels, logits):
    return keras.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, logits)


def build_optimizer():
    # Keras' Adam defaults to epsilon 1e-7: set TF1's 1e-8 (PITFALLS #7).
    return keras.optimizers.Adam(learning_rate=HP.learning_rate, epsilon=HP.adam_epsilon)


def build_accuracy():
    # A metric object: its state lives in the object, reset with reset_state().
    return keras.metrics.SparseCategoricalAccuracy(name="accuracy")


def evaluate(model, accuracy, images, labels):
    """Accuracy over a whole split, in batches: reset the metric, update it per batch, read it."""
    accuracy.reset_state()
    for start in range(0, len(labels), HP.eval_batch_size):
        accuracy.update_state(labels[start:start + HP.eval_batch_size],
                              model(images[start:start + HP.eval_batch_size]))
    return accuracy.result().numpy()


def tf1_names(model):
    """The name map: each TF1 variable name and the Keras variable that replaces it."""
    return {"conv2d/kernel": model.conv1.kernel, "conv2d/bias": model.conv1.bias,
            "conv2d_1/kernel": model.conv2.kernel, "conv2d_1/bias": model.conv2.bias,
            "dense/kernel": model.dense1.kernel, "dense/bias": model.dense1.bias,
            "dense_1/kernel": model.dense2.kernel, "dense_1/bias": model.dense2.bias}


def train_and_evaluate(seed, mnist, batches, initial_values=None, record_variables=True):
    """Train on ``batches`` and return a Trace: the check-batch quantities, losses, accuracies.

    The model has 3.3 million weights, so each step records the trajectory sampled by
    `mapping.trajectory_sample`: every variable whole except dense/kernel, of which every 7th
    row and column (448x147).
    """
    images, labels = next(mnist.random_batches(HP.batch_size, 1, seed))
    # Seeding Python, numpy and TensorFlow before the build makes Keras 3's initialisers draw
    # the same values as tf.layers on the TF1 side.
    keras.utils.set_random_seed(seed)
    model = build_model(images)
    variables = tf1_names(model)
    optimizer = build_optimizer()
    accuracy = build_accuracy()

    # Keras 3's Adam update is a dozen elementwise ops per variable, eight passes over the
    # 3.2-million-weight dense kernel (20 ms a step here, TF1's fused ResourceApplyAdam 6 ms):
    # XLA fuses it (9 ms), while the convolutions keep TensorFlow's oneDNN kernels, faster
    # than XLA's on this CPU (`tf1to2 benchmark cnn --parts`, docs/speed.md).
    @tf.function(jit_compile=True)
    def apply_gradients(gradients):
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))

    @tf.function
    def train_step(images, labels):
        with tf.GradientTape() as tape:
            loss = compute_loss(labels, model(images))
        apply_gradients(tape.gradient(loss, model.trainable_variables))
        return loss

    if initial_values is not None:
        mapping.assign(variables, initial_values)
    with tf.GradientTape() as tape:
        logits = model(images)
        loss = compute_loss(labels, logits)
    gradients = tape.gradient(loss, model.trainable_variables)
    result = Trace(variables=mapping.read(variables),
                   outputs={"logits": logits.numpy()},
                   loss={"loss": loss.numpy(), "loss_confident": compute_loss(
                       labels, HP.confident_logit_scale / tf.reduce_max(tf.abs(logits)) * logits
                   ).numpy()},
                   gradients=mapping.gradients_by_tf1_name(
                       variables, model.trainable_variables, gradients))
    result.metrics["eval_accuracy_initial"] = evaluate(
        model, accuracy, mnist.eval_images, mnist.eval_labels)
    recorder = tracing.KerasRecorder(result, variables, optimizer, mapping.trajectory_sample,
                                     record_variables)
    for step, (batch_images, batch_labels) in recorder.steps(batches):
        step_loss = train_step(batch_images, batch_labels)
        if step == 1:  # the two Adams agree to an ulp or two only after one step
            result.outputs.update({f"after_first_step/{name}": value
                                   for name, value in mapping.read(variables).items()})
        recorder.record(step_loss)
    result.metrics["eval_accuracy"] = evaluate(
        model, accuracy, mnist.eval_images, mnist.eval_labels)
    return result


def trace(seed=0, steps=HP.steps, initial_values=None):
    mnist = data.mnist(HP.check_data_source)
    return train_and_evaluate(seed, mnist, mnist.random_batches(HP.batch_size, steps, seed),
                              initial_values)


def main():
    mnist = data.mnist()
    result = train_and_evaluate(
        0, mnist, data.epoch_batches(mnist, HP.batch_size, HP.train_epochs, seed=0),
        record_variables=False)
    print(f"data: {mnist.source}; {len(result.losses)} batches, "
          f"final loss {result.losses[-1]:.4f}")
    print(f"eval accuracy: {result.metrics['eval_accuracy']:.4f}")


if __name__ == "__main__":
    main()
