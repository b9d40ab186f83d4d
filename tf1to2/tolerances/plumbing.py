"""Named tolerances of the plumbing pairs (issue 12)."""
from tf1to2.tolerances import Tolerance

IMAGE_SUMMARY_LEVEL = Tolerance(
    "IMAGE_SUMMARY_LEVEL", 1.0, 0.0,
    "Decoded PNG pixels (uint8, 0-255) of an image summary of float images in [0, 1]. TF1's "
    "ImageSummary rescales each float image so that its maximum becomes 255; TF2's "
    "tf.summary.image converts with convert_image_dtype (x·255.5, truncated, saturating). On "
    "MNIST batches (maximum 1.0 or 0.996) the two differ by at most one level: measured 1 on "
    "seed 0 (0.45% of the pixels of 8 images), 0 on seeds 1 and 2. An image fed in 0-255 "
    "instead of 0-1 (TF1 rescaled it, TF2 saturates it at 255) costs up to 255 levels.")
