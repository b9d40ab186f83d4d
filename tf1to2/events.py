"""Read TensorBoard event files back: {tag: [(step, value), ...]}, TF1 and TF2 summaries alike.

TF1 summaries (`tf.compat.v1.summary.*` + `FileWriter`) store a scalar in `simple_value`, a
histogram as a `HistogramProto` (`histo`) and each image as its own PNG under the tag
`NAME/image/I`. TF2 summaries (`tf.summary.*` under `create_file_writer`) store every kind in
`value.tensor`, told apart by the plugin name of the value's metadata: a float32 scalar, a
[buckets, 3] float64 tensor of (left edge, right edge, count), and a string tensor
[width, height, png, png, ...]. :func:`read` turns both into the same normalised values:

- scalar: a float32 number;
- histogram: float64 [min, max, count] (TF1's exponential buckets and TF2's 30 uniform
  buckets cannot be compared bucket by bucket; these three numbers both formats hold exactly);
- images: uint8 [k, height, width, channels], the decoded PNGs in order, under the tag NAME.
"""
import collections
import pathlib

import numpy as np
import tensorflow as tf

from tf1to2.errors import UserError


def _decode_png(encoded):
    return tf.io.decode_png(encoded).numpy()


def _normalise(value):
    """(tag, image index or None, normalised value) of one summary value."""
    kind = value.WhichOneof("value")
    if kind == "simple_value":
        return value.tag, None, np.float32(value.simple_value)
    if kind == "histo":
        return value.tag, None, np.array([value.histo.min, value.histo.max, value.histo.num])
    if kind == "image":
        name, _, index = value.tag.rpartition("/image/")
        return name, int(index), _decode_png(value.image.encoded_image_string)
    if kind == "tensor":
        plugin = value.metadata.plugin_data.plugin_name
        tensor = tf.make_ndarray(value.tensor)
        if plugin == "scalars":
            return value.tag, None, np.float32(tensor)
        if plugin == "histograms":
            return value.tag, None, np.array([tensor[0, 0], tensor[-1, 1], tensor[:, 2].sum()])
        if plugin == "images":
            return value.tag, None, np.stack([_decode_png(png) for png in tensor[2:]])
    raise UserError(f"summary {value.tag!r}: cannot read a {kind} value "
                    f"({value.metadata.plugin_data.plugin_name or 'no plugin'})")


def read(logdir):
    """Every summary written under ``logdir``: {tag: [(step, value), ...]} in file order."""
    paths = sorted(pathlib.Path(logdir).glob("events.out.tfevents.*"))
    if not paths:
        raise UserError(f"no event files (events.out.tfevents.*) in {logdir}")
    read_values = collections.defaultdict(list)
    for path in paths:
        for event in tf.compat.v1.train.summary_iterator(str(path)):
            images = collections.defaultdict(dict)
            for value in event.summary.value:
                tag, index, item = _normalise(value)
                if index is None:
                    read_values[tag].append((event.step, item))
                else:
                    images[tag][index] = item
            for tag, by_index in images.items():   # TF1: one value per image: stack them
                read_values[tag].append((event.step, np.stack([by_index[i]
                                                               for i in sorted(by_index)])))
    return dict(read_values)


def as_arrays(read_values):
    """{tag/steps: int64 [n], tag/values: [n, ...]}: the arrays a Trace holds."""
    arrays = {}
    for tag, items in read_values.items():
        arrays[f"{tag}/steps"] = np.array([step for step, _ in items], dtype=np.int64)
        arrays[f"{tag}/values"] = np.stack([value for _, value in items])
    return arrays
