"""VGG-16 as a Keras application, TF2 style (Keras 3).

Source: `keras.applications.VGG16`, the Keras counterpart of tf-slim's `vgg_16`
(`tf_slim/nets/vgg.py`). Two MNIST digits resized to 224×224 RGB go through the network in
inference mode; the loss is the cross-entropy of the digits as class ids plus slim's weight
decay, and every weight gets its gradient. No training: the pair compares one forward and
backward pass.

What changed from TF1:
- `vgg_16` in `vgg_arg_scope()` became `keras.applications.VGG16(weights=None,
  classifier_activation=None)`: logits, as slim returns, instead of Keras' default softmax;
- slim's fc6-fc8 are convolutions, Keras' fc1, fc2, predictions `Dense` layers: the name map
  reshapes the kernels, and fc1 is drawn from Glorot over fc6's conv fans, as slim draws it;
- slim's weight decay (`l2_regularizer(s)` = s·Σw²/2) became `keras.regularizers.L2(s / 2)` on
  each kernel, collected in `model.losses` instead of `REGULARIZATION_LOSSES`;
- `tf.gradients` became `GradientTape`.
"""
import keras
import tensorflow as tf

from tf1to2 import layouts, mapping, slim_nets
from tf1to2.harness import Trace
from tf1to2.hparams import applications as hparams

HP = hparams.VGG16


def build_model(images):
    model = keras.applications.VGG16(weights=None, input_shape=images.shape[1:],
                                     classes=HP.classes, classifier_activation=None)
    for layer in model.layers:
        if isinstance(layer, (keras.layers.Conv2D, keras.layers.Dense)):
            # vgg_arg_scope's slim.l2_regularizer(s) is s·Σw²/2; Keras' L2(s) is s·Σw².
            layer.kernel.regularizer = keras.regularizers.L2(HP.weight_decay / 2)
    # slim draws fc6 as a 7x7 conv: Glorot over its conv fans, 2.8x narrower than Dense's.
    fc1 = model.get_layer("fc1")
    slim_nets.initialise(fc1.kernel, keras.initializers.GlorotUniform(), _fc6_shape(model))
    return model


def compute_loss(labels, logits, regularization_losses):
    cross_entropy = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, logits)
    return cross_entropy + tf.add_n(regularization_losses)


def _fc6_shape(model):
    """slim's fc6 kernel: a conv over pool5's [7, 7, 512] output into fc1's 4096 units."""
    return (*model.get_layer("block5_pool").output.shape[1:], model.get_layer("fc1").units)


def tf1_names(model):
    """The name map: block3_conv2 is vgg_16/conv3/conv3_2; fc6-fc8 are fc1, fc2, predictions."""
    names = {}
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            block, conv = layer.name.removeprefix("block").split("_conv")
            names.update(layouts.slim_conv2d(f"vgg_16/conv{block}/conv{block}_{conv}", layer))
    for slim_name, keras_name in (("fc6", "fc1"), ("fc7", "fc2"), ("fc8", "predictions")):
        layer = model.get_layer(keras_name)
        names.update(layouts.slim_fully_connected(f"vgg_16/{slim_name}", layer))
        conv_shape = _fc6_shape(model) if slim_name == "fc6" else (1, 1, *layer.kernel.shape)
        names[f"vgg_16/{slim_name}/weights"] = slim_nets.conv_as_dense(layer, conv_shape)
    return names


def trace(seed=0, steps=HP.steps, initial_values=None):
    slim_nets.forward_only("vgg16", steps)
    images, labels = slim_nets.mnist_images(HP.batch_size, HP.image_size)
    images = slim_nets.vgg_preprocess(images, HP.rgb_means)
    keras.utils.set_random_seed(seed)
    model = build_model(images)
    variables = tf1_names(model)

    if initial_values is not None:
        mapping.assign(variables, initial_values)
    with tf.GradientTape() as tape:
        tf2_logits = model(images, training=False)
        tf2_loss = compute_loss(labels, tf2_logits, model.losses)
    tf2_gradients = tape.gradient(tf2_loss, model.trainable_variables)
    return Trace(variables=mapping.read(variables), outputs={"logits": tf2_logits.numpy()},
                 loss={"loss": tf2_loss.numpy()},
                 gradients=mapping.gradients_by_tf1_name(variables, model.trainable_variables,
                                                         tf2_gradients))


def main():
    result = trace()
    print("logits of the two digits:", result.outputs["logits"][:, :5], "...")
    print("loss (cross-entropy + weight decay):", result.loss["loss"])


if __name__ == "__main__":
    main()
