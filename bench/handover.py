#!/usr/bin/env python3
"""Restarts under load with the socket held across them, as systemd's socket activation does: this
supervisor owns the listening socket and passes it to each server (LISTEN_FDS); on each round the
server gets SIGTERM while `hey` keeps requests coming, and the next one starts on the same socket.
Connections made in between wait in the socket's queue. Figures per round: requests answered, not
answered (errors of any kind), the slowest answer, and how long the old server took to exit.
Usage: bench/handover.py BIN [rounds]"""
import os, re, signal, socket, subprocess, sys, tempfile, time, urllib.request

binary = sys.argv[1]
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
work = tempfile.mkdtemp(prefix="cadence-handover.")
os.chmod(work, 0o755)  # the private cluster runs as the postgres user
sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sock.bind(("127.0.0.1", 0))
sock.listen(4096)
port = sock.getsockname()[1]
env = dict(os.environ, CADENCE_DATA_DIR=f"{work}/data", CADENCE_RATE_LIMIT_SCALE="0",
           RUST_LOG="warn", CADENCE_SHUTDOWN_SECS="8", CADENCE_ADDR=f"127.0.0.1:{port}",
           LISTEN_FDS="1", LISTEN_FDS_FIRST_FD=str(sock.fileno()))
env.pop("LISTEN_PID", None)
log = open(f"{work}/server.log", "ab")


def start():
    return subprocess.Popen([binary, "serve"], env=env, pass_fds=(sock.fileno(),), stdout=log, stderr=log)


def ready():
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
                if r.status == 200:
                    return
        except Exception:
            time.sleep(0.05)


subprocess.run([binary, "seed", "--demo"], env={k: v for k, v in env.items() if not k.startswith("LISTEN_")},
               stdout=log, stderr=log, check=True)
server = start()
ready()
total_failed = 0
worst_exit = 0
for r in range(1, rounds + 1):
    hey = subprocess.Popen(["hey", "-z", "5s", "-c", "20", "-host", f"demo.localhost:{port}",
                            f"http://127.0.0.1:{port}/"], stdout=subprocess.PIPE, text=True)
    time.sleep(1)
    t0 = time.monotonic()
    server.send_signal(signal.SIGTERM)
    server.wait()
    exit_ms = int((time.monotonic() - t0) * 1000)
    server = start()
    ready()
    gap_ms = int((time.monotonic() - t0) * 1000)
    out = hey.communicate()[0]
    ok = sum(int(n) for n in re.findall(r"\[200\]\s+(\d+) responses", out))
    other = sum(int(n) for code, n in re.findall(r"\[(\d+)\]\s+(\d+) responses", out) if code != "200")
    errors = 0
    if "Error distribution:" in out:
        errors = sum(int(n) for n in re.findall(r"^\s+\[(\d+)\]", out.split("Error distribution:")[1], re.M))
    slowest = re.search(r"Slowest:\s+([\d.]+) secs", out)
    failed = other + errors
    total_failed += failed
    worst_exit = max(worst_exit, exit_ms)
    print(f"round {r}: old server exited in {exit_ms} ms, next one ready after {gap_ms} ms; "
          f"answered 200: {ok}; failed: {failed} (non-200 {other}, errors {errors}); "
          f"slowest answer {float(slowest.group(1)) * 1000 if slowest else 0:.0f} ms", flush=True)
server.send_signal(signal.SIGTERM)
server.wait()
subprocess.run([binary, "db", "stop"], env={k: v for k, v in env.items() if not k.startswith("LISTEN_")},
               stdout=log, stderr=log)
print(f"requests failed in {rounds} restarts: {total_failed}; slowest exit: {worst_exit} ms (goal < 10000)")
