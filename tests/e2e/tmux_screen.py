# SPDX-License-Identifier: Apache-2.0
"""A tmux server of the test's own, driving a full-screen program on a virtual terminal:
send keys, resize, and read the screen as text (Debian's tmux 3.3a). Each server has its own
socket and is always killed by close(), which also ends what runs inside it."""

import os
import shlex
import subprocess
import uuid

from harness import wait_for

BRAILLE = {chr(c) for c in range(0x2801, 0x2900)}


class TmuxScreen:
    def __init__(self, env, width=120, height=40):
        self.socket = f"tsmqtt-e2e-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.env = dict(env)
        # A plain shell with a fixed prompt, so that what it shows before and after is known.
        self.env.update(PS1="$ ", LANG="C.UTF-8", LC_ALL="C.UTF-8", TERM="xterm-256color")
        self._tmux("new-session", "-d", "-s", "main", "-x", str(width), "-y", str(height),
                   "bash --norc --noprofile")
        self._tmux("set-option", "-g", "default-terminal", "tmux-256color")

    def _tmux(self, *args, check=True):
        return subprocess.run(["tmux", "-u", "-L", self.socket, "-f", "/dev/null", *args], env=self.env,
                              capture_output=True, text=True, check=check, timeout=15)

    def type(self, line):
        """Types a command line into the shell and presses Enter."""
        self._tmux("send-keys", "-t", "main", "-l", line)
        self._tmux("send-keys", "-t", "main", "Enter")

    def run(self, argv, env=None, stderr=None):
        """Runs argv in the shell, which then says how it exited: 'exited N'. With `stderr` (a
        path), the program's stderr goes to that file instead of the screen."""
        prefix = " ".join(f"{k}={shlex.quote(str(v))}" for k, v in (env or {}).items())
        command = " ".join(shlex.quote(str(a)) for a in argv)
        if stderr is not None:
            command += f" 2>{shlex.quote(str(stderr))}"
        self.type(f"{prefix} {command}; echo \"exited $?\"".strip())

    def keys(self, *keys):
        """tmux key names: q, Escape, C-c, Space, Tab, Enter, Left, +, ..."""
        self._tmux("send-keys", "-t", "main", *keys)

    def resize(self, width, height):
        self._tmux("resize-window", "-t", "main", "-x", str(width), "-y", str(height))

    def text(self):
        return self._tmux("capture-pane", "-p", "-t", "main").stdout

    def styled(self):
        """The screen with its attributes and colours as escape sequences (capture-pane -e)."""
        return self._tmux("capture-pane", "-p", "-e", "-t", "main").stdout

    def lines(self):
        return self.text().split("\n")

    def size(self):
        out = self._tmux("display-message", "-p", "-t", "main", "#{pane_width}x#{pane_height}").stdout
        return out.strip()

    def program_pid(self):
        """The process the shell is running in the foreground (its only child)."""
        shell = self._tmux("display-message", "-p", "-t", "main", "#{pane_pid}").stdout.strip()
        children = subprocess.run(["pgrep", "-P", shell], capture_output=True, text=True, timeout=10).stdout.split()
        assert len(children) == 1, f"the shell runs {children}"
        return int(children[0])

    def title(self):
        return self._tmux("display-message", "-p", "-t", "main", "#{pane_title}").stdout.strip()

    def wait(self, condition, timeout=15, what="the screen"):
        """Waits until condition(text of the screen) holds; the failure shows the screen."""
        seen = [""]

        def check():
            seen[0] = self.text()
            return condition(seen[0])
        try:
            wait_for(check, timeout, what)
        except AssertionError as e:
            raise AssertionError(f"{e}\n--- screen ---\n{seen[0]}") from None
        return seen[0]

    def wait_text(self, needle, timeout=15):
        return self.wait(lambda text: needle in text, timeout, f"{needle!r} on the screen")

    def close(self):
        self._tmux("kill-server", check=False)
