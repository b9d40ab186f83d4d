"""A multilayer perceptron on MNIST, TF2 style (Keras 3).

Source: TensorFlow handbook (snowkylin), "Models and layers", `mlp/mlp.py` and `mlp/main.py` at
101a350. Flatten → Dense(100, relu) → Dense(10) logits, trained by Adam (lr 1e-3) on batches of
50 with the sparse softmax cross-entropy of the logits; accuracy over the eval split.

What changed from TF1:
- placeholders, feed_dict and Session.run became plain tensors and calls;
- `tf.layers.flatten/dense` became layers held by a `keras.Model` subclass;
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
MODEL = hparams.MLP


class MLP(keras.Model):
    def __init__(self):
        super().__init__()
        self.flatten = keras.layers.Flatten()
        self.dense1 = keras.layers.Dense(units=MODEL.hidden_units, activation="relu")
        self.dense2 = keras.layers.Dense(units=MODEL.classes)

    def call(self, images):
        x = self.flatten(images)   # [N, 784]
        x = self.dense1(x)         # [N, 100]
        return self.dense2(x)      # [N, 10] logits


def build_model(images):
    model = MLP()
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
    return {"dense/kernel": model.dense1.kernel, "dense/bias": model.dense1.bias,
            "dense_1/kernel": model.dense2.kernel, "dense_1/bias": model.dense2.bias}


def train_and_evaluate(seed, mnist, batches, initial_values=None, record_variables=True):
    """Train on ``batches`` and return a Trace: the check-batch quantities, losses, accuracies."""
    images, labels = next(mnist.random_batches(HP.batch_size, 1, seed))
    # Seeding Python, numpy and TensorFlow before the build makes Keras 3's initialisers draw
    # the same values as tf.layers on the TF1 side.
    keras.utils.set_random_seed(seed)
    model = build_model(images)
    variables = tf1_names(model)
    optimizer = build_optimizer()
    accuracy = build_accuracy()

    def train_step(images, labels):
        with tf.GradientTape() as tape:
            loss = compute_loss(labels, model(images))
        optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables),
                                      model.trainable_variables))
        return loss

    # The fast form (docs/speed.md): several steps per call, a tf.range loop over stacked
    # batches [steps, 50, 28, 28, 1]; the checks call it with one step at a time.
    @tf.function(reduce_retracing=True)
    def train_steps(images, labels):
        losses = tf.TensorArray(tf.float32, size=tf.shape(images)[0])
        for i in tf.range(tf.shape(images)[0]):
            losses = losses.write(i, train_step(images[i], labels[i]))
        return losses.stack()

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
    recorder = tracing.KerasRecorder(result, variables, optimizer,
                                     record_variables=record_variables)
    for step, (batch_images, batch_labels) in recorder.calls(batches, MODEL.steps_per_call):
        step_losses = train_steps(batch_images, batch_labels)
        if step == 1:  # the two Adams agree to an ulp or two only after one step
            result.outputs.update({f"after_first_step/{name}": value
                                   for name, value in mapping.read(variables).items()})
        recorder.record(step_losses)
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
