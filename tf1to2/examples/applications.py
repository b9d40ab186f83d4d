"""Registry entries: tf-slim model-zoo nets against Keras applications (vgg16, inception_v3)."""
from tf1to2 import tolerances as tol
from tf1to2.examples.example import Example
from tf1to2.tolerances import applications as app_tol

EXAMPLES = [
    Example(
        # "copy": slim initialises; the Keras model takes the values through tf1_names(), which
        # reshapes fc6-fc8 from slim's convolutions to Keras' Dense kernels.
        "vgg16",
        "tf-slim's vgg_16 (fc6-fc8 as convolutions) against keras.applications.VGG16: logits, "
        "loss with weight decay and every gradient on two MNIST digits at 224x224.",
        "tf-slim nets: tf_slim/nets/vgg.py; keras.applications.VGG16", "copy", 0,
        # Measured: logits and loss bit-identical, gradients 8.9e-8 apart (seed 0).
        # heavy: 138 M weights, 4-15 min and 9 GB for one comparison on a 2-core CPU.
        default_tolerance=tol.FLOAT32_FORWARD, book="idioms", heavy=True),
    Example(
        # "copy" through a generated name map: 378 variables paired by slim's scope order and
        # Keras' construction order, checked by shapes.
        "inception_v3",
        "tf-slim's inception_v3 (batch norm without scale, no aux logits) against "
        "keras.applications.InceptionV3: 378 variables mapped, logits at 299x299 in inference.",
        "tf-slim nets: tf_slim/nets/inception_v3.py; keras.applications.InceptionV3", "copy", 0,
        # heavy: 2-5 min for one comparison on a 2-core CPU.
        default_tolerance=app_tol.INCEPTION_V3_FORWARD, book="idioms", heavy=True),
]
