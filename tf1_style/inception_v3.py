"""Inception-v3 from tf-slim's model zoo, TF1 graph style.

Source: tf-slim, `tf_slim/nets/inception_v3.py` (`inception_v3` in `inception_v3_arg_scope()`),
the network of Szegedy et al. (2015) as the TF1 model zoo wrote it: 94 convolutions, each
followed by batch norm without scale (beta, moving mean and variance), and logits from a 1x1
convolution. One MNIST digit resized to 299x299 RGB goes through the network in inference mode
(`is_training=False`: batch norm uses its moving statistics, dropout is off); the loss is the
cross-entropy of the digit as a class id plus slim's weight decay.

What changes in TF2:
- `inception_v3` in its arg scope becomes `keras.applications.InceptionV3(weights=None,
  classifier_activation=None)`; `is_training=False` becomes `model(images, training=False)`;
- slim's 1,000-class logits conv [1, 1, 2048, 1000] becomes Keras' `Dense` kernel [2048, 1000];
  the auxiliary logits (`create_aux_logits=False` here) have no Keras counterpart;
- the 378 variables are paired by a generated name map (`tf1to2.slim_nets`), not by hand;
- the arg scope's initialisers and batch-norm decay are set on the Keras layers after the build.
"""
import tensorflow.compat.v1 as tf
import tf_slim as slim
from tf_slim.nets import inception_v3

from tf1to2 import mapping, slim_nets
from tf1to2.harness import Trace
from tf1to2.hparams import applications as hparams

HP = hparams.INCEPTION_V3


def build_model(images):
    with slim.arg_scope(inception_v3.inception_v3_arg_scope(
            weight_decay=HP.weight_decay, batch_norm_decay=HP.batch_norm_decay,
            batch_norm_epsilon=HP.batch_norm_epsilon)):
        logits, _ = inception_v3.inception_v3(images, num_classes=HP.classes, is_training=False,
                                              create_aux_logits=False)
    return logits


def compute_loss(labels, logits, regularization_losses):
    cross_entropy = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    return cross_entropy + tf.add_n(regularization_losses)


def trace(seed=0, steps=HP.steps, initial_values=None):
    slim_nets.forward_only("inception_v3", steps)
    images, labels = slim_nets.mnist_images(HP.batch_size, HP.image_size)
    images = slim_nets.inception_preprocess(images)
    with tf.Graph().as_default():
        tf.set_random_seed(seed)
        images_ = tf.placeholder(tf.float32, [None, HP.image_size, HP.image_size, 3], name="images")
        labels_ = tf.placeholder(tf.int32, [None], name="labels")
        logits = build_model(images_)
        loss = compute_loss(labels_, logits, tf.losses.get_regularization_losses())
        variables = {v.op.name: v for v in tf.global_variables()}

        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            if initial_values is not None:
                mapping.load(sess, variables, initial_values)
            tf1_logits, tf1_loss = sess.run([logits, loss], {images_: images, labels_: labels})
            return Trace(variables=sess.run(variables), outputs={"logits": tf1_logits},
                         loss={"loss": tf1_loss})


def main():
    result = trace()
    print("logits of the digit:", result.outputs["logits"][:, :5], "...")
    print("loss (cross-entropy + weight decay):", result.loss["loss"])


if __name__ == "__main__":
    main()
