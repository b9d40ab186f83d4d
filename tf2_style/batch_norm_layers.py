"""Batch normalisation with `keras.layers.BatchNormalization`, TF2 style (Keras 3).

Source: the TF1 idiom of every batch-normalised model (the `tf.layers.batch_normalization`
documentation's "Note: when training, the moving_mean and moving_variance
need to be updated"). A small MNIST convnet: conv 3x3 (no bias) → batch norm → relu → max-pool
→ dense(10) logits, trained by gradient descent with the training flag.

What changed from TF1:
- the `training` placeholder fed per `Session.run` became the `training=` argument of the call;
- the moving-average updates, collected in `tf.GraphKeys.UPDATE_OPS` and tied to the train op by
  `tf.control_dependencies`, became part of `BatchNormalization.call(training=True)`: every
  call with training=True updates them, inside a train step or not;
- `fused=True/False` (the fused kernel or the composite ops) has no Keras 3 counterpart: both
  give Keras 3's numbers.
"""
import keras
import tensorflow as tf

from tf1to2 import data, mapping, tracing
from tf1to2.hparams import slim as hparams

HP = hparams.BATCH_NORM_LAYERS


class BatchNormNet(keras.Model):
    def __init__(self):
        super().__init__()
        self.conv = keras.layers.Conv2D(filters=HP.filters, kernel_size=HP.kernel_size,
                                        use_bias=False)
        self.batch_norm = keras.layers.BatchNormalization(momentum=HP.momentum,
                                                          epsilon=HP.epsilon, scale=HP.scale)
        self.pool = keras.layers.MaxPool2D(pool_size=HP.pool_size, strides=HP.pool_size)
        self.flatten = keras.layers.Flatten()
        self.dense = keras.layers.Dense(units=HP.classes)

    def call(self, images, training=False):
        x = self.conv(images)                            # [N, 26, 26, 8]
        x = self.batch_norm(x, training=training)
        x = tf.nn.relu(x)
        x = self.pool(x)                                 # [N, 13, 13, 8]
        x = self.flatten(x)                              # [N, 1352]
        return self.dense(x)                             # [N, 10] logits


def build_model(images):
    model = BatchNormNet()
    model(images)  # Keras creates the weights on the first call.
    return model


def compute_loss(labels, logits):
    return keras.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, logits)


def build_optimizer():
    return keras.optimizers.SGD(learning_rate=HP.learning_rate)


def build_train_step(model, optimizer):
    # model(..., training=True) normalises by the batch statistics and updates the moving
    # averages itself: there is no UPDATE_OPS collection to remember (PITFALLS #15).
    @tf.function
    def train_step(images, labels):
        with tf.GradientTape() as tape:
            loss = compute_loss(labels, model(images, training=HP.training))
        optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables),
                                      model.trainable_variables))
        return loss
    return train_step


def tf1_names(model):
    """The name map: each TF1 variable name and the Keras variable that replaces it."""
    return {"conv2d/kernel": model.conv.kernel,
            "batch_normalization/gamma": model.batch_norm.gamma,
            "batch_normalization/beta": model.batch_norm.beta,
            "batch_normalization/moving_mean": model.batch_norm.moving_mean,
            "batch_normalization/moving_variance": model.batch_norm.moving_variance,
            "dense/kernel": model.dense.kernel, "dense/bias": model.dense.bias}


def trace(seed=0, steps=HP.steps, initial_values=None):
    mnist = data.mnist(HP.check_data_source)
    batches = list(mnist.random_batches(HP.batch_size, steps + 1, seed))
    check_images, check_labels = batches.pop(0)
    keras.utils.set_random_seed(seed)
    model = build_model(check_images)
    variables = tf1_names(model)
    train_step = build_train_step(model, build_optimizer())

    if initial_values is not None:
        mapping.assign(variables, initial_values)
    # Training-mode gradients on the check batch; the moving averages that call moves (TF1
    # moves them only when UPDATE_OPS run) are put back before training.
    result = tracing.batch_norm_check(model, variables, check_images, check_labels,
                                      compute_loss, HP.training)
    for batch_images, batch_labels in batches:
        step_loss = train_step(batch_images, batch_labels)
        result.record_step(step_loss, mapping.read(variables))
    result.outputs["logits_inference_trained"] = model(check_images, training=False).numpy()
    result.outputs["logits_training_trained"] = model(check_images, training=True).numpy()
    return result


def main():
    result = trace()
    final = result.final_variables
    print(f"{len(result.losses)} steps, loss {result.losses[0]:.4f} -> {result.losses[-1]:.4f}")
    print("moving mean:", final["batch_normalization/moving_mean"].round(4))
    print("moving variance:", final["batch_normalization/moving_variance"].round(4))


if __name__ == "__main__":
    main()
