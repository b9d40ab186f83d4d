"""Several training steps per `tf.function` call: the loop, and a trace's use of it.

The fast form of a small model's loop (docs/speed.md) runs k steps in one call, a `tf.range`
loop over k stacked batches, where one call per step spends its time on the calls. The loop is
written once, :func:`loop`, and serves the benchmark's k-step forms
(:mod:`tf1to2.benchmark.forms`) and :func:`steps_in_one_call`, which a pair whose check
compares the weights after every step uses to get them back from the same loop::

    for step_loss, weights in k_steps.steps_in_one_call(train_step, variables, batches):
        result.record_step(step_loss, weights)

``train_step(*batch) -> loss`` is the pair's step, undecorated; ``variables`` its name map
({TF1 name: Keras variable}). Without XLA the loop computes what one call per step computes, to
the last bit (the ops and their order are the same).
"""
import numpy as np
import tensorflow as tf


def stack(batches):
    """The batches as one tuple of arrays with a leading step axis: [steps, ...] per part."""
    return tuple(np.stack(parts) for parts in zip(*batches))


def loop(train_step, variables=None):
    """The k-step function, undecorated: ``(*stacked) -> losses`` runs ``train_step`` on each
    step's slice of the stacked batches in a `tf.range` loop. Given ``variables`` (a name map)
    it also returns each variable's values after each step, a list in the map's order."""
    names = list(variables or {})

    def train_steps(*stacked):
        count = tf.shape(stacked[0])[0]
        losses = tf.TensorArray(tf.float32, size=count)
        after = [tf.TensorArray(variables[name].dtype, size=count) for name in names]
        for i in tf.range(count):
            losses = losses.write(i, tf.cast(train_step(*[part[i] for part in stacked]),
                                             tf.float32))
            after = [array.write(i, tf.convert_to_tensor(variables[name]))
                     for array, name in zip(after, names)]
        if variables is None:
            return losses.stack()
        return losses.stack(), [array.stack() for array in after]
    return train_steps


def steps_in_one_call(train_step, variables, batches):
    """Run ``train_step`` on each of ``batches`` in one `tf.function` call; yield each step's
    loss and the named variables' values after it ({TF1 name: array})."""
    batches = list(batches)
    if not batches:
        return
    losses, after = tf.function(loop(train_step, variables))(
        *(tf.constant(parts) for parts in stack(batches)))
    after = [values.numpy() for values in after]
    for step, loss in enumerate(losses.numpy()):
        yield loss, {name: values[step] for name, values in zip(variables, after)}
