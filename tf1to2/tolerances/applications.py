"""Named tolerances of the Keras-application pairs (vgg16 uses FLOAT32_FORWARD)."""
from tf1to2.tolerances import Tolerance

INCEPTION_V3_FORWARD = Tolerance(
    "INCEPTION_V3_FORWARD", 1e-5, 1e-5,
    "Logits (up to ~5) of Inception-v3 in inference mode through 94 conv + batch-norm layers: "
    "slim's graph runs the fused batch-norm kernel, Keras 3 computes (x - mean)·rsqrt(var + eps) "
    "+ beta from separate ops, and each layer rounds differently. Measured: 8.3e-7, 1.2e-6, "
    "1.2e-6 (seeds 0-2, slim's start) and 6.0e-7 (seed 0, random batch-norm statistics); the "
    "loss within 4.8e-7. FLOAT32_FORWARD (1e-6 + 1e-6·|x|) passes with no margin; this gives "
    "~8x. The planted mistakes cost 0.5 to 2: the training flag left on 2.1 (1.6 from random "
    "statistics), two equal-shape convs swapped in the map 0.54.")

# mobilenet_v2: measured on seeds 0 and 1 from tf_keras' start and seed 0 from a random start
# (slim_nets.heavy_net_start: random betas and moving statistics), 2 Adam steps, 64x64, batch 16.

MOBILENET_V2_FORWARD = Tolerance(
    "MOBILENET_V2_FORWARD", 2e-4, 1e-4,
    "MobileNetV2 (alpha 0.35, 64x64) before training: tf_keras' fused batch norm in a graph "
    "against Keras 3's separate ops, eagerly, through 52 batch norms. Measured: the "
    "training-mode loss within 2.7e-6 (seeds 0, 1; 6.0e-7 from a random start). The default "
    "tolerance of the pair; the copied variables are equal.")

MOBILENET_V2_OUTPUTS = Tolerance(
    "MOBILENET_V2_OUTPUTS", 5e-3, 1e-3,
    "Logits on the check batch: before training in inference and training mode (measured "
    "1.8e-5, 2.0e-5, 1.5e-5 on logits up to 1.7: seeds 0, 1, random start) and in inference "
    "mode after the 2 Adam steps, which carry MOBILENET_V2_ADAM_STEPS' drift: 2.8e-5, 6.6e-5 "
    "and 1.4e-3 (random start, logits up to 0.38). ~3x margin on that. Planted (seed 0): a "
    "softmax left on the output costs 1.2, the training flag 1.7; Keras' default batch-norm "
    "momentum 4.1e-3 (within: MOBILENET_V2_STATISTICS catches it, 2.3e-2).")

MOBILENET_V2_GRADIENTS = Tolerance(
    "MOBILENET_V2_GRADIENTS", 1e-1, 1e-2,
    "The 158 training-mode gradients (up to 59 in magnitude). A pre-activation within rounding "
    "of 0 flips a ReLU6 mask between the two sides: on seed 0 one element of "
    "block_15_expand_BN (3.7e-7) does, its channel's beta gradient differs by 4% and the "
    "difference flows back through every earlier layer: 6.1e-2 on Conv1/kernel (of 14), 5.6e-2 "
    "on a depthwise kernel element of 0.78. Seed 1 (no late flip) 2.9e-3; random start "
    "3.2e-2. Blocks 15-16 and the classifier agree within 4e-7 on seed 0. The bound is the "
    "measured flip (1.6x margin), not rounding: a wrong training flag changes the gradients "
    "by O(10).")

MOBILENET_V2_LOSSES = Tolerance(
    "MOBILENET_V2_LOSSES", 2e-2, 0.0,
    "The loss of each of the 2 Adam steps (about 1.4-2.1). The first, at the initial weights, "
    "agrees within 3.6e-6; the second follows weights that differ by Adam's noise steps "
    "(MOBILENET_V2_ADAM_STEPS): 2.1e-5 (seed 0), 1.3e-3 (seed 1), 7.5e-3 (random start). "
    "~2.7x margin; the training flag left at inference costs ~0.4 from the first step.")

MOBILENET_V2_ADAM_STEPS = Tolerance(
    "MOBILENET_V2_ADAM_STEPS", 8e-3, 0.0,
    "All 262 variables after each of 2 Adam steps (lr 1e-3). Parameters whose true gradient "
    "is 0 (the *_project_BN betas, which the next batch norm cancels) or near it get rounding "
    "noise of ~1e-8 as gradient, and Adam (epsilon 1e-8) turns noise into a step of up to the "
    "learning rate in a direction the noise sets: the sides differ by up to 2 lr per step. "
    "Measured 2.0e-3 after one step (seeds 0, 1, random start) and 3.7e-3, 2.5e-3, 3.7e-3 "
    "after two. Adam's second step can exceed lr where the gradient grows, hence 2x margin. "
    "The moving statistics, which Adam does not touch, get MOBILENET_V2_STATISTICS. Keras' "
    "default Adam epsilon (1e-7) moves the weights by 3.0e-3 and goes unnoticed here.")

MOBILENET_V2_STATISTICS = Tolerance(
    "MOBILENET_V2_STATISTICS", 1e-4, 1e-4,
    "The 104 moving means and variances after 2 steps (momentum 0.999). tf_keras' fused "
    "batch norm updates the moving variance with the unbiased batch variance (x n/(n-1)), "
    "Keras 3 with the biased one: at 2x2 maps and batch 16, n = 64 and each update differs by "
    "1.6% of (1 - momentum)·var. Measured: 5.4e-5 (seed 0), 5.0e-5 (seed 1) on variances of "
    "~1, 8.7e-5 on 1.17 (random start, relative 7.4e-5), all in the 2x2 blocks; means within "
    "5.3e-6. It grows with the steps: only the 2-step check uses it. Planted: Keras' default "
    "momentum 0.99 costs 2.3e-2, the training flag left at inference 2.5e-3, the TF1 train op "
    "on UPDATE_OPS (statistics never updated) 2.5e-3.")

MOBILENET_V2_FULL_PASS = Tolerance(
    "MOBILENET_V2_FULL_PASS", 3e-1, 0.0,
    "The --train job's loss curves (one pass, 256 Adam steps of batch 16) compared by their "
    "mean over windows of 32 batches. MOBILENET_V2_ADAM_STEPS' noise steps make the two "
    "trainings two runs from the second batch on (batch losses 1e-2 apart at batch 3, up to "
    "0.91 later): measured window means falling from 1.73 to 0.31 (seed 0) and 1.58 to 0.43 "
    "(seed 1), the sides differing by up to 0.20 and 0.22. A plausibility bound (1.4x "
    "margin), not a tight check: the tight checks are the 2-step comparison's.")

MOBILENET_V2_ACCURACY = Tolerance(
    "MOBILENET_V2_ACCURACY", 2e-2, 0.0,
    "Eval accuracy (1,036 digits 0-4) after the --train job's pass of 256 batches. Measured: "
    "0.1873 (seed 0) and 0.1911 (seed 1) on both sides, chance: after 256 steps at momentum "
    "0.999 the moving "
    "statistics have moved 23% of the way from 0 and 1, and inference normalises by them. "
    "2e-2 allows 20 images.")
