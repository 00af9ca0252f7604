"""A real SMTP server for the end-to-end tests (aiosmtpd, not a mock).

Usage: smtp_sink.py PORT DIR. Accepts every message on 127.0.0.1:PORT, stores each as
DIR/<pid>-<n>.eml (written to a temporary name, then renamed, so a reader never sees half a
file), prints READY once listening, and runs until killed.
"""

import itertools
import os
import signal
import sys

from aiosmtpd.controller import Controller


class Store:
    def __init__(self, folder):
        self.folder = folder
        self.count = itertools.count()

    async def handle_DATA(self, server, session, envelope):
        name = f"{os.getpid()}-{next(self.count)}.eml"
        tmp = os.path.join(self.folder, name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(tmp, os.path.join(self.folder, name))
        return "250 Message accepted for delivery"


def main():
    port, folder = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Store(folder), hostname="127.0.0.1", port=port)
    controller.start()
    print("READY", flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()


if __name__ == "__main__":
    main()
