"""A pretend terminal for the graphics-tier tests: a pty that may answer textual-image's questions.

textual-image asks for Sixel with a Primary Device Attributes query (``ESC [ c``;
an answer listing 4 means Sixel) and for Kitty graphics with a query image
(``ESC _ G ... a=q ...``, answered ``OK``). The pty is 80 x 24 cells of 10 x 20
pixels, told through TIOCSWINSZ as a real terminal does.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import sys
import termios
import time

COLUMNS, ROWS, CELL_W, CELL_H = 80, 24, 10, 20
DA1_QUERY = b"\x1b[c"
KITTY_QUERY = re.compile(rb"\x1b_Gi=(\d+),[^;\x1b]*a=q")
ANSWERS = {  # what each pretend terminal says to the two questions (None: nothing)
    "silent": (None, None),
    "sixel": (b"\x1b[?62;4;22c", None),
    "kitty": (b"\x1b[?62;22c", b"OK"),
}


def run_in_pty(args: list[str], terminal: str = "silent", env: dict | None = None, timeout: float = 60) -> bytes:
    """Everything ``python ARGS`` wrote to its terminal, until it exited (or ``timeout`` passed)."""
    da1_answer, kitty_answer = ANSWERS[terminal]
    pid, fd = pty.fork()
    if pid == 0:  # the child: its stdin, stdout and stderr are the pty
        fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, COLUMNS * CELL_W, ROWS * CELL_H))
        os.execvpe(sys.executable, [sys.executable, *args], {**os.environ, **(env or {})})
    output, answered, deadline = b"", [0, 0], time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if not select.select([fd], [], [], 0.1)[0]:
                continue
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:  # the child closed the pty
                break
            if not chunk:
                break
            output += chunk
            _answer(fd, output, answered, da1_answer, kitty_answer)
    finally:
        _reap(pid)
        os.close(fd)
    return output


def _answer(fd: int, output: bytes, answered: list[int], da1_answer: bytes | None, kitty_answer: bytes | None) -> None:
    """Answer each question once (``answered``: how many of each kind so far)."""
    da1_queries, kitty_queries = output.count(DA1_QUERY), KITTY_QUERY.findall(output)
    if da1_answer:
        for _ in range(da1_queries - answered[0]):
            os.write(fd, da1_answer)
    if kitty_answer:
        for image_id in kitty_queries[answered[1]:]:
            os.write(fd, b"\x1b_Gi=" + image_id + b";" + kitty_answer + b"\x1b\\")
    answered[:] = [da1_queries, len(kitty_queries)]


def _reap(pid: int) -> None:
    for _ in range(50):
        if os.waitpid(pid, os.WNOHANG)[0]:
            return
        time.sleep(0.1)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
