"""VGG-16 from tf-slim's model zoo, TF1 graph style.

Source: tf-slim, `tf_slim/nets/vgg.py` (`vgg_16` in `vgg_arg_scope()`), the network of
Simonyan and Zisserman (2014) as the TF1 model zoo wrote it. Two MNIST digits resized to
224×224 RGB go through the network in inference mode (dropout off); the loss is the
cross-entropy of the digits as class ids plus slim's weight decay, and every weight gets its
gradient. No training: the pair compares one forward and backward pass.

What changes in TF2:
- `slim.arg_scope(vgg_arg_scope())` + `vgg_16` become `keras.applications.VGG16(weights=None,
  classifier_activation=None)`: Keras ends with a softmax by default, slim returns logits;
- slim's fc6-fc8 are convolutions ([7, 7, 512, 4096] for fc6); Keras' fc1, fc2, predictions are
  `Dense` layers after `Flatten`: the kernels are reshaped (the name map does it);
- the weight decay that `vgg_arg_scope` attaches to every conv (collected in
  `REGULARIZATION_LOSSES`) is attached to the Keras kernels (`model.losses`), at half the factor;
- `tf.gradients` becomes `GradientTape`.
"""
import tensorflow.compat.v1 as tf
import tf_slim as slim
from tf_slim.nets import vgg

from tf1to2 import mapping, slim_nets
from tf1to2.harness import Trace
from tf1to2.hparams import applications as hparams

HP = hparams.VGG16


def build_model(images):
    with slim.arg_scope(vgg.vgg_arg_scope(weight_decay=HP.weight_decay)):
        logits, _ = vgg.vgg_16(images, num_classes=HP.classes, is_training=False)
    return logits


def compute_loss(labels, logits, regularization_losses):
    cross_entropy = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    return cross_entropy + tf.add_n(regularization_losses)


def trace(seed=0, steps=HP.steps, initial_values=None):
    slim_nets.forward_only("vgg16", steps)
    images, labels = slim_nets.mnist_images(HP.batch_size, HP.image_size)
    images = slim_nets.vgg_preprocess(images, HP.rgb_means)
    with tf.Graph().as_default():
        tf.set_random_seed(seed)
        images_ = tf.placeholder(tf.float32, [None, HP.image_size, HP.image_size, 3], name="images")
        labels_ = tf.placeholder(tf.int32, [None], name="labels")
        logits = build_model(images_)
        loss = compute_loss(labels_, logits, tf.losses.get_regularization_losses())
        variables = {v.op.name: v for v in tf.global_variables()}
        gradients = dict(zip(variables, tf.gradients(loss, list(variables.values()))))

        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            if initial_values is not None:
                mapping.load(sess, variables, initial_values)
            tf1_logits, tf1_loss, tf1_gradients = sess.run([logits, loss, gradients],
                                                           {images_: images, labels_: labels})
            return Trace(variables=sess.run(variables), outputs={"logits": tf1_logits},
                         loss={"loss": tf1_loss}, gradients=tf1_gradients)


def main():
    result = trace()
    print("logits of the two digits:", result.outputs["logits"][:, :5], "...")
    print("loss (cross-entropy + weight decay):", result.loss["loss"])


if __name__ == "__main__":
    main()
