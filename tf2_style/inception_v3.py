"""Inception-v3 as a Keras application, TF2 style (Keras 3).

Source: `keras.applications.InceptionV3`, the Keras counterpart of tf-slim's `inception_v3`
(`tf_slim/nets/inception_v3.py`): 94 convolutions, each followed by batch norm without scale,
and 1,000-class logits from a `Dense` layer. One MNIST digit resized to 299x299 RGB goes through
the network in inference mode (`training=False`: batch norm uses its moving statistics); the
loss is the cross-entropy of the digit as a class id plus slim's weight decay.

What changed from TF1:
- `inception_v3` in its arg scope became `keras.applications.InceptionV3(weights=None,
  classifier_activation=None)`: logits, as slim returns, not Keras' default softmax;
- slim's logits conv [1, 1, 2048, 1000] became the `Dense` kernel [2048, 1000]; slim's auxiliary
  logits (off here) and its dropout before the logits (off in inference) have no Keras layer;
- the 378 variables are paired by a name map generated from slim's variable list and the
  Keras construction order (`tf1to2.slim_nets.generated_name_map`);
- keras.applications take no initializer or momentum arguments: the arg scope's He initialiser,
  weight decay and batch-norm decay are set on the layers after the build.
"""
import keras
import tensorflow as tf

from tf1to2 import mapping, slim_nets
from tf1to2.harness import Trace
from tf1to2.hparams import applications as hparams

HP = hparams.INCEPTION_V3


def build_model(images):
    model = keras.applications.InceptionV3(weights=None, input_shape=images.shape[1:],
                                           classes=HP.classes, classifier_activation=None)
    for layer in model.layers:
        if isinstance(layer, (keras.layers.Conv2D, keras.layers.Dense)):
            # inception_v3_arg_scope: variance_scaling_initializer() (He, truncated normal)
            # where Keras draws glorot_uniform, and slim.l2_regularizer(s) = s·Σw²/2.
            slim_nets.initialise(layer.kernel, keras.initializers.HeNormal())
            layer.kernel.regularizer = keras.regularizers.L2(HP.weight_decay / 2)
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.momentum = HP.batch_norm_decay  # slim's decay 0.9997; Keras' default 0.99
    return model


def compute_loss(labels, logits, regularization_losses):
    cross_entropy = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, logits)
    return cross_entropy + tf.add_n(regularization_losses)


def tf1_names(model):
    """The name map, generated: slim's layers sorted by scope, Keras' in construction order."""
    return slim_nets.generated_name_map(slim_nets.slim_inception_v3_shapes(HP.classes), model,
                                        logits_scope="InceptionV3/Logits/Conv2d_1c_1x1")


def trace(seed=0, steps=HP.steps, initial_values=None):
    slim_nets.forward_only("inception_v3", steps)
    images, labels = slim_nets.mnist_images(HP.batch_size, HP.image_size)
    images = slim_nets.inception_preprocess(images)
    keras.utils.set_random_seed(seed)
    model = build_model(images)
    variables = tf1_names(model)

    if initial_values is not None:
        mapping.assign(variables, initial_values)
    tf2_logits = model(images, training=False)
    tf2_loss = compute_loss(labels, tf2_logits, model.losses)
    return Trace(variables=mapping.read(variables), outputs={"logits": tf2_logits.numpy()},
                 loss={"loss": tf2_loss.numpy()})


def main():
    result = trace()
    print("logits of the digit:", result.outputs["logits"][:, :5], "...")
    print("loss (cross-entropy + weight decay):", result.loss["loss"])


if __name__ == "__main__":
    main()
