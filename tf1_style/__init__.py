"""TF1-style (graph, Session, tf.compat.v1) examples. Importing tf1to2 first prepares the process for both sides."""
import tf1to2  # noqa: F401
