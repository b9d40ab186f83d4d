"""Deep Q-learning on CartPole, TF2 style (Keras 3).

Source: TensorFlow handbook (snowkylin), "Deep reinforcement learning", `rl/rl.py` at c02e3c3.
A Q-network (4 -> Dense 24 relu -> Dense 24 relu -> Dense 2) learns to balance the pole:
ε-greedy play with ε = max(1 - episode/100, 0.01), a replay buffer of 10,000 transitions, and
after every step one Adam update (lr 1e-3) on a batch of 32, towards the target
y = r + γ·max_a Q(s', a)·(1 - done) with γ = 1 and reward -10 when the episode ends.

What changed from TF1:
- placeholders, feed_dict and Session.run became plain tensors and `tf.function` calls;
- `tf.layers.dense` became `keras.layers.Dense` held by a `keras.Model` subclass;
- the target, computed in TF1 by a separate Session.run and fed back through a placeholder (so no
  gradient can flow into it), is computed in the update before the `GradientTape` opens;
- `tf.losses.mean_squared_error` became `keras.losses.MeanSquaredError`;
- `AdamOptimizer.minimize` became `GradientTape` plus `keras.optimizers.Adam`, whose epsilon
  must be set to TF1's 1e-8.
The environment, exploration and replay buffer are shared (`tf1to2.rl`, gymnasium's API).
"""
import keras
import tensorflow as tf

import numpy as np

from tf1to2 import hparams, mapping, rl, tracing
from tf1to2.harness import Trace

HP = hparams.DQN


class QNetwork(keras.Model):
    def __init__(self):
        super().__init__()
        self.dense1 = keras.layers.Dense(units=HP.hidden_units, activation="relu")
        self.dense2 = keras.layers.Dense(units=HP.hidden_units, activation="relu")
        self.dense3 = keras.layers.Dense(units=rl.ACTIONS)

    def call(self, states):
        x = self.dense1(states)  # [N, 24]
        x = self.dense2(x)       # [N, 24]
        return self.dense3(x)    # [N, 2] Q-values


def build_model(states):
    model = QNetwork()
    model(states)  # Keras creates the weights on the first call.
    return model


def compute_targets(rewards, next_q_values, dones):
    # Tensor ops inside the update, computed before the GradientTape opens: the tape does not
    # record them, so y is a constant for the update (no gradient flows into it).
    return rewards + HP.gamma * tf.reduce_max(next_q_values, axis=1) * (1.0 - dones)


def compute_loss(targets, q_values, actions):
    q_taken = tf.reduce_sum(q_values * tf.one_hot(actions, depth=rl.ACTIONS), axis=1)  # Q(s, a)
    return keras.losses.MeanSquaredError()(targets, q_taken)


def build_optimizer():
    # Keras' Adam defaults to epsilon 1e-7: set TF1's 1e-8 (PITFALLS #7).
    return keras.optimizers.Adam(learning_rate=HP.learning_rate, epsilon=HP.adam_epsilon)


def tf1_names(model):
    """The name map: each TF1 variable name and the Keras variable that replaces it."""
    return {"dense/kernel": model.dense1.kernel, "dense/bias": model.dense1.bias,
            "dense_1/kernel": model.dense2.kernel, "dense_1/bias": model.dense2.bias,
            "dense_2/kernel": model.dense3.kernel, "dense_2/bias": model.dense3.bias}


class Agent:
    """The Q-network and its optimizer: Q-values, update, greedy action."""

    def __init__(self, seed, initial_values=None):
        keras.utils.set_random_seed(seed)
        self.model = build_model(np.zeros((1, rl.STATE_SIZE), np.float32))
        self.variables = tf1_names(self.model)
        self.optimizer = build_optimizer()
        if initial_values is not None:
            mapping.assign(self.variables, initial_values)

    def read_variables(self):
        return mapping.read(self.variables)

    def predict(self, states):
        return self.model(states).numpy()

    @tf.function
    def greedy_action(self, states):
        q_values = self.model(states)
        return q_values, tf.argmax(q_values, axis=1, output_type=tf.int32)

    def act(self, state):
        """The greedy action for one state, and the Q-values it was chosen from."""
        q_values, action = self.greedy_action(state[np.newaxis])
        return int(action.numpy()[0]), q_values.numpy()[0]

    @tf.function
    def compute_gradients(self, states, actions, rewards, next_states, dones):
        targets = compute_targets(rewards, self.model(next_states), dones)
        with tf.GradientTape() as tape:
            loss = compute_loss(targets, self.model(states), actions)
        return targets, loss, tape.gradient(loss, self.model.trainable_variables)

    # XLA compiles the whole update (forward, backward and Adam) into a few fused kernels: per
    # update 0.89-1.05 of TF1's two Session.runs, a plain tf.function 1.05-1.30 (three runs of
    # tf1to2 benchmark dqn, docs/speed.md).
    @tf.function(jit_compile=True)
    def update(self, states, actions, rewards, next_states, dones):
        _, loss, gradients = self.compute_gradients(states, actions, rewards, next_states, dones)
        self.optimizer.apply_gradients(zip(gradients, self.model.trainable_variables))
        return loss


def run_episodes(seed, episodes, initial_values=None, on_episode=None):
    """Play and learn for ``episodes`` episodes; return the run's rl.EpisodeLog."""
    agent = Agent(seed, initial_values)
    game = rl.CartPole(seed, HP)
    game.log.initial_variables = agent.read_variables()
    for episode in range(episodes):
        state = game.reset(episode)
        for _ in range(HP.max_episode_length):
            action, q_values = game.explore(), None
            if action is None:
                action, q_values = agent.act(state)
            state, done = game.step(action, q_values)
            if done:
                break
            if game.can_sample():
                agent.update(*game.sample())
        if on_episode is not None:
            on_episode(episode, game)
    game.close()
    return game.log


def trace(seed=0, steps=HP.check_updates, initial_values=None):
    batches = rl.check_batches(seed, max(steps, 1), HP)
    agent = Agent(seed, initial_values)
    targets, loss, gradients = agent.compute_gradients(*batches[0])
    result = Trace(variables=agent.read_variables(),
                   outputs={"q_values": agent.predict(batches[0].states),
                            "next_q_values": agent.predict(batches[0].next_states),
                            "targets": targets.numpy(),
                            "greedy_actions": [agent.act(state)[0] for state in batches[0].states]},
                   loss={"loss": loss.numpy()},
                   gradients=mapping.gradients_by_tf1_name(
                       agent.variables, agent.model.trainable_variables, gradients))
    recorder = tracing.KerasRecorder(result, agent.variables, agent.optimizer)
    for _, batch in recorder.steps(batches[:steps]):
        recorder.record(agent.update(*batch))
    log = run_episodes(seed, HP.check_episodes, initial_values=result.variables)
    result.metrics.update(log.as_metrics())
    return result


def main():
    def report(episode, game):
        print(f"episode {episode}, epsilon {game.epsilon:.2f}, score {game.log.lengths[-1]}")
    run_episodes(0, HP.episodes, on_episode=report)


if __name__ == "__main__":
    main()
