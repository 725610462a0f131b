#!/usr/bin/env python3
"""make bench: median wall time of `aeterna setup --non-interactive` writing all four files
(values.yaml, docker-compose.yaml, .aeterna/config.toml, opencode.json) into a fresh directory,
and the size of the binary. Target: a median of at most 5 ms. The time is mostly the disk's
flush (one syncfs for the four files, then a directory fsync each), so it varies with the
machine's I/O load; the report says whether the target was met and does not fail the build."""
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

BIN = sys.argv[1] if len(sys.argv) > 1 else "build/aeterna"
RUNS = 200
TARGET_MS = 5.0


def run_once(out):
    args = [BIN, "setup", "--non-interactive", "--mode", "local", "--target", "kubernetes", "-o", out]
    devnull = os.open(os.devnull, os.O_WRONLY)
    start = time.perf_counter()
    pid = os.posix_spawn(BIN, args, os.environ, file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1)])
    _, status = os.waitpid(pid, 0)
    elapsed = time.perf_counter() - start
    os.close(devnull)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"bench: setup failed (exit {os.waitstatus_to_exitcode(status)})")
    return elapsed


def measure(parent):
    base = tempfile.mkdtemp(prefix="aeterna-bench-", dir=parent)
    try:
        times = []
        for i in range(RUNS + 10):
            out = os.path.join(base, str(i))
            os.mkdir(out)
            t = run_once(out)
            if i >= 10:  # warm-up runs are not counted
                times.append(t)
        files = sorted(os.listdir(out)) + sorted(os.listdir(os.path.join(out, ".aeterna")))
    finally:
        shutil.rmtree(base)
    return times, files


def main():
    times, files = measure(None)
    median = statistics.median(times) * 1000
    size = os.path.getsize(BIN)
    verdict = "met" if median <= TARGET_MS else "NOT met"
    print(f"aeterna setup --non-interactive: median {median:.2f} ms over {RUNS} runs, "
          f"p90 {sorted(times)[int(RUNS * 0.9)] * 1000:.2f} ms (target <= {TARGET_MS:.0f} ms: {verdict})")
    print(f"  wrote: {', '.join(files)}")
    if os.path.isdir("/dev/shm"):
        shm, _ = measure("/dev/shm")
        print(f"  the same on tmpfs (no disk flush; the tool's own cost plus process start): "
              f"median {statistics.median(shm) * 1000:.2f} ms")
    print(f"binary: {BIN} {size / 1024:.0f} KiB")
    bench_validate()
    bench_status()
    return 0


def timed(args, runs):
    """Median wall time of a command over runs (its exit status is not judged here)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_validate():
    """aeterna validate vs helm lint --strict on the production scenario, measured in this run."""
    values = "charts/aeterna/ci/production-ha-values.yaml"
    staged = "build/bench-staged/aeterna"
    subprocess.run(["scripts/stage-chart.sh", "charts/aeterna", staged], check=True, stdout=subprocess.DEVNULL)
    ours = timed([BIN, "validate", "-f", values, "--api-versions", "postgresql.cnpg.io/v1"], 30)
    helm = timed([".tools/bin/helm3", "lint", "--strict", staged, "-f", values, "--set", "capabilityChecks=false"], 5)
    ratio = helm / ours
    print(f"aeterna validate (production-ha): median {ours * 1000:.1f} ms; helm lint --strict {helm * 1000:.0f} ms; "
          f"{ratio:.0f}x faster (target >= 20x: {'met' if ratio >= 20 else 'NOT met'})")


def bench_status():
    """aeterna status with 3 of 6 components black-holed at a 1 s timeout (target <= 1.1 s)."""
    holes, socks = [], []
    for _ in range(3):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        s.listen(16)
        socks.append(s)
        holes.append(s.getsockname()[1])
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    free = closed.getsockname()[1]
    closed.close()
    with tempfile.TemporaryDirectory() as d:
        cfg = os.path.join(d, "config.toml")
        with open(cfg, "w") as f:
            f.write('[setup]\ntarget = "docker-compose"\nmode = "hybrid"\n'
                    f'[central]\nurl = "http://127.0.0.1:{free}"\nauth_method = "api-key"\n'
                    '[authorization]\nopal = true\n')
        args = [BIN, "status", "--config", cfg, "--timeout", "1000", "--server-url", f"http://127.0.0.1:{free}",
                "--postgres-host", "127.0.0.1", "--postgres-port", str(holes[0]), "--cache-host", "127.0.0.1",
                "--cache-port", str(holes[1]), "--opal-url", f"http://127.0.0.1:{holes[2]}",
                "--vector-url", f"http://127.0.0.1:{free}"]
        wall = timed(args, 3)
    for s in socks:
        s.close()
    print(f"aeterna status, 3 of 6 components black-holed at --timeout 1000: {wall:.3f} s wall "
          f"(target <= 1.1 s: {'met' if wall <= 1.1 else 'NOT met'})")


if __name__ == "__main__":
    sys.exit(main())
