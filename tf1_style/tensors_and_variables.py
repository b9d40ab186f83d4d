"""Tensors and variables: constants, indexing, dtypes, updates, sparse, ragged; TF1 graph style.

Source: Géron, Hands-On ML 2nd ed., ch. 12, "Using TensorFlow like NumPy" (notebook 12 cells
[2]-[59]); Chollet, Deep Learning with Python 2nd ed., ch. 3, constant tensors and variables.

Computes the book's tensor operations (indexing, `t @ tf.transpose(t)` = [[14, 32], [32, 77]]),
what numpy's float64 becomes, the refusal to add float32 to int32 or float64 and the `tf.cast`
that gives 42, Chollet's seeded random tensors, the variable updates (assign, slice assignment,
`scatter_nd_update`, `scatter_update`), sparse tensors, ragged tensors of Unicode code points and a
`TensorArray`.

What changes in TF2:
- nothing is built first and run later: every line computes at once, and `Session.run` goes;
- the mixed-dtype addition fails when it runs (`InvalidArgumentError`), not while the graph is
  built (`TypeError`);
- `tf.assign`, `tf.scatter_nd_update`, `tf.scatter_update` become methods of the variable, and
  an eager `assign` returns a handle that reads the variable later, not the value it wrote;
- an eager `TensorArray` clears an element when it is read: `clear_after_read=False`
  keeps the graph's behaviour;
- the random ops' graph-level seed becomes `tf.random.set_seed`.
"""
import tensorflow.compat.v1 as tf
import numpy as np

from tf1to2 import mapping
from tf1to2.harness import Trace
from tf1to2.hparams import geron

HP = geron.TENSORS_AND_VARIABLES


def tensor_operations(t):
    return {"t": t, "columns_from_1": t[:, 1:], "column_1": t[..., 1, tf.newaxis],
            "plus_10": t + 10, "square": tf.square(t), "t_times_t_transposed": t @ tf.transpose(t)}


def from_numpy(a):
    # A numpy array of Python floats is float64, and so are the tensors made from it.
    return {"constant": tf.constant(a), "square": tf.square(a), "sqrt": tf.sqrt(a)}


def add_mixed_dtypes(x, y):
    """x + y for tensors of two dtypes: TensorFlow never converts; the error is returned."""
    try:
        return x + y
    except TypeError as error:  # raised while the graph is built
        return error


def cast_and_add():
    t2 = tf.constant(40.0, dtype=tf.float64)
    return tf.constant(2.0) + tf.cast(t2, tf.float32)


def chollet_tensors():
    a = tf.ones((2, 2))
    b = tf.square(a)
    c = tf.sqrt(a)
    d = b + c
    e = tf.matmul(a, b)
    e *= d
    return {"ones": tf.ones(shape=(2, 1)), "zeros": tf.zeros(shape=(2, 1)),
            "normal": tf.random.normal(shape=(3, 1), mean=0.0, stddev=1.0, seed=HP.normal_seed),
            "uniform": tf.random.uniform(shape=(3, 1), minval=0.0, maxval=1.0,
                                         seed=HP.uniform_seed),
            "d": d, "e": e}


def update_matrix(v):
    """Géron's updates, in order; each op gives the variable's value once it has run."""
    return {"doubled": tf.assign(v, 2 * v),
            "element_0_1": v[0, 1].assign(42.0),
            "column_2": v[:, 2].assign([0.0, 1.0]),
            "scatter_nd": tf.scatter_nd_update(v, indices=[[0, 0], [1, 2]], updates=[100.0, 200.0]),
            "rows_swapped": tf.scatter_update(v, [1, 0], [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])}


def update_column(v):
    """Chollet's updates, in order; each op gives the variable's value once it has run."""
    return {"ones": tf.assign(v, tf.ones((3, 1))),
            "element_0_0": v[0, 0].assign(3.0),
            "plus_ones": tf.assign_add(v, tf.ones((3, 1)))}


def assign_item(v):
    """``v[1] = ...``: a variable is not a numpy array; the error is returned."""
    try:
        v[1] = [7.0, 8.0, 9.0]
    except TypeError as error:
        return error


def sparse_tensors():
    s = tf.SparseTensor(indices=HP.sparse_indices, values=HP.sparse_values,
                        dense_shape=HP.sparse_shape)
    unordered = tf.SparseTensor(indices=HP.unordered_indices, values=[1.0, 2.0],
                                dense_shape=HP.sparse_shape)
    return {"dense": tf.sparse.to_dense(s), "times_2": tf.sparse.to_dense(s * 2.0),
            "matmul": tf.sparse.sparse_dense_matmul(s, tf.constant(HP.dense_right)),
            "reordered": tf.sparse.to_dense(tf.sparse.reorder(unordered))}


def ragged_tensors():
    r = tf.strings.unicode_decode(tf.constant(HP.strings), "UTF8")
    ragged = {"code_points": r, "rows_1_to_3": r[1:3],
              "more_rows": tf.concat([r, tf.ragged.constant(HP.more_rows)], axis=0),
              "more_columns": tf.concat([r, tf.ragged.constant(HP.more_columns)], axis=1)}
    # A ragged tensor is stored as its values and the offsets where each row starts.
    parts = {f"{name}/{part}": getattr(value, part)
             for name, value in ragged.items() for part in ("flat_values", "row_splits")}
    return {**parts, "row_1": r[1], "padded": r.to_tensor()}


def tensor_array():
    # A graph's TensorArray keeps an element it has read (TF 2's graphs: a list of tensors).
    array = tf.TensorArray(dtype=tf.float32, size=len(HP.array_rows))
    for index, row in enumerate(HP.array_rows):
        array = array.write(index, tf.constant(row))
    read_1 = array.read(1)
    stacked = array.stack()
    mean, variance = tf.nn.moments(array.stack(), axes=0)
    return {"read_1": read_1, "stacked": stacked, "mean": mean, "variance": variance}


def trace(seed=0, steps=0, initial_values=None):
    """Every value of the book's cells, with its dtype. Nothing is trained: ``steps`` is unused;
    ``seed`` is the graph-level seed of the random tensors."""
    with tf.Graph().as_default():
        tf.set_random_seed(seed)
        # Building the graph computes nothing; every value below comes from `sess.run`.
        outputs = {}
        for group, tensors in (("t", tensor_operations(tf.constant(HP.matrix))),
                               ("numpy", from_numpy(np.array(HP.numpy_vector))),
                               ("chollet", chollet_tensors()), ("sparse", sparse_tensors()),
                               ("ragged", ragged_tensors()), ("tensor_array", tensor_array())):
            outputs.update({f"{group}/{name}": tensor for name, tensor in tensors.items()})
        outputs["cast_and_add"] = cast_and_add()
        refused = {"float32_plus_int32": add_mixed_dtypes(tf.constant(2.0), tf.constant(40)),
                   "float32_plus_float64": add_mixed_dtypes(
                       tf.constant(2.0), tf.constant(40.0, dtype=tf.float64))}
        matrix = tf.Variable(HP.matrix, name="matrix")
        column = tf.Variable(tf.random.normal(shape=(3, 1), seed=HP.variable_seed), name="column")
        variables = {"matrix": matrix, "column": column}
        updates = {**{f"matrix/{name}": op for name, op in update_matrix(matrix).items()},
                   **{f"column/{name}": op for name, op in update_column(column).items()}}
        item_error = assign_item(matrix)

        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            if initial_values is not None:
                mapping.load(sess, variables, initial_values)
            result = Trace(variables=sess.run(variables))
            result.outputs.update(sess.run(outputs))
            # An update op changes the variable each time it runs: run them one by one, in order.
            for name, update in updates.items():
                result.outputs[name] = sess.run(update)
    result.outputs.update({f"refused/{name}": np.bool_(isinstance(error, Exception))
                           for name, error in refused.items()})
    result.outputs["refused/item_assignment"] = np.bool_(isinstance(item_error, TypeError))
    result.errors = {**refused, "item_assignment": item_error}
    return result


def main():
    result = trace()
    for name, value in result.outputs.items():
        print(f"{name} ({np.asarray(value).dtype}):", np.asarray(value).tolist())
    for name, error in result.errors.items():
        print(f"{name}: {type(error).__name__}: {str(error).splitlines()[0]}")


if __name__ == "__main__":
    main()
