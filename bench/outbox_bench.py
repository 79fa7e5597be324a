# SPDX-License-Identifier: Apache-2.0
"""The cost of the outbox, measured by bench/run (case "outbox"): tsmqtt with --outbox against
the same tsmqtt without it, in the same run, rotating which goes first. In the table's columns
"tsmqtt" is the run with --outbox and "mosquitto" the one without; the ratio is their quotient.

  1. N raw lines through `publish --topic T --stdin` (target: at most 1.5x);
  2. a one-shot publish (no target: the price of opening, committing to and emptying the
     database once).

Each run starts from an empty outbox file, and each must leave it empty: a message that is
still waiting, or one that did not arrive at the counting subscriber, fails the bench."""

import os
import subprocess

from benchlib import BenchError, check_exit, kill, ms, read, run_timed, spawn, wait_for


def _outbox_empty(bench, outbox_file):
    result = subprocess.run([bench.tsmqtt, "outbox", "status", "--outbox-file", outbox_file],
                            capture_output=True, text=True, env=bench.env)
    return result.returncode == 0 and "0 waiting" in result.stdout.splitlines()


def _fresh(path):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    return path


def measure(bench, reps):
    outbox_file = bench.path("outbox.db")
    url = f"tcp://127.0.0.1:{bench.broker.tcp}"

    expected = bench.make_publish_inputs()
    topic = "bench/outbox/stream"
    plain = [bench.tsmqtt, "publish", "--url", url, "--topic", topic, "--stdin"]
    commands = {"plain": plain, "outbox": plain + ["--outbox", "--outbox-file", outbox_file]}
    times = {name: [] for name in commands}
    for rep in range(reps):
        for name in bench.order(rep, list(commands)):
            _fresh(outbox_file)
            times[name].append(bench.one_stream(f"{name} stream", commands[name], bench.form_input, topic,
                                                expected))
            if name == "outbox" and not _outbox_empty(bench, outbox_file):
                raise BenchError("publish --stdin --outbox left messages waiting in the outbox")
    bench.add(f"{bench.n} lines, publish --topic T --stdin --outbox (vs without --outbox)", ms(times["outbox"]),
              ms(times["plain"]), 1.5)

    topic = "bench/outbox/oneshot"
    counter_id = bench.client_id("outboxcounter")
    received = bench.path("outbox-oneshot.out")
    counter = spawn(["mosquitto_sub", "-i", counter_id, "-h", "127.0.0.1", "-p", str(bench.broker.tcp), "-t",
                     topic], stdout=received)
    try:
        wait_for(lambda: bench.broker.subscribed(counter_id), "the counting subscriber")
        plain = [bench.tsmqtt, "publish", "--url", url, "--topic", topic, "-m", "x"]
        commands = {"plain": plain, "outbox": plain + ["--outbox", "--outbox-file", outbox_file]}
        times = {name: [] for name in commands}
        err = bench.path("outbox-oneshot.err")
        light = 5 * reps
        _fresh(outbox_file)
        for rep in range(light + 1):  # the first round warms the caches and is not counted
            for name in bench.order(rep, list(commands)):
                code, elapsed = run_timed(commands[name], stderr=err, env=bench.env)
                check_exit(code, f"one-shot publish ({name})", err)
                if rep > 0:
                    times[name].append(elapsed)
        if not _outbox_empty(bench, outbox_file):
            raise BenchError("one-shot publish --outbox left messages waiting in the outbox")
        sent = 2 * (light + 1)
        wait_for(lambda: read(received).count("\n") >= sent, f"{sent} one-shot messages at the subscriber",
                 timeout=10)
        if (got := read(received).count("\n")) != sent:
            raise BenchError(f"one-shot with and without --outbox: {got} messages arrived, {sent} sent")
    finally:
        kill(counter)
    bench.add("one-shot publish --outbox, TCP (vs without --outbox)", ms(times["outbox"]), ms(times["plain"]))
