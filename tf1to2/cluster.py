"""Scale-out on one machine: two logical CPU devices, worker processes on 127.0.0.1.

- :func:`two_cpus` splits the CPU into two logical devices (for towers and MirroredStrategy).
  TensorFlow allows that only before it initialises its devices; a process where that already
  happened (``tf1to2 compare --all`` after other pairs) runs the trace in a fresh process
  (:func:`trace_in_subprocess`).
- :func:`free_port` picks a port by binding port 0 on 127.0.0.1, so parallel runs never collide.
- :func:`run_workers` starts one process per task, waits for all with a time bound, kills what
  is left, and turns a dead or hung worker into a :class:`WorkerError` carrying its log.

A side module's patched globals (the planted-mistake tests patch them) travel to the worker
processes: :func:`remember` records a module's pristine globals at import, :func:`overrides`
lists what differs now, and the worker applies it before it runs.
"""
import json
import os
import pickle
import socket
import subprocess
import sys
import tempfile
import time

DEVICES = 2
_PRISTINE = {}
LOG_LINES = 40  # the tail of a dead worker's log shown in the error
ONE_DEVICE = "TF1TO2_ONE_DEVICE"  # set in the environment of worker processes (not traces)


class WorkerError(RuntimeError):
    """A worker process died, failed or outlived its time bound; the message holds its log."""


def two_cpus():
    """True when this process has (or could still get) two logical CPU devices.

    Always False in a worker process that must keep one device (``ONE_DEVICE`` in its
    environment): a MultiWorkerMirroredStrategy worker hangs with two logical CPUs, and the
    modules a planted mistake's patch imports there (data_parallel splits the CPU at import)
    must not split it. Initialising the devices first is no way out: the strategy must then
    configure its collective ops and raises "must be configured at program startup".
    """
    if os.environ.get(ONE_DEVICE):
        return False
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    if len(tf.config.get_logical_device_configuration(cpu) or ()) >= DEVICES:
        return True
    try:
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * DEVICES)
    except RuntimeError:  # "Virtual devices cannot be modified after being initialized"
        return False
    return True


def remember(module_name, namespace):
    """Record a side module's globals as imported (call at the end of the module)."""
    _PRISTINE[module_name] = dict(namespace)


def overrides(module_name):
    """The globals of ``module_name`` that were patched since import (by the tests)."""
    module = sys.modules[module_name]
    return {name: value for name, value in vars(module).items()
            if name in _PRISTINE.get(module_name, {}) and _PRISTINE[module_name][name] is not value}


def free_port():
    """A TCP port that was free on 127.0.0.1 a moment ago (the OS picked it for port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _environment(extra=None, devices=None):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p),
               TF_CPP_MIN_LOG_LEVEL="2")
    env.pop("TF_CONFIG", None)
    env.pop(ONE_DEVICE, None)
    env.update(extra or {})
    env.update(devices or {})
    return env


def run_workers(module_name, function, tasks, timeout, directory, daemons=()):
    """Run ``module.function(**arguments)`` in one process per task and return their results.

    ``tasks`` maps a task name to ``(arguments, environment)``; ``daemons`` are task names that
    serve until killed (parameter servers): they are not waited for. Every process is killed by
    the time bound; a non-zero exit or a missing result raises :class:`WorkerError` with the log.
    """
    patches = overrides(module_name) if module_name in sys.modules else {}
    processes, logs = {}, {}
    try:
        for task, (arguments, environment) in tasks.items():
            job = os.path.join(directory, task)
            with open(job + ".in", "wb") as file:
                pickle.dump({"module": module_name, "function": function,
                             "arguments": arguments, "patches": patches}, file)
            logs[task] = open(job + ".log", "wb")
            processes[task] = subprocess.Popen(
                [sys.executable, "-m", "tf1to2.cluster", job], stdout=logs[task],
                stderr=subprocess.STDOUT, cwd=os.getcwd(), env=_environment(
                    environment, {} if function == "trace" else {ONE_DEVICE: "1"}))
        deadline = time.monotonic() + timeout
        waiting = [task for task in processes if task not in daemons]
        while waiting:
            for task in list(waiting):
                code = processes[task].poll()
                if code is None:
                    continue
                waiting.remove(task)
                if code != 0:
                    raise WorkerError(_failure(task, f"exited with code {code}", directory))
            if waiting and time.monotonic() > deadline:
                raise WorkerError(_failure(waiting[0], f"still running after {timeout:g} s "
                                                      f"(killed)", directory))
            time.sleep(0.05)
        return {task: _result(task, directory) for task in tasks if task not in daemons}
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.kill()
            process.wait()
        for log in logs.values():
            log.close()


def _result(task, directory):
    try:
        with open(os.path.join(directory, task + ".out"), "rb") as file:
            return pickle.load(file)
    except (OSError, EOFError, pickle.UnpicklingError):
        raise WorkerError(_failure(task, "wrote no result", directory)) from None


def _failure(task, what, directory):
    """One worker's failure and the last lines of its log."""
    with open(os.path.join(directory, task + ".log"), "rb") as file:
        lines = file.read().decode("utf-8", "replace").splitlines()
    tail = "\n".join(lines[-LOG_LINES:])
    return f"worker {task} {what}; the last {min(len(lines), LOG_LINES)} lines of its log:\n{tail}"


def tf_config(cluster, task_type, task_index):
    """The TF_CONFIG environment of one task of ``cluster`` ({job: [host:port, ...]})."""
    return {"TF_CONFIG": json.dumps({"cluster": cluster,
                                     "task": {"type": task_type, "index": task_index}})}


def local_cluster(**jobs):
    """{job: [127.0.0.1:port, ...]} with ``jobs[job]`` free ports each."""
    return {job: [f"127.0.0.1:{free_port()}" for _ in range(count)]
            for job, count in jobs.items()}


def trace_in_subprocess(module_name, seed, steps, initial_values, timeout=300.0):
    """``module.trace(...)`` in a fresh process (whose devices can still be split in two)."""
    with tempfile.TemporaryDirectory(prefix="tf1to2-") as directory:
        return run_workers(module_name, "trace", {
            "trace": ({"seed": seed, "steps": steps, "initial_values": initial_values}, {})},
            timeout, directory)["trace"]


def _worker(job):
    """Entry point of a worker process: split the CPU, apply the patches, run, write the result."""
    with open(job + ".in", "rb") as file:
        spec = pickle.load(file)
    if spec["function"] == "trace":  # a trace that needs two devices
        two_cpus()
    import importlib
    module = importlib.import_module(spec["module"])
    for name, value in spec["patches"].items():
        setattr(module, name, value)
    result = getattr(module, spec["function"])(**spec["arguments"])
    with open(job + ".out.tmp", "wb") as file:
        pickle.dump(result, file)
    os.replace(job + ".out.tmp", job + ".out")
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # a tf.train.Server's threads never end: leave without waiting for them


if __name__ == "__main__":
    _worker(sys.argv[1])
