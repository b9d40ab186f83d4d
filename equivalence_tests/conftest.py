import tf1to2  # noqa: F401  (prepares the process for TF1 and TF2 code before any test imports)
