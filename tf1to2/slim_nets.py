"""tf-slim nets → Keras applications: images, weight layouts and generated name maps.

Shared by the ``vgg16`` and ``inception_v3`` pairs:

- :func:`mnist_images`: real images for 224×224 and 299×299 nets (bundled MNIST digits, resized,
  grey to RGB), and each net's preprocessing;
- :func:`conv_as_dense`: slim writes fully connected layers as convolutions (VGG's fc6 is a 7×7
  conv over pool5, fc7, fc8 and Inception's logits are 1×1 convs); Keras uses ``Dense``;
- :func:`generated_name_map`: the map of a conv + batch-norm net, generated from slim's variable
  names and shapes (a graph's or a checkpoint's) and the Keras model's construction order;
- :func:`load_checkpoint`: a slim ``Saver`` checkpoint into a Keras model through a name map.
"""
import functools

import keras
import numpy as np
import tensorflow as tf

from tf1to2 import data, layouts, mapping
from tf1to2.errors import UserError


# --- Images ------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def mnist_images(count, size):
    """The first ``count`` bundled MNIST training digits as RGB ``size``×``size`` images in [0, 1].

    Bilinear resizing of the 28×28 digits, the grey channel copied to R, G and B; float32
    [count, size, size, 3] and their int32 labels (digits 0-9, used as class ids).
    """
    from tf1to2.data.mnist_images import to_rgb
    mnist = data.mnist("bundled")
    return to_rgb(mnist.train_images[:count], size), mnist.train_labels[:count]


def vgg_preprocess(images, rgb_means):
    """slim's vgg_preprocessing: pixels in [0, 255] minus the ImageNet RGB means (RGB order).

    Keras' ``vgg16.preprocess_input`` ("caffe" mode) also flips RGB to BGR: weights converted
    from a slim checkpoint expect RGB, so feed them slim's preprocessing, not Keras'.
    """
    return (255.0 * images - np.asarray(rgb_means, np.float32)).astype(np.float32)


def inception_preprocess(images):
    """slim's inception_preprocessing and Keras' ``inception_v3.preprocess_input``: [-1, 1]."""
    return (2.0 * images - 1.0).astype(np.float32)


def forward_only(name, steps):
    """These pairs compare one forward (and backward) pass: refuse training steps in one line."""
    if steps:
        raise UserError(f"{name} compares one forward and backward pass and has no training "
                        f"steps: use --steps 0, not {steps}")


# --- Layouts -----------------------------------------------------------------------------------

def conv_as_dense(layer, conv_shape):
    """A slim fully-connected-as-convolution kernel mapped onto a Keras ``Dense`` kernel.

    slim's kernel is [h, w, in, out] over an NHWC input of h×w×in; Keras' ``Flatten`` then
    ``Dense`` reads the same input flattened row-major (h, w, in), so the Dense kernel is the
    conv kernel reshaped to [h·w·in, out], in that axis order.
    """
    conv_shape, dense_shape = tuple(conv_shape), tuple(layer.kernel.shape)

    def to_tf2(kernel):
        if np.size(kernel) != np.prod(dense_shape):
            raise UserError(f"cannot reshape {list(np.shape(kernel))} to the Dense kernel "
                            f"{list(dense_shape)} of {layer.name}")
        return np.reshape(kernel, dense_shape)
    return mapping.Converted(layer.kernel, to_tf2=to_tf2,
                             to_tf1=lambda kernel: np.reshape(kernel, conv_shape))


def initialise(variable, initializer, shape=None):
    """Draw ``variable`` again from ``initializer`` (at ``shape``, reshaped to the variable's).

    ``keras.applications`` take no initializer arguments; this replaces a default after the
    build, seeded like every Keras initializer by ``keras.utils.set_random_seed``.
    """
    value = initializer(tuple(shape or variable.shape), dtype=variable.dtype)
    variable.assign(tf.reshape(value, variable.shape))


# --- Generated name maps -----------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def slim_inception_v3_shapes(classes):
    """{name: shape} of every variable of slim's inception_v3 (no aux logits), from its graph.

    Only the graph is built (no session, no values). A slim checkpoint gives the same names and
    shapes: ``{name: tuple(shape) for name, shape in tf.train.list_variables(path)}``.
    """
    import tensorflow.compat.v1 as tf1
    import tf_slim as slim
    from tf_slim.nets import inception_v3

    with tf1.Graph().as_default():
        images = tf1.placeholder(tf1.float32, [None, 299, 299, 3])
        with slim.arg_scope(inception_v3.inception_v3_arg_scope()):
            inception_v3.inception_v3(images, num_classes=classes, is_training=False,
                                      create_aux_logits=False)
        return {v.op.name: tuple(v.shape.as_list()) for v in tf1.global_variables()}


def construction_order(layers):
    """Keras layers in the order the code constructed them (their auto-name counter).

    A functional model's ``model.layers`` is in *topological* order: in InceptionV3 a branch's
    second conv can come before another branch's first. Keras names unnamed layers ``conv2d``,
    ``conv2d_1``, ... from a process-wide counter, so the number orders them by construction.
    """
    def number(layer):
        prefix, _, suffix = layer.name.rpartition("_")
        return int(suffix) if suffix.isdigit() else 0

    numbers = [number(layer) for layer in layers]
    if len(set(numbers)) != len(numbers):
        raise UserError("cannot order the Keras layers by construction: their names are not "
                        f"one auto-numbered series ({', '.join(layer.name for layer in layers)})")
    return [layer for _, layer in sorted(zip(numbers, layers), key=lambda pair: pair[0])]


def generated_name_map(slim_shapes, model, logits_scope, logits_layer="predictions",
                       order=construction_order):
    """{slim name: Keras variable} for a slim conv + batch-norm net and its Keras application.

    The rule: slim's conv layers sorted by scope name (``Mixed_6b/Branch_1/Conv2d_0b_1x7``:
    block, branch, then the letter that numbers the layer within its branch) are the Keras
    ``Conv2D`` layers in construction order; each conv's batch norm is the one layer that reads
    its output; the logits (a 1×1 conv in slim) are the ``Dense`` layer ``logits_layer``. Every
    pair must have the same shapes, and both sides the same number of variables with none left
    over: anything else is a one-line UserError that names the first mismatch.
    """
    slim_convs = sorted(name.rsplit("/", 1)[0] for name in slim_shapes
                        if name.endswith("/weights") and not name.startswith(logits_scope + "/"))
    convs = order([layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)])
    norms = [layer for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization)]
    if len(slim_convs) != len(convs):
        raise UserError(f"slim has {len(slim_convs)} conv layers, Keras {len(convs)}")
    name_map = {}
    for scope, conv in zip(slim_convs, convs):
        readers = [norm for norm in norms if norm.input is conv.output]
        if len(readers) != 1:
            raise UserError(f"Keras layer {conv.name} is read by {len(readers)} batch norms, not 1")
        pairs = layouts.slim_conv2d(scope, conv, norm=readers[0])
        for name, variable in pairs.items():
            if slim_shapes.get(name) != tuple(variable.shape):
                raise UserError(f"generated name map: {name} {slim_shapes.get(name)} would be "
                                f"{variable.path} {tuple(variable.shape)}: the orders disagree")
        name_map.update(pairs)
    logits = model.get_layer(logits_layer)
    name_map.update(layouts.slim_fully_connected(logits_scope, logits))
    name_map[f"{logits_scope}/weights"] = conv_as_dense(logits, slim_shapes[f"{logits_scope}/weights"])
    mapping.check_names(slim_shapes, name_map, "the generated name map")
    keras_variables = [id(variable) for entry in name_map.values()
                       for variable in [getattr(entry, "variable", entry)]]
    if sorted(keras_variables) != sorted(id(variable) for variable in model.weights):
        raise UserError(f"the generated name map uses {len(set(keras_variables))} of the Keras "
                        f"model's {len(model.weights)} variables")
    return name_map


# --- Checkpoints -------------------------------------------------------------------------------

def load_checkpoint(name_map, path, drop_background=(), ignore=()):
    """Load a slim ``Saver`` checkpoint into the Keras variables of ``name_map`` (all or nothing).

    ``drop_background``: the slim names of a 1001-class logits layer (its weights and biases)
    whose class 0 is the model zoo's "background": their first entry along the last axis is
    dropped, leaving Keras' 1000 ImageNet classes. ``ignore``: name prefixes of slim-only parts
    the Keras model does not have (``"InceptionV3/AuxLogits/"``), left out of the check.
    Every other checkpoint variable must be in the map and every map entry in the checkpoint.
    """
    values = {name: value for name, value in mapping.load_tf1_checkpoint(path).items()
              if not name.startswith(tuple(ignore))}
    mapping.check_names(name_map, values, f"checkpoint {path}")
    for name in drop_background:
        values[name] = values[name][..., 1:]
    mapping.assign(name_map, values, what=f"checkpoint {path}")
    return values


# --- Tests of heavy nets -----------------------------------------------------------------------

def heavy_net_start(values, seed):
    """A start for copy-aligned nets that random N(0, 0.5²) weights would blow up.

    The TF1 side's own weights (every kernel already distinct and well scaled) with each vector
    that starts at a constant drawn at random: biases, betas and moving means N(0, 0.1²), moving
    variances U(0.5, 2). A name map that swaps two such vectors of equal shape then shows.
    """
    rng = np.random.default_rng(seed)
    start = dict(values)
    for name, value in values.items():
        if name.endswith("moving_variance"):
            start[name] = rng.uniform(0.5, 2.0, np.shape(value)).astype(np.float32)
        elif name.endswith(("biases", "beta", "moving_mean")):
            start[name] = rng.normal(0.0, 0.1, np.shape(value)).astype(np.float32)
    return start


def own_initial_variables(module, seed):
    """A side's own initial variables by TF1 name, built but not run (no forward pass).

    The TF2 module is the one with ``tf1_names``; both have ``build_model(images)`` and ``HP``.
    """
    images = np.zeros((1, module.HP.image_size, module.HP.image_size, 3), np.float32)
    if hasattr(module, "tf1_names"):
        keras.utils.set_random_seed(seed)
        return mapping.read(module.tf1_names(module.build_model(images)))
    import tensorflow.compat.v1 as tf1
    with tf1.Graph().as_default():
        tf1.set_random_seed(seed)
        module.build_model(tf1.placeholder(tf1.float32, (None, *images.shape[1:])))
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            return sess.run({v.op.name: v for v in tf1.global_variables()})


def thinned(values, limit=200_000):
    """Each variable, or every k-th of its elements if it has more than ``limit``: a draw of
    VGG-16 is 550 MB, and the initialisation check subsamples to 200,000 elements anyway."""
    return {name: value if value.size <= limit else value.ravel()[::-(-value.size // limit)]
            for name, value in values.items()}


def heavy_net_test(test_class):
    """Class decorator for an EquivalenceTest of a net too heavy for three seeds (VGG-16).

    Keeps the base class's per-seed checks of seed 0 only (a test attribute set to None is
    not collected), starts the random-start checks from :func:`heavy_net_start`, and computes
    the TF1 side's trace of each (seed, start) once per class: planted mistakes patch only the
    TF2 side, so each ``assert_caught`` then costs one TF2 run. The initialisation check draws
    each side's own variables for seeds 0-2 without running the network
    (:func:`own_initial_variables`).
    """
    from tf1to2 import harness, initialisation, testing

    for name in dir(testing.EquivalenceTest):
        if name.startswith("test_") and name.endswith(tuple(f"_{s}" for s in testing.SEEDS[1:])):
            setattr(test_class, name, None)

    def _initial_values(self, seed, random_start):
        return heavy_net_start(self.report(seed).tf1.variables, seed) if random_start else None

    set_up, tear_down = test_class.setUpClass.__func__, test_class.tearDownClass.__func__

    def setUpClass(cls):
        set_up(cls)
        tf1_module, _ = harness.side_modules(cls.EXAMPLE)
        cls._tf1_trace, cache = tf1_module.trace, {}

        def trace(seed=0, steps=0, initial_values=None):
            start = None if initial_values is None else tuple(
                (name, np.asarray(value).ravel()[:16].tobytes())
                for name, value in sorted(initial_values.items()))
            if (seed, steps, start) not in cache:
                cache[seed, steps, start] = cls._tf1_trace(seed, steps, initial_values)
            return cache[seed, steps, start]
        tf1_module.trace = trace

    def tearDownClass(cls):
        harness.side_modules(cls.EXAMPLE)[0].trace = cls._tf1_trace
        tear_down(cls)

    def _initialisation_check(self):
        tf1_module, tf2_module = harness.side_modules(self.EXAMPLE)
        if "tf1_draws" not in self._reports:  # the TF1 side is never patched: draw it once
            self._reports["tf1_draws"] = [thinned(own_initial_variables(tf1_module, seed))
                                          for seed in testing.SEEDS]
        tf2_draws = [thinned(own_initial_variables(tf2_module, seed)) for seed in testing.SEEDS]
        return initialisation.compare_draws(self._reports["tf1_draws"], tf2_draws)

    test_class._initial_values = _initial_values
    test_class._initialisation_check = _initialisation_check
    test_class.setUpClass, test_class.tearDownClass = classmethod(setUpClass), classmethod(tearDownClass)
    return test_class
