"""The reinforcement-learning pieces of the DQN pair that are not TensorFlow, defined once.

Both sides of `dqn` play CartPole through :class:`CartPole`: the environment, the ε-greedy
exploration, the replay buffer and the log of what happened. Only the Q-network, its update
and its greedy action differ between the two files.

One seeded numpy generator per run draws every random number, in this order: the
environment's seed at each reset, then at each step the exploration draw (and, when it
explores, the random action), then the replay sample when the agent updates. The two sides
consume it identically as long as they take the same actions, so the same seed gives the same
games until (and unless) a greedy action differs.

The environment is `gymnasium` (headless: no render mode), with today's API: ``reset(seed=...)``
returns ``(observation, info)`` and ``step`` returns ``(observation, reward, terminated,
truncated, info)``. The handbook used the old `gym` API: ``reset()`` returned the observation,
``step`` returned four values with one ``done``, and it called ``env.render()`` every step.
"""
import dataclasses

import numpy as np

from tf1to2.errors import UserError

STATE_SIZE = 4  # cart position, cart velocity, pole angle, pole angular velocity
ACTIONS = 2     # push left, push right


def make_environment(name):
    """The gymnasium environment, headless (no render mode: nothing is drawn)."""
    import gymnasium
    return gymnasium.make(name)


def epsilon(episode, hp):
    """The handbook's schedule: 1 falling linearly to 0.01 over the first 100 episodes."""
    return max(hp.initial_epsilon * (hp.exploration_episodes - episode) / hp.exploration_episodes,
               hp.final_epsilon)


@dataclasses.dataclass
class Batch:
    """Transitions as the graph wants them: float32 states, rewards and dones, int32 actions."""
    states: np.ndarray       # [N, 4] float32
    actions: np.ndarray      # [N] int32
    rewards: np.ndarray      # [N] float32
    next_states: np.ndarray  # [N, 4] float32
    dones: np.ndarray        # [N] float32, 1.0 where the episode ended

    def __iter__(self):
        return iter((self.states, self.actions, self.rewards, self.next_states, self.dones))


class ReplayBuffer:
    """The last ``capacity`` transitions (the handbook's ``deque(maxlen=10000)``).

    Stored in preallocated arrays of the dtypes the graph takes, so a sample never carries
    float64 into it (the handbook's TF2 version, ``map(np.array, ...)``, made float64 batches).
    """

    def __init__(self, capacity):
        self.capacity = capacity
        self.size = 0
        self.position = 0
        self.states = np.zeros((capacity, STATE_SIZE), np.float32)
        self.actions = np.zeros(capacity, np.int32)
        self.rewards = np.zeros(capacity, np.float32)
        self.next_states = np.zeros((capacity, STATE_SIZE), np.float32)
        self.dones = np.zeros(capacity, np.float32)

    def __len__(self):
        return self.size

    def append(self, state, action, reward, next_state, done):
        i = self.position
        self.states[i], self.actions[i], self.rewards[i] = state, action, reward
        self.next_states[i], self.dones[i] = next_state, float(done)
        self.position = (self.position + 1) % self.capacity
        self.size = min(self.size + 1, self.capacity)

    def sample(self, rng, batch_size):
        """``batch_size`` distinct transitions drawn uniformly (as ``random.sample``)."""
        index = rng.choice(self.size, size=batch_size, replace=False)
        return Batch(self.states[index], self.actions[index], self.rewards[index],
                     self.next_states[index], self.dones[index])


@dataclasses.dataclass
class EpisodeLog:
    """What a run did: every action, each episode's length, the Q-values at greedy decisions."""
    lengths: list = dataclasses.field(default_factory=list)          # steps per episode (the score)
    actions: list = dataclasses.field(default_factory=list)          # every action, all episodes
    greedy: list = dataclasses.field(default_factory=list)           # per action: taken greedily?
    greedy_q_values: list = dataclasses.field(default_factory=list)  # Q(s, ·) at greedy decisions
    initial_variables: dict = dataclasses.field(default_factory=dict)  # the network at the start

    def as_metrics(self):
        """The run as arrays the harness compares (a different action count fails by shape)."""
        return {"episode_lengths": np.asarray(self.lengths, np.float64),
                "actions": np.asarray(self.actions, np.float64),
                "greedy": np.asarray(self.greedy, np.float64),
                "greedy_q_values": np.asarray(self.greedy_q_values,
                                              np.float64).reshape(-1, ACTIONS)}


class CartPole:
    """The shared agent loop's state: environment, seeded generator, replay buffer, log.

    A pair file's loop calls, per episode, :meth:`reset`, then per step :meth:`explore` (a
    random action, or None when the agent must act greedily), :meth:`step`, and
    :meth:`sample` once :meth:`can_sample` says the buffer holds a batch.
    """

    def __init__(self, seed, hp):
        self.hp = hp
        self.rng = np.random.default_rng(seed)
        self.environment = make_environment(hp.environment)
        # An episode is logged when it ends, so the environment's time limit must end it first.
        limit = self.environment.spec.max_episode_steps
        if limit is None or limit > hp.max_episode_length:
            raise UserError(f"{hp.environment} runs {limit} steps, more than max_episode_length "
                            f"{hp.max_episode_length}")
        self.buffer = ReplayBuffer(hp.buffer_size)
        self.log = EpisodeLog()
        self.epsilon = hp.initial_epsilon
        self.state = None
        self.length = 0

    def reset(self, episode):
        """Start an episode: set ε for it and reset the environment from a seed drawn here."""
        self.epsilon = epsilon(episode, self.hp)
        self.state, _ = self.environment.reset(seed=int(self.rng.integers(2**31 - 1)))
        self.length = 0
        return self.state

    def explore(self):
        """With probability ε a random action; otherwise None (the agent acts greedily)."""
        if self.rng.random() < self.epsilon:
            return int(self.rng.integers(ACTIONS))
        return None

    def step(self, action, q_values=None):
        """Take ``action`` (with the Q-values if it was greedy); return (next state, done).

        The episode ends when the pole falls (terminated) or at the time limit (truncated, 500
        steps for v1); like the handbook, either ends it with reward -10 and done = 1.
        """
        next_state, reward, terminated, truncated, _ = self.environment.step(action)
        done = terminated or truncated
        if done:
            reward = self.hp.done_reward
        self.buffer.append(self.state, action, reward, next_state, done)
        self.log.actions.append(int(action))
        self.log.greedy.append(q_values is not None)
        if q_values is not None:
            self.log.greedy_q_values.append(np.asarray(q_values, np.float64))
        self.length += 1
        if done:
            self.log.lengths.append(self.length)
        self.state = next_state
        return next_state, done

    def can_sample(self):
        return len(self.buffer) >= self.hp.batch_size

    def sample(self):
        return self.buffer.sample(self.rng, self.hp.batch_size)

    def close(self):
        self.environment.close()


def check_batches(seed, count, hp, transitions=1000):
    """``count`` fixed batches of real CartPole transitions, for the one-update checks.

    A random policy plays until the buffer holds ``transitions`` transitions, then batches are
    sampled from it; everything comes from one generator seeded with ``seed``.
    """
    game = CartPole(seed, dataclasses.replace(hp, buffer_size=transitions))
    game.epsilon = 1.0  # the first 1000 steps are random play
    while len(game.buffer) < transitions:
        game.state, _ = game.environment.reset(seed=int(game.rng.integers(2**31 - 1)))
        done = False
        while not done and len(game.buffer) < transitions:
            _, done = game.step(game.explore())
    game.close()
    return [game.buffer.sample(game.rng, hp.batch_size) for _ in range(count)]


def margin(q_values, tolerance):
    """How close two Q-values may be before rounding within ``tolerance`` could swap them.

    Each side's Q-values may be off by ``atol + rtol·max|Q|``; two of them, in opposite
    directions, can close a gap of twice that.
    """
    q_values = np.asarray(q_values, np.float64).reshape(-1, ACTIONS)
    return 2 * (tolerance.atol + tolerance.rtol * np.abs(q_values).max(axis=1))


def near_ties(metrics, tolerance):
    """Greedy decisions of a run (``EpisodeLog.as_metrics()``) within the rounding margin."""
    q_values = np.asarray(metrics["greedy_q_values"]).reshape(-1, ACTIONS)
    return int(np.sum(np.abs(q_values[:, 0] - q_values[:, 1]) <= margin(q_values, tolerance)))


@dataclasses.dataclass
class Divergence:
    """Where two runs first took different actions, and whether rounding explains it."""
    episode: int
    step: int                # step within the episode, from 0
    actions: int             # actions both runs took identically before it
    tf1_q_values: object     # Q(s, ·) of each side at that decision (None: it explored)
    tf2_q_values: object
    near_tie: bool           # both acted greedily, within the margin: a rounding flip

    def __str__(self):
        where = f"episode {self.episode}, step {self.step} (after {self.actions} identical actions)"
        if self.tf1_q_values is None or self.tf2_q_values is None:
            return f"the runs diverge at {where} where one side explored: not rounding"
        q = (f"TF1 Q(s) = {np.round(self.tf1_q_values, 4)}, "
             f"TF2 Q(s) = {np.round(self.tf2_q_values, 4)}")
        if self.near_tie:
            return (f"the runs diverge at {where}: a near tie that rounding flipped ({q}); "
                    f"from there on the two agents' states, buffers and networks differ, so the "
                    f"runs are compared by their scores only")
        return f"the runs diverge at {where} where the decision was clear ({q})"


def first_divergence(tf1_metrics, tf2_metrics, tolerance):
    """The first action two runs disagree on (None if none), from ``EpisodeLog.as_metrics()``.

    Both runs draw from generators with the same seed, so until their actions differ they
    explore at the same steps and act greedily at the same steps. A differing greedy action is a
    near tie when both sides' Q-values there agree within ``tolerance`` and their gap is within
    :func:`margin`: float rounding flipped it. Anything else is a real difference.
    """
    tf1_actions, tf2_actions = tf1_metrics["actions"], tf2_metrics["actions"]
    shared = min(len(tf1_actions), len(tf2_actions))
    differs = np.flatnonzero(tf1_actions[:shared] != tf2_actions[:shared])
    if not len(differs):
        if len(tf1_actions) == len(tf2_actions):
            return None
        index = shared
    else:
        index = int(differs[0])
    ends = np.cumsum(tf1_metrics["episode_lengths"]).astype(int)
    episode = int(np.searchsorted(ends, index, side="right"))
    step = index - (int(ends[episode - 1]) if episode else 0)
    q_values = []
    for metrics in (tf1_metrics, tf2_metrics):
        greedy = metrics["greedy"]
        if index < len(greedy) and greedy[index]:
            q_values.append(np.asarray(metrics["greedy_q_values"])[int(np.sum(greedy[:index]))])
        else:
            q_values.append(None)
    tf1_q, tf2_q = q_values
    near_tie = False
    if tf1_q is not None and tf2_q is not None:
        close = np.all(np.abs(tf1_q - tf2_q) <= tolerance.atol + tolerance.rtol * np.abs(tf1_q))
        near_tie = bool(close and abs(tf1_q[0] - tf1_q[1]) <= margin(tf1_q, tolerance)[0])
    return Divergence(episode, step, index, tf1_q, tf2_q, near_tie)
