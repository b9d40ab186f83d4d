"""A linear classifier trained from scratch on two Gaussian clouds, TF2 style.

Source: Chollet, Deep Learning with Python, 2nd ed., ch. 3, "A linear classifier in pure
TensorFlow" (fchollet/deep-learning-with-python-notebooks, chapter03). Two classes of 1000
2-D points around (0, 3) (label 0) and (3, 0) (label 1), covariance [[1, .5], [.5, 1]]; the
prediction X·W + b with W ~ U(0, 1) [2, 1] and b = 0; the mean squared error; 40 full-batch
steps of gradient descent (lr 0.1) written as updates of W and b; accuracy at threshold 0.5.

What changed from TF1:
- placeholders, feed_dict and Session.run became plain arrays and a `tf.function` call;
- `tf.random_uniform` became `tf.random.uniform`;
- `tf.gradients` became `GradientTape`, and the grouped `tf.assign_sub` ops became
  `W.assign_sub(...)`, `b.assign_sub(...)` calls, which a `tf.function` runs in order.
"""
import keras
import tensorflow as tf

from tf1to2 import data, hparams, mapping
from tf1to2.harness import Trace

HP = hparams.LINEAR_CLASSIFIER


def build_model(input_dim, output_dim):
    W = tf.Variable(initial_value=tf.random.uniform(shape=(input_dim, output_dim)), name="W")
    b = tf.Variable(initial_value=tf.zeros(shape=(output_dim,)), name="b")
    return W, b


def predict(model, inputs):
    W, b = model
    return tf.matmul(inputs, W) + b


def square_loss(targets, predictions):
    per_sample_losses = tf.square(targets - predictions)
    return tf.reduce_mean(per_sample_losses)


def tf1_names(model):
    """The name map: each TF1 variable name and the variable that replaces it."""
    W, b = model
    return {"W": W, "b": b}


def training_step(model, inputs, targets):
    """One step that moves W and b against their gradients; returns the loss before it."""
    W, b = model
    with tf.GradientTape() as tape:
        loss = square_loss(targets, predict(model, inputs))
    grad_loss_wrt_W, grad_loss_wrt_b = tape.gradient(loss, [W, b])
    W.assign_sub(grad_loss_wrt_W * HP.learning_rate)
    b.assign_sub(grad_loss_wrt_b * HP.learning_rate)
    return loss


def accuracy(targets, predictions):
    predicted_labels = tf.cast(predictions > HP.threshold, tf.float32)
    return tf.reduce_mean(tf.cast(tf.equal(predicted_labels, targets), tf.float32))


def trace(seed=0, steps=HP.steps, initial_values=None):
    inputs, targets = data.gaussian_classes(HP.samples_per_class, seed)
    keras.utils.set_random_seed(seed)
    model = build_model(input_dim=inputs.shape[1], output_dim=targets.shape[1])
    # Compiled here, once per run: a tf.function freezes the Python value HP.learning_rate when
    # it traces, and a module-level one would keep the first run's value for every later model.
    train_step = tf.function(training_step)
    variables = tf1_names(model)

    if initial_values is not None:
        mapping.assign(variables, initial_values)
    with tf.GradientTape() as tape:
        predictions = predict(model, inputs)
        loss = square_loss(targets, predictions)
    gradients = tape.gradient(loss, list(variables.values()))
    result = Trace(variables=mapping.read(variables),
                   outputs={"predictions": predictions.numpy()},
                   loss={"loss": loss.numpy()},
                   gradients=mapping.gradients_by_tf1_name(
                       variables, list(variables.values()), gradients))
    for _ in range(steps):
        step_loss = train_step(model, inputs, targets)
        result.record_step(step_loss, mapping.read(variables))
    predictions = predict(model, inputs)
    result.outputs["predictions_trained"] = predictions.numpy()
    result.metrics["accuracy"] = accuracy(targets, predictions).numpy()
    return result


def main():
    result = trace()
    final = result.final_variables
    print(f"loss after {len(result.losses)} steps: {result.losses[-1]:.4f}")
    print("W:", final["W"].ravel(), "b:", final["b"])
    print(f"accuracy: {result.metrics['accuracy']:.4f}")


if __name__ == "__main__":
    main()
