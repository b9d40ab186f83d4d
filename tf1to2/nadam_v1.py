"""Keras 3's Nadam as a TF1 graph optimizer (`tf.compat.v1.train` has none).

TF1 code that wanted Nadam used `tf.contrib.opt.NadamOptimizer`, which is Adam with a Nesterov
step and no momentum schedule (PITFALLS #10); `tf.contrib` is gone. This class runs, op for op
and in float32, the algorithm of Keras 3's `keras.optimizers.Nadam` (keras/src/optimizers/
nadam.py, Dozat 2015), so that a TF1 Session loop and a Keras 3 loop train identically:

    t = iterations + 1
    u_t = beta_1 · (1 − 0.5 · 0.96^t),   u_{t+1} = beta_1 · (1 − 0.5 · 0.96^(t+1))
    u_product ← u_product · u_t         (a variable, one update per step; starts at 1)
    m ← m + (g − m)(1 − beta_1);  v ← v + (g² − v)(1 − beta_2)
    m̂ = u_{t+1} · m / (1 − u_product · u_{t+1}) + (1 − u_t) · g / (1 − u_product)
    v̂ = v / (1 − beta_2^t)
    w ← w − lr · m̂ / (√v̂ + epsilon)       (epsilon outside the square root, default 1e-7)

Like every `tf.train.Optimizer`, `apply_gradients` also applies each variable's `constraint`
after its update (Keras 3's optimizers do the same).
"""
import tensorflow.compat.v1 as tf


class NadamOptimizer(tf.train.Optimizer):
    # The momentum schedule's base: mu_t = beta_1 · (1 − 0.5 · DECAY^t).
    DECAY = 0.96

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 use_locking=False, name="Nadam"):
        super().__init__(use_locking, name)
        self._lr, self._beta_1, self._beta_2, self._epsilon = (learning_rate, beta_1, beta_2,
                                                               epsilon)

    def momentum_schedule(self, step):
        """u at ``step`` (a float32 tensor, counted from 1)."""
        return self._beta_1_t * (1.0 - 0.5 * tf.pow(tf.constant(self.DECAY), step))

    def _create_slots(self, var_list):
        first = min(var_list, key=lambda variable: variable.name)
        self._create_non_slot_variable(initial_value=1.0, name="u_product", colocate_with=first)
        # Keras counts steps in an int64 `iterations` and casts t to float32; a float32 counter
        # gives the same t exactly up to 2^24 steps.
        self._create_non_slot_variable(initial_value=0.0, name="iterations", colocate_with=first)
        for variable in var_list:
            self._zeros_slot(variable, "m", self._name)
            self._zeros_slot(variable, "v", self._name)

    def _prepare(self):
        graph = tf.get_default_graph()
        iterations = self._get_non_slot_variable("iterations", graph=graph)
        u_product = self._get_non_slot_variable("u_product", graph=graph)
        self._lr_t = tf.convert_to_tensor(self._lr, tf.float32, name="learning_rate")
        self._beta_1_t = tf.constant(self._beta_1, tf.float32, name="beta_1")
        self._beta_2_t = tf.constant(self._beta_2, tf.float32, name="beta_2")
        local_step, next_step = iterations + 1, iterations + 2
        self._u_t = self.momentum_schedule(local_step)
        self._u_t_1 = self.momentum_schedule(next_step)
        # Keras: u_product * beta_1 * (1 - 0.5 * 0.96^t), in this order.
        self._u_product_t = u_product * self._beta_1_t * (
            1.0 - 0.5 * tf.pow(tf.constant(self.DECAY), local_step))
        self._beta_2_power = tf.pow(self._beta_2_t, local_step)

    def _resource_apply_dense(self, grad, var):
        m, v = self.get_slot(var, "m"), self.get_slot(var, "v")
        beta_1, beta_2 = self._beta_1_t, self._beta_2_t
        m_t = m.assign_add((grad - m) * (1 - beta_1), use_locking=self._use_locking)
        v_t = v.assign_add((tf.square(grad) - v) * (1 - beta_2), use_locking=self._use_locking)
        u_product_t_1 = self._u_product_t * self._u_t_1
        m_hat = (self._u_t_1 * m_t / (1 - u_product_t_1)
                 + (1 - self._u_t) * grad / (1 - self._u_product_t))
        v_hat = v_t / (1 - self._beta_2_power)
        return var.assign_sub(m_hat * self._lr_t / (tf.sqrt(v_hat) + self._epsilon),
                              use_locking=self._use_locking)

    _apply_dense = _resource_apply_dense

    def _finish(self, update_ops, name_scope):
        graph = tf.get_default_graph()
        iterations = self._get_non_slot_variable("iterations", graph=graph)
        u_product = self._get_non_slot_variable("u_product", graph=graph)
        with tf.control_dependencies(update_ops):
            with tf.colocate_with(u_product):
                finish = [u_product.assign(self._u_product_t, use_locking=self._use_locking),
                          iterations.assign_add(1.0, use_locking=self._use_locking)]
        return tf.group(*update_ops + finish, name=name_scope)
