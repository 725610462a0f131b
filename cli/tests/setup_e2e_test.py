#!/usr/bin/env python3
"""End-to-end test of `aeterna setup --non-interactive` (run by `make test`).

1. Every combination of mode x vector backend (bundled/external) x cache x PostgreSQL x OPAL x
   LLM that makes sense (remote mode has no vector store, OPAL or LLM): setup runs, and
   - values.yaml passes the chart's values.schema.json (only keys the chart defines);
   - docker-compose.yaml passes the Compose Specification schema, and the server gets only
     environment variables the server reads;
   - .aeterna/config.toml parses with Python's tomllib and holds the answers given;
   - opencode.json has the flat V1 `mcp.aeterna` remote entry;
   - values.yaml, docker-compose.yaml and secrets.yaml are read by ytree's fast path (the one
     setup's own checks use) into the very tree libfyaml gives (build/ytree_fast_driver).
2. Every one of them renders with helm 3 and helm 4 (Kubernetes 1.35) and the manifests pass
   kubeconform -strict (run once over all of them at the end).
3. Backups (--backup) to s3 with an endpoint, gcs, azure and with workload identity, beside a
   bundled Weaviate (whose backup module setup configures) or MongoDB: `aeterna validate` accepts
   what setup wrote and the backup CronJobs render. Each bad backup answer (no bucket, no
   credentials, azure without an account, a bad schedule, retention 0, an unknown provider) is
   refused with exit 2, a sentence naming the flag, and nothing written.
Prints TAP lines ("ok N - ..." / "not ok N - ...").
"""
import concurrent.futures
import itertools
import json
import os
import re
import subprocess
import sys
import tempfile
import tomllib
import urllib.parse

import jsonschema
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("AETERNA_BIN", os.path.join(ROOT, "build", "aeterna"))
# reads each generated YAML file through ytree's fast path and through libfyaml: both must agree
YTREE_FAST_DRIVER = os.environ.get("YTREE_FAST_DRIVER", os.path.join(ROOT, "build", "ytree_fast_driver"))
TOOLS = os.path.join(ROOT, ".tools", "bin")
sys.path.insert(0, os.path.dirname(__file__))
from staged_chart import CLUSTER_APIS, staged_chart  # noqa: E402

CHART = staged_chart()

with open(os.path.join(CHART, "values.schema.json"), encoding="utf-8") as f:
    VALUES_SCHEMA = json.load(f)
with open(os.path.join(ROOT, "schemas", "compose-spec.json"), encoding="utf-8") as f:
    COMPOSE_SCHEMA = json.load(f)
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import server_contract  # noqa: E402

SERVER_CONTRACT = server_contract.load(os.path.join(CHART, "server-env.txt"))

VECTORS = {
    "qdrant-bundled": ["--vector-backend", "qdrant", "--vector-deployment", "bundled"],
    "qdrant-external": ["--vector-backend", "qdrant", "--vector-deployment", "external",
                        "--qdrant-url", "https://qdrant.example.com:6334", "--qdrant-api-key-file", "@secret"],
    "weaviate-bundled": ["--vector-backend", "weaviate"],
    "weaviate-external": ["--vector-backend", "weaviate", "--vector-deployment", "external",
                          "--weaviate-url", "https://weaviate.example.com"],
    "mongodb-bundled": ["--vector-backend", "mongodb"],
    "mongodb-external": ["--vector-backend", "mongodb", "--vector-deployment", "external",
                         "--mongodb-uri-file", "@mongo"],
    "pinecone": ["--vector-backend", "pinecone", "--pinecone-api-key-file", "@secret",
                 "--pinecone-environment", "us-east-1-aws", "--pinecone-index", "memories"],
    "vertex-ai": ["--vector-backend", "vertex-ai", "--vertex-project", "acme", "--vertex-region", "europe-west4",
                  "--vertex-endpoint", "projects/1/locations/europe-west4/indexEndpoints/2",
                  "--vertex-deployed-index", "aeterna_idx"],
    "databricks": ["--vector-backend", "databricks", "--databricks-url", "https://dbc-1.cloud.databricks.com",
                   "--databricks-token-file", "@secret", "--databricks-catalog", "main",
                   "--databricks-schema", "aeterna"],
}
CACHES = {
    "dragonfly": ["--cache", "dragonfly"],
    "valkey": ["--cache", "valkey"],
    "external": ["--cache", "external", "--cache-host", "redis.example.com", "--cache-port", "6380"],
}
POSTGRES = {
    "cloudnativepg": ["--postgres", "cloudnativepg"],
    "external": ["--postgres", "external", "--postgres-host", "db.example.com", "--postgres-port", "5433",
                 "--postgres-database", "mem", "--postgres-user", "mem", "--postgres-password-file", "@pgpass",
                 "--postgres-sslmode", "require"],
}
OPAL = {"opal": ["--opal"], "no-opal": ["--no-opal"]}
LLMS = {
    "none": ["--llm", "none"],
    "openai": ["--llm", "openai", "--llm-api-key-file", "@openai"],
    "openai-compatible": ["--llm", "openai-compatible", "--llm-base-url", "http://ollama.ai.svc:11434/v1"],
    "google": ["--llm", "google", "--google-project", "acme"],
    "bedrock": ["--llm", "bedrock", "--bedrock-region", "eu-west-1"],
}
MODES = {
    "local": ["--mode", "local"],
    "hybrid": ["--mode", "hybrid", "--central-url", "https://aeterna.central.example.com",
               "--central-credential-file", "@secret"],
    "remote": ["--mode", "remote", "--central-url", "https://aeterna.central.example.com",
               "--central-credential-file", "@secret"],
}


BACKUPS = {
    "backup-s3-endpoint": ["--backup", "--backup-bucket", "aeterna-backups", "--backup-s3-region", "eu-west-1",
                           "--backup-s3-endpoint", "https://minio.storage.svc.cluster.local:9000",
                           "--backup-credentials-secret", "backup-s3"],
    "backup-s3-workload-identity": ["--backup", "--backup-bucket", "aeterna-backups", "--backup-workload-identity",
                                    "--backup-schedule", "15 */6 * * *", "--backup-retention-days", "7"],
    "backup-gcs": ["--backup", "--backup-provider", "gcs", "--backup-bucket", "aeterna-backups",
                   "--backup-prefix", "prod/aeterna", "--backup-credentials-secret", "backup-gcs",
                   "--backup-schedule", "@daily", "--no-backup-verify"],
    "backup-azure": ["--backup", "--backup-provider", "azure", "--backup-bucket", "aeterna",
                     "--backup-azure-account", "aeternabackups", "--backup-credentials-secret", "backup-azure"],
}
# (backup, vector, postgres): each destination beside a store whose backup the chart wires to it.
BACKUP_COMBOS = [("backup-s3-endpoint", "weaviate-bundled", "cloudnativepg"),
                 ("backup-s3-workload-identity", "qdrant-external", "external"),
                 ("backup-gcs", "mongodb-bundled", "cloudnativepg"),
                 ("backup-gcs", "weaviate-bundled", "external"),
                 ("backup-azure", "weaviate-bundled", "external"),
                 ("backup-azure", "qdrant-bundled", "cloudnativepg")]


def combinations():
    for mode in MODES:
        if mode == "remote":
            for cache, pg in itertools.product(CACHES, POSTGRES):
                yield (mode, None, cache, pg, None, None, None)
            continue
        for vector, cache, pg, opal, llm in itertools.product(VECTORS, CACHES, POSTGRES, OPAL, LLMS):
            yield (mode, vector, cache, pg, opal, llm, None)
    for backup, vector, pg in BACKUP_COMBOS:
        yield ("local", vector, "dragonfly", pg, "no-opal", "none", backup)


def args_for(combo, files):
    mode, vector, cache, pg, opal, llm, backup = combo
    args = MODES[mode] + CACHES[cache] + POSTGRES[pg]
    if vector:
        args += VECTORS[vector] + OPAL[opal] + LLMS[llm]
    if backup:
        args += BACKUPS[backup]
    return [files.get(a, a) for a in args]


# Where `aeterna status` looks for each bundled service of the compose stack.
PUBLISHED = {"postgres": "127.0.0.1:5432:5432", "dragonfly": "127.0.0.1:6379:6379", "valkey": "127.0.0.1:6379:6379",
             "qdrant": "127.0.0.1:6333:6333", "weaviate": "127.0.0.1:8081:8080", "mongodb": "127.0.0.1:27017:27017",
             "opal-server": "127.0.0.1:7002:7002"}


def read_dotenv(path):
    """The .env setup writes: NAME='literal' or NAME="with \\ escapes"."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            name, _, v = line.partition("=")
            if v[:1] == "'" and v.endswith("'"):
                v = v[1:-1]
            elif v[:1] == '"' and v.endswith('"'):
                v = re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), v[1:-1])
            out[name] = v
    return out


def resolve_env(environment, dotenv):
    """{name: (value, source)} of a compose service: ${NAME:?…} comes from .env (a secret)."""
    env = {}
    for k, v in (environment or {}).items():
        m = re.fullmatch(r"\$\{([A-Z0-9_]+)(:\?[^}]*)?\}", str(v))
        if m:
            env[k] = (dotenv.get(m.group(1)), "secret")
        else:
            env[k] = (str(v).replace("$$", "$"), "inline")
    return env


def check_compose_stack(compose, combo, dotenv):
    """Ports on loopback only (and where status looks), dependencies that exist, and the OPAL
    services exactly when OPAL is on, with the fetcher reading the server's PostgreSQL."""
    problems = []
    svcs = compose["services"]
    for name, svc in svcs.items():
        for port in svc.get("ports", []):
            if not str(port).startswith("127.0.0.1:"):
                problems.append(f"docker-compose.yaml: {name} publishes {port} beyond loopback")
        for dep in svc.get("depends_on", {}):
            if dep not in svcs:
                problems.append(f"docker-compose.yaml: {name} depends on missing service {dep}")
        if name in PUBLISHED and PUBLISHED[name] not in svc.get("ports", []):
            problems.append(f"docker-compose.yaml: {name} is not published at {PUBLISHED[name]}")
    opal = combo[4] == "opal"
    stack = {"opal-server", "opal-fetcher", "cedar-agent"}
    if opal != stack.issubset(svcs) or (not opal and stack & set(svcs)):
        problems.append(f"docker-compose.yaml: OPAL services {sorted(stack & set(svcs))} with OPAL {opal}")
    if opal and "opal-fetcher" in svcs:
        env = {k: v for k, (v, _src) in resolve_env(svcs["aeterna"]["environment"], dotenv).items()}
        fetcher = resolve_env(svcs["opal-fetcher"]["environment"], dotenv)
        url = urllib.parse.urlsplit(fetcher["DATABASE_URL"][0] or "")
        got = (url.hostname, str(url.port), url.path[1:], url.username, urllib.parse.unquote(url.password or ""))
        want = (env["PG_HOST"], env["PG_PORT"], env["PG_DATABASE"], env["PG_USERNAME"], env.get("PG_PASSWORD") or "")
        if got != want:
            problems.append(f"docker-compose.yaml: the fetcher reads {got[:4]}, the server {want[:4]}")
        if env.get("AETERNA_OPAL_FETCHER_URL") != "http://opal-fetcher:8080":
            problems.append("docker-compose.yaml: the server is not pointed at the fetcher")
    return problems


def check_files(out, combo):
    problems = []
    yamls = [os.path.join(out, n) for n in ("values.yaml", "docker-compose.yaml", "secrets.yaml")
             if os.path.exists(os.path.join(out, n))]
    r = subprocess.run([YTREE_FAST_DRIVER] + yamls, capture_output=True, text=True)
    if r.returncode:
        problems.append(f"ytree's fast path: {(r.stdout + r.stderr).strip()[:400]}")
    with open(os.path.join(out, "values.yaml"), encoding="utf-8") as f:
        values = yaml.safe_load(f)
    for e in jsonschema.Draft7Validator(VALUES_SCHEMA).iter_errors(values):
        problems.append(f"values.yaml: {'/'.join(map(str, e.path))}: {e.message}")
    with open(os.path.join(out, "docker-compose.yaml"), encoding="utf-8") as f:
        compose = yaml.safe_load(f)
    for e in jsonschema.validators.validator_for(COMPOSE_SCHEMA)(COMPOSE_SCHEMA).iter_errors(compose):
        problems.append(f"docker-compose.yaml: {'/'.join(map(str, e.path))}: {e.message}")
    # no secret in values.yaml: every secret answer is in secrets.yaml, which values.yaml refers to
    with open(os.path.join(out, "values.yaml"), encoding="utf-8") as f:
        values_text = f.read()
    with open(os.path.join(out, "secrets.yaml"), encoding="utf-8") as f:
        secret_doc = yaml.safe_load(f)
    if os.stat(os.path.join(out, "secrets.yaml")).st_mode & 0o077:
        problems.append("secrets.yaml is readable by others")
    secret_data = secret_doc.get("stringData") or {}
    for k, v in secret_data.items():
        if len(str(v)) >= 4 and str(v) in values_text:
            problems.append(f"values.yaml holds the secret {k} (it belongs in secrets.yaml only)")
    refs = set()
    def walk(node):
        if isinstance(node, dict):
            if node.get("existingSecret") == "aeterna-setup-secrets":
                refs.add(node.get("existingSecretKey") or node.get("existingSecretPasswordKey"))
            for v in node.values():
                walk(v)
    walk(values)
    if refs != set(secret_data):
        problems.append(f"values.yaml refers to {sorted(refs)} in secrets.yaml, which holds {sorted(secret_data)}")
    dotenv_path = os.path.join(out, ".env")
    if os.stat(dotenv_path).st_mode & 0o077:
        problems.append(".env is readable by others")
    dotenv = read_dotenv(dotenv_path)
    for name, container in (("aeterna", "server"), ("migrate", "migrate")):
        env = resolve_env(compose["services"][name].get("environment", {}), dotenv)
        for p in SERVER_CONTRACT.check(env, container):
            problems.append(f"docker-compose.yaml: {name}: {p}")
    with open(os.path.join(out, "docker-compose.yaml"), encoding="utf-8") as f:
        compose_text = f.read()
    for k, v in dotenv.items():
        if len(v) >= 8 and v != "not-needed" and v in compose_text:
            problems.append(f"docker-compose.yaml holds the secret {k} (it belongs in .env only)")
    for name, svc in compose["services"].items():
        for k, (v, src) in resolve_env(svc.get("environment", {}), dotenv).items():
            if src == "secret" and v is None:
                problems.append(f"docker-compose.yaml: {name}: {k} refers to a .env entry that is missing")
    for name in ("aeterna", "migrate"):
        deps = compose["services"][name].get("depends_on", {})
        for dep, cond in deps.items():
            if dep not in compose["services"]:
                problems.append(f"docker-compose.yaml: {name} depends on missing service {dep}")
            if dep != "migrate" and cond.get("condition") != "service_healthy":
                problems.append(f"docker-compose.yaml: {name} -> {dep} is not service_healthy")
            if dep != "migrate" and "healthcheck" not in compose["services"].get(dep, {}):
                problems.append(f"docker-compose.yaml: {dep} has no healthcheck")
    problems += check_compose_stack(compose, combo, dotenv)
    with open(os.path.join(out, ".aeterna", "config.toml"), "rb") as f:
        cfg = tomllib.load(f)
    mode, vector, cache, pg, _opal, llm, backup = combo
    if backup:
        problems += check_backup(out, combo, cfg, values)
    elif "backup" in values or "backup" in cfg:
        problems.append("backup written without --backup")
    if cfg["setup"]["mode"] != mode or cfg["cache"]["kind"] != cache or cfg["postgresql"]["kind"] != pg:
        problems.append(f"config.toml does not hold the answers: {cfg}")
    if vector and cfg["vector"]["backend"] != vector.split("-bundled")[0].split("-external")[0]:
        problems.append(f"config.toml vector.backend is {cfg['vector']['backend']}")
    if llm and cfg["llm"]["provider"] != llm:
        problems.append(f"config.toml llm.provider is {cfg['llm']['provider']}")
    mode_of = {p: os.stat(os.path.join(out, p)).st_mode & 0o777
               for p in ("values.yaml", "docker-compose.yaml", ".aeterna/config.toml")}
    if mode_of[".aeterna/config.toml"] != 0o600:
        problems.append(f"config.toml mode {oct(mode_of['.aeterna/config.toml'])}")
    with open(os.path.join(out, "opencode.json"), encoding="utf-8") as f:
        oc = json.load(f)
    entry = oc["mcp"]["aeterna"]
    if entry.get("type") != "remote" or not entry.get("url", "").endswith("/mcp/sse") or \
            set(entry) - {"type", "url", "enabled", "headers"}:
        problems.append(f"opencode.json entry: {entry}")
    for path in ("values.yaml", "docker-compose.yaml", ".aeterna/config.toml", "opencode.json"):
        with open(os.path.join(out, path), encoding="utf-8") as f:
            text = f.read()
        for secret in ("s3cr3t-value-0123456789", "sk-test0123456789abcdefXYZ"):
            if secret in text and mode_of.get(path, 0o600) != 0o600:
                problems.append(f"{path} holds a secret but is mode {oct(mode_of[path])}")
    return problems


def check_backup(out, combo, cfg, values):
    """config.toml and values.yaml hold the backup answers, and `aeterna validate` accepts them."""
    problems = []
    backup, vector = combo[6], combo[1]
    given = BACKUPS[backup]
    flag = lambda name, default=None: given[given.index(name) + 1] if name in given else default  # noqa: E731
    b = values.get("backup") or {}
    dest = b.get("destination") or {}
    want = (True, flag("--backup-provider", "s3"), flag("--backup-bucket"), flag("--backup-prefix", "aeterna"),
            flag("--backup-schedule", "0 3 * * *"), int(flag("--backup-retention-days", 30)),
            "--no-backup-verify" not in given)
    got = (b.get("enabled"), dest.get("provider"), dest.get("bucket"), dest.get("prefix"), b.get("schedule"),
           b.get("retentionDays"), (b.get("verify") or {}).get("enabled"))
    if got != want:
        problems.append(f"values.yaml backup {got}, expected {want}")
    creds = b.get("credentials") or {}
    if (creds.get("existingSecret"), creds.get("workloadIdentity")) != (
            flag("--backup-credentials-secret"), "--backup-workload-identity" in given):
        problems.append(f"values.yaml backup.credentials {creds}")
    if cfg.get("backup", {}).get("bucket") != flag("--backup-bucket"):
        problems.append(f"config.toml backup {cfg.get('backup')}")
    if vector == "weaviate-bundled":
        mod = ((values.get("weaviate") or {}).get("backups") or {}).get(want[1]) or {}
        env = mod.get("envconfig") or {}
        if not mod.get("enabled") or flag("--backup-bucket") not in env.values() or \
                f"{want[3]}/weaviate" not in env.values():
            problems.append(f"weaviate.backups.{want[1]}: {mod}")
    r = subprocess.run([BIN, "validate", "-f", os.path.join(out, "values.yaml"), "--config",
                        os.path.join(out, ".aeterna", "config.toml"), *CLUSTER_APIS],
                       capture_output=True, text=True)
    if r.returncode:
        problems.append(f"aeterna validate exited {r.returncode}: {(r.stdout + r.stderr).strip()[:400]}")
    return problems


# Bad backup answers: (name, extra flags, text the one sentence must hold). Beside a valid base.
BAD_BACKUPS = [
    ("no bucket", ["--backup", "--backup-credentials-secret", "s"], "missing --backup-bucket"),
    ("no credentials", ["--backup", "--backup-bucket", "aeterna-backups"], "missing --backup-credentials-secret"),
    ("azure without an account", ["--backup", "--backup-provider", "azure", "--backup-bucket", "aeterna-backups",
                                  "--backup-credentials-secret", "s"], "missing --backup-azure-account"),
    ("bad schedule", ["--backup", "--backup-bucket", "aeterna-backups", "--backup-credentials-secret", "s",
                      "--backup-schedule", "every day"], "--backup-schedule must be a five-field cron expression"),
    ("retention 0", ["--backup", "--backup-bucket", "aeterna-backups", "--backup-credentials-secret", "s",
                     "--backup-retention-days", "0"], "--backup-retention-days must be a whole number from 1"),
    ("unknown provider", ["--backup", "--backup-provider", "ftp", "--backup-bucket", "aeterna-backups",
                          "--backup-credentials-secret", "s"], "--backup-provider must be one of s3, gcs, azure"),
    ("s3 endpoint not a URL", ["--backup", "--backup-bucket", "aeterna-backups", "--backup-credentials-secret", "s",
                               "--backup-s3-endpoint", "minio:9000"], "--backup-s3-endpoint must be an http://"),
    ("bundled MongoDB to gcs by workload identity", ["--vector-backend", "mongodb", "--backup", "--backup-provider",
                                                     "gcs", "--backup-bucket", "aeterna-backups",
                                                     "--backup-workload-identity"], "--backup-credentials-secret"),
]


def bad_backup(args, expect):
    with tempfile.TemporaryDirectory() as out:
        r = subprocess.run([BIN, "setup", "--non-interactive", "-o", out, "--target", "kubernetes", *args],
                           capture_output=True, text=True, cwd=out, timeout=60)
        problems = []
        if r.returncode != 2:
            problems.append(f"exit {r.returncode}, expected 2")
        lines = [line for line in r.stderr.splitlines() if line.strip()]
        if len(lines) != 1 or expect not in lines[0]:
            problems.append(f"expected one sentence with {expect!r}, got {r.stderr.strip()!r}")
        if os.listdir(out):
            problems.append(f"wrote {sorted(os.listdir(out))}")
        return problems


KUBECONFORM = [os.path.join(TOOLS, "kubeconform"), "-strict",
               "-schema-location", ROOT + "/.tools/k8s-schemas/{{.NormalizedKubernetesVersion}}-standalone{{.StrictSuffix}}/{{.ResourceKind}}{{.KindSuffix}}.json",
               "-schema-location", ROOT + "/schemas/crd-jsonschema/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json",
               "-kubernetes-version", "1.35.0"]


def render(out, manifests, index):
    """Renders with helm 3 and helm 4 into manifests/<index>-<helm>.yaml."""
    problems = []
    for helm in ("helm3", "helm4"):
        r = subprocess.run([os.path.join(TOOLS, helm), "template", "aeterna", CHART, "-f",
                            os.path.join(out, "values.yaml"), "--kube-version", "1.35.0", *CLUSTER_APIS],
                           capture_output=True, text=True)
        if r.returncode:
            problems.append(f"{helm} template: {r.stderr.strip()}")
            continue
        with open(os.path.join(manifests, f"{index}-{helm}.yaml"), "w", encoding="utf-8") as f:
            f.write(r.stdout)
    return problems


def run_one(index, combo, files, manifests):
    with tempfile.TemporaryDirectory() as out:
        # cwd=out: OpenCode's project entry goes to the working directory (no git work tree here)
        r = subprocess.run([BIN, "setup", "--non-interactive", "-o", out] + args_for(combo, files),
                           capture_output=True, text=True, cwd=out)
        if r.returncode:
            return index, combo, [f"setup exited {r.returncode}: {r.stderr.strip()}"]
        problems = check_files(out, combo)
        if not problems:
            problems += render(out, manifests, index)
        if not problems and combo[6]:
            for helm in ("helm3", "helm4"):
                with open(os.path.join(manifests, f"{index}-{helm}.yaml"), encoding="utf-8") as f:
                    if "name: aeterna-backup-postgresql\n" not in f.read():
                        problems.append(f"{helm} template: no backup CronJob aeterna-backup-postgresql")
        return index, combo, problems


def kubeconform_all(manifests):
    """One kubeconform run over every manifest; returns {index: [problems]}."""
    r = subprocess.run(KUBECONFORM + ["-output", "json", "-n", str(os.cpu_count() or 2), manifests],
                       capture_output=True, text=True)
    found = {}
    try:
        report = json.loads(r.stdout or "{}")
    except json.JSONDecodeError:
        return {None: [f"kubeconform: {r.stdout[-500:]} {r.stderr[-500:]}"]}
    for res in report.get("resources", []):
        if res.get("status") in ("statusInvalid", "statusError"):
            index = int(os.path.basename(res["filename"]).split("-")[0])
            found.setdefault(index, []).append(f"kubeconform: {res['kind']} {res['name']}: {res.get('msg')}")
    if r.returncode and not found:
        found[None] = [f"kubeconform exited {r.returncode}: {r.stderr[-500:]}"]
    return found


def main():
    with tempfile.TemporaryDirectory() as secrets:
        files = {}
        for name, value in (("@secret", "s3cr3t-value-0123456789"), ("@openai", "sk-test0123456789abcdefXYZ"),
                            ("@pgpass", "p@ss:w/rd$1%#?"),  # every character a URL must escape
                            ("@mongo", "mongodb+srv://u:p@cluster0.example.net/?retryWrites=true")):
            path = os.path.join(secrets, name[1:])
            with open(path, "w", encoding="utf-8") as f:
                f.write(value + "\n")
            files[name] = path
        combos = list(combinations())
        manifests = os.path.join(secrets, "manifests")
        os.mkdir(manifests)
        with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            futures = [pool.submit(run_one, i, c, files, manifests) for i, c in enumerate(combos)]
            results = sorted(f.result() for f in futures)
        invalid = kubeconform_all(manifests)
        failed = 0
        if None in invalid:
            failed += 1
            print("not ok 0 - kubeconform over every rendered manifest")
            for p in invalid[None]:
                print(f"#   {p}")
        for n, (index, combo, problems) in enumerate(results, 1):
            problems = problems + invalid.get(index, [])
            name = " ".join(x for x in combo if x)
            if problems:
                failed += 1
                print(f"not ok {n} - setup {name}")
                for p in problems[:5]:
                    print(f"#   {p}")
            else:
                print(f"ok {n} - setup {name} (schema, compose, toml, opencode; fast YAML path = libfyaml; helm 3 + helm 4; kubeconform)")
        n = len(results)
        for name, args, expect in BAD_BACKUPS:
            n += 1
            problems = bad_backup(args, expect)
            if problems:
                failed += 1
                print(f"not ok {n} - setup refuses a bad backup answer: {name}")
                for p in problems:
                    print(f"#   {p}")
            else:
                print(f"ok {n} - setup refuses a bad backup answer: {name} (exit 2, one sentence naming the flag, nothing written)")
        print(f"# {n - failed} passed, {failed} failed")
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
