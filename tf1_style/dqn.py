"""Deep Q-learning on CartPole, TF1 graph style.

Source: TensorFlow handbook (snowkylin), "Deep reinforcement learning", `rl/rl.py` at 5a72c63.
A Q-network (4 -> Dense 24 relu -> Dense 24 relu -> Dense 2) learns to balance the pole:
ε-greedy play with ε = max(1 - episode/100, 0.01), a replay buffer of 10,000 transitions, and
after every step one Adam update (lr 1e-3) on a batch of 32, towards the target
y = r + γ·max_a Q(s', a)·(1 - done) with γ = 1 and reward -10 when the episode ends.

What changes in TF2:
- placeholders, feed_dict and Session.run become plain tensors and `tf.function` calls;
- `tf.layers.dense` becomes `keras.layers.Dense` held by a `keras.Model` subclass;
- the target, computed here by a separate Session.run and fed back through a placeholder (so no
  gradient can flow into it), is computed in the update before the `GradientTape` opens;
- `tf.losses.mean_squared_error` becomes `keras.losses.MeanSquaredError`;
- `AdamOptimizer.minimize` becomes `GradientTape` plus `keras.optimizers.Adam`, whose epsilon
  must be set to TF1's 1e-8.
The environment, exploration and replay buffer are shared (`tf1to2.rl`, gymnasium's API).
"""
import tensorflow.compat.v1 as tf

import random

import numpy as np

from tf1to2 import hparams, mapping, rl, tracing
from tf1to2.harness import Trace

HP = hparams.DQN


def build_model(states):
    x = tf.layers.dense(states, units=HP.hidden_units, activation=tf.nn.relu)  # [N, 24]
    x = tf.layers.dense(x, units=HP.hidden_units, activation=tf.nn.relu)       # [N, 24]
    return tf.layers.dense(x, units=rl.ACTIONS)                                 # [N, 2] Q-values


def compute_targets(rewards, next_q_values, dones):
    # numpy on the values a separate Session.run returned: y is fed back through a placeholder,
    # so it is a constant for the update and no gradient can flow into it.
    return rewards + HP.gamma * np.max(next_q_values, axis=1) * (1.0 - dones)


def compute_loss(targets, q_values, actions):
    q_taken = tf.reduce_sum(q_values * tf.one_hot(actions, depth=rl.ACTIONS), axis=1)  # Q(s, a)
    return tf.losses.mean_squared_error(labels=targets, predictions=q_taken)


def build_optimizer():
    # AdamOptimizer's epsilon defaults to 1e-8 (HP.adam_epsilon).
    return tf.train.AdamOptimizer(learning_rate=HP.learning_rate)


class Agent:
    """The Q-network graph and the Session that runs it: Q-values, update, greedy action."""

    def __init__(self, seed, initial_values=None):
        # tf.layers is backed by tf_keras here, whose initialisers draw their seeds from Python's
        # `random`: seeding it too makes a run repeatable.
        random.seed(seed)
        self.graph = tf.Graph()
        with self.graph.as_default():
            tf.set_random_seed(seed)
            self.states = tf.placeholder(tf.float32, [None, rl.STATE_SIZE], name="states")
            self.actions = tf.placeholder(tf.int32, [None], name="actions")
            self.targets = tf.placeholder(tf.float32, [None], name="targets")
            self.q_values = build_model(self.states)
            self.loss = compute_loss(self.targets, self.q_values, self.actions)
            self.greedy_action = tf.argmax(self.q_values, axis=1, output_type=tf.int32)
            self.variables = {v.op.name: v for v in tf.trainable_variables()}
            self.gradients = dict(zip(self.variables,
                                      tf.gradients(self.loss, list(self.variables.values()))))
            self.optimizer = build_optimizer()
            self.train_op = self.optimizer.minimize(self.loss)
            self.session = tf.Session()
            self.session.run(tf.global_variables_initializer())
            if initial_values is not None:
                mapping.load(self.session, self.variables, initial_values)

    def read_variables(self):
        return self.session.run(self.variables)

    def predict(self, states):
        return self.session.run(self.q_values, {self.states: states})

    def act(self, state):
        """The greedy action for one state, and the Q-values it was chosen from."""
        q_values, action = self.session.run([self.q_values, self.greedy_action],
                                            {self.states: state[np.newaxis]})
        return int(action[0]), q_values[0]

    def compute_gradients(self, states, actions, rewards, next_states, dones):
        targets = compute_targets(rewards, self.predict(next_states), dones)
        loss, gradients = self.session.run(
            [self.loss, self.gradients],
            {self.states: states, self.actions: actions, self.targets: targets})
        return targets, loss, gradients

    def update(self, states, actions, rewards, next_states, dones):
        targets = compute_targets(rewards, self.predict(next_states), dones)
        loss, _ = self.session.run(
            [self.loss, self.train_op],
            {self.states: states, self.actions: actions, self.targets: targets})
        return loss

    def close(self):
        self.session.close()


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
    agent.close()
    return game.log


def trace(seed=0, steps=HP.check_updates, initial_values=None):
    batches = rl.check_batches(seed, max(steps, 1), HP)
    agent = Agent(seed, initial_values)
    targets, loss, gradients = agent.compute_gradients(*batches[0])
    result = Trace(variables=agent.read_variables(),
                   outputs={"q_values": agent.predict(batches[0].states),
                            "next_q_values": agent.predict(batches[0].next_states),
                            "targets": targets,
                            "greedy_actions": [agent.act(state)[0] for state in batches[0].states]},
                   loss={"loss": loss},
                   gradients=gradients)
    recorder = tracing.SessionRecorder(result, agent.session, agent.variables, agent.optimizer)
    for _, batch in recorder.steps(batches[:steps]):
        recorder.record(agent.update(*batch))
    agent.close()
    log = run_episodes(seed, HP.check_episodes, initial_values=result.variables)
    result.metrics.update(log.as_metrics())
    return result


def main():
    def report(episode, game):
        print(f"episode {episode}, epsilon {game.epsilon:.2f}, score {game.log.lengths[-1]}")
    run_episodes(0, HP.episodes, on_episode=report)


if __name__ == "__main__":
    main()
