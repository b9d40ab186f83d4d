"""All data the examples use, made or loaded once here and fed to both sides as numpy arrays."""
import numpy as np

from tf1to2.errors import UserError


def house_prices():
    """The handbook's five house prices, 2013-2017, both min-max normalised to [0, 1]."""
    X_raw = np.array([2013, 2014, 2015, 2016, 2017], dtype=np.float32)
    y_raw = np.array([12000, 14000, 15000, 16500, 17500], dtype=np.float32)
    X = (X_raw - X_raw.min()) / (X_raw.max() - X_raw.min())
    y = (y_raw - y_raw.min()) / (y_raw.max() - y_raw.min())
    return X, y


def linear_dense():
    """The handbook's two-sample regression problem: X [2, 3], y [2, 1]."""
    X = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=np.float32)
    y = np.array([[10.0], [20.0]], dtype=np.float32)
    return X, y


def gaussian_classes(samples_per_class, seed=0):
    """DLwP ch. 3: two 2-D Gaussian clouds around (0, 3) (label 0) and (3, 0) (label 1).

    Both share the covariance [[1, .5], [.5, 1]]; returns float32 inputs [2n, 2] and targets [2n, 1].
    """
    rng = np.random.default_rng(seed)
    covariance = [[1.0, 0.5], [0.5, 1.0]]
    negative = rng.multivariate_normal(mean=[0.0, 3.0], cov=covariance, size=samples_per_class)
    positive = rng.multivariate_normal(mean=[3.0, 0.0], cov=covariance, size=samples_per_class)
    inputs = np.vstack([negative, positive]).astype(np.float32)
    targets = np.vstack([np.zeros((samples_per_class, 1)),
                         np.ones((samples_per_class, 1))]).astype(np.float32)
    return inputs, targets


def check_shape(name, array, shape):
    """Raise a one-line UserError unless ``array`` has ``shape`` (None matches any size)."""
    actual = np.shape(array)
    if len(actual) != len(shape) or any(s is not None and s != a for s, a in zip(shape, actual)):
        expected = "[" + ", ".join("N" if s is None else str(s) for s in shape) + "]"
        raise UserError(f"{name} has shape {list(actual)}, expected {expected}")
    return array
