#!/usr/bin/env python3
"""Drives the interactive `aeterna setup` in a pseudo-terminal (forkpty) by keystrokes and
checks what it writes. Prints TAP lines. Run by `make test`."""
import json
import os
import pty
import re
import select
import signal
import sys
import tempfile
import termios
import time
import tomllib

from tap import case, run

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("AETERNA_BIN", os.path.join(ROOT, "build", "aeterna"))
UP, DOWN, ENTER, CTRL_C, BACKSPACE = "\x1b[A", "\x1b[B", "\r", "\x03", "\x7f"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class Session:
    def __init__(self, *args, env=None):
        e = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
        e["TERM"] = "xterm"
        e.update(env or {})
        # the project root of OpenCode's entry is the working directory: the output folder here
        cwd = args[args.index("-o") + 1] if "-o" in args else None
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            if cwd:
                os.chdir(cwd)
            os.execve(BIN, [BIN, "setup", *args], e)
        self.out = ""
        self.pos = 0

    def _read(self, timeout):
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return False
        try:
            data = os.read(self.fd, 65536)
        except OSError:
            return None
        if not data:
            return None
        self.out += data.decode("utf-8", "replace")
        return True

    def expect(self, text, timeout=10):
        """Waits until text appears (ANSI codes removed) after the last match."""
        end = time.time() + timeout
        while True:
            plain = ANSI.sub("", self.out)
            i = plain.find(text, self.pos)
            if i >= 0:
                self.pos = i + len(text)
                return
            if time.time() > end or self._read(0.2) is None and text not in ANSI.sub("", self.out)[self.pos:]:
                if time.time() > end or not self._alive():
                    raise AssertionError(f"did not see {text!r}; screen tail:\n{plain[-600:]}")

    def _alive(self):
        try:
            pid, _ = os.waitpid(self.pid, os.WNOHANG)
            return pid == 0
        except ChildProcessError:
            return False

    def send(self, keys):
        for k in keys if isinstance(keys, list) else [keys]:
            os.write(self.fd, k.encode())
            time.sleep(0.02)

    def answer(self, question, keys):
        self.expect(question)
        self.send(keys)

    def wait(self, timeout=20):
        end = time.time() + timeout
        while time.time() < end:
            self._read(0.1)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                while self._read(0.05):
                    pass
                self.status = os.waitstatus_to_exitcode(status)
                return self.status
        os.kill(self.pid, signal.SIGKILL)
        raise AssertionError("setup did not finish; screen tail:\n" + ANSI.sub("", self.out)[-600:])


def toml(d):
    with open(os.path.join(d, ".aeterna", "config.toml"), "rb") as f:
        return tomllib.load(f)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


@case
def defaults_by_pressing_enter():
    with tempfile.TemporaryDirectory() as d:
        s = Session("-o", d)
        for q in ("Where will Aeterna run?", "Deployment mode", "Vector store", "Bundled or external?",
                  "Cache", "PostgreSQL", "Enable OPAL/Cedar authorization?", "LLM provider",
                  "Add Aeterna to OpenCode (MCP)?", "Where?", "Configure advanced Kubernetes options"):
            s.answer(q, ENTER)
        s.answer("What now?", ENTER)  # the review: write the files
        assert s.wait() == 0, ANSI.sub("", s.out)[-400:]
        cfg = toml(d)
        assert cfg["setup"] == {"target": "kubernetes", "mode": "local"}
        assert cfg["vector"]["backend"] == "qdrant" and cfg["cache"]["kind"] == "dragonfly"
        assert "helm install aeterna" in s.out


@case
def opal_question_explains_itself():
    with tempfile.TemporaryDirectory() as d:
        s = Session("-o", d, "--target", "kubernetes", "--mode", "local", "--vector-backend", "qdrant",
                    "--vector-deployment", "bundled", "--cache", "dragonfly", "--postgres", "cloudnativepg")
        s.expect("OPAL/Cedar: decides who may read and write which memories")
        s.answer("Enable OPAL/Cedar authorization?", "y")
        for q in ("LLM provider", "Add Aeterna to OpenCode (MCP)?", "Where?", "Configure advanced"):
            s.answer(q, ENTER)
        s.answer("What now?", ENTER)  # the review: write the files
        assert s.wait() == 0
        assert 'backend: "cedar"' in read(os.path.join(d, "values.yaml"))


@case
def hybrid_pinecone_external_services_and_openai_key_check():
    with tempfile.TemporaryDirectory() as d:
        s = Session("-o", d)
        s.answer("Where will Aeterna run?", ENTER)
        s.answer("Deployment mode", [DOWN, ENTER])
        s.answer("Central server URL", list("ftp://x") + [ENTER])
        s.expect("Enter an http:// or https:// URL with a host.")
        s.send([BACKSPACE] * 7 + list("http://127.0.0.1:9") + [ENTER])
        s.expect("is not reachable from here")  # warns, does not block
        s.answer("How does this instance authenticate to it?", ENTER)
        s.answer("API key", [ENTER])
        s.expect("A value is required.")
        s.send(list("central-secret") + [ENTER])
        s.answer("Local cache size (MiB)", ["\x15"] + list("1024") + [ENTER])
        s.answer("Keep a local Cedar agent", "n")
        s.answer("Sync interval (seconds)", ENTER)
        s.answer("Vector store", [DOWN, DOWN, DOWN, ENTER])  # Pinecone
        s.answer("Pinecone API key", list("pc-key") + [ENTER])
        s.answer("Pinecone environment", list("us-east-1-aws") + [ENTER])
        s.answer("Pinecone index name", list("mem") + [ENTER])
        s.answer("Cache", [UP, ENTER])  # External (wraps around)
        s.answer("Cache host", list("redis.example.com") + [ENTER])
        s.answer("Cache port", ENTER)
        s.answer("Cache password (optional)", ENTER)
        s.answer("PostgreSQL", [DOWN, ENTER])
        s.answer("PostgreSQL host", list("db.example.com") + [ENTER])
        s.answer("PostgreSQL port", ENTER)
        s.answer("Database", ENTER)
        s.answer("User", ENTER)
        s.answer("Password", list("pw") + [ENTER])
        s.answer("sslmode", [DOWN, ENTER])
        s.answer("Enable OPAL/Cedar authorization?", "n")
        s.answer("LLM provider", [DOWN, ENTER])  # OpenAI
        s.answer("OpenAI API key", list("nope") + [ENTER])
        s.expect("does not look like an OpenAI key")
        s.send(list("sk-abcdefghijklmnopqrstuvwx") + [ENTER])
        s.answer("Chat model", ENTER)
        s.answer("Embedding model", ENTER)
        s.answer("Add Aeterna to OpenCode (MCP)?", ENTER)
        s.answer("Where?", ENTER)
        s.answer("Configure advanced", ENTER)
        s.answer("What now?", ENTER)  # the review: write the files
        assert s.wait() == 0, ANSI.sub("", s.out)[-600:]
        assert "central-secret" not in s.out and "sk-abcdefghijklmnopqrstuvwx" not in s.out
        cfg = toml(d)
        assert cfg["setup"]["mode"] == "hybrid" and cfg["central"]["url"] == "http://127.0.0.1:9"
        assert cfg["central"]["credential"] == "central-secret"
        assert cfg["hybrid"] == {"cache_size_mb": 1024, "offline_cedar": False, "sync_interval_seconds": 300}
        assert cfg["vector"]["pinecone_index"] == "mem" and cfg["cache"]["host"] == "redis.example.com"
        assert cfg["postgresql"]["sslmode"] == "require" and cfg["llm"]["api_key"].startswith("sk-")


@case
def compose_target_weaviate_external_and_ollama():
    with tempfile.TemporaryDirectory() as d:
        s = Session("-o", d)
        s.answer("Where will Aeterna run?", [DOWN, ENTER])
        s.answer("Deployment mode", ENTER)
        s.answer("Vector store", [DOWN, ENTER])
        s.answer("Bundled or external?", [DOWN, ENTER])
        s.answer("Weaviate URL", list("https://weaviate.example.com") + [ENTER])
        s.answer("Weaviate API key (optional)", ENTER)
        s.answer("Cache", [DOWN, ENTER])  # Valkey
        s.answer("PostgreSQL", ENTER)
        s.answer("Enable OPAL/Cedar authorization?", ENTER)
        s.answer("LLM provider", [DOWN, DOWN, ENTER])
        s.answer("Base URL of the OpenAI-compatible server", ENTER)
        s.answer("API key (optional)", ENTER)
        s.answer("Chat model", ENTER)
        s.answer("Embedding model", ENTER)
        s.answer("Add Aeterna to OpenCode (MCP)?", "n")
        s.answer("What now?", ENTER)  # the review: write the files
        assert s.wait() == 0, ANSI.sub("", s.out)[-600:]
        assert "docker compose up -d" in s.out
        compose = read(os.path.join(d, "docker-compose.yaml"))
        # the external Weaviate is an answer (config.toml, values.yaml); the server 0.8.0-rc.12 reads no vector setting
        assert "valkey:" in compose and "WEAVIATE_URL" not in compose
        assert "https://weaviate.example.com" in read(os.path.join(d, ".aeterna", "config.toml"))
        assert not os.path.exists(os.path.join(d, "opencode.json"))


@case
def opencode_only_remote_oauth2():
    with tempfile.TemporaryDirectory() as d:
        s = Session("-o", d)
        s.answer("Where will Aeterna run?", [UP, ENTER])
        s.answer("Deployment mode", [UP, ENTER])
        s.answer("Central server URL", list("https://central.example.com") + [ENTER])
        s.answer("How does this instance authenticate to it?", [DOWN, ENTER])
        s.answer("OAuth2 client secret (optional)", ENTER)
        s.answer("Where?", ENTER)
        s.answer("What now?", ENTER)  # the review: write the files
        assert s.wait(30) == 0, ANSI.sub("", s.out)[-600:]
        oc = json.loads(read(os.path.join(d, "opencode.json")))
        assert oc["mcp"]["aeterna"]["url"] == "https://central.example.com/mcp/sse"
        assert sorted(os.listdir(d)) == [".aeterna", "opencode.json"]


@case
def kubernetes_advanced_options():
    with tempfile.TemporaryDirectory() as d:
        s = Session("-o", d, "--target", "kubernetes", "--mode", "local", "--vector-backend", "qdrant",
                    "--cache", "dragonfly", "--postgres", "cloudnativepg", "--no-opal", "--llm", "none",
                    "--no-opencode")
        s.answer("Bundled or external?", ENTER)
        s.answer("Configure advanced Kubernetes options", "y")
        s.answer("Expose it through an Ingress?", "y")
        s.answer("Ingress host", list("memory.example.com") + [ENTER])
        s.answer("TLS on the Ingress?", ENTER)
        s.answer("Prometheus ServiceMonitor?", "y")
        s.answer("NetworkPolicy (deny by default)?", "y")
        s.answer("HorizontalPodAutoscaler?", "y")
        s.answer("PodDisruptionBudget?", "y")
        s.answer("Knowledge repository", list("https://github.com/acme/knowledge.git") + [ENTER])
        s.answer("Back up the data to object storage?", ENTER)  # default: no
        s.answer("What now?", ENTER)  # the review: write the files
        assert s.wait() == 0, ANSI.sub("", s.out)[-600:]
        values = read(os.path.join(d, "values.yaml"))
        assert "\nbackup:" not in values
        assert toml(d)["backup"] == {"enabled": False}
        assert 'knowledgeRepo:\n    url: "https://github.com/acme/knowledge.git"' in values
        assert 'secretName: "memory-example-com-tls"' in values
        for key in ("metrics:\n  serviceMonitor:\n    enabled: true", "networkPolicy:\n  enabled: true",
                    "autoscaling:\n  enabled: true", "podDisruptionBudget:\n  enabled: true"):
            assert key in values, key


@case
def kubernetes_backup_questions():
    """The backup questions inside the advanced options: S3 with an endpoint, a bad bucket and a
    bad schedule refused with a sentence naming the question, a Secret for the credentials."""
    with tempfile.TemporaryDirectory() as d:
        s = Session("-o", d, "--target", "kubernetes", "--mode", "local", "--vector-backend", "weaviate",
                    "--vector-deployment", "bundled", "--cache", "dragonfly", "--postgres", "cloudnativepg",
                    "--no-opal", "--llm", "none", "--no-opencode", "--no-ingress", "--no-service-monitor",
                    "--no-network-policy", "--no-hpa", "--no-pdb")
        s.answer("Configure advanced Kubernetes options", "y")
        s.answer("Back up the data to object storage?", "y")
        s.answer("Object store", ENTER)  # S3, the first choice
        s.answer("Bucket (must exist)", list("B") + [ENTER])
        s.expect("Bucket (must exist) must be 3 to 223 lower-case letters")
        s.send([BACKSPACE] + list("aeterna-backups") + [ENTER])
        s.answer("Folder inside it", [BACKSPACE] * 7 + list("prod") + [ENTER])
        s.answer("S3 region", list("eu-west-1") + [ENTER])
        s.answer("S3-compatible endpoint URL", list("http://minio.storage:9000") + [ENTER])
        s.answer("Use the cloud's workload identity instead of a Secret?", ENTER)  # default: no
        s.answer("Existing Secret with the object-store credentials", list("backup-s3") + [ENTER])
        s.answer("Schedule (five-field cron, UTC)", [BACKSPACE] * 9 + list("daily") + [ENTER])
        s.expect("Schedule (five-field cron, UTC) must be a five-field cron expression")
        s.send([BACKSPACE] * 5 + list("15 */6 * * *") + [ENTER])
        s.answer("Days to keep backups", [BACKSPACE] * 2 + list("7") + [ENTER])
        s.answer("Restore-test the newest PostgreSQL backup every day?", ENTER)  # default: yes
        s.answer("What now?", ENTER)
        assert s.wait() == 0, ANSI.sub("", s.out)[-600:]
        assert toml(d)["backup"] == {
            "enabled": True, "provider": "s3", "bucket": "aeterna-backups", "prefix": "prod",
            "s3_region": "eu-west-1", "s3_endpoint": "http://minio.storage:9000",
            "credentials_secret": "backup-s3", "workload_identity": False, "schedule": "15 */6 * * *",
            "retention_days": 7, "verify": True}
        values = read(os.path.join(d, "values.yaml"))
        for text in ('\nbackup:\n  enabled: true\n  schedule: "15 */6 * * *"\n  retentionDays: 7\n',
                     'bucket: "aeterna-backups"', 'endpoint: "http://minio.storage:9000"',
                     'existingSecret: "backup-s3"', "verify:\n    enabled: true",
                     'BACKUP_S3_PATH: "prod/weaviate"', 'BACKUP_S3_USE_SSL: "false"'):
            assert text in values, text


BASE = ["--target", "kubernetes", "--mode", "local", "--cache", "dragonfly", "--postgres", "cloudnativepg",
        "--no-opal", "--no-opencode"]


def finish_kubernetes(s):
    s.answer("Configure advanced", ENTER)
    s.answer("What now?", ENTER)  # the review: write the files
    assert s.wait() == 0, ANSI.sub("", s.out)[-600:]


@case
def mongodb_external_uri_is_checked_and_google_llm():
    with tempfile.TemporaryDirectory() as d:
        s = Session("-o", d, *BASE)
        s.answer("Vector store", [DOWN, DOWN, ENTER])
        s.answer("Bundled or external?", [DOWN, ENTER])
        s.answer("MongoDB URI", list("http://x") + [ENTER])
        s.expect("The URI must start with mongodb:// or mongodb+srv://.")
        s.send(["\x15"] + list("mongodb+srv://u:p@c0.example.net") + [ENTER])
        s.answer("LLM provider", [DOWN, DOWN, DOWN, ENTER])
        s.answer("Google Cloud project", [ENTER])
        s.expect("An answer is required.")
        s.send(list("acme") + [ENTER])
        s.answer("Location", ENTER)
        s.answer("Chat model", ENTER)
        s.answer("Embedding model", ENTER)
        finish_kubernetes(s)
        cfg = toml(d)
        assert cfg["vector"]["mongodb_uri"] == "mongodb+srv://u:p@c0.example.net"
        assert cfg["llm"]["google_project"] == "acme" and cfg["llm"]["google_location"] == "us-central1"
        assert "u:p@c0" not in s.out, "the URI (it holds credentials) was echoed"


@case
def vertex_ai_prompts():
    with tempfile.TemporaryDirectory() as d:
        s = Session("-o", d, *BASE, "--llm", "none")
        s.answer("Vector store", [DOWN, DOWN, DOWN, DOWN, ENTER])
        s.answer("Google Cloud project", list("acme") + [ENTER])
        s.answer("Vertex AI region", list("europe-west4") + [ENTER])
        s.answer("Index endpoint", list("projects/1/endpoints/2") + [ENTER])
        s.answer("Deployed index id", list("idx") + [ENTER])
        finish_kubernetes(s)
        values = read(os.path.join(d, "values.yaml"))
        assert 'backend: "vertex_ai"' in values and 'deployedIndexId: "idx"' in values


@case
def databricks_prompts_bedrock_and_service_account():
    with tempfile.TemporaryDirectory() as d:
        s = Session("-o", d, "--target", "kubernetes", "--cache", "valkey", "--postgres", "cloudnativepg",
                    "--no-opal", "--no-opencode")
        s.answer("Deployment mode", [DOWN, ENTER])
        s.answer("Central server URL", list("https://127.0.0.1:9") + [ENTER])
        s.answer("How does this instance authenticate to it?", [UP, ENTER])
        s.answer("Service-account token (optional)", ENTER)
        s.answer("Local cache size (MiB)", ENTER)
        s.answer("Keep a local Cedar agent", ENTER)
        s.answer("Sync interval (seconds)", ENTER)
        s.answer("Vector store", [UP, ENTER])
        s.answer("Databricks workspace URL", list("https://dbc.example.com") + [ENTER])
        s.answer("Databricks token", list("dapi123") + [ENTER])
        s.answer("Unity Catalog", list("main") + [ENTER])
        s.answer("Schema", list("mem") + [ENTER])
        s.answer("LLM provider", [UP, ENTER])
        s.answer("AWS region", list("eu-west-1") + [ENTER])
        s.answer("Chat model", ENTER)
        s.answer("Embedding model", ENTER)
        finish_kubernetes(s)
        cfg = toml(d)
        assert cfg["central"]["auth_method"] == "service-account" and "credential" not in cfg["central"], cfg
        assert cfg["vector"]["databricks_token"] == "dapi123" and cfg["llm"]["bedrock_region"] == "eu-west-1", cfg
        assert "dapi123" not in s.out, "the token was echoed"


@case
def no_color_drops_styles_but_keeps_the_marker():
    with tempfile.TemporaryDirectory() as d:
        s = Session("-o", d, env={"NO_COLOR": "1"})
        s.expect("❯ Kubernetes (Helm chart)")
        s.send(CTRL_C)
        assert s.wait() == 130
        assert not re.search(r"\x1b\[[0-9;]*m", s.out), "colour codes despite NO_COLOR"


@case
def dumb_terminal_is_refused_with_advice():
    with tempfile.TemporaryDirectory() as d:
        s = Session("-o", d, env={"TERM": "dumb"})
        assert s.wait() == 2
        assert "--non-interactive" in s.out and os.listdir(d) == []


@case
def ctrl_c_restores_terminal_exits_130_and_writes_nothing():
    with tempfile.TemporaryDirectory() as d:
        s = Session("-o", d)
        s.answer("Where will Aeterna run?", ENTER)
        s.expect("Deployment mode")
        s.send(CTRL_C)
        assert s.wait() == 130
        assert "interrupted; nothing was written" in s.out
        assert os.listdir(d) == []
        attrs = termios.tcgetattr(s.fd)
        assert attrs[3] & termios.ECHO and attrs[3] & termios.ICANON, "terminal left in raw mode"


@case
def ctrl_c_in_text_input():
    with tempfile.TemporaryDirectory() as d:
        s = Session("-o", d, "--mode", "hybrid")
        s.answer("Where will Aeterna run?", ENTER)
        s.expect("Central server URL")
        s.send(list("http://par") + [CTRL_C])
        assert s.wait() == 130 and os.listdir(d) == []


@case
def reconfigure_offers_previous_answers():
    with tempfile.TemporaryDirectory() as d:
        s = Session("-o", d, "--non-interactive", "--cache", "valkey", "--llm", "bedrock", "--bedrock-region", "eu-west-3")
        assert s.wait() == 0
        before = {p: read(os.path.join(d, p)) for p in ("values.yaml", "docker-compose.yaml", ".aeterna/config.toml")}
        s = Session("-o", d, "--reconfigure")
        for q in ("Where will Aeterna run?", "Deployment mode", "Vector store", "Bundled or external?"):
            s.answer(q, ENTER)
        s.expect("Cache")
        s.expect("❯ Valkey")
        s.send(ENTER)
        for q in ("PostgreSQL", "Enable OPAL/Cedar authorization?", "LLM provider"):
            s.answer(q, ENTER)
        s.answer("AWS region", [])
        s.expect("(eu-west-3)")
        s.send(ENTER)
        for q in ("Chat model", "Embedding model", "Add Aeterna to OpenCode (MCP)?", "Where?", "Configure advanced"):
            s.answer(q, ENTER)
        s.answer("What now?", ENTER)  # the review: write the files
        assert s.wait() == 0, ANSI.sub("", s.out)[-600:]
        after = {p: read(os.path.join(d, p)) for p in before}
        assert before == after
        assert s.out.count("unchanged") >= 3


if __name__ == "__main__":
    sys.exit(run('wizard: '))
