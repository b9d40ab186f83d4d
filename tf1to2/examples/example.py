"""One registry entry: a pair's name, description, source, alignment, default steps, tolerances."""
import dataclasses
import importlib
import typing

from tf1to2 import tolerances as tol


@dataclasses.dataclass(frozen=True)
class Example:
    name: str
    description: str
    source: str
    # How the two sides start from the same weights:
    #   "copy": the TF2 side copies the TF1 initial values through its explicit name map;
    #   "seed": both builds are seeded identically and produce equal values themselves
    #           (the "variables" check proves it); "none": the example has no variables,
    #           or both sides set them from the same constants in tf1to2.
    alignment: str
    steps: int  # training steps that `tf1to2 compare` runs by default
    # Tolerance per quantity; quantities not listed use `default_tolerance`.
    default_tolerance: tol.Tolerance = tol.FLOAT32_FORWARD
    tolerances: typing.Mapping[str, tol.Tolerance] = dataclasses.field(default_factory=dict)
    # "module:function" of the example's main job (`tf1to2 compare X --train`), if it has one.
    train_job: str = ""
    # Where the pair comes from, for the guide's index: "handbook" (the TensorFlow handbook),
    # "geron" (Hands-On ML ch. 12), "chollet" (Deep Learning with Python ch. 3) or "idioms"
    # (TF1 idioms of real codebases: optimizers, slim, input pipelines, distribution...).
    book: str = "handbook"
    # False for a guide-only entry whose TF1 side cannot run on today's TensorFlow (an
    # Estimator): it has a docs page and TF2-side tests, and `compare` says why it skips it.
    runnable: bool = True
    # True for a net too heavy for `tf1to2 compare --all` (which must stay under two minutes):
    # a full-size ImageNet model whose one forward and backward pass takes minutes on a CPU, or
    # a pair that starts a cluster of processes (multi_worker).
    # `tf1to2 compare NAME` runs it; its full tests are marked slow.
    heavy: bool = False
    # The two sides' modules (importable names or module objects); default tf1_style.NAME and
    # tf2_style.NAME. A user's own pair (tf1to2.compare_pair) sets them.
    tf1_module: typing.Any = None
    tf2_module: typing.Any = None

    def tolerance(self, quantity):
        return self.tolerances.get(quantity, self.default_tolerance)

    def modules(self):
        """The TF1 and TF2 side modules, imported."""
        return tuple(module if not isinstance(module, (str, type(None))) else
                     importlib.import_module(module or f"{package}.{self.name}")
                     for module, package in ((self.tf1_module, "tf1_style"),
                                             (self.tf2_module, "tf2_style")))

    def load_train_job(self):
        module, function = self.train_job.split(":")
        return getattr(importlib.import_module(module), function)
