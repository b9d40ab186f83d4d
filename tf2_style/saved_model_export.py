"""Exporting a trained model for serving, TF2 style: tf.saved_model.save with a signature.

Source: TF1 idioms of real codebases (the TF1 guide "Save and restore": SavedModel, TensorFlow
Serving's `mnist_saved_model.py`; the TF2 guide "Using the SavedModel format"). A small MNIST
classifier (Flatten → Dense(32) → batch norm → relu → Dense(10)) is trained 5 SGD steps and
exported by `tf.saved_model.save` with a `tf.function` signature `serving_default`: input
`images`, outputs `logits` and `probabilities`, batch norm in inference mode. The export is then
loaded with `tf.saved_model.load` and its signatures called on 8 images. The check compares the
training, the signature's names and dtypes, and the served outputs.

What changed from TF1:
- the graph, its placeholders and `Builder.add_meta_graph_and_variables` became
  `tf.saved_model.save(module, path, signatures=...)` of a `tf.function` with a `TensorSpec`
  input signature (or Keras 3's `model.export(path)`);
- `tf.layers.batch_normalization(training=is_training)` plus UPDATE_OPS became a Keras
  `BatchNormalization` layer called with `training=`;
- `loader.load` into a Session became `tf.saved_model.load(path).signatures[...]`, which also
  loads a TF1 export (see the guide for what does not carry over).
"""
import keras
import tensorflow as tf

import tempfile

from tf1to2 import data, mapping
from tf1to2.harness import Trace
from tf1to2.hparams import plumbing

HP = plumbing.SAVED_MODEL_EXPORT


def build_model(images, training):
    model = keras.Sequential([
        keras.layers.Flatten(),
        keras.layers.Dense(HP.hidden_units),
        keras.layers.BatchNormalization(momentum=HP.batch_norm_momentum,
                                        epsilon=HP.batch_norm_epsilon),
        keras.layers.Activation("relu"),
        keras.layers.Dense(HP.classes)])
    model(images, training=training)  # Keras creates the weights on the first call.
    return model


def compute_loss(labels, logits):
    return keras.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, logits)


def serving_signature(model):
    """The signature: a tf.function of named float32 images, batch norm in inference mode."""
    @tf.function(input_signature=[tf.TensorSpec([None, 28, 28, 1], tf.float32,
                                                name=HP.input_name)])
    def serve(images):
        logits = model(images, training=False)
        return {"logits": logits, "probabilities": tf.nn.softmax(logits)}
    return serve


def export(model, export_dir):
    """Write the SavedModel: the model's variables and the serving signature."""
    module = tf.Module()
    module.model = model   # tracked: its variables are saved
    tf.saved_model.save(module, export_dir, signatures={HP.signature: serving_signature(model)})


def serve(export_dir, images):
    """Load the SavedModel and call its signatures: outputs and their specs."""
    served, specs = {}, {}
    loaded = tf.saved_model.load(export_dir)
    for key, function in loaded.signatures.items():
        _, inputs = function.structured_input_signature
        for kind, tensors in (("inputs", inputs), ("outputs", function.structured_outputs)):
            specs.update({f"{key}/{kind}/{name}/dtype": spec.dtype.as_datatype_enum
                          for name, spec in tensors.items()})
        (input_name, _), = inputs.items()
        served.update({f"{key}/{name}": value.numpy() for name, value in
                       function(**{input_name: tf.constant(images)}).items()})
    return served, specs


def tf1_names(model):
    dense, batch_norm, dense_1 = (model.layers[i] for i in (1, 2, 4))
    return {"dense/kernel": dense.kernel, "dense/bias": dense.bias,
            "batch_normalization/gamma": batch_norm.gamma,
            "batch_normalization/beta": batch_norm.beta,
            "batch_normalization/moving_mean": batch_norm.moving_mean,
            "batch_normalization/moving_variance": batch_norm.moving_variance,
            "dense_1/kernel": dense_1.kernel, "dense_1/bias": dense_1.bias}


def train(seed, batches, export_dir, initial_values=None):
    """Train on ``batches``, export to ``export_dir``; the Trace of the training."""
    batches = iter(batches)
    images, labels = next(batches)
    keras.utils.set_random_seed(seed)   # the same draws as tf.layers' initialisers
    model = build_model(images, training=False)
    variables = tf1_names(model)
    optimizer = keras.optimizers.SGD(HP.learning_rate)

    @tf.function
    def train_step(images, labels):
        with tf.GradientTape() as tape:
            # training=True: batch statistics, and the moving averages move.
            loss = compute_loss(labels, model(images, training=True))
        optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables),
                                      model.trainable_variables))
        return loss

    if initial_values is not None:
        mapping.assign(variables, initial_values)
    result = Trace(variables=mapping.read(variables))
    for images, labels in [(images, labels), *batches]:
        result.record_step(train_step(images, labels), mapping.read(variables))
    export(model, export_dir)
    return result


def trace(seed=0, steps=HP.steps, initial_values=None):
    """The training, then the served outputs (outputs) and the signature's dtypes (metrics),
    keyed by signature, input and output names."""
    mnist = data.mnist("bundled")
    with tempfile.TemporaryDirectory() as directory:
        export_dir = f"{directory}/model"
        result = train(seed, mnist.random_batches(HP.batch_size, steps, seed), export_dir,
                       initial_values)
        result.outputs, result.metrics = serve(export_dir, mnist.eval_images[:HP.serve_examples])
    return result


def main():
    mnist = data.mnist("bundled")
    export_dir = tempfile.mkdtemp(prefix="tf2_saved_model_") + "/model"
    train(0, mnist.random_batches(HP.batch_size, HP.steps, 0), export_dir)
    served, specs = serve(export_dir, mnist.eval_images[:HP.serve_examples])
    print(f"exported to {export_dir}; signature specs {specs}")
    print("predicted classes:", served[f"{HP.signature}/probabilities"].argmax(axis=-1))


if __name__ == "__main__":
    main()
