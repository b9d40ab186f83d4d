"""Exporting a trained model for serving, TF1 style: SavedModelBuilder with a predict signature.

Source: TF1 idioms of real codebases (the TF1 guide "Save and restore": SavedModel, TensorFlow
Serving's `mnist_saved_model.py`). A small MNIST classifier (Flatten → Dense(32) → batch norm →
relu → Dense(10)) is trained 5 SGD steps, its inference graph (batch norm in inference mode) is
exported by `tf.saved_model.Builder` with a `predict` signature `serving_default`: input
`images`, outputs `logits` and `probabilities`. The export is then loaded as a server loads it
(`tf.saved_model.loader.load` into a Session) and called on 8 images. The check compares the
training, the signature's names and dtypes, and the served outputs.

What changes in TF2:
- the graph, its placeholders and `Builder.add_meta_graph_and_variables` become
  `tf.saved_model.save(module, path, signatures=...)` of a `tf.function` with a `TensorSpec`
  input signature (or Keras 3's `model.export(path)`);
- `tf.layers.batch_normalization(training=is_training)` plus UPDATE_OPS becomes a Keras
  `BatchNormalization` layer called with `training=`;
- `loader.load` into a Session becomes `tf.saved_model.load(path).signatures[...]`, which also
  loads this TF1 export (see the guide for what does not carry over).
"""
import tensorflow.compat.v1 as tf

import random
import tempfile

from tf1to2 import data, mapping
from tf1to2.harness import Trace
from tf1to2.hparams import plumbing

HP = plumbing.SAVED_MODEL_EXPORT


def build_model(images, training):
    x = tf.layers.flatten(images)
    x = tf.layers.dense(x, HP.hidden_units)
    x = tf.layers.batch_normalization(x, momentum=HP.batch_norm_momentum,
                                      epsilon=HP.batch_norm_epsilon, training=training)
    return tf.layers.dense(tf.nn.relu(x), HP.classes)


def compute_loss(labels, logits):
    return tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)


def serving_signature(images, logits):
    """The signature: named float32 images in, logits and probabilities out, of the graph
    whose batch norm runs in inference mode (`training` defaults to False)."""
    return tf.saved_model.predict_signature_def(
        inputs={HP.input_name: images},
        outputs={"logits": logits, "probabilities": tf.nn.softmax(logits)})


def export(sess, export_dir, images, logits):
    """Write the SavedModel: the graph, the variables, and the serving signature."""
    builder = tf.saved_model.Builder(export_dir)
    builder.add_meta_graph_and_variables(
        sess, [tf.saved_model.tag_constants.SERVING],
        signature_def_map={HP.signature: serving_signature(images, logits)})
    builder.save()


def serve(export_dir, images):
    """Load the SavedModel as a server does and call its signatures: outputs and their specs."""
    served, specs = {}, {}
    with tf.Graph().as_default(), tf.Session() as sess:
        meta_graph = tf.saved_model.loader.load(sess, [tf.saved_model.tag_constants.SERVING],
                                                export_dir)
        for key, signature in meta_graph.signature_def.items():
            for kind, tensors in (("inputs", signature.inputs), ("outputs", signature.outputs)):
                specs.update({f"{key}/{kind}/{name}/dtype": tensor.dtype
                              for name, tensor in tensors.items()})
            (_, input_tensor), = signature.inputs.items()
            served.update({f"{key}/{name}": value for name, value in sess.run(
                {name: tensor.name for name, tensor in signature.outputs.items()},
                {input_tensor.name: images}).items()})
    return served, specs


def train(seed, batches, export_dir, initial_values=None):
    """Train on ``batches``, export to ``export_dir``; the Trace of the training."""
    random.seed(seed)   # tf.layers' initialisers draw their seeds from Python's random
    with tf.Graph().as_default():
        images_ = tf.placeholder(tf.float32, [None, 28, 28, 1], name="images")
        labels_ = tf.placeholder(tf.int32, [None], name="labels")
        training_ = tf.placeholder_with_default(False, [], name="training")
        logits = build_model(images_, training_)
        loss = compute_loss(labels_, logits)
        # The moving mean and variance are not trainable: list every global variable.
        variables = {v.op.name: v for v in tf.global_variables()}
        # Batch norm's moving averages move only if its UPDATE_OPS run with the step.
        with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
            train_op = tf.train.GradientDescentOptimizer(HP.learning_rate).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            if initial_values is not None:
                mapping.load(sess, variables, initial_values)
            result = Trace(variables=sess.run(variables))
            for images, labels in batches:
                step_loss, _ = sess.run([loss, train_op],
                                        {images_: images, labels_: labels, training_: True})
                result.record_step(step_loss, sess.run(variables))
            export(sess, export_dir, images_, logits)
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
    export_dir = tempfile.mkdtemp(prefix="tf1_saved_model_") + "/model"
    train(0, mnist.random_batches(HP.batch_size, HP.steps, 0), export_dir)
    served, specs = serve(export_dir, mnist.eval_images[:HP.serve_examples])
    print(f"exported to {export_dir}; signature specs {specs}")
    print("predicted classes:", served[f"{HP.signature}/probabilities"].argmax(axis=-1))


if __name__ == "__main__":
    main()
