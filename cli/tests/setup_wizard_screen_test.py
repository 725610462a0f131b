#!/usr/bin/env python3
"""The wizard's screens, as a person sees them: `aeterna setup` runs in a pseudo-terminal of 40,
60 and 120 columns and its output goes through pyte (a VT100 emulator, .tools/pyte-venv), so the
test compares what is on the screen, not the bytes. Screens are compared with
cli/tests/golden/wizard/<state>-<columns>.txt (AETERNA_UPDATE_GOLDEN=1 rewrites them), and each
case checks the point of issue 18 it is about: wrapped questions redrawn without leftovers, a
refused answer marked with its reason until it is answered well, Esc and ← going back, the
review (secrets masked) with write / change / quit, the spinner and its cancel key, the
reconfigure header, and a resize redrawing the screen. Prints TAP lines. Run by `make test`."""
import os
import pty
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import termios
import fcntl
import threading
import time

import pyte

from tap import case, run

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("AETERNA_BIN", os.path.join(ROOT, "build", "aeterna"))
GOLDEN = os.path.join(os.path.dirname(__file__), "golden", "wizard")
UPDATE = os.environ.get("AETERNA_UPDATE_GOLDEN") == "1"
UP, DOWN, LEFT, ENTER, ESC, BACKSPACE = "\x1b[A", "\x1b[B", "\x1b[D", "\r", "\x1b", "\x7f"
WIDTHS = (40, 60, 120)
ROWS = 30


class Screen:
    def __init__(self, cols, *args, cwd, env=None):
        self.cols = cols
        e = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
        e.update({"TERM": "xterm", "NO_COLOR": "1"})
        e.update(env or {})
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, cols, 0, 0))
            os.chdir(cwd)
            os.execve(BIN, [BIN, "setup", *args], e)
        self.screen = pyte.Screen(cols, ROWS)
        self.stream = pyte.ByteStream(self.screen)
        self.status = None

    def pump(self, seconds=0.15):
        end = time.time() + seconds
        while time.time() < end:
            r, _, _ = select.select([self.fd], [], [], 0.03)
            if r:
                try:
                    data = os.read(self.fd, 65536)
                except OSError:
                    return
                if not data:
                    return
                self.stream.feed(data)

    def text(self):
        return "\n".join(line.rstrip() for line in self.screen.display).rstrip("\n") + "\n"

    def flat(self):
        """The screen's words on one line: wrapping and indentation do not matter."""
        return " ".join(self.text().split())

    def wait_for(self, needle, timeout=10):
        end = time.time() + timeout
        while time.time() < end:
            self.pump(0.1)
            if needle in self.text() or needle in self.flat():
                self.pump(0.1)  # let the redraw finish
                return
        raise AssertionError(f"{needle!r} not on the {self.cols}-column screen:\n{self.text()}")

    def send(self, keys, settle=0.15):
        for k in keys if isinstance(keys, list) else [keys]:
            os.write(self.fd, k.encode())
            time.sleep(0.01)
            self.pump(0.01)
        self.pump(settle)

    def answer(self, question, keys):
        self.wait_for(question)
        self.send(keys)

    def resize(self, cols):
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, cols, 0, 0))
        self.screen.resize(ROWS, cols)
        self.cols = cols
        os.kill(self.pid, signal.SIGWINCH)
        self.pump(0.3)

    def wait(self, timeout=20):
        end = time.time() + timeout
        while time.time() < end:
            self.pump(0.05)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.pump(0.1)
                self.status = os.waitstatus_to_exitcode(status)
                return self.status
        os.kill(self.pid, signal.SIGKILL)
        raise AssertionError("setup did not finish:\n" + self.text())


def compare(name, s):
    """The screen against its golden file."""
    path = os.path.join(GOLDEN, f"{name}-{s.cols}.txt")
    got = s.text()
    if UPDATE:
        os.makedirs(GOLDEN, exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(got)
    with open(path, encoding="utf-8") as f:
        want = f.read()
    assert got == want, f"{path} differs; the screen is:\n{got}"


def no_row_wider(s):
    for line in s.screen.display:
        assert len(line) == s.cols  # pyte pads; nothing was drawn past the edge
    return True


def to_central_url(s):
    s.answer("Where will Aeterna run?", ENTER)
    s.answer("Deployment mode", [DOWN, ENTER])
    s.wait_for("Central server URL")


LONG = "http://127.0.0.1:9/" + "/".join(["a-long-path-segment"] * 5)


@case
def first_screen_at_each_width():
    for cols in WIDTHS:
        with tempfile.TemporaryDirectory() as d:
            s = Screen(cols, "-o", d, cwd=d)
            s.wait_for("Where will Aeterna run?")
            compare("first", s)
            assert no_row_wider(s)
            s.send("\x03")
            assert s.wait() == 130


@case
def a_wrapped_question_is_redrawn_in_place_while_typing():
    for cols in WIDTHS:
        with tempfile.TemporaryDirectory() as d:
            s = Screen(cols, "-o", d, cwd=d)
            to_central_url(s)
            s.send(list(LONG), settle=0.3)
            text = s.text()
            assert text.count("Central server URL") == 1, text
            assert text.replace("\n", "").count("a-long-path-segment") == 5, text
            compare("typing-url", s)
            s.send(["\x15"] + list("http://127.0.0.1:9") + [ENTER])
            s.wait_for("How does this instance authenticate")
            text = s.text()
            assert text.count("Central server URL") == 1 and "a-long-path-segment" not in text, text
            s.send("\x03")
            s.wait()


@case
def a_refused_answer_shows_its_reason_until_answered_well():
    for cols in WIDTHS:
        with tempfile.TemporaryDirectory() as d:
            s = Screen(cols, "-o", d, cwd=d)
            to_central_url(s)
            s.send(list("ftp://x") + [ENTER])
            s.wait_for("✘")
            text = s.text()
            assert "✔ Central" not in text and "with a host." in s.flat(), text
            compare("refused", s)
            s.send(["\x15"] + list("http://127.0.0.1:9") + [ENTER])
            s.wait_for("How does this instance authenticate")
            text = s.text()
            assert "✘" not in text and "ftp://x" not in text and "✔ Central server URL" in text, text
            s.send("\x03")
            s.wait()


@case
def escape_and_left_arrow_go_back_one_question():
    for cols in WIDTHS:
        for key in (ESC, LEFT):
            with tempfile.TemporaryDirectory() as d:
                s = Screen(cols, "-o", d, cwd=d)
                s.answer("Where will Aeterna run?", [DOWN, ENTER])  # Docker Compose
                s.answer("Deployment mode", ENTER)
                s.wait_for("Vector store")
                s.send(key, settle=0.4)
                s.wait_for("? Deployment mode")
                text = s.text()
                assert "✔ Deployment mode" not in text and "Vector store" not in text, text
                assert text.count("✔ Where will Aeterna run?") == 1 and "Docker Compose" in s.flat(), text
                s.send(key, settle=0.4)
                s.wait_for("? Where will Aeterna run?")
                assert "✔" not in s.text(), s.text()
                assert "❯ Docker Compose" in s.text(), s.text()  # the answer given is the default
                s.send("\x03")
                s.wait()


@case
def the_review_masks_secrets_and_offers_write_change_quit():
    for cols in WIDTHS:
        with tempfile.TemporaryDirectory() as d:
            s = Screen(cols, "-o", d, cwd=d)
            s.answer("Where will Aeterna run?", [UP, ENTER])  # OpenCode only
            s.answer("Deployment mode", [UP, ENTER])          # Remote
            s.answer("Central server URL", list("http://127.0.0.1:9") + [ENTER])
            s.answer("How does this instance authenticate", ENTER)  # API key
            s.answer("API key", list("central-secret-value") + [ENTER])
            s.answer("Where?", ENTER)
            s.wait_for("What now?")
            text = s.text()
            assert "central-secret-value" not in text and "central.credential = ********" in text.replace("\n", " "), text
            compare("review", s)
            # change an answer: the question again, then back to the review
            s.send([DOWN, ENTER])
            s.wait_for("Which answer?")
            s.send([UP, UP, UP, ENTER])  # "Central server URL" (the list starts at the last question)
            s.wait_for("? Central server URL")
            s.send(["\x15"] + list("http://127.0.0.1:8") + [ENTER])
            s.wait_for("What now?", timeout=15)
            assert "http://127.0.0.1:8" in s.text(), s.text()
            s.send([DOWN, DOWN, ENTER])  # quit without writing
            assert s.wait() == 130 and os.listdir(d) == [], os.listdir(d)


def silent_server():
    """A TCP server that accepts and never answers: the reachability check waits on it."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    held = []

    def loop():
        while True:
            try:
                c, _ = srv.accept()
            except OSError:
                return
            held.append(c)

    threading.Thread(target=loop, daemon=True).start()
    return srv, srv.getsockname()[1]


@case
def a_spinner_runs_during_the_reachability_check_and_esc_cancels_it():
    srv, port = silent_server()
    try:
        for cols in WIDTHS:
            with tempfile.TemporaryDirectory() as d:
                s = Screen(cols, "-o", d, cwd=d)
                to_central_url(s)
                s.send(list(f"http://127.0.0.1:{port}") + [ENTER])
                s.wait_for("(Esc cancels)")
                first = s.text()
                s.pump(0.4)
                assert s.text() != first, "the spinner does not move"
                t0 = time.time()
                s.send(ESC)
                s.wait_for("Reachability check cancelled.")
                s.wait_for("How does this instance authenticate")
                assert time.time() - t0 < 2.5, time.time() - t0
                assert "(Esc cancels)" not in s.text(), s.text()
                s.send("\x03")
                s.wait()
    finally:
        srv.close()


@case
def reconfiguring_says_so_in_the_header():
    for cols in WIDTHS:
        with tempfile.TemporaryDirectory() as d:
            r = subprocess.run([BIN, "setup", "--non-interactive", "-o", d, "--no-opencode"], capture_output=True)
            assert r.returncode == 0, r.stderr
            s = Screen(cols, "-o", d, cwd=d)  # a folder with answers: reconfigured, not started afresh
            s.wait_for("Where will Aeterna run?")
            assert "reconfiguring" in s.text(), s.text()
            compare("reconfigure", s)
            s.send("\x03")
            s.wait()


@case
def a_resize_redraws_the_screen_at_the_new_width():
    with tempfile.TemporaryDirectory() as d:
        s = Screen(120, "-o", d, cwd=d)
        to_central_url(s)
        s.send(list(LONG), settle=0.3)
        s.resize(40)
        s.send(list("/x"), settle=0.3)
        text = s.text()
        assert text.count("Central server URL") == 1, text
        assert no_row_wider(s)
        compare("resized", s)
        s.send("\x03")
        assert s.wait() == 130


if __name__ == "__main__":
    sys.exit(run(prefix="screens: "))
