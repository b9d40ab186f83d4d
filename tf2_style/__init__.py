"""TF2-style (eager, tf.function, Keras 3) examples. Importing tf1to2 first prepares the process for both sides."""
import tf1to2  # noqa: F401
