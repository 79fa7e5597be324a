# SPDX-License-Identifier: Apache-2.0
"""Input that cannot be read: one line, and the status the contract gives for it. Standard
input that cannot be read is a run-time failure (1) whether it is read line by line (--stdin) or
whole (--stdin-whole); a signal while a --file FIFO waits for data ends the run with the
signal's own status (130), not as an unreadable file (7)."""
import os
import platform
import signal
import subprocess

from harness import TSMQTT, Process, wait_for

READ_SYSCALL = {"x86_64": "0", "aarch64": "63"}.get(platform.machine(), "0")


def test_unreadable_stdin_is_exit_1_line_by_line_and_whole(tsmqtt):
    for mode in ("--stdin", "--stdin-whole"):
        cmd = [TSMQTT, "publish", *tsmqtt.connection("tcp", "admin"), "-t", "in/x", mode, "--interval", "0"]
        folder = os.open("/", os.O_RDONLY)  # read() of a folder fails with EISDIR
        try:
            result = subprocess.run(cmd, stdin=folder, capture_output=True, env=tsmqtt.env("admin"), timeout=30)
        finally:
            os.close(folder)
        err = result.stderr.decode()
        assert result.returncode == 1, (mode, err)
        assert "cannot read standard input: Is a directory" in err, (mode, err)
        assert err.count("\n") <= 2, (mode, err)  # that line, and at most the summary


def in_read(pid):
    try:
        with open(f"/proc/{pid}/syscall") as f:
            return f.read().split()[0] == READ_SYSCALL
    except (OSError, IndexError):
        return False


def test_a_signal_while_a_file_fifo_waits_for_data_is_exit_130(tsmqtt, tmp_path):
    fifo = tmp_path / "message"
    os.mkfifo(fifo, 0o600)
    proc = Process([TSMQTT, "publish", "--url", "tcp://127.0.0.1:1", "-t", "in/x", "--file", str(fifo)],
                   env=tsmqtt.env(user=None))
    writer = None
    try:
        # A non-blocking open of the writing end succeeds once tsmqtt holds the reading end.
        def open_writer():
            nonlocal writer
            try:
                writer = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
                return True
            except OSError:
                return False
        wait_for(open_writer, 10, "tsmqtt to open the FIFO")
        wait_for(lambda: in_read(proc.proc.pid), 10, "tsmqtt to wait in read()")
        proc.signal(signal.SIGINT)
        assert proc.wait_exit() == 130, proc.err
        assert not any("cannot read" in line for line in proc.err), proc.err
    finally:
        if writer is not None:
            os.close(writer)
