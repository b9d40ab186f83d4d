"""MobileNetV2 trained from scratch on five classes, TF2 style (Keras 3; the handbook's H11).

Source: the TensorFlow handbook's cnn/mobilenet.py: `keras.applications.MobileNetV2(weights=
None, classes=5)` trained by Adam under a `GradientTape` with `model(images, training=True)` on
tf_flowers. Here the images are 64x64 and the width multiplier 0.35, and the data are the
bundled MNIST digits 0-4 (`tf1to2.data.mnist_images`: tf_flowers needs a download).

What changed from TF1:
- TF1's Keras (the legacy Keras 2, a separate package today; PITFALLS #25) became Keras 3's
  `keras.applications.MobileNetV2`, with the same layer names;
- the network built on a placeholder (`input_tensor=`) became a model called on arrays;
- the learning phase fed 1 became `model(images, training=True)` (PITFALLS #16), and the
  `model.updates` run with the train op (52 batch norms, 104 moving-average assignments)
  became part of that call (PITFALLS #15);
- `AdamOptimizer.minimize` became `GradientTape` plus `keras.optimizers.Adam`, whose epsilon
  defaults to 1e-7 instead of 1e-8 (PITFALLS #7);
- the 262 variables are named alike but for the depthwise kernels: `depthwise_kernel` in
  the legacy Keras, `kernel` in Keras 3 (the name map, `tf1_names`).
"""
import keras
import tensorflow as tf

from tf1to2 import layouts, mapping, tracing
from tf1to2.data import mnist_images
from tf1to2.errors import UserError
from tf1to2.harness import Trace
from tf1to2.hparams import applications as hparams

HP = hparams.MOBILENET_V2


def build_model(images):
    return keras.applications.MobileNetV2(input_shape=images.shape[1:], alpha=HP.alpha,
                                          weights=None, classes=HP.classes,
                                          classifier_activation=None)


def compute_loss(labels, logits):
    return keras.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, logits)


def build_optimizer():
    # Keras' Adam defaults to epsilon 1e-7: set TF1's 1e-8 (PITFALLS #7).
    return keras.optimizers.Adam(learning_rate=HP.learning_rate, epsilon=HP.adam_epsilon)


def build_train_step(model, optimizer):
    # model(..., training=True) normalises by the batch statistics and updates the moving
    # averages itself: there is no model.updates to run (PITFALLS #15, #16).
    @tf.function
    def train_step(images, labels):
        with tf.GradientTape() as tape:
            loss = compute_loss(labels, model(images, training=HP.training))
        optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables),
                                      model.trainable_variables))
        return loss
    return train_step


def tf1_names(model):
    """The name map: `<layer>/<weight>`, the layer names the same in legacy Keras and Keras 3.

    Every layer with weights is a Conv2D (kernel; no bias but the classifier's Dense), a
    DepthwiseConv2D (legacy Keras: depthwise_kernel; Keras 3: kernel) or a BatchNormalization
    (gamma, beta, moving_mean, moving_variance). Any other weight is refused, listed.
    """
    name_map = {}
    for layer in model.layers:
        if isinstance(layer, keras.layers.DepthwiseConv2D):
            name_map[f"{layer.name}/depthwise_kernel"] = layer.kernel
        elif isinstance(layer, keras.layers.BatchNormalization):
            name_map.update(layouts.batch_normalization(layer.name, layer))
        elif isinstance(layer, (keras.layers.Conv2D, keras.layers.Dense)):
            name_map.update(layouts.dense(layer.name, layer))
    mapped = {id(variable) for variable in name_map.values()}
    unmapped = [variable.path for variable in model.weights if id(variable) not in mapped]
    if unmapped:
        raise UserError(f"the name map leaves out {len(unmapped)} Keras variables: "
                        f"{', '.join(unmapped)}")
    return name_map


def evaluate(model, images, labels):
    """Accuracy over a split, in inference mode (training=False)."""
    correct = 0
    for start in range(0, len(labels), HP.eval_batch_size):
        batch_logits = model(images[start:start + HP.eval_batch_size], training=False).numpy()
        batch_labels = labels[start:start + HP.eval_batch_size]
        correct += int((batch_logits.argmax(axis=1) == batch_labels).sum())
    return correct / len(labels)


def train_and_evaluate(seed, images, batches, initial_values=None, on_step=None):
    """The book's training: the batches, then the eval accuracy (the --train job)."""
    keras.utils.set_random_seed(seed)
    model = build_model(images.eval_images[:1])
    variables = tf1_names(model)
    train_step = build_train_step(model, build_optimizer())
    if initial_values is not None:
        mapping.assign(variables, initial_values)
    result = Trace(variables=mapping.read(variables))
    for batch_images, batch_labels in batches:
        step_loss = train_step(batch_images, batch_labels)
        result.losses.append(float(step_loss))
        if on_step is not None:
            on_step(len(result.losses), step_loss)
    result.metrics = {"eval_accuracy": evaluate(model, images.eval_images, images.eval_labels)}
    return result


def moving_statistics(variables):
    """The batch norms' moving means and variances (what inference normalises by)."""
    return {name: value for name, value in variables.items()
            if name.endswith(("/moving_mean", "/moving_variance"))}


def trace(seed=0, steps=HP.steps, initial_values=None):
    images = mnist_images.five_classes(HP.image_size, HP.check_data_source)
    batches = list(images.random_batches(HP.batch_size, steps + 1, seed))
    check_images, check_labels = batches.pop(0)
    keras.utils.set_random_seed(seed)
    model = build_model(check_images)
    variables = tf1_names(model)
    train_step = build_train_step(model, build_optimizer())

    if initial_values is not None:
        mapping.assign(variables, initial_values)
    # Training-mode gradients on the check batch; the moving averages that call moves (TF1
    # moves them only when model.updates run) are put back before training.
    result = tracing.batch_norm_check(model, variables, check_images, check_labels,
                                      compute_loss, HP.training)
    for batch_images, batch_labels in batches:
        step_loss = train_step(batch_images, batch_labels)
        result.record_step(step_loss, mapping.read(variables))
    result.outputs["logits_inference_trained"] = model(check_images, training=False).numpy()
    result.metrics = moving_statistics(result.final_variables)
    return result


def main():
    result = trace()
    final = result.final_variables
    print(f"{len(result.losses)} steps, loss {result.losses[0]:.4f} -> {result.losses[-1]:.4f}")
    print("bn_Conv1 moving mean:", final["bn_Conv1/moving_mean"].round(4))


if __name__ == "__main__":
    main()
