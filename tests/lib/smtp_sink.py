#!/usr/bin/python3
"""A local SMTP server for the mail tests and the mail bench (Debian's
python3-aiosmtpd): listens on 127.0.0.1:PORT (0: a free one, printed as
"port N" on stdout) and writes every message it accepts to DIR as
N.eml, with the envelope's recipients in an X-Envelope-To header first.

  smtp_sink.py DIR [PORT] [--count-only]

--count-only keeps no files (the bench): it prints "received N" each
second instead."""
import asyncio
import os
import sys
import threading
import time

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out, keep):
        self.out, self.keep, self.n = out, keep, 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.n += 1
            n = self.n
        if self.keep:
            name = f"{time.time_ns()}-{n}"
            tmp = os.path.join(self.out, f".{name}.tmp")
            with open(tmp, "wb") as f:
                f.write(b"X-Envelope-To: " + ",".join(envelope.rcpt_tos).encode() + b"\r\n")
                f.write(envelope.original_content)
            os.rename(tmp, os.path.join(self.out, f"{name}.eml"))
        return "250 OK"


def main():
    out = sys.argv[1]
    port = int(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2].isdigit() else 0
    keep = "--count-only" not in sys.argv
    os.makedirs(out, exist_ok=True)
    sink = Sink(out, keep)
    if port == 0:
        import socket
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
    c = Controller(sink, hostname="127.0.0.1", port=port, decode_data=False)
    c.start()
    print(f"port {port}", flush=True)
    try:
        while True:
            time.sleep(1)
            if not keep:
                print(f"received {sink.n}", flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        c.stop()


if __name__ == "__main__":
    main()
