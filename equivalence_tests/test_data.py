"""The data module: the bundled MNIST fallback, and one-line errors for bad files and shapes."""
import gzip
import struct
from unittest import mock

import numpy as np
import pytest

from tf1to2 import data
from tf1to2.errors import UserError


@pytest.fixture
def fresh_mnist_cache():
    data.mnist.cache_clear()
    yield
    data.mnist.cache_clear()


def test_bundled_mnist_is_the_handbooks_format(fresh_mnist_cache):
    mnist = data.mnist("bundled")
    assert mnist.train_images.shape == (8000, 28, 28, 1) and mnist.eval_images.shape == (2000, 28, 28, 1)
    assert mnist.train_images.dtype == np.float32 and mnist.train_labels.dtype == np.int32
    assert 0.0 <= mnist.train_images.min() and mnist.train_images.max() == 1.0
    assert "bundled" in mnist.source
    # The real MNIST test set's class counts (shared/data/README.md).
    counts = np.bincount(np.concatenate([mnist.train_labels, mnist.eval_labels]))
    assert counts.tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_random_batches_are_reproducible_and_drawn_with_replacement(fresh_mnist_cache):
    mnist = data.mnist("bundled")
    first = [labels for _, labels in mnist.random_batches(50, 3, seed=7)]
    again = [labels for _, labels in mnist.random_batches(50, 3, seed=7)]
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert len(first) == 3 and first[0].shape == (50,)


def _write_idx(path, magic, shape, payload_bytes):
    header = struct.pack(f">I{len(shape)}I", magic, *shape)
    with gzip.open(path, "wb") as file:
        file.write(header + payload_bytes)


@pytest.mark.parametrize("problem, write, message", [
    ("truncated", lambda p: _write_idx(p, 2051, (10, 28, 28), b"\0" * 100), "truncated"),
    ("wrong magic", lambda p: _write_idx(p, 2049, (10, 28, 28), b"\0" * 7840), "not an IDX file"),
    ("not gzip", lambda p: p.write_bytes(b"this is not a gzip file"), "cannot read MNIST file"),
])
def test_a_bad_mnist_file_is_a_one_line_error_naming_it(tmp_path, fresh_mnist_cache, problem, write,
                                                      message):
    bad = tmp_path / "mnist-t10k-images-idx3-ubyte.gz"
    write(bad)
    with mock.patch.object(data, "MNIST_IMAGES", bad):
        with pytest.raises(UserError, match=message) as error:
            data.mnist("bundled")
    assert str(bad) in str(error.value) and "\n" not in str(error.value)


def test_unknown_mnist_source_is_refused(fresh_mnist_cache):
    with pytest.raises(UserError, match="unknown MNIST source 'web'"):
        data.mnist("web")


def test_wrong_data_shape_is_a_one_line_error():
    with pytest.raises(UserError, match=r"images has shape \[5, 28\], expected \[N, 28, 28\]"):
        data.check_shape("images", np.zeros((5, 28)), (None, 28, 28))
    assert data.check_shape("images", np.zeros((5, 28, 28)), (None, 28, 28)).shape == (5, 28, 28)
