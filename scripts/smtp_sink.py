#!/usr/bin/python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""smtp_sink.py -- the test and development SMTP server: Debian's aiosmtpd
on loopback, storing every message it accepts in a Maildir so that tests
can read what the mailer sent.  usage: smtp_sink.py HOST PORT MAILDIR"""
import signal
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox


def main():
    host, port, maildir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    controller = Controller(Mailbox(maildir), hostname=host, port=port)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
