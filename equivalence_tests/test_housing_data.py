"""California housing: the shipped-file fallback gives exactly the arrays sklearn's loader gives.

There is no network here, so sklearn's own ``fetch_california_housing`` is run on the shipped
raw file: the file is packed into the archive layout sklearn downloads
(``CaliforniaHousing/cal_housing.data`` in ``cal_housing.tgz``), sklearn's download step
(``_fetch_remote``) is replaced by handing it that archive, and everything after it (reading,
column order, divisions, target scale, dtype) is sklearn's code, run in a temporary data home.
"""
import gzip
import io
import tarfile
from unittest import mock

import numpy as np
import pytest
from sklearn.datasets import _california_housing, fetch_california_housing

from tf1to2.data import housing
from tf1to2.errors import UserError


@pytest.fixture
def fresh_cache():
    housing.load.cache_clear()
    yield
    housing.load.cache_clear()


@pytest.fixture(scope="module")
def sklearn_bunch(tmp_path_factory):
    """sklearn's fetch_california_housing, its download replaced by the shipped file's archive."""
    home = tmp_path_factory.mktemp("scikit_learn_data")
    archive = home / "cal_housing.tgz"
    raw = gzip.decompress(housing.CAL_HOUSING.read_bytes())
    with tarfile.open(archive, "w:gz") as tar:
        info = tarfile.TarInfo("CaliforniaHousing/cal_housing.data")
        info.size = len(raw)
        tar.addfile(info, io.BytesIO(raw))
    with mock.patch.object(_california_housing, "_fetch_remote", return_value=str(archive)):
        return fetch_california_housing(data_home=str(home))


def test_the_fallback_derives_exactly_sklearns_arrays(sklearn_bunch):
    data, target, source = housing.features("bundled")
    assert "bundled" in source
    assert data.dtype == sklearn_bunch.data.dtype == np.float64
    assert target.dtype == sklearn_bunch.target.dtype == np.float64
    np.testing.assert_array_equal(data, sklearn_bunch.data)
    np.testing.assert_array_equal(target, sklearn_bunch.target)
    assert list(housing.FEATURE_NAMES) == sklearn_bunch.feature_names


def test_the_fallback_matches_sklearns_published_description():
    # sklearn's DESCR and docstring: 20,640 samples, 8 features in this order, target 0.15-5;
    # the first block group (Berkeley) as the book shows it with housing.data[0].
    data, target, _ = housing.features("bundled")
    assert data.shape == (20640, 8) and target.shape == (20640,)
    assert housing.FEATURE_NAMES[:6] == ("MedInc", "HouseAge", "AveRooms", "AveBedrms",
                                         "Population", "AveOccup")
    np.testing.assert_allclose(data[0], [8.3252, 41.0, 6.98412698, 1.02380952, 322.0,
                                         2.55555556, 37.88, -122.23], rtol=1e-8)
    assert target[0] == 4.526
    assert 0.1499 < target.min() and target.max() <= 5.00001


def test_split_and_scaling_as_the_book(fresh_cache):
    h = housing.load("bundled")
    assert (len(h.X_train), len(h.X_valid), len(h.X_test)) == (11610, 3870, 5160)
    for X, y in ((h.X_train, h.y_train), (h.X_valid, h.y_valid), (h.X_test, h.y_test)):
        assert X.dtype == y.dtype == np.float32 and X.shape[1] == 8 and y.shape == (len(X), 1)
    np.testing.assert_allclose(h.X_train.mean(axis=0), 0.0, atol=1e-6)
    np.testing.assert_allclose(h.X_train.std(axis=0), 1.0, atol=1e-5)
    # A marker of the split (train_test_split, random_state=42, twice): measured, not from the book.
    assert h.y_train[0, 0] == np.float32(1.442)
    assert h.feature_names == housing.FEATURE_NAMES


def test_auto_falls_back_to_the_shipped_file_without_network(fresh_cache):
    with mock.patch.object(housing, "_fetch_sklearn", side_effect=OSError("no network")):
        assert "bundled" in housing.load("auto").source
        with pytest.raises(UserError, match="fetch_california_housing.*no network"):
            housing.features("sklearn")


def test_random_batches_are_seeded_and_drawn_with_replacement(fresh_cache):
    h = housing.load("bundled")
    first = [y for _, y in h.random_batches(32, 3, seed=5)]
    again = [y for _, y in h.random_batches(32, 3, seed=5)]
    assert all(np.array_equal(a, b) for a, b in zip(first, again)) and first[0].shape == (32, 1)


def test_bad_input_is_a_one_line_error(tmp_path):
    with pytest.raises(UserError, match="unknown California housing source"):
        housing.features("kaggle")
    bad = tmp_path / "cal_housing.data.gz"
    bad.write_bytes(gzip.compress(b"1,2,3\n4,5,6\n"))
    with pytest.raises(UserError, match="expected \\[20640, 9\\]") as error:
        housing.read_raw(bad)
    assert "\n" not in str(error.value)
    bad.write_bytes(b"not gzip")
    with pytest.raises(UserError, match="cannot read California housing file"):
        housing.read_raw(bad)
