"""Tolerances of the scale-out pairs (data_parallel, multi_worker)."""
from tf1to2.tolerances import Tolerance

REPLICA_SGD = Tolerance(
    "REPLICA_SGD", 1e-6, 1e-5,
    "Two replicas' gradients summed by an all-reduce (TF2) or averaged by add_n (TF1 towers) "
    "instead of one batch's reduce_mean: the sum over the 50 examples is split 25 + 25, a few "
    "float32 ulps. Measured on seeds 0-2, 10 SGD steps at lr 0.1: see docs/data_parallel.md. "
    "The cheapest planted mistake (a loss not scaled by the global batch: gradients 2x) costs "
    "1e-2 and more in the gradients. multi_worker (two worker processes, a ps + "
    "SyncReplicasOptimizer vs MultiWorkerMirroredStrategy): TF1 vs TF2 0.0 on seeds 0-2 (5 "
    "steps) and over 40 steps; each side vs one device <= 2.7e-7 (logits), 2.4e-7 (losses), "
    "3.6e-7 (losses over 40 steps); its cheapest planted mistake (every worker on one shard) "
    "costs 0.079 in the gradients.")
