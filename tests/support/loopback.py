# SPDX-License-Identifier: Apache-2.0
"""Loopback ports for the brokers the e2e tests (tests/e2e/harness.py) and the benchmark
(bench/benchlib.py) start: standard library only, so that both can import it."""
import socket

_issued_ports = set()


def free_port():
    """A loopback port nothing listens on, never one this process handed out before: the kernel
    may give a just-closed port to the next bind(0), so two listeners of one broker, or a broker
    stopped to be restarted later and a newer one, could otherwise be handed the same port."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _issued_ports:
            _issued_ports.add(port)
            return port


def port_open(port, host="127.0.0.1"):
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False
