#!/usr/bin/env python3
"""aeterna status's backup check against real object stores on 127.0.0.1, the ones the backup
suite runs (tools/versions.env pins them): moto's S3 server with IAM authentication enforced (so
the SigV4 signature is really checked), Azurite (which checks the SAS signature) and
fake-gcs-server. Each case writes the configuration with `aeterna setup --backup`, uploads
objects as the backup jobs would, and reads the "backup" component of `aeterna status --json`.
Prints TAP lines."""
import base64
import datetime
import hashlib
import hmac
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from tap import case, free_port, run, wait_port  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("AETERNA_BIN", os.path.join(ROOT, "build", "aeterna"))
TOOLS = os.path.join(ROOT, ".tools")
MOTO_PY = os.path.join(TOOLS, "moto-venv", "bin", "python")
AZ_ACCOUNT = "devstoreaccount1"
AZ_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
# The credential-like environment a developer's shell may hold must not leak into a case.
CLEAN = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "GOOGLE_OAUTH_ACCESS_TOKEN",
         "AZURE_STORAGE_SAS_TOKEN", "AETERNA_BACKUP_ENDPOINT", "PGPASSWORD", "AETERNA_CACHE_PASSWORD")




class Stores:
    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="aeterna-status-backup-")
        self.procs = []

    def spawn(self, args, env=None):
        self.procs.append(subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                           env={**os.environ, **(env or {})}))

    def start(self):
        self.s3_port, self.az_port, self.gcs_port = free_port(), free_port(), free_port()
        # IAM authentication enforced after the three calls that create the key the tests use
        self.spawn([os.path.join(TOOLS, "moto-venv", "bin", "moto_server"), "-H", "127.0.0.1", "-p", str(self.s3_port)],
                   env={"INITIAL_NO_AUTH_ACTION_COUNT": "3"})
        azdir = os.path.join(self.tmp, "azurite")
        os.mkdir(azdir)
        self.spawn([os.path.join(TOOLS, "azurite", "node_modules", ".bin", "azurite-blob"), "--blobHost", "127.0.0.1",
                    "--blobPort", str(self.az_port), "--location", azdir, "--silent", "--skipApiVersionCheck"])
        self.spawn([os.path.join(TOOLS, "bin", "fake-gcs-server"), "-scheme", "http", "-host", "127.0.0.1",
                    "-port", str(self.gcs_port), "-backend", "memory", "-public-host", f"127.0.0.1:{self.gcs_port}"])
        for p in (self.s3_port, self.az_port, self.gcs_port):
            wait_port(p, 60)  # the object stores start slowly
        self.s3_key = self.moto("key")

    def stop(self):
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def moto(self, what, *args):
        """boto3 (moto's venv) against the S3 server: 'key' creates an IAM user with an access key
        allowed everything; 'bucket NAME' creates a bucket; 'put BUCKET KEY…' uploads objects in order,
        a key written "+KEY" a second after the one before (S3 times have whole seconds)."""
        script = r'''
import json, sys, time, boto3
port, what, args = sys.argv[1], sys.argv[2], sys.argv[3:]
kw = dict(endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1")
if what == "key":
    iam = boto3.client("iam", aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap", **kw)
    iam.create_user(UserName="status")
    k = iam.create_access_key(UserName="status")["AccessKey"]
    iam.put_user_policy(UserName="status", PolicyName="all", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    print(json.dumps([k["AccessKeyId"], k["SecretAccessKey"]]))
    sys.exit(0)
key = json.loads(args.pop(0))
s3 = boto3.client("s3", aws_access_key_id=key[0], aws_secret_access_key=key[1], **kw)
if what == "bucket":
    s3.create_bucket(Bucket=args[0])
elif what == "put":
    for name in args[1:]:
        if name.startswith("+"):
            time.sleep(1.1)
        s3.put_object(Bucket=args[0], Key=name.lstrip("+"), Body=b"backup")
'''
        extra = [] if what == "key" else [json.dumps(self.s3_key)]
        r = subprocess.run([MOTO_PY, "-c", script, str(self.s3_port), what, *extra, *args], capture_output=True,
                           text=True, timeout=120)
        assert r.returncode == 0, r.stderr[-800:]
        return json.loads(r.stdout) if what == "key" else None

    # Azure: an account SAS signed with Azurite's well-known key (what a user gets from the portal).
    def az_sas(self, permissions="rwdlac", key=AZ_KEY):
        expiry = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
        version = "2018-11-09"
        sts = "\n".join([AZ_ACCOUNT, permissions, "b", "sco", "", expiry, "", "", version, ""])
        sig = base64.b64encode(hmac.new(base64.b64decode(key), sts.encode(), hashlib.sha256).digest()).decode()
        return urllib.parse.urlencode({"sv": version, "ss": "b", "srt": "sco", "sp": permissions, "se": expiry,
                                       "sig": sig})

    def az_endpoint(self):
        return f"http://127.0.0.1:{self.az_port}/{AZ_ACCOUNT}"

    def az(self, method, path, query="", headers=None, data=b""):
        url = f"{self.az_endpoint()}/{path}?{query}{'&' if query else ''}{self.az_sas()}"
        req = urllib.request.Request(url, method=method, data=data if method == "PUT" else None,
                                     headers={"x-ms-version": "2018-11-09", **(headers or {})})
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status

    def az_container(self, name):
        self.az("PUT", name, "restype=container")

    def az_put(self, container, *names):
        for i, name in enumerate(names):
            if i:
                time.sleep(1.1)
            self.az("PUT", f"{container}/{urllib.parse.quote(name)}", headers={"x-ms-blob-type": "BlockBlob"},
                    data=b"backup")

    def gcs(self, method, path, body=None, raw=None):
        req = urllib.request.Request(f"http://127.0.0.1:{self.gcs_port}{path}", method=method,
                                     data=raw if raw is not None else json.dumps(body).encode() if body else None,
                                     headers={"Content-Type": "application/json" if raw is None else "application/octet-stream"})
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status

    def gcs_bucket(self, name):
        self.gcs("POST", "/storage/v1/b?project=test", {"name": name})

    def gcs_put(self, bucket, *names):
        for i, name in enumerate(names):
            if i:
                time.sleep(1.1)
            self.gcs("POST", f"/upload/storage/v1/b/{bucket}/o?uploadType=media&name={urllib.parse.quote(name, safe='')}",
                     raw=b"backup")


ST = Stores()
BASE = ["--target", "kubernetes", "--mode", "local", "--vector-backend", "qdrant", "--no-opencode"]


def config(tmp, *backup):
    r = subprocess.run([BIN, "setup", "--non-interactive", "-o", tmp, *BASE, "--backup", *backup],
                       capture_output=True, text=True, cwd=tmp, timeout=60)
    assert r.returncode == 0, r.stderr
    return os.path.join(tmp, ".aeterna", "config.toml")


def status(cfg, env=None, *extra, timeout="3000"):
    """The backup component of `aeterna status --json`, the exit code, all output and the wall time.
    The other components (server, PostgreSQL, cache, Qdrant) find nothing listening here."""
    e = {k: v for k, v in os.environ.items() if k not in CLEAN}
    e.update(env or {})
    t0 = time.monotonic()
    r = subprocess.run([BIN, "status", "--config", cfg, "--timeout", timeout, "--json", *extra], capture_output=True,
                       text=True, env=e, timeout=60)
    wall = time.monotonic() - t0
    rows = {c["component"]: c for c in json.loads(r.stdout)}
    return rows.get("backup"), r.returncode, r.stdout + r.stderr, wall


def s3_env(key=None):
    k = key or ST.s3_key
    return {"AWS_ACCESS_KEY_ID": k[0], "AWS_SECRET_ACCESS_KEY": k[1]}


def s3_setup(tmp, bucket, *extra):
    return config(tmp, "--backup-bucket", bucket, "--backup-credentials-secret", "backup-s3", "--backup-s3-region",
                  "us-east-1", "--backup-s3-endpoint", f"http://127.0.0.1:{ST.s3_port}", *extra)


def no_secret(out, *secrets):
    for s in secrets:
        assert s not in out, f"a credential was printed: {out}"


@case
def s3_reports_the_age_of_the_newest_backup():
    with tempfile.TemporaryDirectory() as tmp:
        ST.moto("bucket", "status-s3")
        ST.moto("put", "status-s3", "aeterna/postgresql/20260101-030000/aeterna.dump",
                "+aeterna/qdrant/20260102-030000/memories.snapshot", "other/ignored.dump")
        b, _, out, _ = status(s3_setup(tmp, "status-s3"), s3_env())
        assert b["state"] == "up", b
        assert b["detail"].startswith("newest ") and "(qdrant/20260102-030000/memories.snapshot; 2 objects)" in b["detail"], b
        assert 0 <= b["backup_age_seconds"] < 60, b
        assert b["endpoint"] == f"s3 http://127.0.0.1:{ST.s3_port}/status-s3/aeterna", b
        no_secret(out, ST.s3_key[1])


@case
def s3_reads_every_page_of_a_long_listing():
    """More than one page (100 keys a page): the continuation token is signed like the rest."""
    with tempfile.TemporaryDirectory() as tmp:
        ST.moto("bucket", "status-s3-pages")
        names = [f"aeterna/qdrant/2026010{i % 9}-0300{i:02d}/c{i}.snapshot" for i in range(130)]
        ST.moto("put", "status-s3-pages", *names, "+aeterna/postgresql/20260201-030000/aeterna.dump")
        b, _, _, _ = status(s3_setup(tmp, "status-s3-pages"), s3_env())
        assert b["state"] == "up", b
        assert "(postgresql/20260201-030000/aeterna.dump; 131 objects)" in b["detail"], b


@case
def s3_empty_prefix_says_no_backup_found():
    with tempfile.TemporaryDirectory() as tmp:
        ST.moto("bucket", "status-s3-empty")
        ST.moto("put", "status-s3-empty", "elsewhere/x.dump")
        b, rc, _, _ = status(s3_setup(tmp, "status-s3-empty"), s3_env())
        assert b["state"] == "down" and b["detail"] == "no backup found under status-s3-empty/aeterna/", b
        assert rc == 1


@case
def s3_wrong_key_is_reported_as_a_403_without_printing_it():
    with tempfile.TemporaryDirectory() as tmp:
        ST.moto("bucket", "status-s3-auth")
        ST.moto("put", "status-s3-auth", "aeterna/postgresql/1/aeterna.dump")
        cfg = s3_setup(tmp, "status-s3-auth")
        wrong_secret = ST.s3_key[1][:-4] + "XXXX"
        b, rc, out, _ = status(cfg, s3_env([ST.s3_key[0], wrong_secret]))
        assert b["state"] == "down" and b["detail"].startswith("cannot list the bucket: HTTP 403: SignatureDoesNotMatch"), b
        assert "check AWS_ACCESS_KEY_ID" in b["detail"] and rc == 1, b
        no_secret(out, wrong_secret, ST.s3_key[1])
        b, _, out, _ = status(cfg, s3_env(["AKIAUNKNOWN000000000", "not-the-secret-123"]))
        assert b["detail"].startswith("cannot list the bucket: HTTP 403: InvalidAccessKeyId"), b
        no_secret(out, "not-the-secret-123")


@case
def s3_missing_bucket_is_a_404():
    with tempfile.TemporaryDirectory() as tmp:
        b, _, _, _ = status(s3_setup(tmp, "status-no-such-bucket"), s3_env())
        assert b["state"] == "down" and b["detail"].startswith("cannot list the bucket: HTTP 404: NoSuchBucket"), b


@case
def s3_without_credentials_is_not_checked():
    with tempfile.TemporaryDirectory() as tmp:
        b, _, _, _ = status(s3_setup(tmp, "status-s3"), {})
        assert b["state"] == "not checked" and "AWS_ACCESS_KEY_ID" in b["detail"] and not b["required"], b


@case
def stale_backup_is_reported_stale_and_fails_the_run():
    with tempfile.TemporaryDirectory() as tmp:
        ST.moto("bucket", "status-s3-stale")
        ST.moto("put", "status-s3-stale", "aeterna/postgresql/1/aeterna.dump")
        cfg = s3_setup(tmp, "status-s3-stale")
        time.sleep(2.2)
        b, rc, _, _ = status(cfg, s3_env(), "--backup-max-age", "1")
        assert b["state"] == "stale" and "older than 1 s" in b["detail"] and b["backup_age_seconds"] >= 2, b
        assert rc == 1
        b, _, _, _ = status(cfg, s3_env())  # the daily default schedule: 36 h
        assert b["state"] == "up", b


@case
def unreachable_store_is_refused_and_a_silent_one_times_out_on_time():
    with tempfile.TemporaryDirectory() as tmp:
        cfg = s3_setup(tmp, "status-s3")
        closed = free_port()
        b, _, _, _ = status(cfg, {**s3_env(), "AETERNA_BACKUP_ENDPOINT": f"http://127.0.0.1:{closed}"})
        assert b["state"] == "refused" and b["endpoint"] == f"s3 http://127.0.0.1:{closed}/status-s3/aeterna", b
        srv = socket.socket()
        srv.bind(("127.0.0.1", 0))
        srv.listen(8)
        held = []
        stop = threading.Event()

        def accept():
            srv.settimeout(0.2)
            while not stop.is_set():
                try:
                    held.append(srv.accept()[0])  # accepted, never answered
                except OSError:
                    pass
        t = threading.Thread(target=accept, daemon=True)
        t.start()
        try:
            b, _, _, wall = status(cfg, {**s3_env(), "AETERNA_BACKUP_ENDPOINT": f"http://127.0.0.1:{srv.getsockname()[1]}"},
                                   timeout="1000")
        finally:
            stop.set()
            t.join()
            for c in held:
                c.close()
            srv.close()
        assert b["state"] == "timeout" and wall < 2.5, (b, wall)


@case
def gcs_reports_the_newest_object_and_an_empty_or_missing_bucket():
    with tempfile.TemporaryDirectory() as tmp:
        ST.gcs_bucket("status-gcs")
        ST.gcs_put("status-gcs", "prod/postgresql/20260101-030000/aeterna.dump", "prod/postgresql/20260102-030000/aeterna.dump")
        cfg = config(tmp, "--backup-provider", "gcs", "--backup-bucket", "status-gcs", "--backup-prefix", "prod",
                     "--backup-credentials-secret", "backup-gcs")
        env = {"AETERNA_BACKUP_ENDPOINT": f"http://127.0.0.1:{ST.gcs_port}", "GOOGLE_OAUTH_ACCESS_TOKEN": "ya29.test-token-xyz"}
        b, _, out, _ = status(cfg, env)
        assert b["state"] == "up" and "(postgresql/20260102-030000/aeterna.dump; 2 objects)" in b["detail"], b
        assert 0 <= b["backup_age_seconds"] < 60, b
        no_secret(out, "ya29.test-token-xyz")
        ST.gcs_bucket("status-gcs-empty")
        cfg = config(tmp, "--force", "--backup-provider", "gcs", "--backup-bucket", "status-gcs-empty",
                     "--backup-credentials-secret", "backup-gcs")
        b, _, _, _ = status(cfg, env)
        assert b["state"] == "down" and b["detail"] == "no backup found under status-gcs-empty/aeterna/", b
        cfg = config(tmp, "--force", "--backup-provider", "gcs", "--backup-bucket", "status-gcs-missing",
                     "--backup-credentials-secret", "backup-gcs")
        b, _, _, _ = status(cfg, env)
        assert b["state"] == "down" and b["detail"].startswith("cannot list the bucket: HTTP 404"), b


@case
def azure_reports_the_newest_blob_and_a_wrong_sas_as_a_403():
    with tempfile.TemporaryDirectory() as tmp:
        ST.az_container("status-az")
        ST.az_put("status-az", "aeterna/postgresql/20260101-030000/aeterna.dump",
                  "aeterna/weaviate/aeterna-20260102-030000/backup_config.json")
        cfg = config(tmp, "--backup-provider", "azure", "--backup-bucket", "status-az", "--backup-azure-account",
                     AZ_ACCOUNT, "--backup-credentials-secret", "backup-azure")
        sas = ST.az_sas("rl")
        env = {"AETERNA_BACKUP_ENDPOINT": ST.az_endpoint(), "AZURE_STORAGE_SAS_TOKEN": "?" + sas}
        b, _, out, _ = status(cfg, env)
        assert b["state"] == "up", b
        assert "(weaviate/aeterna-20260102-030000/backup_config.json; 2 objects)" in b["detail"], b
        assert 0 <= b["backup_age_seconds"] < 60, b
        sig = urllib.parse.parse_qs(sas)["sig"][0]
        no_secret(out, sig, urllib.parse.quote(sig, safe=""))
        bad = ST.az_sas("rl", key=base64.b64encode(b"not the account key").decode())
        b, rc, out, _ = status(cfg, {**env, "AZURE_STORAGE_SAS_TOKEN": bad})
        # Azure says AuthenticationFailed for a bad signature, Azurite AuthorizationFailure
        assert b["state"] == "down" and b["detail"].startswith(("cannot list the bucket: HTTP 403: AuthenticationFailed:",
                                                                  "cannot list the bucket: HTTP 403: AuthorizationFailure:")), b
        assert "AZURE_STORAGE_SAS_TOKEN" in b["detail"] and rc == 1, b
        no_secret(out, urllib.parse.parse_qs(bad)["sig"][0])
        b, _, _, _ = status(cfg, {})
        assert b["state"] == "not checked" and "AZURE_STORAGE_SAS_TOKEN" in b["detail"], b


@case
def no_backup_component_without_backups():
    with tempfile.TemporaryDirectory() as tmp:
        r = subprocess.run([BIN, "setup", "--non-interactive", "-o", tmp, *BASE], capture_output=True, text=True,
                           cwd=tmp, timeout=60)
        assert r.returncode == 0, r.stderr
        b, _, _, _ = status(os.path.join(tmp, ".aeterna", "config.toml"), s3_env(), timeout="500")
        assert b is None, b


if __name__ == "__main__":
    try:
        ST.start()
        rc = run("status-backup: ")
    finally:
        ST.stop()
    sys.exit(rc)
