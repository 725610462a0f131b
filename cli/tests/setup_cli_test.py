#!/usr/bin/env python3
"""Behaviour of `aeterna setup` as a user meets it: flags, bad input, non-TTY, files written,
backups, modes, --dry-run, --show, --validate, --reconfigure round trips, OpenCode merging.
Prints TAP lines. Run by `make test`."""
import atexit
import json
import os
import stat
import shutil
import subprocess
import sys
import tempfile
import tomllib

from tap import case, run

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("AETERNA_BIN", os.path.join(ROOT, "build", "aeterna"))
sys.path.insert(0, os.path.dirname(__file__))
from staged_chart import CLUSTER_APIS, staged_chart  # noqa: E402

CHART = staged_chart()


# OpenCode's project entry goes to the git top level of the working directory (or the directory
# itself): a run without an explicit cwd works in its output folder, or in a private scratch one.
SCRATCH = tempfile.mkdtemp(prefix="aeterna-cwd-")
atexit.register(shutil.rmtree, SCRATCH, True)


def default_cwd(args):
    if "-o" in args:
        out = args[args.index("-o") + 1]
        if os.path.isdir(out):
            return out
    return SCRATCH


def setup(*args, cwd=None, env=None, stdin=subprocess.DEVNULL):
    cwd = cwd or default_cwd(args)
    e = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY") and k not in
         ("MONGODB_URI", "DATABRICKS_TOKEN", "AETERNA_CENTRAL_CREDENTIAL")}
    e["AETERNA_CHART"] = CHART
    e["AETERNA_HELM"] = os.path.join(ROOT, ".tools", "bin", "helm3")
    e.update(env or {})
    return subprocess.run([BIN, "setup", *args], capture_output=True, text=True, cwd=cwd, env=e, stdin=stdin)


def listing(d):
    out = []
    for root, dirs, files in os.walk(d):
        for f in files:
            out.append(os.path.relpath(os.path.join(root, f), d))
    return sorted(out)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def expect_usage_error(args, needle, *, env=None):
    with tempfile.TemporaryDirectory() as d:
        r = setup("--non-interactive", "-o", d, *args, env=env)
        assert r.returncode == 2, f"exit {r.returncode}, stderr: {r.stderr}"
        assert needle in r.stderr, f"{needle!r} not in: {r.stderr}"
        assert listing(d) == [], f"files written: {listing(d)}"


@case
def help_lists_every_flag_grouped():
    r = subprocess.run([BIN, "setup", "--help"], capture_output=True, text=True)
    assert r.returncode == 0
    for needle in ("--target kubernetes|docker-compose|opencode-only", "--mode local|hybrid|remote",
                   "Central server (hybrid/remote):", "--pinecone-api-key SECRET", "$PINECONE_API_KEY",
                   "--pinecone-api-key-file PATH", "--[no-]opal", "--ingress-host HOST", "--non-interactive",
                   "--reconfigure", "--show", "--validate", "--dry-run", "-o, --output DIR"):
        assert needle in r.stdout, needle


@case
def no_terminal_without_non_interactive_exits_2():
    with tempfile.TemporaryDirectory() as d:
        r = setup("-o", d)
        assert r.returncode == 2 and "--non-interactive" in r.stderr, r.stderr
        assert listing(d) == []


@case
def missing_required_flag_is_named():
    expect_usage_error(["--mode", "hybrid"], "missing --central-url (required for --mode hybrid)")


@case
def missing_secret_names_flag_env_and_file():
    expect_usage_error(["--vector-backend", "pinecone", "--pinecone-environment", "e", "--pinecone-index", "i"],
                       "missing --pinecone-api-key (required for --vector-backend pinecone; or set PINECONE_API_KEY")


@case
def bad_url_is_refused():
    expect_usage_error(["--mode", "remote", "--central-url", "ftp://central", "--central-credential-file", "/dev/null"],
                       "--central-url must be an http:// or https:// URL")


@case
def port_zero_is_refused():
    expect_usage_error(["--cache", "external", "--cache-host", "r", "--cache-port", "0"],
                       "--cache-port must be a whole number from 1 to 65535, got '0'")


@case
def port_70000_is_refused():
    expect_usage_error(["--postgres", "external", "--postgres-host", "db", "--postgres-port", "70000"],
                       "--postgres-port must be a whole number from 1 to 65535, got '70000'")


@case
def unknown_enum_is_refused():
    expect_usage_error(["--vector-backend", "pgvector"],
                       "--vector-backend must be one of qdrant, weaviate, mongodb, pinecone, vertex-ai, databricks")


@case
def unknown_flag_is_refused():
    expect_usage_error(["--frobnicate"], "unknown option '--frobnicate'")
    expect_usage_error(["extra"], "unexpected argument 'extra'")


@case
def boolean_flags_take_equals_or_no_prefix():
    expect_usage_error(["--opal", "false"], "unexpected argument 'false': write --opal=false (or --no-opal)")
    expect_usage_error(["--opal=maybe"], "--opal must be true or false, got 'maybe'")
    with tempfile.TemporaryDirectory() as d:
        assert setup("--non-interactive", "-o", d, "--opal=false", "--no-hpa", "--pdb",
                     "--knowledge-repo=https://github.com/acme/k.git").returncode == 0
        cfg = tomllib.loads(read(os.path.join(d, ".aeterna/config.toml")))
        assert cfg["authorization"]["opal"] is False and cfg["kubernetes"]["pdb"] is True
        assert "replicaCount: 2" in read(os.path.join(d, "values.yaml"))  # a PDB needs a second replica


@case
def bad_openai_key_shape_is_refused():
    expect_usage_error(["--llm", "openai"], "missing --llm-api-key", env={})
    expect_usage_error(["--llm", "openai"], "--llm-api-key does not look like an OpenAI key",
                       env={"OPENAI_API_KEY": "not-a-key"})


@case
def bad_mongodb_uri_is_refused():
    expect_usage_error(["--vector-backend", "mongodb", "--vector-deployment", "external"],
                       "--mongodb-uri must start with mongodb://", env={"MONGODB_URI": "https://x"})


@case
def missing_output_dir_is_created_but_not_by_dry_run():
    with tempfile.TemporaryDirectory() as d:
        target = os.path.join(d, "deploy", "prod") + "/"
        r = setup("--non-interactive", "--dry-run", "-o", target)
        assert r.returncode == 0 and not os.path.exists(os.path.join(d, "deploy")), r.stderr
        r = setup("--non-interactive", "-o", target, cwd=d)
        assert r.returncode == 0, r.stderr
        assert {"values.yaml", "docker-compose.yaml", ".aeterna/config.toml"} <= set(listing(target))
        # OpenCode reads its project entry at the project root, not in the deployment folder
        assert "opencode.json" not in listing(target) and os.path.exists(os.path.join(d, "opencode.json"))


@case
def opencode_entry_goes_to_the_git_top_level():
    with tempfile.TemporaryDirectory() as d:
        os.mkdir(os.path.join(d, ".git"))
        sub = os.path.join(d, "ops", "deploy")
        os.makedirs(sub)
        r = setup("--non-interactive", "-o", "out", cwd=sub)
        assert r.returncode == 0, r.stderr
        assert os.path.exists(os.path.join(d, "opencode.json")), listing(d)
        assert "opencode.json" not in listing(os.path.join(sub, "out"))
        assert os.path.join(d, "opencode.json") in r.stdout, r.stdout


@case
def rerun_over_answers_refuses_without_reconfigure_or_force():
    with tempfile.TemporaryDirectory() as d:
        assert setup("--non-interactive", "-o", d).returncode == 0
        before = {p: read(os.path.join(d, p)) for p in listing(d)}
        r = setup("--non-interactive", "-o", d, "--cache", "valkey")
        assert r.returncode == 2, r.stderr
        assert "already holds answers: pass --reconfigure" in r.stderr and "--force" in r.stderr, r.stderr
        assert {p: read(os.path.join(d, p)) for p in listing(d)} == before
        assert setup("--non-interactive", "-o", d, "--force", "--cache", "valkey").returncode == 0


@case
def version_rejects_unknown_flags():
    r = subprocess.run([BIN, "version", "--json"], capture_output=True, text=True)
    assert r.returncode == 2 and "unknown option '--json'" in r.stderr, r.stderr
    r = subprocess.run([BIN, "version", "extra"], capture_output=True, text=True)
    assert r.returncode == 2 and "unexpected argument 'extra'" in r.stderr, r.stderr
    assert subprocess.run([BIN, "version"], capture_output=True, text=True).returncode == 0


@case
def output_dir_that_cannot_be_made_or_is_a_file_is_refused():
    with tempfile.NamedTemporaryFile() as f:
        r = setup("--non-interactive", "-o", f.name)
        assert r.returncode == 2 and "not a directory" in r.stderr, r.stderr
        r = setup("--non-interactive", "-o", os.path.join(f.name, "sub"))
        assert r.returncode == 2 and f"-o {f.name}/sub" in r.stderr, r.stderr
    # /proc refuses new directories even to root
    r = setup("--non-interactive", "-o", "/proc/self/aeterna/out")
    assert r.returncode == 2 and "-o /proc/self/aeterna/out: cannot create the output directory" in r.stderr, r.stderr


@case
def unwritable_output_dir_is_refused():
    with tempfile.TemporaryDirectory() as d:
        target = os.path.join(d, "ro")
        os.mkdir(target)
        # root ignores permission bits; a read-only bind is not available, so use a directory
        # on a read-only filesystem when running as root
        if os.geteuid() == 0:
            target = "/proc/self"
        else:
            os.chmod(target, 0o500)
        r = setup("--non-interactive", "-o", target)
        assert r.returncode == 2 and "not writable" in r.stderr, r.stderr


@case
def secrets_on_argv_warn_and_files_are_private():
    with tempfile.TemporaryDirectory() as d:
        r = setup("--non-interactive", "-o", d, "--llm", "openai", "--llm-api-key", "sk-test0123456789abcdefXYZ")
        assert r.returncode == 0, r.stderr
        assert "--llm-api-key on the command line is visible to other users" in r.stderr
        assert "sk-test0123456789abcdefXYZ" not in r.stdout + r.stderr
        for p in ("secrets.yaml", ".env", ".aeterna/config.toml"):
            assert stat.S_IMODE(os.stat(os.path.join(d, p)).st_mode) == 0o600, p
        # values.yaml and the compose file only refer to secrets.yaml and .env: no secret in them
        for p in ("values.yaml", "docker-compose.yaml"):
            assert "sk-test0123456789abcdefXYZ" not in read(os.path.join(d, p)), p
        assert "sk-test0123456789abcdefXYZ" in read(os.path.join(d, ".env"))
        assert "sk-test0123456789abcdefXYZ" in read(os.path.join(d, "secrets.yaml"))
        for p in ("opencode.json", "docker-compose.yaml", "values.yaml"):
            assert stat.S_IMODE(os.stat(os.path.join(d, p)).st_mode) == 0o644, p


@case
def secret_from_environment_is_used_without_warning():
    with tempfile.TemporaryDirectory() as d:
        r = setup("--non-interactive", "-o", d, "--llm", "openai", env={"OPENAI_API_KEY": "sk-env0123456789abcdefXYZ"})
        assert r.returncode == 0, r.stderr
        assert "visible to other users" not in r.stderr
        assert "sk-env0123456789abcdefXYZ" in read(os.path.join(d, "secrets.yaml"))
        assert "sk-env0123456789abcdefXYZ" not in read(os.path.join(d, "values.yaml"))


@case
def long_and_special_values_survive_every_file():
    uri = "mongodb+srv://user:p%40ss$word@cluster0.example.net/?" + "a=1&" * 600 + 'q="x"'
    with tempfile.TemporaryDirectory() as d:
        r = setup("--non-interactive", "-o", d, "--vector-backend", "mongodb", "--vector-deployment", "external",
                  env={"MONGODB_URI": uri})
        assert r.returncode == 0, r.stderr
        import yaml
        values = yaml.safe_load(read(os.path.join(d, "values.yaml")))
        assert values["vector"]["mongodb"] == {"existingSecret": "aeterna-setup-secrets", "existingSecretKey": "mongodb-uri"}
        assert yaml.safe_load(read(os.path.join(d, "secrets.yaml")))["stringData"]["mongodb-uri"] == uri
        compose = yaml.safe_load(read(os.path.join(d, "docker-compose.yaml")))
        # the server 0.8.0-rc.12 reads no vector-store setting: the stack does not pass it
        assert "MONGODB_URI" not in compose["services"]["aeterna"]["environment"]
        cfg = tomllib.loads(read(os.path.join(d, ".aeterna/config.toml")))
        assert cfg["vector"]["mongodb_uri"] == uri


@case
def several_replicas_need_a_remote_knowledge_repository():
    with tempfile.TemporaryDirectory() as d:
        r = setup("--non-interactive", "-o", d, "--pdb")
        assert r.returncode == 2 and "missing --knowledge-repo (required for --hpa or --pdb" in r.stderr, r.stderr
        assert listing(d) == []
        r = setup("--non-interactive", "-o", d, "--hpa", "--knowledge-repo", "git@github.com:acme/k.git")
        assert r.returncode == 2 and "--knowledge-repo must be an https:// git URL" in r.stderr, r.stderr
        r = setup("--non-interactive", "-o", d, "--hpa", "--knowledge-repo", "https://github.com/acme/k.git")
        assert r.returncode == 0, r.stderr
        assert 'knowledgeRepo:\n    url: "https://github.com/acme/k.git"' in read(os.path.join(d, "values.yaml"))


@case
def external_secrets_mode_writes_only_references():
    with tempfile.TemporaryDirectory() as d:
        r = setup("--non-interactive", "-o", d, "--llm", "openai", "--secrets", "external-secrets",
                  env={"OPENAI_API_KEY": "sk-ext0123456789abcdefXYZ"})
        assert r.returncode == 2 and "missing --secret-store" in r.stderr, r.stderr
        r = setup("--non-interactive", "-o", d, "--llm", "openai", "--secrets", "external-secrets",
                  "--secret-store", "aws-sm", env={"OPENAI_API_KEY": "sk-ext0123456789abcdefXYZ"})
        assert r.returncode == 0, r.stderr
        assert not os.path.exists(os.path.join(d, "secrets.yaml"))
        values_text = read(os.path.join(d, "values.yaml"))
        assert "sk-ext0123456789abcdefXYZ" not in values_text
        import yaml
        values = yaml.safe_load(values_text)
        es = values["secrets"]["externalSecrets"]
        assert values["secrets"]["provider"] == "external-secrets" and es["storeRef"]["name"] == "aws-sm"
        assert es["secrets"] == [{"name": "aeterna-setup-secrets",
                                  "data": [{"secretKey": "llm-api-key", "remoteRef": {"key": "aeterna/llm-api-key"}}]}]
        assert values["llm"]["openai"]["existingSecret"] == "aeterna-setup-secrets"
        r = subprocess.run([os.path.join(ROOT, ".tools", "bin", "helm3"), "template", "a", CHART,
                            "-f", os.path.join(d, "values.yaml"), *CLUSTER_APIS], capture_output=True, text=True)
        assert r.returncode == 0 and "kind: ExternalSecret" in r.stdout, r.stderr


@case
def compose_kms_key_is_kept_and_a_malformed_one_refused():
    with tempfile.TemporaryDirectory() as d:
        assert setup("--non-interactive", "-o", d).returncode == 0
        env = read(os.path.join(d, ".env"))
        key = [l for l in env.splitlines() if l.startswith("AETERNA_LOCAL_KMS_KEY=")][0]
        assert setup("--non-interactive", "--reconfigure", "-o", d, "--hpa=false").returncode == 0
        assert key in read(os.path.join(d, ".env"))
        with open(os.path.join(d, ".env"), "w", encoding="utf-8") as f:
            f.write(env.replace(key, "AETERNA_LOCAL_KMS_KEY='dG9vLXNob3J0'"))
        before = {p: read(os.path.join(d, p)) for p in listing(d)}
        r = setup("--non-interactive", "--reconfigure", "-o", d)
        assert r.returncode != 0 and "AETERNA_LOCAL_KMS_KEY is not the standard base64 of 32 bytes" in r.stderr, r.stderr
        assert {p: read(os.path.join(d, p)) for p in listing(d)} == before


@case
def irrelevant_flag_warns():
    with tempfile.TemporaryDirectory() as d:
        r = setup("--non-interactive", "-o", d, "--pinecone-index", "x")
        assert r.returncode == 0 and "--pinecone-index does not apply" in r.stderr, r.stderr


@case
def targets_write_their_files():
    with tempfile.TemporaryDirectory() as d:
        assert setup("--non-interactive", "-o", d, "--target", "opencode-only", "--mode", "remote",
                     "--central-url", "https://c.example.com/", "--central-auth", "oauth2").returncode == 0
        assert listing(d) == [".aeterna/config.toml", "opencode.json"], listing(d)
        oc = json.loads(read(os.path.join(d, "opencode.json")))
        assert oc["mcp"]["aeterna"] == {"type": "remote", "url": "https://c.example.com/mcp/sse", "enabled": True}
    with tempfile.TemporaryDirectory() as d:
        r = setup("--non-interactive", "-o", d, "--target", "docker-compose")
        assert r.returncode == 0 and "docker compose up -d" in r.stdout, r.stdout
        assert listing(d) == [".aeterna/config.toml", ".env", "docker-compose.yaml", "opencode.json", "secrets.yaml",
                              "values.yaml"]


@case
def api_key_auth_adds_an_env_header_not_the_key():
    with tempfile.TemporaryDirectory() as d:
        r = setup("--non-interactive", "-o", d, "--mode", "hybrid", "--central-url", "https://c.example.com",
                  env={"AETERNA_CENTRAL_CREDENTIAL": "central-key-123"})
        assert r.returncode == 0, r.stderr
        text = read(os.path.join(d, "opencode.json"))
        assert "central-key-123" not in text
        assert json.loads(text)["mcp"]["aeterna"]["headers"] == {"Authorization": "Bearer {env:AETERNA_API_KEY}"}


@case
def opencode_merge_keeps_user_keys():
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "opencode.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"theme": "dark", "mcp": {"other": {"type": "local", "command": ["x"]}},
                       "agent": {"a": {"model": "m"}}}, f)
        os.chmod(path, 0o640)
        assert setup("--non-interactive", "-o", d).returncode == 0
        oc = json.loads(read(path))
        assert oc["theme"] == "dark" and oc["agent"] == {"a": {"model": "m"}}
        assert oc["mcp"]["other"] == {"type": "local", "command": ["x"]}
        assert oc["mcp"]["aeterna"]["url"] == "http://localhost:8080/mcp/sse"
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
        assert any(n.startswith("opencode.json.") and n.endswith(".bak") for n in os.listdir(d))


@case
def broken_opencode_json_stops_everything():
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "opencode.json")
        with open(path, "w", encoding="utf-8") as f:
            f.write('{"theme": "dark",\n  oops }\n')
        r = setup("--non-interactive", "-o", d)
        assert r.returncode == 2, r.returncode
        assert "opencode.json:2:" in r.stderr and "nothing was written" in r.stderr, r.stderr
        assert listing(d) == ["opencode.json"] and read(path).startswith('{"theme"')


@case
def user_level_opencode_file():
    with tempfile.TemporaryDirectory() as d, tempfile.TemporaryDirectory() as home:
        r = setup("--non-interactive", "-o", d, "--opencode-scope", "user", env={"XDG_CONFIG_HOME": home})
        assert r.returncode == 0, r.stderr
        assert os.path.exists(os.path.join(home, "opencode", "opencode.json"))
        assert "opencode.json" not in listing(d)


@case
def dry_run_writes_nothing_and_masks_secrets():
    with tempfile.TemporaryDirectory() as d:
        r = setup("--non-interactive", "--dry-run", "-o", d, "--llm", "openai",
                  env={"OPENAI_API_KEY": "sk-dry0123456789abcdefXYZ"})
        assert r.returncode == 0, r.stderr
        assert listing(d) == []
        assert "--- values.yaml (new)" in r.stdout and "********" in r.stdout
        assert "sk-dry0123456789abcdefXYZ" not in r.stdout
        # against existing files: a diff, still masked, still nothing written
        assert setup("--non-interactive", "-o", d, "--llm", "openai",
                     env={"OPENAI_API_KEY": "sk-dry0123456789abcdefXYZ"}).returncode == 0
        before = {p: read(os.path.join(d, p)) for p in listing(d)}
        r = setup("--non-interactive", "--reconfigure", "--dry-run", "-o", d, "--hpa",
                  "--knowledge-repo", "https://github.com/acme/k.git", env={"OPENAI_API_KEY": "sk-new0123456789abcdefXYZ"})
        assert r.returncode == 0, r.stderr
        assert "--- values.yaml (current)\n+++ values.yaml (new)\n" in r.stdout, r.stdout
        assert "-  enabled: false\n+  enabled: true\n" in r.stdout, r.stdout
        assert '-    apiKey: "********"' not in r.stdout  # a changed secret shows as masked on both sides
        assert "sk-new0123456789abcdefXYZ" not in r.stdout and "sk-dry0123456789abcdefXYZ" not in r.stdout
        assert "--- opencode.json (unchanged)" in r.stdout
        assert {p: read(os.path.join(d, p)) for p in listing(d)} == before


@case
def rerun_keeps_backups_and_reports_unchanged():
    with tempfile.TemporaryDirectory() as d:
        assert setup("--non-interactive", "-o", d).returncode == 0
        r = setup("--non-interactive", "--reconfigure", "-o", d)
        assert r.returncode == 0 and r.stdout.count("unchanged") == 6, r.stdout
        r = setup("--non-interactive", "--reconfigure", "-o", d, "--hpa", "--knowledge-repo", "https://github.com/acme/knowledge.git")
        assert "previous version kept as" in r.stdout, r.stdout
        backups = [n for n in os.listdir(d) if n.startswith("values.yaml.") and n.endswith(".bak")]
        assert len(backups) == 1, os.listdir(d)
        assert "autoscaling:\n  enabled: false" in read(os.path.join(d, backups[0]))
        assert "autoscaling:\n  enabled: true" in read(os.path.join(d, "values.yaml"))


@case
def reconfigure_round_trip_is_byte_identical():
    args = ["--mode", "hybrid", "--central-url", "https://c.example.com", "--central-auth", "service-account",
            "--vector-backend", "databricks", "--databricks-url", "https://dbc.example.com",
            "--databricks-catalog", "main", "--databricks-schema", "s", "--cache", "external",
            "--cache-host", "redis.example.com", "--postgres", "external", "--postgres-host", "db.example.com",
            "--llm", "google", "--google-project", "p", "--opal", "--ingress", "--ingress-host", "a.example.com",
            "--service-monitor", "--network-policy", "--pdb", "--knowledge-repo", "https://github.com/acme/knowledge.git",
            "--sync-interval", "60"]
    env = {"DATABRICKS_TOKEN": "dapi-0123", "AETERNA_POSTGRES_PASSWORD": "pw with \"quotes\" and \\ and \t tab"}
    with tempfile.TemporaryDirectory() as d:
        assert setup("--non-interactive", "-o", d, *args, env=env).returncode == 0
        before = {p: read(os.path.join(d, p)) for p in listing(d)}
        r = setup("--non-interactive", "--reconfigure", "-o", d)
        assert r.returncode == 0, r.stderr
        after = {p: read(os.path.join(d, p)) for p in listing(d)}
        assert before == after
        cfg = tomllib.loads(after[".aeterna/config.toml"])
        assert cfg["postgresql"]["password"] == env["AETERNA_POSTGRES_PASSWORD"]
        assert cfg["hybrid"]["sync_interval_seconds"] == 60


@case
def reconfigure_flags_override_previous_answers():
    with tempfile.TemporaryDirectory() as d:
        assert setup("--non-interactive", "-o", d, "--cache", "valkey").returncode == 0
        assert setup("--non-interactive", "--reconfigure", "-o", d, "--llm", "bedrock", "--bedrock-region",
                     "eu-west-1").returncode == 0
        cfg = tomllib.loads(read(os.path.join(d, ".aeterna/config.toml")))
        assert cfg["cache"]["kind"] == "valkey" and cfg["llm"]["provider"] == "bedrock"


@case
def user_edits_to_values_survive_reconfigure():
    with tempfile.TemporaryDirectory() as d:
        assert setup("--non-interactive", "-o", d).returncode == 0
        path = os.path.join(d, "values.yaml")
        text = read(path)
        text = text.replace('deploymentMode: "local"', '# why local\ndeploymentMode: "local"  # note')
        text = text.replace('vector:\n  backend: "qdrant"', 'vector:\n  embeddingDimension: 3072\n  backend: "qdrant"')
        text += "\n# mine\nreplicaCount: 3\n"
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        # same answers: nothing to change, the file stays byte for byte
        r = setup("--non-interactive", "--reconfigure", "-o", d)
        assert r.returncode == 0 and "unchanged  values.yaml" in r.stdout, r.stdout + r.stderr
        assert read(path) == text
        # new answers: owned keys change in place, the user's lines stay
        r = setup("--non-interactive", "--reconfigure", "-o", d, "--vector-backend", "weaviate", "--hpa",
                  "--knowledge-repo", "https://github.com/acme/k.git", "--llm", "bedrock", "--bedrock-region", "eu-west-1")
        assert r.returncode == 0, r.stderr
        new = read(path)
        for kept in ("# why local\n", 'deploymentMode: "local"  # note', "embeddingDimension: 3072", "# mine\nreplicaCount: 3\n"):
            assert kept in new, kept
        assert 'backend: "weaviate"' in new and "weaviate:\n  enabled: true" in new
        assert "qdrant:\n  enabled: false" in new and new.count("url:") == 1  # the knowledge repository's only
        assert 'knowledgeRepo:\n    url: "https://github.com/acme/k.git"' in new
        assert "autoscaling:\n  enabled: true" in new and 'provider: "bedrock"' in new
        r = subprocess.run([os.path.join(ROOT, ".tools", "bin", "helm3"), "template", "a", CHART,
                            "-f", path, *CLUSTER_APIS], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr


@case
def unparsable_values_is_rewritten_with_a_backup():
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "values.yaml"), "w", encoding="utf-8") as f:
            f.write("replicaCount: [\n")
        r = setup("--non-interactive", "-o", d)
        assert r.returncode == 0 and "cannot be edited in place" in r.stderr, r.stderr
        assert any(n.startswith("values.yaml.") and n.endswith(".bak") for n in os.listdir(d))
        assert read(os.path.join(d, "values.yaml")).startswith("# Values for charts/aeterna")


@case
def reconfigure_without_config_exits_2():
    with tempfile.TemporaryDirectory() as d:
        r = setup("--non-interactive", "--reconfigure", "-o", d)
        assert r.returncode == 2 and "no configuration" in r.stderr


@case
def broken_config_toml_reports_file_line_col():
    with tempfile.TemporaryDirectory() as d:
        os.mkdir(os.path.join(d, ".aeterna"))
        with open(os.path.join(d, ".aeterna", "config.toml"), "w", encoding="utf-8") as f:
            f.write('[setup]\nmode = "local"\n\n[cache]\nport = "many"\nbogus = 1\nkind = dragonfly\n')
        r = setup("--show", "-o", d)
        assert r.returncode == 2
        assert f"{d}/.aeterna/config.toml:5:1: error: [cache] port must be a number" in r.stderr, r.stderr
        assert f"{d}/.aeterna/config.toml:6:1: error: unknown key 'bogus' in [cache]" in r.stderr, r.stderr
        assert f"{d}/.aeterna/config.toml:7:8: error: expected a string" in r.stderr, r.stderr


@case
def show_masks_secrets():
    with tempfile.TemporaryDirectory() as d:
        assert setup("--non-interactive", "-o", d, "--llm", "openai",
                     env={"OPENAI_API_KEY": "sk-show0123456789abcdefXYZ"}).returncode == 0
        r = setup("--show", "-o", d)
        assert r.returncode == 0 and "api_key" in r.stdout and "********" in r.stdout
        assert "sk-show0123456789abcdefXYZ" not in r.stdout


@case
def validate_checks_generated_files():
    with tempfile.TemporaryDirectory() as d:
        assert setup("--non-interactive", "-o", d).returncode == 0
        r = setup("--validate", "-o", d)
        assert r.returncode == 0 and "values.yaml renders" in r.stdout, r.stdout + r.stderr
        with open(os.path.join(d, "values.yaml"), "a", encoding="utf-8") as f:
            f.write("replicas: 3\n")
        r = setup("--validate", "-o", d)
        assert r.returncode == 1 and "additional properties 'replicas' not allowed" in r.stderr, r.stderr
        with open(os.path.join(d, "docker-compose.yaml"), "a", encoding="utf-8") as f:
            f.write("  bad: [\n")
        r = setup("--validate", "-o", d)
        assert r.returncode == 1 and "docker-compose.yaml" in r.stderr, r.stderr


@case
def validate_explains_missing_subcharts():
    with tempfile.TemporaryDirectory() as d:
        chart = os.path.join(d, "aeterna")
        shutil.copytree(os.path.join(ROOT, "charts", "aeterna"), chart)
        shutil.rmtree(os.path.join(chart, "charts"), ignore_errors=True)
        out = os.path.join(d, "out")
        os.mkdir(out)
        assert setup("--non-interactive", "-o", out).returncode == 0
        r = setup("--validate", "-o", out, env={"AETERNA_CHART": chart})
        assert r.returncode == 1, r.stdout + r.stderr
        assert f"run 'helm dependency build {chart}'" in r.stderr, r.stderr


if __name__ == "__main__":
    sys.exit(run(''))
