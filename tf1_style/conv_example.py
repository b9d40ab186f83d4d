"""A worked convolution: one 3x3 filter with bias over a 7x7 image, TF1 graph style.

Source: TensorFlow handbook (snowkylin), "Convolutional neural networks", `cnn/cnn_example.py`
at 7be54a6. The handbook slides the kernel W = [[0, 0, -1], [0, 1, 0], [-2, 0, 2]] with bias 1
over a 7x7 single-channel image with VALID padding and prints the 5x5 result.

What changes in TF2:
- the kernel and bias variables with `tf.constant_initializer` and the `tf.nn.conv2d(...) + b`
  op become one `keras.layers.Conv2D` with `keras.initializers.Constant`;
- `tf.constant_initializer` reshaped W from [1, 3, 3] to the kernel's [3, 3, 1, 1]; Keras 3's
  `Constant` broadcasts instead, so the TF2 side reshapes W itself;
- the placeholder and `Session.run` become a call of the model on the image.
"""
import tensorflow.compat.v1 as tf

from tf1to2 import data, hparams, mapping
from tf1to2.harness import Trace

HP = hparams.CONV_EXAMPLE


def build_model(image):
    _, kernel, bias = data.conv_example()
    in_channels = image.shape[-1]
    with tf.variable_scope("conv2d"):
        # The v1 constant initialiser reshapes the [1, 3, 3] W to the variable's shape.
        W = tf.get_variable("kernel", [HP.kernel_size, HP.kernel_size, in_channels, HP.filters],
                            initializer=tf.constant_initializer(kernel))
        b = tf.get_variable("bias", [HP.filters], initializer=tf.constant_initializer(bias))
    return tf.nn.conv2d(image, W, strides=[1, HP.strides, HP.strides, 1], padding=HP.padding) + b


def trace(seed=0, steps=0, initial_values=None):
    image, _, _ = data.conv_example()
    with tf.Graph().as_default():
        image_ = tf.placeholder(tf.float32, [None, *image.shape[1:]], name="image")
        output = build_model(image_)
        variables = {v.op.name: v for v in tf.trainable_variables()}

        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            if initial_values is not None:
                mapping.load(sess, variables, initial_values)
            result = Trace(variables=sess.run(variables),
                           outputs={"output": sess.run(output, {image_: image})})
    return result


def main():
    result = trace()
    print("output (5x5):")
    print(result.outputs["output"][0, :, :, 0])


if __name__ == "__main__":
    main()
