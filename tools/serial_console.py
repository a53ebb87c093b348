#!/usr/bin/env python3
"""The terminal as an emulator's serial console, over its TCP socket.

tools/hvrun --interactive uses this for Bochs, whose own terminal mode does
not start on these machines: Bochs serves COM1 on localhost:PORT and this
relays keys (the terminal in raw mode, so Ctrl-C goes to the guest) to it and
its output to the terminal and to --log. Ctrl-] ends the session, as in
telnet; so does the emulator closing the console.
"""
import argparse
import os
import select
import socket
import sys
import termios
import time
import tty

ESCAPE = b"\x1d"  # Ctrl-]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--connect-timeout", type=float, default=30.0)
    args = ap.parse_args()

    deadline = time.monotonic() + args.connect_timeout
    while True:
        try:
            sock = socket.create_connection(("localhost", args.port), timeout=1.0)
            break
        except OSError as e:
            if time.monotonic() > deadline:
                print(f"serial_console: no console on localhost:{args.port}: {e}", file=sys.stderr)
                return 1
            time.sleep(0.2)

    stdin = sys.stdin.fileno()
    saved = termios.tcgetattr(stdin) if os.isatty(stdin) else None
    if saved:
        tty.setraw(stdin)
    try:
        with open(args.log, "ab") as log:
            while True:
                ready, _, _ = select.select([sock, stdin], [], [])
                if sock in ready:
                    data = sock.recv(4096)
                    if not data:
                        return 0
                    log.write(data)
                    log.flush()
                    os.write(sys.stdout.fileno(), data)
                if stdin in ready:
                    keys = os.read(stdin, 1024)
                    if not keys or ESCAPE in keys:
                        return 0
                    sock.sendall(keys)
    finally:
        if saved:
            termios.tcsetattr(stdin, termios.TCSADRAIN, saved)


if __name__ == "__main__":
    sys.exit(main())
