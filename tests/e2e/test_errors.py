# SPDX-License-Identifier: Apache-2.0
"""Errors that say what went wrong: TLS diagnosis, refused credentials, unreachable and silent
brokers, signals. Each asserts the exit status of docs/cli-contract.md and the words of the one-line message."""
import signal
import socket
import subprocess
import threading

import pytest

from harness import Broker, TSMQTT, wait_for


@pytest.fixture(scope="module")
def wrong_host_broker():
    b = Broker(server_cert="wrong_host")
    yield b
    b.close()


@pytest.fixture(scope="module")
def expired_broker():
    b = Broker(server_cert="expired")
    yield b
    b.close()


def publish(tsmqtt, url, *extra, env=None, timeout=30):
    return subprocess.run([TSMQTT, "publish", "--url", url, "-u", "device1", "-c", "1001", "field1=1",
                           "--connect-timeout", "5", *extra], capture_output=True, env=env or tsmqtt.env(),
                          timeout=timeout)


def one_line(result):
    err = result.stderr.decode()
    assert err.count("\n") == 1 and err.startswith("tsmqtt: "), err
    return err


def test_unknown_ca_is_named(tsmqtt, broker):
    result = publish(tsmqtt, broker.url("tls"))  # no --cafile: the system store does not know the test CA
    assert result.returncode == 4
    assert "signed by an unknown CA (give the CA with --cafile or --capath)" in one_line(result)


def test_wrong_ca_is_named(tsmqtt, broker):
    result = publish(tsmqtt, broker.url("wss"), "--cafile", broker.pki["other_ca"])
    assert result.returncode == 4
    assert "signed by an unknown CA" in one_line(result)


def test_host_name_mismatch_is_named(tsmqtt, wrong_host_broker):
    result = publish(tsmqtt, wrong_host_broker.url("tls", host="localhost"), "--cafile", wrong_host_broker.pki["ca"])
    assert result.returncode == 4
    assert "host name mismatch: the server's certificate (for 'elsewhere.example') does not name 'localhost'" \
        in one_line(result)


def test_host_name_mismatch_for_an_ip_address(tsmqtt, wrong_host_broker):
    result = publish(tsmqtt, wrong_host_broker.url("tls"), "--cafile", wrong_host_broker.pki["ca"])
    assert result.returncode == 4
    assert "does not name '127.0.0.1'" in one_line(result)


def test_expired_certificate_is_named(tsmqtt, expired_broker):
    result = publish(tsmqtt, expired_broker.url("tls"), "--cafile", expired_broker.pki["ca"])
    assert result.returncode == 4
    assert "the server's certificate has expired" in one_line(result)


def test_insecure_connects_anyway_with_a_loud_warning(tsmqtt, wrong_host_broker):
    result = publish(tsmqtt, wrong_host_broker.url("tls"), "--insecure")
    assert result.returncode == 0, result.stderr
    assert "WARNING: --insecure: the server's certificate and host name are NOT verified" in result.stderr.decode()


def test_tls_spoken_to_a_plain_port(tsmqtt, broker):
    result = publish(tsmqtt, f"mqtts://127.0.0.1:{broker.ports['tcp']}", "--cafile", broker.pki["ca"])
    assert result.returncode == 4
    assert "does not speak TLS on this port" in one_line(result)


def test_plain_mqtt_spoken_to_a_tls_port(tsmqtt, broker):
    result = publish(tsmqtt, f"tcp://127.0.0.1:{broker.ports['tls']}")
    assert result.returncode == 4
    assert f"127.0.0.1:{broker.ports['tls']} expects TLS: use --transport tls" in one_line(result)


def test_plain_websocket_spoken_to_a_tls_websocket_port(tsmqtt, broker):
    result = publish(tsmqtt, f"ws://127.0.0.1:{broker.ports['wss']}/mqtt")
    assert result.returncode == 4
    assert "expects TLS: use --transport wss" in one_line(result)


def test_websocket_handshake_failure_is_a_network_error(tsmqtt, broker):
    result = publish(tsmqtt, f"ws://127.0.0.1:{broker.ports['tcp']}/mqtt")
    assert result.returncode == 3
    assert "WebSocket handshake with ws://127.0.0.1" in one_line(result)


def test_unreachable_broker_is_exit_3(tsmqtt):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound, never listening: connections are refused
        result = publish(tsmqtt, f"tcp://127.0.0.1:{port}")
    assert result.returncode == 3
    assert f"cannot reach 127.0.0.1:{port}: Connection refused" in one_line(result)


def test_silent_broker_hits_the_connect_timeout(tsmqtt):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    accepted = []
    stop = threading.Event()

    def accept_and_stay_silent():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                pass

    thread = threading.Thread(target=accept_and_stay_silent, daemon=True)
    thread.start()
    try:
        port = server.getsockname()[1]
        result = subprocess.run([TSMQTT, "publish", "--url", f"tcp://127.0.0.1:{port}", "-u", "device1", "-c", "1",
                                 "field1=1", "--connect-timeout", "2"], capture_output=True, env=tsmqtt.env(),
                                timeout=30)
    finally:
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
        server.close()
    assert result.returncode == 3
    assert f"tcp://127.0.0.1:{port} did not answer within 2 s (--connect-timeout)" in one_line(result)
    assert accepted, "the listener was never reached"


@pytest.mark.parametrize("user,password", [("device1", "not-the-password"), ("nobody", "whatever-secret")])
def test_refused_credentials_are_exit_5_and_never_echo_the_password(tsmqtt, broker, user, password):
    result = subprocess.run([TSMQTT, "subscribe", "--url", broker.url("tls"), "--cafile", broker.pki["ca"], "-u", user,
                             "-c", "1001", "-vvv"], capture_output=True, env=tsmqtt.env(user=None) |
                            {"TSMQTT_PASSWORD": password}, timeout=30)
    assert result.returncode == 5
    err = result.stderr.decode()
    assert "refused the connection: not authorized" in err
    assert password not in err + result.stdout.decode()


def test_missing_credentials_are_refused(tsmqtt, broker):
    result = subprocess.run([TSMQTT, "publish", "--url", broker.url("tcp"), "-c", "1001", "field1=1"],
                            capture_output=True, env=tsmqtt.env(user=None), timeout=30)
    assert result.returncode == 5
    assert "refused the connection" in one_line(result)


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_flushes_what_was_read_and_reports_it(tsmqtt, sig, code):
    watcher = tsmqtt.subscriber("--topic", "signals/#", "--format", "csv", "--no-header", "--count", "3",
                                "--timeout", "20", user="admin")
    pub = tsmqtt.start("publish", "--topic", "signals/x", "--stdin", user="admin", stdin=subprocess.PIPE)
    pub.proc.stdin.write(b"1\n2\n3\n")
    pub.proc.stdin.flush()
    assert watcher.wait_exit() == 0
    pub.signal(sig)
    assert pub.wait_exit() == code
    assert "3 sent, 0 skipped, 0 not sent" in pub.stderr
    assert [row.split(",")[4] for row in watcher.out] == ["1", "2", "3"]


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_ends_a_subscriber_cleanly(tsmqtt, sig, code):
    sub = tsmqtt.subscriber("-c", "1001")
    sub.signal(sig)
    assert sub.wait_exit() == code
    assert [l for l in sub.err if not l.startswith("tsmqtt: ") or "error" in l.lower()] == []


def test_a_signal_while_connecting_exits_at_once(tsmqtt):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    try:
        port = server.getsockname()[1]
        from harness import Process
        proc = Process([TSMQTT, "publish", "--url", f"tcp://127.0.0.1:{port}", "-c", "1", "field1=1",
                        "--connect-timeout", "60"], env=tsmqtt.env())
        server.settimeout(10)
        held, _ = server.accept()  # held open and silent: tsmqtt waits for a CONNACK
        proc.signal(signal.SIGINT)
        assert proc.wait_exit(timeout=5) == 130
        assert "interrupted while connecting" in proc.stderr
        held.close()
    finally:
        server.close()


def test_a_client_id_takeover_is_explained(tsmqtt):
    """Two clients with one ID make the broker close the older connection, again and again."""
    first = tsmqtt.subscriber("-c", "1001", "-i", "twin-client-1")
    second = tsmqtt.subscriber("-c", "1001", "-i", "twin-client-1")
    try:
        hint = "is another client using the client ID 'twin-client-1'?"
        wait_for(lambda: any(hint in line for line in first.err + second.err), timeout=60,
                 what=f"the takeover hint; first={first.err[-3:]} second={second.err[-3:]}")
    finally:
        first.kill()
        second.kill()
