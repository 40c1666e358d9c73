"""Holds N long-polls on one request open at once, then reports how many were
answered after the request changed, and how long that took.

    python3 long_polls.py URL APPLICATION_ID VERSION COOKIE N READY_FILE

Opens N connections (each its own, as N browsers would), sends
GET /api/applications/ID?waitAfterVersion=VERSION on each, writes READY_FILE
once every request is written (the driver then changes the request), and waits
for every answer. Prints one JSON line: {"held", "answered", "grown",
"first_ms", "last_ms", "errors"} where the times run from READY_FILE's writing.
Plain asyncio sockets: nothing to install.
"""

import asyncio
import json
import sys
import time
from urllib.parse import urlsplit


async def one_poll(host, port, target, cookie, sent, results):
    try:
        reader, writer = await asyncio.open_connection(host, port)
    except OSError as error:
        results.append(("error", str(error)))
        sent.release()
        return
    writer.write(
        (
            f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {cookie}\r\n"
            "Connection: close\r\n\r\n"
        ).encode()
    )
    await writer.drain()
    sent.release()
    try:
        data = await asyncio.wait_for(reader.read(), timeout=120)
        finished = time.monotonic()
        head, _, body = data.partition(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        version = json.loads(body).get("version") if status == 200 else None
        results.append(("answer", status, version, finished))
    except Exception as error:  # noqa: BLE001 - any failure is counted, not fatal
        results.append(("error", repr(error)))
    finally:
        writer.close()


async def main():
    url, application, version, cookie, count, ready_file = sys.argv[1:7]
    count, version = int(count), int(version)
    parts = urlsplit(url)
    target = f"/api/applications/{application}?waitAfterVersion={version}"
    sent = asyncio.Semaphore(0)
    results = []
    tasks = [
        asyncio.create_task(one_poll(parts.hostname, parts.port, target, cookie, sent, results))
        for _ in range(count)
    ]
    for _ in range(count):
        await sent.acquire()
    # Give the API a moment to read every request and start every wait.
    await asyncio.sleep(2)
    held = count - sum(1 for r in results if r[0] == "answer") - sum(1 for r in results if r[0] == "error")
    started = time.monotonic()
    with open(ready_file, "w") as ready:
        ready.write(str(held))
    await asyncio.gather(*tasks)
    answers = [r for r in results if r[0] == "answer"]
    grown = [r for r in answers if r[1] == 200 and r[2] is not None and r[2] > version]
    times = sorted((r[3] - started) * 1000 for r in grown)
    print(
        json.dumps(
            {
                "held": held,
                "answered": len(answers),
                "grown": len(grown),
                "first_ms": round(times[0]) if times else None,
                "last_ms": round(times[-1]) if times else None,
                "errors": [r[1] for r in results if r[0] == "error"][:5],
            }
        )
    )


asyncio.run(main())
