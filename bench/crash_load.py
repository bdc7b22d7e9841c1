#!/usr/bin/env python3
"""Steady storefront orders for the crash test: each worker adds an item to a cart and checks out
with a fresh idempotency token, recording every answer. A token whose checkout answered with the
receipt redirect is a success; a dropped connection is retried with the same token (the storefront
treats a repeat as the same order), so the test also exercises idempotent retries across crashes.

Usage: crash_load.py PORT HOST ITEM_ID OUT_FILE STOP_FILE [WORKERS]"""
import http.client, sys, threading, time, uuid, urllib.parse

port, host, item, out_path, stop_path = sys.argv[1:6]
workers = int(sys.argv[6]) if len(sys.argv) > 6 else 4
lock = threading.Lock()
out = open(out_path, "a", buffering=1)


def post(path, fields, cookie=None):
    c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=5)
    headers = {"Host": host, "Content-Type": "application/x-www-form-urlencoded"}
    if cookie:
        headers["Cookie"] = cookie
    c.request("POST", path, urllib.parse.urlencode(fields), headers)
    r = c.getresponse()
    r.read()
    c.close()
    return r.status, r.getheader("Location") or "", r.getheader("Set-Cookie") or ""


def stopped():
    try:
        open(stop_path).close()
        return True
    except FileNotFoundError:
        return False


def worker(n):
    while not stopped():
        token = str(uuid.uuid4())
        cart = None
        attempts = 0
        while not stopped():
            attempts += 1
            try:
                if cart is None:
                    _, _, set_cookie = post("/cart/add", {"item_id": item, "quantity": "1"})
                    cart = set_cookie.split(";")[0]
                status, location, _ = post(
                    "/checkout",
                    {"token": token, "name": f"Crash buyer {n}", "email": "crash@example.com"},
                    cart,
                )
                if status == 303 and location.startswith("/thanks") and token in location:
                    with lock:
                        out.write(f"ok {token} {attempts}\n")
                    break
                with lock:
                    out.write(f"refused {token} {status} {location}\n")
                break
            except Exception:
                # The server is down (killed): wait and retry the same order.
                time.sleep(0.05)


threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(workers)]
for t in threads:
    t.start()
while not stopped():
    time.sleep(0.2)
time.sleep(1)
