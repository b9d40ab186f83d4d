"""Registry entries: Keras applications against their TF1 versions (vgg16, inception_v3 from
tf-slim; mobilenet_v2 from the legacy tf.keras in a graph)."""
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
    Example(
        # "copy": the Keras 3 model takes tf_keras' initial values through tf1_names(): the
        # same layer names, depthwise_kernel -> kernel.
        "mobilenet_v2",
        "The handbook's MobileNetV2 (legacy tf.keras in a graph, model.updates run with the "
        "train op, learning phase 1) trained from scratch on 5 classes against Keras 3 "
        "MobileNetV2 under a GradientTape with training=True: logits, loss, 158 gradients, "
        "2 Adam steps, batch-norm statistics.",
        "TensorFlow handbook: cnn/mobilenet.py", "copy", 2,
        default_tolerance=app_tol.MOBILENET_V2_FORWARD,
        tolerances={"outputs": app_tol.MOBILENET_V2_OUTPUTS,
                    "gradients": app_tol.MOBILENET_V2_GRADIENTS,
                    "losses": app_tol.MOBILENET_V2_LOSSES,
                    "trajectory": app_tol.MOBILENET_V2_ADAM_STEPS,
                    "metrics": app_tol.MOBILENET_V2_STATISTICS},
        # heavy: 3.5 min wall, 106 s of CPU for one comparison (2 shared cores, load 4); the
        # --train job (256 batches per side) 7 min.
        train_job="tf1to2.jobs.mobilenet:train_mobilenet_v2", book="handbook", heavy=True),
]
