"""Several training steps per `tf.function` call, for a trace that compares every step.

The fast form of a small model's loop (docs/speed.md) runs k steps in one call, a `tf.range`
loop over k stacked batches, where one call per step spends its time on the calls. A pair whose
check compares the weights after every step gets them back from the same loop::

    for step_loss, weights in k_steps.steps_in_one_call(train_step, variables, batches):
        result.record_step(step_loss, weights)

``train_step(*batch) -> loss`` is the pair's step, undecorated; ``variables`` its name map
({TF1 name: Keras variable}). Without XLA the loop computes what one call per step computes, to
the last bit (the ops and their order are the same).
"""
import numpy as np
import tensorflow as tf


def steps_in_one_call(train_step, variables, batches):
    """Run ``train_step`` on each of ``batches`` in one `tf.function` call; yield each step's
    loss and the named variables' values after it ({TF1 name: array})."""
    batches = list(batches)
    if not batches:
        return
    names = list(variables)
    stacked = tuple(tf.constant(np.stack(parts)) for parts in zip(*batches))

    @tf.function
    def train_steps(*stacked):
        count = tf.shape(stacked[0])[0]
        losses = tf.TensorArray(tf.float32, size=count)
        after = [tf.TensorArray(variables[name].dtype, size=count) for name in names]
        for i in tf.range(count):
            losses = losses.write(i, tf.cast(train_step(*[part[i] for part in stacked]),
                                             tf.float32))
            after = [array.write(i, tf.convert_to_tensor(variables[name]))
                     for array, name in zip(after, names)]
        return losses.stack(), [array.stack() for array in after]

    losses, after = train_steps(*stacked)
    after = [values.numpy() for values in after]
    for step, loss in enumerate(losses.numpy()):
        yield loss, {name: values[step] for name, values in zip(names, after)}
