"""Hyperparameters of the slim-net → Keras-application pairs (vgg16, inception_v3), read by both sides."""
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


VGG16 = Vgg16()
INCEPTION_V3 = InceptionV3()
