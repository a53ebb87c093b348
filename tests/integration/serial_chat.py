#!/usr/bin/env python3
"""Types into an emulator's serial console over TCP, as a person would.

tools/hvrun --serial-tcp PORT makes the emulator serve COM1 on localhost:PORT
and wait for one client. This client connects (retrying while the emulator
starts), copies everything the console prints into --log, and works through
its steps in order: each --expect REGEX waits until the output since the last
match matches, each --send TEXT types TEXT (\\n in it is a newline, sent as
a carriage return, which is what the Enter key sends). It exits 0 when every
step was done, 1 when the time ran out or the emulator closed the console
first (saying which step was waiting), 2 on bad arguments. After the last
step it keeps logging until the emulator closes the console or --linger
seconds pass.
"""
import argparse
import re
import socket
import sys
import time


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--timeout", type=float, default=300.0,
                    help="seconds for all the steps together")
    ap.add_argument("--linger", type=float, default=60.0,
                    help="seconds to keep logging after the last step")
    ap.add_argument("--expect", dest="steps", action="append", type=lambda s: ("expect", s))
    ap.add_argument("--send", dest="steps", action="append", type=lambda s: ("send", s))
    args = ap.parse_args()
    args.steps = args.steps or []
    for kind, text in args.steps:
        if kind == "expect":
            try:
                re.compile(text)
            except re.error as e:
                ap.error(f"--expect {text!r}: {e}")
    return args


def connect(port, deadline):
    while True:
        try:
            return socket.create_connection(("localhost", port), timeout=1.0)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def main():
    args = parse_args()
    deadline = time.monotonic() + args.timeout
    try:
        sock = connect(args.port, deadline)
    except OSError as e:
        print(f"serial_chat: no console on localhost:{args.port}: {e}", file=sys.stderr)
        return 1
    sock.settimeout(0.2)
    steps = list(args.steps)
    seen = ""  # output since the last match
    with open(args.log, "w", encoding="utf-8", errors="replace") as log:
        linger_until = None
        while True:
            while steps and steps[0][0] == "send":
                text = steps.pop(0)[1].replace("\\n", "\r")
                for ch in text:  # one key at a time, as typed
                    sock.sendall(ch.encode())
                    time.sleep(0.01)
            if not steps and linger_until is None:
                linger_until = time.monotonic() + args.linger
            now = time.monotonic()
            if steps and now > deadline:
                print(f"serial_chat: timed out waiting for {steps[0][1]!r}", file=sys.stderr)
                return 1
            if linger_until is not None and now > linger_until:
                return 0
            try:
                data = sock.recv(4096)
            except socket.timeout:
                continue
            except OSError:
                data = b""
            if not data:
                if steps:
                    print(f"serial_chat: the console closed while waiting for {steps[0][1]!r}",
                          file=sys.stderr)
                    return 1
                return 0
            text = data.decode("utf-8", errors="replace")
            log.write(text)
            log.flush()
            seen += text
            if steps and steps[0][0] == "expect":
                m = re.search(steps[0][1], seen, re.MULTILINE)
                if m:
                    steps.pop(0)
                    seen = seen[m.end():]


if __name__ == "__main__":
    sys.exit(main())
