#!/usr/bin/env python3
"""Backups for real, offline: the scripts the chart's backup CronJobs run
(charts/aeterna/files/backup/*.sh, mounted from a ConfigMap; no second copy) against
  - a real PostgreSQL 15 (Debian) on loopback, holding data written here;
  - real object-store servers on 127.0.0.1: moto's S3 server (PyPI), Azurite (npm, Azure Blob)
    and fake-gcs-server (Go proxy), each at the version pinned in tools/versions.env;
  - rclone at the version the chart's upload image uses (tools/versions.env RCLONE_VERSION).
Round trip per cloud: write data -> pg-dump.sh -> upload.sh -> drop the database -> fetch-latest.sh
-> pg-restore.sh -> the data is identical; verify pass/fail; retention; RPO/RTO measured.
Qdrant and Weaviate cannot run here: their calls go to QdrantApiStub and WeaviateApiStub, doubles
that answer like the public REST APIs for the endpoints the scripts use (limits in the README)."""
import hashlib
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "cli", "tests"))
from tap import case, run  # noqa: E402

SCRIPTS = os.path.join(ROOT, "charts", "aeterna", "files", "backup")
TOOLS = os.path.join(ROOT, ".tools")
PG_BIN = "/usr/lib/postgresql/15/bin"
PG_PASSWORD = "pg-Backup-Secret-1"
AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
AS_NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] if os.geteuid() == 0 else []
RESULTS = {}


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"port {port} never opened")


def give(path):
    if AS_NOBODY:
        for d, _, files in os.walk(path):
            shutil.chown(d, "nobody", "nogroup")
            for f in files:
                shutil.chown(os.path.join(d, f), "nobody", "nogroup")


class Env:
    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="aeterna-backup-")
        os.chmod(self.tmp, 0o755)
        # The scripts run as an unprivileged user, who may not be able to enter the checkout (a
        # clone under a 0700 folder): they run from a byte-identical copy of the chart's files,
        # with the pinned rclone beside them.
        self.scripts, self.bin = SCRIPTS, os.path.join(TOOLS, "bin")
        if AS_NOBODY:
            self.scripts = os.path.join(self.tmp, "scripts")
            shutil.copytree(SCRIPTS, self.scripts)
            for f in os.listdir(SCRIPTS):
                with open(os.path.join(SCRIPTS, f), "rb") as a, open(os.path.join(self.scripts, f), "rb") as b:
                    assert a.read() == b.read(), f
            self.bin = os.path.join(self.tmp, "bin")
            os.makedirs(self.bin)
            shutil.copy(os.path.realpath(os.path.join(TOOLS, "bin", "rclone")), os.path.join(self.bin, "rclone"))
            for d in (self.scripts, self.bin):
                os.chmod(d, 0o755)
        self.procs = []
        self.servers = []

    def spawn(self, args, **kw):
        p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
        self.procs.append(p)
        return p

    def start_postgres(self):
        data = os.path.join(self.tmp, "pg")
        os.mkdir(data)
        pw = os.path.join(self.tmp, "pgpw")
        with open(pw, "w") as f:
            f.write(PG_PASSWORD)
        give(data)
        give(pw)
        subprocess.run([*AS_NOBODY, f"{PG_BIN}/initdb", "-D", data, "-U", "aeterna", "--auth=scram-sha-256",
                        f"--pwfile={pw}", "--no-sync"], check=True, capture_output=True)
        self.pg_port = free_port()
        self.spawn([*AS_NOBODY, f"{PG_BIN}/postgres", "-D", data, "-p", str(self.pg_port), "-k", data,
                    "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"])
        wait_port(self.pg_port)
        time.sleep(0.5)

    def start_stores(self):
        self.s3_port, self.az_port, self.gcs_port = free_port(), free_port(), free_port()
        self.spawn([os.path.join(TOOLS, "moto-venv", "bin", "moto_server"), "-H", "127.0.0.1", "-p", str(self.s3_port)])
        azdir = os.path.join(self.tmp, "azurite")
        os.mkdir(azdir)
        self.spawn([os.path.join(TOOLS, "azurite", "node_modules", ".bin", "azurite-blob"), "--blobHost", "127.0.0.1",
                    "--blobPort", str(self.az_port), "--location", azdir, "--silent", "--skipApiVersionCheck"])
        self.spawn([os.path.join(TOOLS, "bin", "fake-gcs-server"), "-scheme", "http", "-host", "127.0.0.1",
                    "-port", str(self.gcs_port), "-backend", "memory", "-public-host", f"127.0.0.1:{self.gcs_port}"])
        for p in (self.s3_port, self.az_port, self.gcs_port):
            wait_port(p)

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
        shutil.rmtree(self.tmp, ignore_errors=True)


E = Env()


def cloud_env(cloud, bucket):
    """The variables the chart's CronJobs set for each destination (templates/backup/_backup.tpl),
    with the endpoints of the local servers. The only test-specific setting is GCS's anonymous access:
    fake-gcs-server checks no credentials and there is no token endpoint offline."""
    env = {"BACKUP_PROVIDER": cloud, "BACKUP_BUCKET": bucket, "BACKUP_PREFIX": "aeterna/test",
           "BACKUP_RETENTION_DAYS": "30"}
    if cloud == "s3":
        env.update(BACKUP_S3_ENDPOINT=f"http://127.0.0.1:{E.s3_port}", BACKUP_S3_REGION="us-east-1",
                   AWS_ACCESS_KEY_ID="AKIDTEST", AWS_SECRET_ACCESS_KEY="secret-test", BACKUP_S3_SSE="AES256")
    elif cloud == "azure":
        env.update(BACKUP_AZURE_ACCOUNT="devstoreaccount1", AZURE_STORAGE_KEY=AZURITE_KEY,
                   BACKUP_AZURE_ENDPOINT=f"http://127.0.0.1:{E.az_port}/devstoreaccount1")
    else:
        env.update(BACKUP_GCS_ENDPOINT=f"http://127.0.0.1:{E.gcs_port}/storage/v1/",
                   RCLONE_CONFIG_DEST_ANONYMOUS="true")
    return env


def sh(script, *args, env=None, work=None, check=True):
    """Runs one of the chart's scripts with /bin/sh as an unprivileged user, like the CronJob does."""
    full = {"PATH": f"{E.bin}:{PG_BIN}:/usr/bin:/bin", "HOME": work or E.tmp, "LANG": "C.UTF-8",
            "PGHOST": "127.0.0.1", "PGPORT": str(E.pg_port), "PGUSER": "aeterna", "PGPASSWORD": PG_PASSWORD,
            **(env or {})}
    if work:
        full["BACKUP_WORKDIR"] = work
    r = subprocess.run([*AS_NOBODY, "sh", os.path.join(E.scripts, script), *args], env=full, capture_output=True,
                       text=True, timeout=300)
    if check:
        assert r.returncode == 0, f"{script} {args} exited {r.returncode}\n{r.stdout}\n{r.stderr}"
    return r


def workdir(name):
    d = os.path.join(E.tmp, "work-" + name + "-" + str(time.monotonic_ns()))
    os.mkdir(d)
    give(d)
    return d


def psql(sql, db="postgres"):
    r = subprocess.run([f"{PG_BIN}/psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p",
                        str(E.pg_port), "-U", "aeterna", "-d", db, "-c", sql],
                       env={**os.environ, "PGPASSWORD": PG_PASSWORD}, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


SCHEMA = """
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE TABLE _aeterna_migrations (version bigint PRIMARY KEY, name text, checksum text, applied_at timestamptz DEFAULT now());
CREATE TABLE memory_entries (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), tenant text, content text, meta jsonb, blob bytea, score float8);
CREATE TABLE governance_events (id bigserial PRIMARY KEY, kind text, at timestamptz DEFAULT now());
CREATE TABLE users (id bigserial PRIMARY KEY, email text UNIQUE);
CREATE INDEX ON memory_entries (tenant);
INSERT INTO _aeterna_migrations (version, name, checksum) SELECT g, 'm' || g, md5(g::text) FROM generate_series(3, 35) g;
INSERT INTO memory_entries (tenant, content, meta, blob, score)
  SELECT 't' || (g %% 7), 'mémoire ' || g || ' ☃', jsonb_build_object('n', g, 'tags', jsonb_build_array('a', g)),
         decode(md5(g::text), 'hex'), g / 3.0 FROM generate_series(1, %(rows)d) g;
INSERT INTO governance_events (kind) SELECT 'event-' || g FROM generate_series(1, 50) g;
INSERT INTO users (email) VALUES ('admin@example.com');
"""
TABLES = ["_aeterna_migrations", "memory_entries", "governance_events", "users"]


def make_db(name, rows=2000, empty_memories=False):
    psql(f'DROP DATABASE IF EXISTS "{name}"')
    psql(f'CREATE DATABASE "{name}"')
    psql(SCHEMA % {"rows": 0 if empty_memories else rows}, db=name)


def fingerprint(db):
    return {t: psql(f"SELECT count(*) || ':' || coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') "
                    f"FROM {t} x", db=db) for t in TABLES}


def rclone(env, *args):
    full = {"PATH": f"{E.bin}:/usr/bin:/bin", "HOME": E.tmp, **env}
    cmd = ". " + os.path.join(E.scripts, "remote.sh") + ' && rclone "$@"'
    r = subprocess.run(["sh", "-c", cmd, "rclone", *args], env=full, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, f"rclone {args}: {r.stderr}"
    return r.stdout


def make_bucket(cloud, bucket):
    """Creates the bucket as its owner would (the backup scripts never create buckets)."""
    env = cloud_env(cloud, bucket)
    opts = {"s3": ",no_check_bucket=false", "gcs": ",project_number=000000000000", "azure": ""}[cloud]
    rclone(env, "mkdir", f"dest{opts}:{bucket}")
    return env


def backup_postgres(env, db, comp="postgresql"):
    work = workdir("bk")
    t0 = time.monotonic()
    sh("pg-dump.sh", env={**env, "PGDATABASE": db}, work=work)
    r = sh("upload.sh", comp, env=env, work=work)
    took = time.monotonic() - t0
    line = [json.loads(x) for x in r.stdout.splitlines() if x.startswith("{")]
    assert line and line[-1]["status"] == "ok", r.stdout
    return line[-1]["stamp"], took


# --- runbook: the commands the runbook prints are the ones run here ------------------------
RUNBOOK_COMMANDS = [
    "sh /scripts/fetch-latest.sh postgresql",
    "sh /scripts/pg-restore.sh /work/restore/aeterna.dump new",
    "sh /scripts/pg-restore.sh /work/restore/aeterna.dump existing",
    "sh /scripts/fetch-latest.sh qdrant",
    "sh /scripts/qdrant-restore.sh /work/restore",
    "sh /scripts/weaviate-backup.sh restore",
    "sh /scripts/pg-verify.sh",
]


def runbook(cmd, *extra, env=None, work=None, check=True):
    """Runs a command exactly as docs/backup-restore.md prints it (the restore pod mounts the
    scripts at /scripts and its scratch volume at /work; here they are the chart's files and a
    temporary folder)."""
    assert cmd in RUNBOOK_COMMANDS, cmd
    args = [work + a[len("/work"):] if work and (a == "/work" or a.startswith("/work/")) else a for a in shlex.split(cmd)]
    assert args[0] == "sh" and args[1].startswith("/scripts/"), args
    return sh(args[1][len("/scripts/"):], *args[2:], *extra, env=env, work=work, check=check)


def roundtrip(cloud):
    bucket = f"aeterna-rt-{cloud}"
    env = make_bucket(cloud, bucket)
    db = "aeterna"
    make_db(db)
    before = fingerprint(db)
    assert before["memory_entries"].startswith("2000:"), before
    stamp, backup_s = backup_postgres(env, db)
    listing = rclone(env, "lsf", "-R", f"dest:{bucket}/aeterna/test/postgresql")
    assert f"{stamp}/{db}.dump" in listing and f"{stamp}/{db}.dump.sha256" in listing, listing
    psql(f'DROP DATABASE "{db}"')
    work = workdir("rs")
    t0 = time.monotonic()
    runbook("sh /scripts/fetch-latest.sh postgresql", env=env, work=work)
    runbook("sh /scripts/pg-restore.sh /work/restore/aeterna.dump new", env={**env, "PGDATABASE": db}, work=work)
    restore_s = time.monotonic() - t0
    after = fingerprint(db)
    assert after == before, f"restored data differs:\n{before}\n{after}"
    size = int(psql(f"SELECT pg_database_size('{db}')"))
    RESULTS[cloud] = (backup_s, restore_s, size)
    print(f"# {cloud}: backup (dump+upload+prune) {backup_s:.2f}s, restore (fetch+pg_restore) {restore_s:.2f}s, "
          f"database {size // 1024} KiB", flush=True)


@case
def s3_round_trip_dump_upload_drop_restore_identical():
    roundtrip("s3")


@case
def azure_round_trip_dump_upload_drop_restore_identical():
    roundtrip("azure")


@case
def gcs_round_trip_dump_upload_drop_restore_identical():
    roundtrip("gcs")


@case
def restore_into_existing_database_replaces_changed_rows():
    env = make_bucket("s3", "aeterna-existing")
    make_db("aeterna")
    before = fingerprint("aeterna")
    backup_postgres(env, "aeterna")
    psql("DELETE FROM memory_entries WHERE score > 100; UPDATE users SET email = 'x@y'", db="aeterna")
    assert fingerprint("aeterna") != before
    work = workdir("ex")
    runbook("sh /scripts/fetch-latest.sh postgresql", env=env, work=work)
    runbook("sh /scripts/pg-restore.sh /work/restore/aeterna.dump existing", env={**env, "PGDATABASE": "aeterna"}, work=work)
    assert fingerprint("aeterna") == before


def verify(env, tables="_aeterna_migrations memory_entries users", nonempty="_aeterna_migrations memory_entries"):
    work = workdir("vf")
    runbook("sh /scripts/fetch-latest.sh postgresql", env=env, work=work)
    r = runbook("sh /scripts/pg-verify.sh", env={"VERIFY_TABLES": tables, "VERIFY_NONEMPTY_TABLES": nonempty}, work=work,
                check=False)
    lines = [json.loads(x) for x in r.stdout.splitlines() if x.startswith("{")]
    assert len(lines) == 1, r.stdout + r.stderr
    with open(os.path.join(work, "verify.prom")) as f:
        prom = f.read()
    return r.returncode, lines[0], prom


@case
def verify_passes_on_a_good_backup_and_writes_metrics():
    env = make_bucket("azure", "aeterna-verify-ok")
    make_db("aeterna_vok")
    stamp, _ = backup_postgres(env, "aeterna_vok")
    rc, line, prom = verify(env)
    assert rc == 0 and line["status"] == "ok" and line["stamp"] == stamp, line
    assert "memory_entries=2000" in line["tables"], line
    assert f'aeterna_backup_verify_success{{stamp="{stamp}"}} 1' in prom, prom
    assert "aeterna_backup_verify_last_success_timestamp_seconds" in prom
    assert 'aeterna_backup_verify_rows{table="memory_entries"} 2000' in prom, prom


@case
def verify_fails_when_a_table_that_must_have_rows_is_empty():
    env = make_bucket("s3", "aeterna-verify-empty")
    make_db("aeterna_vem", empty_memories=True)
    backup_postgres(env, "aeterna_vem")
    rc, line, prom = verify(env)
    assert rc != 0 and line["status"] == "failed", line
    assert "table memory_entries is empty" in line["detail"], line
    assert "aeterna_backup_verify_success" in prom and "} 0" in prom and "last_success" not in prom, prom


@case
def verify_fails_when_a_server_table_is_missing():
    env = make_bucket("gcs", "aeterna-verify-missing")
    make_db("aeterna_vmi")
    backup_postgres(env, "aeterna_vmi")
    rc, line, _ = verify(env, tables="_aeterna_migrations tenant_secrets")
    assert rc != 0 and "table tenant_secrets is missing" in line["detail"], line


@case
def verify_fails_when_the_dump_does_not_restore():
    env = make_bucket("s3", "aeterna-verify-corrupt")
    work = workdir("corrupt")
    folder = os.path.join(work, "20200101-000000")
    os.mkdir(folder)
    with open(os.path.join(folder, "aeterna.dump"), "wb") as f:
        f.write(b"PGDMP" + os.urandom(4096))
    with open(os.path.join(folder, "aeterna.dump.sha256"), "w") as f:
        f.write(hashlib.sha256(open(os.path.join(folder, "aeterna.dump"), "rb").read()).hexdigest() + "  aeterna.dump\n")
    with open(os.path.join(work, ".stamp"), "w") as f:
        f.write("20200101-000000\n")
    give(work)
    sh("upload.sh", "postgresql", env=env, work=work)
    rc, line, _ = verify(env)
    assert rc != 0 and "pg_restore failed" in line["detail"], line


@case
def fetch_refuses_a_backup_whose_checksum_does_not_match():
    env = make_bucket("azure", "aeterna-tamper")
    make_db("aeterna_tmp", rows=10)
    stamp, _ = backup_postgres(env, "aeterna_tmp")
    tampered = os.path.join(E.tmp, "tampered.dump")
    with open(tampered, "wb") as f:
        f.write(b"not the dump")
    rclone(env, "copyto", tampered, f"dest:aeterna-tamper/aeterna/test/postgresql/{stamp}/aeterna_tmp.dump")
    r = sh("fetch-latest.sh", "postgresql", env=env, work=workdir("tm"), check=False)
    assert r.returncode != 0 and "checksum mismatch in postgresql backup" in r.stderr, r.stderr


def retention(cloud):
    bucket = f"aeterna-ret-{cloud}"
    env = make_bucket(cloud, bucket)
    base = f"dest:{bucket}/aeterna/test/postgresql"
    old = os.path.join(E.tmp, f"old-{cloud}")
    for stamp in ("20200101-000000", "20200102-000000"):
        os.makedirs(os.path.join(old, stamp), exist_ok=True)
        p = os.path.join(old, stamp, "aeterna.dump")
        with open(p, "w") as f:
            f.write("old " + stamp)
        past = time.time() - 40 * 86400
        os.utime(p, (past, past))
    rclone(env, "copy", old, base)                     # rclone keeps the 40-day-old modification time
    # Everything is old: the newest backup must survive anyway.
    sh("prune.sh", "postgresql", env={**env, "BACKUP_RETENTION_DAYS": "30"}, work=workdir("p0"))
    left = rclone(env, "lsf", "-R", "--files-only", base).split()
    assert left == ["20200102-000000/aeterna.dump"], left
    make_db("aeterna_ret", rows=5)
    stamp, _ = backup_postgres(env, "aeterna_ret")
    left = sorted(rclone(env, "lsf", "-R", "--files-only", base).split())
    assert left == [f"{stamp}/aeterna_ret.dump", f"{stamp}/aeterna_ret.dump.sha256"], left


@case
def s3_retention_deletes_backups_older_than_the_retention_but_never_the_newest():
    retention("s3")


@case
def azure_retention_deletes_backups_older_than_the_retention_but_never_the_newest():
    retention("azure")


@case
def gcs_retention_deletes_backups_older_than_the_retention_but_never_the_newest():
    retention("gcs")


@case
def bad_settings_fail_with_one_sentence_and_no_secret():
    env = cloud_env("s3", "x")
    r = sh("prune.sh", "postgresql", env={**env, "BACKUP_RETENTION_DAYS": "0"}, work=workdir("b0"), check=False)
    assert r.returncode != 0 and "BACKUP_RETENTION_DAYS must be a whole number of days above 0" in r.stderr, r.stderr
    r = sh("upload.sh", "postgresql", env={**env, "BACKUP_PROVIDER": "dropbox"}, work=workdir("b1"), check=False)
    assert r.returncode != 0 and "BACKUP_PROVIDER must be s3, gcs or azure" in r.stderr, r.stderr
    r = sh("upload.sh", "postgresql", env=env, work=workdir("b2"), check=False)
    assert r.returncode != 0 and "no backup was produced" in r.stderr, r.stderr
    for out in (r.stdout, r.stderr):
        assert "secret-test" not in out


# --- Qdrant and Weaviate: stubs of their public REST APIs ----------------------------------
class QdrantApiStub:
    """Double of Qdrant's REST API (collections and snapshot endpoints only): list collections,
    create/download/delete a collection snapshot, upload a snapshot to recover a collection.
    It checks the api-key header; it does not implement Qdrant's storage."""

    def __init__(self, collections, api_key):
        self.data = {c: os.urandom(3000) + c.encode() for c in collections}
        self.snapshots, self.calls, self.restored, self.key = {}, [], {}, api_key
        stub = self

        class H(BaseHTTPRequestHandler):
            def reply(self, code, obj=None, raw=None):
                body = raw if raw is not None else json.dumps({"result": obj, "status": "ok", "time": 0.001}).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/octet-stream" if raw is not None else "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def route(self, method):
                stub.calls.append((method, self.path))
                if self.headers.get("api-key") != stub.key:
                    return self.reply(401, {"error": "Must provide an API key"})
                path = self.path.split("?")[0]
                m = re.fullmatch(r"/collections/([^/]+)/snapshots(?:/([^/]+))?", path)
                if method == "GET" and path == "/collections":
                    return self.reply(200, {"collections": [{"name": c} for c in stub.data]})
                if m and method == "POST" and m.group(2) is None:
                    name = f"{m.group(1)}-{len(stub.snapshots)}.snapshot"
                    stub.snapshots[name] = stub.data[m.group(1)]
                    return self.reply(200, {"name": name, "creation_time": "2026-01-01T00:00:00", "size": 3000,
                                            "checksum": hashlib.sha256(stub.snapshots[name]).hexdigest()})
                if m and method == "GET" and m.group(2) in stub.snapshots:
                    return self.reply(200, raw=stub.snapshots[m.group(2)])
                if m and method == "DELETE" and m.group(2) in stub.snapshots:
                    del stub.snapshots[m.group(2)]
                    return self.reply(200, True)
                if m and method == "POST" and m.group(2) == "upload":
                    body = self.rfile.read(int(self.headers["Content-Length"]))
                    stub.restored[m.group(1)] = body
                    return self.reply(200, True)
                return self.reply(404, {"error": "not found"})

            def do_GET(self):
                self.route("GET")

            def do_POST(self):
                self.route("POST")

            def do_DELETE(self):
                self.route("DELETE")

            def log_message(self, *a):
                pass
        self.srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()
        E.servers.append(self.srv)
        self.url = f"http://127.0.0.1:{self.srv.server_address[1]}"


class WeaviateApiStub:
    """Double of Weaviate's backup REST API: POST /v1/backups/{backend} starts a backup, GET
    /v1/backups/{backend}/{id} reports STARTED, TRANSFERRING and then the final status; the same for
    /restore. It does not write to the object store (the real backup module does)."""

    def __init__(self, final="SUCCESS"):
        self.calls, self.polls, self.final = [], {}, final
        stub = self

        class H(BaseHTTPRequestHandler):
            def reply(self, code, obj):
                body = json.dumps(obj).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)) or 0)
                stub.calls.append(("POST", self.path, body.decode(), self.headers.get("Authorization")))
                m = re.fullmatch(r"/v1/backups/(s3|gcs|azure)(?:/([a-z0-9_-]+)/restore)?", self.path)
                if not m:
                    return self.reply(422, {"error": [{"message": "backend not found"}]})
                bid = m.group(2) or json.loads(body)["id"]
                return self.reply(200, {"backend": m.group(1), "id": bid, "status": "STARTED", "path": "x"})

            def do_GET(self):
                stub.calls.append(("GET", self.path, "", self.headers.get("Authorization")))
                n = stub.polls[self.path] = stub.polls.get(self.path, 0) + 1
                st = ["STARTED", "TRANSFERRING"][n - 1] if n <= 2 else stub.final
                return self.reply(200, {"id": self.path.split("/")[4], "status": st})

            def log_message(self, *a):
                pass
        self.srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()
        E.servers.append(self.srv)
        self.url = f"http://127.0.0.1:{self.srv.server_address[1]}"


@case
def qdrant_snapshots_every_collection_uploads_prunes_and_restores_via_the_stub():
    stub = QdrantApiStub(["memories", "knowledge"], "qd-key-1")
    env = make_bucket("gcs", "aeterna-qdrant")
    work = workdir("qd")
    r = sh("qdrant-snapshot.sh", env={"QDRANT_URL": stub.url, "QDRANT_API_KEY": "qd-key-1"}, work=work)
    assert '"collections":"2"' in r.stdout and "qd-key-1" not in r.stdout + r.stderr, r.stdout
    assert not stub.snapshots, "snapshots must be deleted on the server after download"
    sh("upload.sh", "qdrant", env=env, work=work)
    rs = workdir("qdr")
    runbook("sh /scripts/fetch-latest.sh qdrant", env=env, work=rs)
    runbook("sh /scripts/qdrant-restore.sh /work/restore", env={"QDRANT_URL": stub.url, "QDRANT_API_KEY": "qd-key-1"}, work=rs)
    for c, data in stub.data.items():
        assert data in stub.restored.get(c, b""), f"collection {c} not restored with its snapshot"


@case
def qdrant_snapshot_fails_on_a_wrong_api_key():
    stub = QdrantApiStub(["memories"], "right")
    work = workdir("qk")
    r = sh("qdrant-snapshot.sh", env={"QDRANT_URL": stub.url, "QDRANT_API_KEY": "wrong"}, work=work, check=False)
    assert r.returncode != 0 and not os.path.exists(os.path.join(work, ".stamp")), r.stdout
    assert "wrong" not in r.stdout + r.stderr


@case
def weaviate_backup_is_triggered_and_polled_until_success_or_failure():
    ok = WeaviateApiStub()
    r = sh("weaviate-backup.sh", env={"WEAVIATE_URL": ok.url, "WEAVIATE_BACKEND": "s3", "WEAVIATE_API_KEY": "wv-key",
                                      "WEAVIATE_POLL_SECONDS": "0", "BACKUP_STAMP": "20260101-010203"})
    assert '"status":"ok"' in r.stdout and '"id":"aeterna-20260101-010203"' in r.stdout, r.stdout
    post = ok.calls[0]
    assert post[:3] == ("POST", "/v1/backups/s3", '{"id":"aeterna-20260101-010203"}') and post[3] == "Bearer wv-key", post
    assert sum(1 for c in ok.calls if c[0] == "GET") == 3
    bad = WeaviateApiStub(final="FAILED")
    r = sh("weaviate-backup.sh", env={"WEAVIATE_URL": bad.url, "WEAVIATE_BACKEND": "gcs", "WEAVIATE_POLL_SECONDS": "0"},
           check=False)
    assert r.returncode == 1 and '"status":"failed"' in r.stdout, r.stdout
    rs = WeaviateApiStub()
    runbook("sh /scripts/weaviate-backup.sh restore", "aeterna-20260101-010203",
            env={"WEAVIATE_URL": rs.url, "WEAVIATE_BACKEND": "azure", "WEAVIATE_POLL_SECONDS": "0"})
    assert rs.calls[0][:2] == ("POST", "/v1/backups/azure/aeterna-20260101-010203/restore"), rs.calls


@case
def runbook_uses_the_commands_these_tests_run():
    with open(os.path.join(ROOT, "docs", "backup-restore.md")) as f:
        doc = f.read()
    missing = [c for c in RUNBOOK_COMMANDS if c not in doc]
    assert not missing, f"docs/backup-restore.md lacks {missing}"
    for script in set(re.findall(r"/scripts/([a-z-]+\.sh)", doc)):
        assert os.path.exists(os.path.join(SCRIPTS, script)), f"runbook names {script}, which the chart does not ship"


@case
def rpo_rto_measured_for_a_small_database():
    assert set(RESULTS) == {"s3", "azure", "gcs"}, f"round trips missing: {RESULTS}"
    out = os.path.join(ROOT, "build", "backup-rpo-rto.txt")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        for cloud, (b, r, size) in sorted(RESULTS.items()):
            f.write(f"{cloud}\tdatabase_kib={size // 1024}\tbackup_seconds={b:.2f}\trestore_seconds={r:.2f}\n")
            print(f"# measured {cloud}: backup {b:.2f}s restore {r:.2f}s ({size // 1024} KiB)")
            assert r < 120 and b < 120, (cloud, b, r)


if __name__ == "__main__":
    try:
        E.start_postgres()
        E.start_stores()
        rc = run()
    finally:
        E.stop()
    sys.exit(rc)
