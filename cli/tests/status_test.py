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
from tap import case, free_port, run, wait_port  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("AETERNA_BIN", os.path.join(ROOT, "build", "aeterna"))
PG_BIN = "/usr/lib/postgresql/15/bin"
PG_PASSWORD = "pg-Secret-123"
REDIS_PASSWORD = "rd-Secret-456"




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
                status, body = routes.get(self.path.split("?")[0], (404, b"{}"))
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


# --- misbehaving servers (doubles started here on 127.0.0.1: each speaks just enough of its
# protocol to misbehave in one way; the real PostgreSQL and Redis above cover the good paths) ---

def serve(handler):
    """A TCP listener on 127.0.0.1 running handler(conn) per connection in a thread."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    SVC.blackholes.append(s)

    def loop():
        while True:
            try:
                c, _ = s.accept()
            except OSError:
                return

            def run_one(conn=c):
                try:
                    handler(conn)
                except OSError:
                    pass
                finally:
                    try:
                        conn.close()
                    except OSError:
                        pass
            threading.Thread(target=run_one, daemon=True).start()
    threading.Thread(target=loop, daemon=True).start()
    return s.getsockname()[1]


def recv_exact(conn, n):
    b = b""
    while len(b) < n:
        chunk = conn.recv(n - len(b))
        if not chunk:
            raise OSError("closed")
        b += chunk
    return b


def pg_double(mode):
    """A PostgreSQL double: answers the startup, then misbehaves (mode)."""
    import struct

    def msg(kind, body):
        return kind + struct.pack("!i", len(body) + 4) + body

    def handler(conn):
        n, code = struct.unpack("!ii", recv_exact(conn, 8))
        if code == 80877103:  # SSLRequest: no TLS here
            conn.sendall(b"N")
            n, code = struct.unpack("!ii", recv_exact(conn, 8))
        recv_exact(conn, n - 8)  # the rest of the startup message
        if mode == "evil-error":
            fields = b"SFATAL\0C28P01\0Mpassword \x1b[31mfailed\x1b[0m for\nuser \x07x\0\0"
            conn.sendall(msg(b"E", fields))
            return
        conn.sendall(msg(b"R", struct.pack("!i", 0)))  # AuthenticationOk
        if mode == "stall-after-auth":
            time.sleep(30)
            return
        conn.sendall(msg(b"S", b"server_version\x0015.0\0") + msg(b"K", struct.pack("!ii", 1, 2)) + msg(b"Z", b"I"))
        if mode == "stall-after-ready":
            conn.recv(65536)
            time.sleep(30)
            return
        if mode == "flood":  # a 100 MB data row
            conn.recv(65536)
            row = struct.pack("!h", 1) + struct.pack("!i", 100 << 20)
            conn.sendall(msg(b"T", struct.pack("!h", 1) + b"x\0" + struct.pack("!ihihih", 0, 0, 25, -1, -1, 0)))
            conn.sendall(b"D" + struct.pack("!i", 4 + len(row) + (100 << 20)) + row)
            chunk = b"x" * (1 << 20)
            for _ in range(100):
                conn.sendall(chunk)
            time.sleep(5)
    return serve(handler)


def redis_double(mode):
    """A Redis double: reads a command, then answers wrongly (mode)."""
    def handler(conn):
        conn.recv(65536)
        if mode == "trickle":  # a valid reply, one byte every 20 ms (4 s in all)
            for b in b"$200\r\n" + b"P" * 200 + b"\r\n":
                conn.sendall(bytes([b]))
                time.sleep(0.02)
        elif mode == "huge-bulk":  # announces and sends 100 MB
            conn.sendall(b"$%d\r\n" % (100 << 20))
            chunk = b"x" * (1 << 20)
            for _ in range(100):
                conn.sendall(chunk)
        elif mode == "endless-line":  # a status line that never ends
            conn.sendall(b"+")
            chunk = b"x" * (1 << 20)
            for _ in range(100):
                conn.sendall(chunk)
        elif mode == "evil-error":
            conn.sendall(b"-ERR \x1b[2J\x1b[31mgotcha\x07\r\n")
        elif mode == "http":
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")
        time.sleep(5)
    return serve(handler)


def status_measured(*args):
    """Runs aeterna status; returns (returncode, stdout, stderr, wall seconds, peak RSS in MiB)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PGPASSWORD", "AETERNA_CACHE_PASSWORD")}
    env["NO_COLOR"] = "1"
    t0 = time.monotonic()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        p = subprocess.Popen([BIN, "status", *args], stdout=out, stderr=err, env=env)
        _, st, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(st)
        wall = time.monotonic() - t0
        out.seek(0)
        err.seek(0)
        return p.returncode, out.read().decode(), err.read().decode(), wall, ru.ru_maxrss / 1024


def checked(cfg, *extra, timeout="1000"):
    rc, out, err, wall, rss = status_measured("--config", cfg, "--timeout", timeout, "--json", *extra)
    return rc, by_name(out), out + err, wall, rss


@case
def postgres_that_stalls_after_the_handshake_times_out_on_time():
    with tempfile.TemporaryDirectory() as d:
        cfg = setup_config(d)
        for mode, phase in (("stall-after-auth", "(authentication)"), ("stall-after-ready", "waiting for the query's answer")):
            rc, c, out, wall, _ = checked(cfg, "--postgres-port", str(pg_double(mode)))
            pg = c["postgresql"]
            assert rc == 1 and pg["state"] == "timeout" and phase in pg["detail"], pg
            assert wall < 1.5, f"{mode}: {wall:.2f} s"


@case
def postgres_flood_is_cut_off_with_bounded_memory():
    """libpq talks through a relay that cuts the connection past 1 MiB from the server; the peak
    stays small on the ASan build and on the release build alike."""
    release = os.path.join(ROOT, "build", "aeterna")
    with tempfile.TemporaryDirectory() as d:
        cfg = setup_config(d)
        rc, c, out, wall, rss = checked(cfg, "--postgres-port", str(pg_double("flood")), timeout="5000")
        pg = c["postgresql"]
        assert pg["state"] == "protocol error" and "larger than" in pg["detail"], pg
        assert rss < 100, f"peak RSS {rss:.0f} MiB"
        if os.path.exists(release):
            global BIN
            saved, BIN = BIN, release
            try:
                rc, c, out, wall, rss = checked(cfg, "--postgres-port", str(pg_double("flood")), timeout="5000")
            finally:
                BIN = saved
            assert c["postgresql"]["state"] == "protocol error", c["postgresql"]
            assert rss < 100, f"peak RSS {rss:.0f} MiB"
        print(f"# PostgreSQL 100 MB row: {pg['detail']} after {wall:.2f} s, peak RSS {rss:.0f} MiB", flush=True)


@case
def redis_trickle_times_out_on_time():
    with tempfile.TemporaryDirectory() as d:
        cfg = setup_config(d, "--cache-password", "")
        rc, c, out, wall, _ = checked(cfg, "--cache-port", str(redis_double("trickle")))
        cache = c["cache"]
        assert cache["state"] == "timeout" and "bytes arrived" in cache["detail"], cache
        assert wall < 1.5, f"{wall:.2f} s"


@case
def redis_100_mb_reply_is_refused_with_bounded_memory():
    with tempfile.TemporaryDirectory() as d:
        cfg = setup_config(d, "--cache-password", "")
        for mode, words in (("huge-bulk", "announces 104857600 bytes"), ("endless-line", "larger than 65536 bytes")):
            rc, c, out, wall, rss = checked(cfg, "--cache-port", str(redis_double(mode)))
            cache = c["cache"]
            assert cache["state"] == "protocol error" and words in cache["detail"], cache
            assert rss < 100, f"{mode}: peak RSS {rss:.0f} MiB"
            assert wall < 1.5, f"{mode}: {wall:.2f} s"
            print(f"# Redis {mode}: '{cache['detail']}' in {wall:.2f} s, peak RSS {rss:.0f} MiB", flush=True)


def http_flood(announce):
    """An HTTP double answering every request with 100 MB (streamed, never held here), with or
    without announcing its length."""
    def handler(conn):
        conn.recv(65536)
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        head += b"Content-Length: %d\r\n\r\n" % (100 << 20) if announce else b"Connection: close\r\n\r\n"
        conn.sendall(head)
        chunk = b" " * (1 << 20)
        for _ in range(100):
            conn.sendall(chunk)
    return f"http://127.0.0.1:{serve(handler)}"


@case
def http_100_mb_body_is_refused_with_bounded_memory():
    with tempfile.TemporaryDirectory() as d:
        cfg = setup_config(d)
        for announce in (True, False):
            rc, c, out, wall, rss = checked(cfg, "--server-url", http_flood(announce), timeout="3000")
            a = c["aeterna"]
            assert a["state"] == "protocol error" and "larger than 65536 bytes" in a["detail"], a
            assert rss < 100, f"peak RSS {rss:.0f} MiB"
            assert wall < 1.5, f"{wall:.2f} s"


@case
def protocol_mismatches_are_reported_as_protocol_errors():
    http = SVC.http({"/health": (200, b"{}")})
    http_port = int(http.rsplit(":", 1)[1])
    with tempfile.TemporaryDirectory() as d:
        cfg = setup_config(d, "--cache-password", "")
        rc, c, out, wall, _ = checked(cfg, "--cache-port", str(http_port), "--postgres-port", str(redis_double("http")),
                                      "--server-url", f"http://127.0.0.1:{SVC.redis_port}")
        assert c["cache"]["state"] == "protocol error" and "not a Redis (RESP) reply" in c["cache"]["detail"], c["cache"]
        assert c["postgresql"]["state"] == "protocol error", c["postgresql"]
        assert c["aeterna"]["state"] == "protocol error", c["aeterna"]
        assert wall < 1.5, f"{wall:.2f} s"


@case
def server_text_is_cleaned_and_credentials_masked():
    server = SVC.http({"/health": (200, b'{"version":"1.0\\u001b[31mRED\\u0007\\nnext\\u202eevil"}'),
                       "/ready": (503, b'{"db":"\\u001b[2Jwiped"}')})
    port = int(server.rsplit(":", 1)[1])
    with tempfile.TemporaryDirectory() as d:
        cfg = setup_config(d, "--cache-password", "")
        url = f"http://admin:hunter2-Secret@127.0.0.1:{port}/?token=tok-Secret&x=1"
        rc, out, err, wall, _ = status_measured("--config", cfg, "--timeout", "1000", "--server-url", url,
                                                "--postgres-port", str(pg_double("evil-error")),
                                                "--cache-port", str(redis_double("evil-error")))
        text = out + err
        for bad in ("\x1b", "\x07", "\u202e", "hunter2-Secret", "tok-Secret"):
            assert bad not in text, f"{bad!r} printed:\n{text}"
        assert "admin:***@127.0.0.1" in text, text
        assert "version 1.0?[31mRED? next?evil" in text, text
        assert "password ?[31mfailed?[0m for" in text, text
        assert "ERR ?[2J?[31mgotcha?" in text, text
        lines = out.splitlines()
        assert all(line.strip() for line in lines), f"blank line in the table:\n{out}"
        assert len(lines) == 1 + 4, out  # the header and one line per component
        rc, c, out, _, _ = checked(cfg, "--server-url", url)
        assert c["aeterna"]["endpoint"] == f"http://admin:***@127.0.0.1:{port}/?token=***&x=1", c["aeterna"]
        assert "Secret" not in out, out


@case
def table_has_no_blank_line_after_libpq_errors_and_json_latencies_are_integers():
    with tempfile.TemporaryDirectory() as d:
        cfg = setup_config(d)
        closed = free_port()
        r, _ = status("--config", cfg, "--postgres-port", str(closed), "--timeout", "1000")
        assert all(line.strip() for line in r.stdout.splitlines()), r.stdout
        assert "refused" in r.stdout
        r, _ = status("--config", cfg, "--postgres-port", str(closed), "--timeout", "1000", "--json")
        for comp in json.loads(r.stdout):
            if "latency_ms" in comp:
                assert isinstance(comp["latency_ms"], int), comp
        assert '.0000' not in r.stdout


@case
def watch_json_prints_each_result_as_it_arrives():
    """One quick component and one black hole: the quick line comes long before the deadline."""
    import signal
    server = SVC.http({"/health": (200, b'{"version":"x"}'), "/ready": (200, b"{}")})
    with tempfile.TemporaryDirectory() as d:
        cfg = setup_config(d)
        hole = SVC.blackhole()
        p = subprocess.Popen([BIN, "status", "--config", cfg, "--server-url", server, "--postgres-port", str(hole),
                              "--timeout", "2000", "--watch", "30", "--json"], stdout=subprocess.PIPE, text=True)
        t0 = time.monotonic()
        arrivals = {}
        try:
            while len(arrivals) < 4:
                line = p.stdout.readline()
                assert line, "status ended early"
                o = json.loads(line)
                arrivals[o["component"]] = (time.monotonic() - t0, o)
        finally:
            p.send_signal(signal.SIGINT)
            p.communicate(timeout=10)
        assert arrivals["aeterna"][0] < 1.0, arrivals
        assert 1.9 < arrivals["postgresql"][0] < 2.6 and arrivals["postgresql"][1]["state"] == "timeout", arrivals
        assert all(o["round"] == 1 for _, o in arrivals.values()), arrivals


SLOW_DNS = r"""
import json, socket, subprocess, sys, threading, time
subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
with open(sys.argv[1], "w") as f:
    f.write("nameserver 127.0.0.1\noptions timeout:5 attempts:2\n")
subprocess.run(["mount", "--bind", sys.argv[1], "/etc/resolv.conf"], check=True)
dns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
dns.bind(("127.0.0.1", 53))
seen = []
def swallow():  # a name server that takes every query and never answers
    while True:
        seen.append(dns.recvfrom(4096)[0])
threading.Thread(target=swallow, daemon=True).start()
t0 = time.monotonic()
r = subprocess.run(sys.argv[2:], capture_output=True, text=True)
print(json.dumps({"rc": r.returncode, "out": r.stdout, "err": r.stderr, "wall": time.monotonic() - t0,
                  "queries": len(seen)}))
"""


@case
def slow_name_server_does_not_stretch_the_deadline():
    """A private network and mount namespace (unshare) whose /etc/resolv.conf names a local name
    server that never answers: every host name lookup hangs (glibc would wait 10 s)."""
    with tempfile.TemporaryDirectory() as d:
        cfg = setup_config(d)
        script = os.path.join(d, "slow_dns.py")
        with open(script, "w") as f:
            f.write(SLOW_DNS)
        r = subprocess.run(["unshare", "-rmn", sys.executable, script, os.path.join(d, "resolv.conf"), BIN, "status",
                            "--config", cfg, "--timeout", "1000", "--json", "--server-url", "http://slow-dns.test:8080",
                            "--postgres-host", "slow-dns.test", "--cache-host", "slow-dns.test",
                            "--vector-url", "http://slow-dns.test:6333"],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        res = json.loads(r.stdout)
        c = by_name(res["out"])
        assert res["queries"] > 0, res  # the lookups really went to the silent name server
        assert c["postgresql"]["state"] == "timeout" and "resolving the host name" in c["postgresql"]["detail"], c
        assert c["cache"]["state"] == "timeout" and "resolving the host name" in c["cache"]["detail"], c
        assert c["aeterna"]["state"] == "timeout" and c["vector"]["state"] == "timeout", c
        assert res["wall"] < 1.5, f"{res['wall']:.2f} s"
        assert "did not stop in time" not in res["out"], res["out"]
        print(f"# silent name server, 4 checks at 1 s: {res['wall']:.3f} s wall", flush=True)


if __name__ == "__main__":
    try:
        SVC.start_postgres()
        SVC.start_redis()
        rc = run("status: ")
    finally:
        SVC.stop()
    sys.exit(rc)
