#!/usr/bin/env python3
"""aeterna status against real services started here: PostgreSQL and Redis (Debian packages) on
loopback, small HTTP servers for the HTTP probes, a listener that accepts and never answers (the
deadline) and a closed port (refused)."""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(__file__))
from tap import case, run  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("AETERNA_BIN", os.path.join(ROOT, "build", "aeterna"))
PG_BIN = "/usr/lib/postgresql/15/bin"
PG_PASSWORD = "pg-Secret-123"
REDIS_PASSWORD = "rd-Secret-456"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, timeout=30):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"port {port} never opened")


class Services:
    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="aeterna-status-")
        os.chmod(self.tmp, 0o755)
        self.procs = []
        self.servers = []
        self.blackholes = []

    def start_postgres(self):
        data = os.path.join(self.tmp, "pg")
        os.mkdir(data)
        pw = os.path.join(self.tmp, "pgpw")
        with open(pw, "w") as f:
            f.write(PG_PASSWORD)
        drop = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] if os.geteuid() == 0 else []
        if drop:
            shutil.chown(data, "nobody", "nogroup")
            shutil.chown(pw, "nobody", "nogroup")
        subprocess.run([*drop, f"{PG_BIN}/initdb", "-D", data, "-U", "aeterna", "--auth=scram-sha-256",
                        f"--pwfile={pw}", "--no-sync"], check=True, capture_output=True)
        self.pg_port = free_port()
        self.procs.append(subprocess.Popen([*drop, f"{PG_BIN}/postgres", "-D", data, "-p", str(self.pg_port), "-k", data,
                                            "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"],
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_port(self.pg_port)
        time.sleep(0.5)

    def start_redis(self):
        self.redis_port = free_port()
        self.procs.append(subprocess.Popen(["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1",
                                            "--requirepass", REDIS_PASSWORD, "--save", "", "--appendonly", "no",
                                            "--dir", self.tmp], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_port(self.redis_port)

    def http(self, routes):
        """routes: path -> (status, body)"""
        class H(BaseHTTPRequestHandler):
            def do_GET(self):
                status, body = routes.get(self.path, (404, b"{}"))
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *a):
                pass
        srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        self.servers.append(srv)
        return f"http://127.0.0.1:{srv.server_address[1]}"

    def blackhole(self):
        """A listener that accepts connections and never answers."""
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        s.listen(64)
        self.blackholes.append(s)
        port = s.getsockname()[1]
        held = []

        def accept():
            while True:
                try:
                    c, _ = s.accept()
                    held.append(c)
                except OSError:
                    return
        threading.Thread(target=accept, daemon=True).start()
        return port

    def stop(self):
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        for s in self.servers:
            s.shutdown()
        for s in self.blackholes:
            s.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


SVC = Services()


QDRANT_EXTERNAL = ("--vector-backend", "qdrant", "--vector-deployment", "external", "--qdrant-url", "http://127.0.0.1:1/")


def setup_config(d, *extra, vector=QDRANT_EXTERNAL):
    env = {**os.environ, "AETERNA_POSTGRES_PASSWORD": PG_PASSWORD, "AETERNA_CACHE_PASSWORD": REDIS_PASSWORD}
    r = subprocess.run([BIN, "setup", "--non-interactive", "--target", "docker-compose", "-o", d,
                        "--postgres", "external", "--postgres-host", "127.0.0.1", "--postgres-port", str(SVC.pg_port),
                        "--postgres-database", "postgres", "--postgres-user", "aeterna",
                        "--cache", "external", "--cache-host", "127.0.0.1", "--cache-port", str(SVC.redis_port),
                        *vector, *extra], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    return os.path.join(d, ".aeterna", "config.toml")


def status(*args):
    env = {k: v for k, v in os.environ.items() if k not in ("PGPASSWORD", "AETERNA_CACHE_PASSWORD")}
    env["NO_COLOR"] = "1"
    t0 = time.monotonic()
    r = subprocess.run([BIN, "status", *args], capture_output=True, text=True, env=env)
    return r, time.monotonic() - t0


def by_name(out):
    return {c["component"]: c for c in json.loads(out)}


@case
def all_up_with_versions_and_no_credentials_in_output():
    server = SVC.http({"/health": (200, b'{"status":"ok","version":"0.8.0-rc.12"}'), "/ready": (200, b'{"ready":true}')})
    qdrant = SVC.http({"/readyz": (200, b"all shards are ready")})
    with tempfile.TemporaryDirectory() as d:
        cfg = setup_config(d)
        r, _ = status("--config", cfg, "--server-url", server, "--vector-url", qdrant, "--json")
        assert r.returncode == 0, r.stdout + r.stderr
        c = by_name(r.stdout)
        assert c["aeterna"]["state"] == "up" and "version 0.8.0-rc.12, ready" in c["aeterna"]["detail"], c["aeterna"]
        assert c["postgresql"]["state"] == "up" and c["postgresql"]["detail"].startswith("PostgreSQL 15"), c["postgresql"]
        assert "SELECT 1 ok" in c["postgresql"]["detail"]
        assert c["cache"]["state"] == "up" and c["cache"]["detail"].startswith("PONG, Redis 7"), c["cache"]
        assert c["vector"]["state"] == "up", c["vector"]
        r, _ = status("--config", cfg, "--server-url", server, "--vector-url", qdrant)
        assert r.returncode == 0
        for secret in (PG_PASSWORD, REDIS_PASSWORD):
            assert secret not in r.stdout + r.stderr
        assert r.stdout.splitlines()[0].split() == ["COMPONENT", "ENDPOINT", "STATE", "LATENCY", "DETAIL"]
        assert "\033[" not in r.stdout


@case
def wrong_cache_password_and_not_ready_server_are_down():
    server = SVC.http({"/health": (200, b'{"version":"0.8.0-rc.12"}'), "/ready": (503, b'{"postgres":"down"}')})
    with tempfile.TemporaryDirectory() as d:
        cfg = setup_config(d, "--cache-password", "wrong")
        r, _ = status("--config", cfg, "--server-url", server, "--json")
        assert r.returncode == 1
        c = by_name(r.stdout)
        assert c["cache"]["state"] == "down" and "AUTH failed" in c["cache"]["detail"], c["cache"]
        assert c["aeterna"]["state"] == "down" and "not ready" in c["aeterna"]["detail"], c["aeterna"]
        assert '{"postgres":"down"}' in c["aeterna"]["detail"], c["aeterna"]


@case
def closed_port_is_refused():
    with tempfile.TemporaryDirectory() as d:
        cfg = setup_config(d)
        r, _ = status("--config", cfg, "--server-url", f"http://127.0.0.1:{free_port()}", "--postgres-port",
                      str(free_port()), "--json")
        assert r.returncode == 1
        c = by_name(r.stdout)
        assert c["aeterna"]["state"] == "refused", c["aeterna"]
        assert c["postgresql"]["state"] == "refused", c["postgresql"]


@case
def black_holes_hit_the_deadline_concurrently():
    """3 of 6 components never answer; with a 1 s timeout the whole run stays near 1 s."""
    server = SVC.http({"/health": (200, b'{"version":"x"}'), "/ready": (200, b"{}")})
    with tempfile.TemporaryDirectory() as d:
        # hybrid: the local server, the central server, PostgreSQL, the cache, Qdrant and OPAL
        os.environ["AETERNA_CENTRAL_CREDENTIAL"] = "test-key"
        try:
            cfg = setup_config(d, "--opal", "--mode", "hybrid", "--central-url", server)
        finally:
            del os.environ["AETERNA_CENTRAL_CREDENTIAL"]
        hole = [SVC.blackhole() for _ in range(3)]
        r, wall = status("--config", cfg, "--timeout", "1000", "--json", "--server-url", server,
                         "--postgres-port", str(hole[0]), "--cache-port", str(hole[1]),
                         "--opal-url", f"http://127.0.0.1:{hole[2]}", "--vector-url", server)
        assert r.returncode == 1, r.stdout + r.stderr
        c = by_name(r.stdout)
        assert len(c) == 6 and all(c[k]["state"] == "timeout" for k in ("postgresql", "cache", "opal")), c
        assert all(c[k]["state"] == "up" for k in ("aeterna", "central")), c
        assert wall < 1.5, f"took {wall:.2f} s"
        print(f"# 3 of {len(c)} black-holed at 1 s: {wall:.3f} s wall", flush=True)


def vector_state(d, vector, *args):
    server = SVC.http({"/health": (200, b'{"version":"x"}'), "/ready": (200, b"{}")})
    cfg = setup_config(d, vector=vector)
    r, _ = status("--config", cfg, "--server-url", server, "--json", *args)
    return r, by_name(r.stdout)["vector"]


@case
def weaviate_ready_endpoint_decides():
    ready = SVC.http({"/v1/.well-known/ready": (200, b"")})
    starting = SVC.http({"/v1/.well-known/ready": (503, b"")})
    for url, state, rc in ((ready, "up", 0), (starting, "down", 1)):
        with tempfile.TemporaryDirectory() as d:
            r, v = vector_state(d, ("--vector-backend", "weaviate", "--vector-deployment", "external", "--weaviate-url", url))
            assert v["state"] == state and v["endpoint"] == f"weaviate {url}", v
            assert r.returncode == rc, r.stdout


@case
def mongodb_is_reached_and_its_password_never_printed():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    try:
        for port, state in ((listener.getsockname()[1], "up"), (free_port(), "refused")):
            with tempfile.TemporaryDirectory() as d:
                uri = f"mongodb://app:mongo-Secret-789@127.0.0.1:{port}/aeterna?authSource=admin"
                r, v = vector_state(d, ("--vector-backend", "mongodb", "--vector-deployment", "external", "--mongodb-uri", uri))
                assert v["state"] == state and v["endpoint"] == f"mongodb 127.0.0.1:{port}", v
                assert "mongo-Secret-789" not in r.stdout + r.stderr
    finally:
        listener.close()


@case
def managed_vector_store_is_listed_not_checked_and_not_required():
    with tempfile.TemporaryDirectory() as d:
        os.environ["PINECONE_API_KEY"] = "pcsk_test"
        try:
            r, v = vector_state(d, ("--vector-backend", "pinecone", "--pinecone-environment", "us-east-1-aws",
                                    "--pinecone-index", "memories"))
        finally:
            del os.environ["PINECONE_API_KEY"]
        assert v["state"] == "not checked" and v["required"] is False and "latency_ms" not in v, v
        assert r.returncode == 0, r.stdout


def status_on_a_terminal(env_extra, *args):
    """Runs aeterna status with stdout on a pseudo-terminal; returns what it printed."""
    import pty
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.update(env_extra)
    p = subprocess.Popen([BIN, "status", *args], stdout=slave, stderr=subprocess.DEVNULL, env=env)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    p.wait(10)
    os.close(master)
    return out.decode()


@case
def colour_only_on_a_terminal_and_never_with_no_color():
    server = SVC.http({"/health": (200, b'{"version":"x"}'), "/ready": (200, b"{}")})
    with tempfile.TemporaryDirectory() as d:
        cfg = setup_config(d)
        args = ("--config", cfg, "--server-url", server, "--timeout", "500")
        assert "\033[32mup" in status_on_a_terminal({}, *args)
        assert "\033[" not in status_on_a_terminal({"NO_COLOR": "1"}, *args)
        assert "\033[32mup" in status_on_a_terminal({"NO_COLOR": ""}, *args)  # no-color.org: empty means unset
        r, _ = status(*args)  # a pipe
        assert "\033[" not in r.stdout and " up " in r.stdout


@case
def watch_repeats_each_round_until_interrupted():
    import signal
    server = SVC.http({"/health": (200, b'{"version":"x"}'), "/ready": (200, b"{}")})
    with tempfile.TemporaryDirectory() as d:
        cfg = setup_config(d)
        for extra, count in (((), lambda out: out.count("COMPONENT ")),
                             (("--json",), lambda out: len([json.loads(line) for line in out.splitlines()]))):
            p = subprocess.Popen([BIN, "status", "--config", cfg, "--server-url", server, "--timeout", "300",
                                  "--watch", "1", *extra], stdout=subprocess.PIPE, text=True)
            time.sleep(2.5)
            p.send_signal(signal.SIGINT)
            out, _ = p.communicate(timeout=10)
            assert count(out) >= 2, out
            if not extra:
                assert "every 1 s, Ctrl-C stops" in out, out


@case
def kubernetes_release_with_nothing_forwarded_gets_a_hint():
    closed = free_port()
    args = ("--server-url", f"http://127.0.0.1:{closed}", "--postgres-port", str(closed), "--cache-port", str(closed),
            "--vector-url", f"http://127.0.0.1:{closed}", "--timeout", "500")
    with tempfile.TemporaryDirectory() as d:
        cfg = setup_config(d, "--target", "kubernetes")
        r, _ = status("--config", cfg, *args)
        assert r.returncode == 1 and "kubectl -n aeterna port-forward svc/aeterna 8080:8080" in r.stderr, r.stderr
    with tempfile.TemporaryDirectory() as d:  # a compose stack publishes its ports itself: no hint
        cfg = setup_config(d)
        r, _ = status("--config", cfg, *args)
        assert r.returncode == 1 and "port-forward" not in r.stderr, r.stderr


@case
def usage_errors_exit_2():
    r, _ = status("--timeout", "soon")
    assert r.returncode == 2 and "--timeout must be a number" in r.stderr, r.stderr
    r, _ = status("--config", "/nonexistent/config.toml")
    assert r.returncode == 2 and "No such file" in r.stderr, r.stderr
    r, _ = status("--frobnicate")
    assert r.returncode == 2


if __name__ == "__main__":
    try:
        SVC.start_postgres()
        SVC.start_redis()
        rc = run("status: ")
    finally:
        SVC.stop()
    sys.exit(rc)
