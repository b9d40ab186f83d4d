"""A worked convolution: one 3x3 filter with bias over a 7x7 image, TF2 style (Keras 3).

Source: TensorFlow handbook (snowkylin), "Convolutional neural networks", `cnn/cnn_example.py`
at 7be54a6. The handbook slides the kernel W = [[0, 0, -1], [0, 1, 0], [-2, 0, 2]] with bias 1
over a 7x7 single-channel image with VALID padding and prints the 5x5 result.

What changed from TF1:
- the kernel and bias variables with `tf.constant_initializer` and the `tf.nn.conv2d(...) + b`
  op became one `keras.layers.Conv2D` with `keras.initializers.Constant`;
- `tf.constant_initializer` reshaped W from [1, 3, 3] to the kernel's [3, 3, 1, 1]; Keras 3's
  `Constant` broadcasts instead, so the TF2 side reshapes W itself;
- the placeholder and `Session.run` became a call of the model on the image.
"""
import keras
import tensorflow as tf

from tf1to2 import data, hparams, mapping
from tf1to2.harness import Trace

HP = hparams.CONV_EXAMPLE


def build_model(image):
    _, kernel, bias = data.conv_example()
    in_channels = image.shape[-1]
    # Keras 3's Constant broadcasts its value to the kernel's shape (a [1, 3, 3] W would give a
    # [3, 3, 3, 3] kernel), so W is reshaped to [height, width, in_channels, filters] here.
    kernel = kernel.reshape(HP.kernel_size, HP.kernel_size, in_channels, HP.filters)
    model = keras.Sequential([
        keras.Input(shape=image.shape[1:]),
        keras.layers.Conv2D(filters=HP.filters, kernel_size=HP.kernel_size, strides=HP.strides,
                            padding=HP.padding, name="conv2d",
                            kernel_initializer=keras.initializers.Constant(kernel),
                            bias_initializer=keras.initializers.Constant(bias)),
    ])
    return model


def tf1_names(model):
    """The name map: each TF1 variable name and the Keras variable that replaces it."""
    conv = model.get_layer("conv2d")
    return {"conv2d/kernel": conv.kernel, "conv2d/bias": conv.bias}


def trace(seed=0, steps=0, initial_values=None):
    image, _, _ = data.conv_example()
    model = build_model(image)
    variables = tf1_names(model)

    if initial_values is not None:
        mapping.assign(variables, initial_values)
    result = Trace(variables=mapping.read(variables),
                   outputs={"output": model(tf.constant(image)).numpy()})
    return result


def main():
    result = trace()
    print("output (5x5):")
    print(result.outputs["output"][0, :, :, 0])


if __name__ == "__main__":
    main()
