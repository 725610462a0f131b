#!/usr/bin/env python3
"""examples/verta: docker-compose.yaml against the Compose Specification schema and the Verta
app contract (../shared/contracts/verta.md); init-env.sh writes a 0600 .env (TAP output).
No Docker runs here: the checks are on the files."""
import copy
import os
import re
import stat
import subprocess
import sys
import tempfile

import jsonschema
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "cli", "tests"))
from tap import case, run  # noqa: E402

EXAMPLE = os.path.join(ROOT, "examples", "verta")
with open(os.path.join(ROOT, "schemas", "compose-spec.json"), encoding="utf-8") as f:
    SCHEMA = yaml.safe_load(f)
with open(os.path.join(EXAMPLE, "docker-compose.yaml"), encoding="utf-8") as f:
    COMPOSE = yaml.safe_load(f)
SERVICES = COMPOSE["services"]
SECRETS = {"ADMIN_API_KEY", "DATABASE_URL", "DISCORD_BOT_TOKEN", "ML_SERVICE_API_KEY", "OPENROUTER_API_KEY"}
SUBST = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)(?::?[-?][^}]*)?\}")


def schema_errors(doc):
    v = jsonschema.Draft7Validator(SCHEMA)  # the schema declares draft-07 (its $schema URL lacks the "#")
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in v.iter_errors(doc)]


def env(service):
    return SERVICES[service].get("environment") or {}


@case
def compose_file_passes_the_compose_specification_schema():
    errors = schema_errors(COMPOSE)
    assert not errors, "\n".join(errors)


@case
def the_schema_check_can_fail():
    bad = copy.deepcopy(COMPOSE)
    bad["services"]["backend"]["environmentt"] = {}
    bad["services"]["redis"]["depends_on"] = 5
    assert len(schema_errors(bad)) == 2, schema_errors(bad)


@case
def every_image_is_pinned():
    for name, svc in SERVICES.items():
        image = re.sub(r"\$\{[A-Z_]+:-([^}]+)\}", r"\1", svc["image"])
        tag = image.rsplit("/", 1)[-1].partition(":")[2]
        assert tag and tag != "latest", f"{name}: image {svc['image']} is not pinned"


@case
def the_four_services_of_the_contract_run():
    assert set(SERVICES) == {"backend", "frontend", "ml", "redis"}, sorted(SERVICES)


@case
def backend_gets_every_variable_it_needs_at_start():
    for var in ("ADMIN_API_KEY", "DATABASE_URL", "DISCORD_BOT_TOKEN", "ML_SERVICE_API_KEY"):
        assert var in env("backend"), f"backend: {var} missing"
    assert env("backend")["NODE_ENV"] != "test"


@case
def admin_key_is_required_everywhere_never_the_built_in_default():
    for name in ("backend", "frontend", "ml"):
        value = env(name).get("ADMIN_API_KEY", "")
        assert value.startswith("${ADMIN_API_KEY:?"), f"{name}: ADMIN_API_KEY={value!r} is not a required substitution"


@case
def secrets_come_from_dot_env_only():
    for name, svc in SERVICES.items():
        for var, value in (svc.get("environment") or {}).items():
            if var in SECRETS:
                assert str(value).startswith("${"), f"{name}: {var} has a literal value in the compose file"


@case
def service_urls_name_the_compose_services():
    assert env("backend")["REDIS_HOST"] == "redis"
    assert env("backend")["ML_SERVICE_URL"] == "http://ml:8000"
    assert env("frontend")["BACKEND_URL"] == "http://backend:25000"


@case
def ports_are_published_on_loopback_only():
    for name, svc in SERVICES.items():
        for p in svc.get("ports") or []:
            assert str(p).startswith("127.0.0.1:"), f"{name}: port {p} is published on every interface"


@case
def redis_keeps_an_append_only_file_on_a_volume():
    cmd = SERVICES["redis"]["command"]
    assert "--appendonly" in cmd and cmd[cmd.index("--appendonly") + 1] == "yes", cmd
    assert any(str(v).endswith(":/data") for v in SERVICES["redis"]["volumes"])


@case
def every_substituted_variable_is_in_the_env_file_init_env_writes():
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([os.path.join(EXAMPLE, "init-env.sh"), os.path.join(d, ".env")], check=True, capture_output=True)
        with open(os.path.join(d, ".env"), encoding="utf-8") as f:
            names = {line.split("=", 1)[0] for line in f if "=" in line and not line.startswith("#")}
    text = open(os.path.join(EXAMPLE, "docker-compose.yaml"), encoding="utf-8").read()
    used = set(SUBST.findall(text)) - {"VERTA_TAG", "LOG_LEVEL"}
    assert used <= names, f"not in .env: {sorted(used - names)}"


@case
def init_env_writes_mode_0600_with_a_generated_key():
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, ".env")
        subprocess.run([os.path.join(EXAMPLE, "init-env.sh"), path], check=True, capture_output=True)
        mode = stat.S_IMODE(os.stat(path).st_mode)
        assert mode == 0o600, oct(mode)
        key = next(line.split("=", 1)[1].strip() for line in open(path) if line.startswith("ADMIN_API_KEY="))
        assert re.fullmatch(r"[0-9a-f]{48}", key), "ADMIN_API_KEY is not 24 random bytes in hex"
        assert not [f for f in os.listdir(d) if f != ".env"], os.listdir(d)


@case
def init_env_refuses_to_overwrite():
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, ".env")
        with open(path, "w") as f:
            f.write("DATABASE_URL=mysql://keep\n")
        p = subprocess.run([os.path.join(EXAMPLE, "init-env.sh"), path], capture_output=True, text=True)
        assert p.returncode == 1 and "already exists" in p.stderr, (p.returncode, p.stderr)
        assert open(path).read() == "DATABASE_URL=mysql://keep\n"


if __name__ == "__main__":
    sys.exit(run())
