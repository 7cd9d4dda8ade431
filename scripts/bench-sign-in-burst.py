#!/usr/bin/env python3
"""Fires N simultaneous sign-ins at a running server and reports its memory.

    scripts/bench-sign-in-burst.py http://127.0.0.1:3900 <server pid> [N] [e-mail] [password]

Each of N threads opens its own connection, waits for the others, then posts the
sign-in form at once (as one client sending a burst). Prints how the server answered and
its resident memory (from /proc/<pid>/status): before, the peak while answering (VmHWM),
and 10 s after. Asserts nothing; results go in docs/BENCHMARKS.md.
"""

import http.client
import re
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter


def memory(pid, field):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) // 1024  # MiB
    return -1


def main():
    base, pid = sys.argv[1], int(sys.argv[2])
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 400
    email = sys.argv[4] if len(sys.argv) > 4 else "bench@vitrine.example"
    password = sys.argv[5] if len(sys.argv) > 5 else "bench harbor lantern sky"
    page = urllib.request.urlopen(base + "/en/account/sign-in").read().decode()
    action = re.search(r'action="(/api/sign_in[0-9]*)"', page).group(1)
    body = urllib.parse.urlencode({"lang": "en", "email": email, "password": password})
    host = urllib.parse.urlparse(base).netloc
    start = threading.Barrier(count)
    answers = Counter()
    lock = threading.Lock()

    def sign_in():
        connection = http.client.HTTPConnection(host, timeout=600)
        connection.connect()
        start.wait()
        try:
            connection.request(
                "POST",
                action,
                body,
                {"Content-Type": "application/x-www-form-urlencoded"},
            )
            status = connection.getresponse().status
        except Exception as error:  # a refused or reset connection is an answer too
            status = type(error).__name__
        with lock:
            answers[status] += 1

    before = memory(pid, "VmRSS")
    began = time.time()
    threads = [threading.Thread(target=sign_in) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.time() - began
    peak = memory(pid, "VmHWM")
    time.sleep(10)
    after = memory(pid, "VmRSS")
    print(f"{count} sign-ins in {took:.1f} s: {dict(answers)}")
    print(f"RSS before {before} MiB, peak (VmHWM) {peak} MiB, 10 s after {after} MiB")


if __name__ == "__main__":
    main()
