"""Hyperparameters of the Keras-application pairs (vgg16, inception_v3, mobilenet_v2).

Read by both sides of each pair."""
import dataclasses


@dataclasses.dataclass(frozen=True)
class Vgg16:
    """tf_slim.nets.vgg.vgg_16 in vgg_arg_scope() against keras.applications.VGG16."""
    image_size: int = 224       # vgg_16.default_image_size; Keras' VGG16 top needs 224 too
    batch_size: int = 2         # two MNIST digits, resized: the check is one forward/backward pass
    classes: int = 1000         # slim's fc8 and Keras' predictions: the same 1000 ImageNet classes
    weight_decay: float = 5e-4  # vgg_arg_scope(weight_decay=0.0005): slim.l2_regularizer on weights
    # slim's vgg_preprocessing subtracts these RGB means from pixels in [0, 255].
    rgb_means: tuple = (123.68, 116.78, 103.94)
    steps: int = 0              # no training: the pair compares one forward and backward pass


@dataclasses.dataclass(frozen=True)
class InceptionV3:
    """tf_slim.nets.inception_v3 in inception_v3_arg_scope() against keras.applications.InceptionV3."""
    image_size: int = 299       # inception_v3.default_image_size; Keras' default input too
    batch_size: int = 1
    # Keras has 1000 classes; slim's model-zoo checkpoints have 1001 (class 0 is "background"),
    # so the slim net is built with 1000 here and a 1001-class checkpoint drops its row 0.
    classes: int = 1000
    weight_decay: float = 4e-5        # inception_v3_arg_scope(weight_decay=0.00004)
    batch_norm_decay: float = 0.9997  # inception_v3_arg_scope's decay; Keras' momentum is 0.99
    batch_norm_epsilon: float = 1e-3  # the same in both
    steps: int = 0


@dataclasses.dataclass(frozen=True)
class MobileNetV2:
    """The handbook's cnn/mobilenet.py (H11): MobileNetV2 trained from scratch on 5 classes.

    The book: 224x224 tf_flowers, batch 50, Adam 1e-3, ``model.updates`` run with the train op
    and the learning phase 1. Here the offline data is MNIST's digits 0-4 (tf1to2.data.
    mnist_images), the net is made small enough for a CPU check: 64x64 inputs (the last feature
    map is 2x2, so batch norm there averages over 4 positions x the batch; at 32x32 it is 1x1
    and ill-conditioned) and width multiplier 0.35 (the smallest keras.applications allows).
    """
    image_size: int = 64
    alpha: float = 0.35  # MobileNetV2's width multiplier: 0.35 has 262 variables, 0.4 M weights
    classes: int = 5            # tf_flowers' 5 classes; digits 0-4 offline
    batch_size: int = 16
    learning_rate: float = 1e-3  # the book's Adam
    # TF1's AdamOptimizer default; Keras 3's Adam defaults to 1e-7 (PITFALLS #7).
    adam_epsilon: float = 1e-8
    # Both MobileNetV2s build their batch norms with momentum 0.999 and epsilon 1e-3 (Keras'
    # BatchNormalization defaults are 0.99 and 1e-3): a hand-built copy must set them.
    batch_norm_momentum: float = 0.999
    batch_norm_epsilon: float = 1e-3
    training: bool = True       # the train step's training flag (TF1: the learning phase fed 1)
    steps: int = 2              # Adam steps of the equivalence check
    check_data_source: str = "bundled"  # the checks never depend on a download or a cache
    # The --train job: one pass over the training split in batches of batch_size, evaluated
    # on the eval split; "auto" tries tf_flowers first.
    train_data_source: str = "auto"
    train_epochs: int = 1
    eval_batch_size: int = 250
    loss_window: int = 32       # the job compares the two loss curves by their mean per window


VGG16 = Vgg16()
INCEPTION_V3 = InceptionV3()
MOBILENET_V2 = MobileNetV2()
