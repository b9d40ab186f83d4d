"""A linear classifier trained from scratch on two Gaussian clouds, TF1 graph style.

Source: Chollet, Deep Learning with Python, 2nd ed., ch. 3, "A linear classifier in pure
TensorFlow" (fchollet/deep-learning-with-python-notebooks, chapter03). Two classes of 1000
2-D points around (0, 3) (label 0) and (3, 0) (label 1), covariance [[1, .5], [.5, 1]]; the
prediction X·W + b with W ~ U(0, 1) [2, 1] and b = 0; the mean squared error; 40 full-batch
steps of gradient descent (lr 0.1) written as updates of W and b; accuracy at threshold 0.5.

What changes in TF2:
- placeholders, feed_dict and Session.run become plain arrays and a `tf.function` call;
- `tf.random_uniform` becomes `tf.random.uniform`;
- `tf.gradients` becomes `GradientTape`, and the grouped `tf.assign_sub` ops become
  `W.assign_sub(...)`, `b.assign_sub(...)` calls, which a `tf.function` runs in order.
"""
import tensorflow.compat.v1 as tf

from tf1to2 import data, hparams, mapping
from tf1to2.harness import Trace

HP = hparams.LINEAR_CLASSIFIER


def build_model(input_dim, output_dim):
    W = tf.Variable(initial_value=tf.random_uniform(shape=(input_dim, output_dim)), name="W")
    b = tf.Variable(initial_value=tf.zeros(shape=(output_dim,)), name="b")
    return W, b


def predict(model, inputs):
    W, b = model
    return tf.matmul(inputs, W) + b


def square_loss(targets, predictions):
    per_sample_losses = tf.square(targets - predictions)
    return tf.reduce_mean(per_sample_losses)


def training_step(model, inputs, targets):
    """The loss and one op that moves W and b against their gradients."""
    W, b = model
    loss = square_loss(targets, predict(model, inputs))
    grad_loss_wrt_W, grad_loss_wrt_b = tf.gradients(loss, [W, b])
    train_op = tf.group(tf.assign_sub(W, grad_loss_wrt_W * HP.learning_rate),
                        tf.assign_sub(b, grad_loss_wrt_b * HP.learning_rate))
    return loss, train_op


def accuracy(targets, predictions):
    predicted_labels = tf.cast(predictions > HP.threshold, tf.float32)
    return tf.reduce_mean(tf.cast(tf.equal(predicted_labels, targets), tf.float32))


def trace(seed=0, steps=HP.steps, initial_values=None):
    inputs, targets = data.gaussian_classes(HP.samples_per_class, seed)
    with tf.Graph().as_default():
        tf.set_random_seed(seed)
        inputs_ = tf.placeholder(tf.float32, [None, inputs.shape[1]], name="inputs")
        targets_ = tf.placeholder(tf.float32, [None, targets.shape[1]], name="targets")
        model = build_model(input_dim=inputs.shape[1], output_dim=targets.shape[1])
        predictions = predict(model, inputs_)
        loss, train_op = training_step(model, inputs_, targets_)
        accuracy_ = accuracy(targets_, predictions)
        variables = {v.op.name: v for v in tf.trainable_variables()}
        gradients = dict(zip(variables, tf.gradients(loss, list(variables.values()))))

        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            if initial_values is not None:
                mapping.load(sess, variables, initial_values)
            feed_dict = {inputs_: inputs, targets_: targets}
            result = Trace(variables=sess.run(variables),
                           outputs={"predictions": sess.run(predictions, feed_dict)},
                           loss={"loss": sess.run(loss, feed_dict)},
                           gradients=sess.run(gradients, feed_dict))
            for _ in range(steps):
                step_loss, _ = sess.run([loss, train_op], feed_dict)
                result.record_step(step_loss, sess.run(variables))
            result.outputs["predictions_trained"] = sess.run(predictions, feed_dict)
            result.metrics["accuracy"] = sess.run(accuracy_, feed_dict)
    return result


def main():
    result = trace()
    final = result.final_variables
    print(f"loss after {len(result.losses)} steps: {result.losses[-1]:.4f}")
    print("W:", final["W"].ravel(), "b:", final["b"])
    print(f"accuracy: {result.metrics['accuracy']:.4f}")


if __name__ == "__main__":
    main()
