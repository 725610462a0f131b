#!/usr/bin/env python3
"""aeterna validate: the chart's rules from both sides, positions, JSON output, compose and config.

Every bad-values case of the chart must be rejected by `aeterna validate` (exit 1, with the
case's expected message), every ci scenario accepted (exit 0) — the same cases helm renders in
make test, so the C rules and the chart's templates cannot drift apart.
"""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from tap import case, run  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("AETERNA_BIN", os.path.join(ROOT, "build", "aeterna"))
CHART = os.path.join(ROOT, "charts", "aeterna")
BASE = os.path.join(CHART, "ci", "local-values.yaml")
CLUSTER_APIS = ["postgresql.cnpg.io/v1", "psmdb.percona.com/v1", "monitoring.coreos.com/v1", "autoscaling.k8s.io/v1",
                "external-secrets.io/v1"]


def validate(*args, cwd=None):
    return subprocess.run([BIN, "validate", *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "NO_COLOR": "1"})


def api_args(path):
    with open(path, encoding="utf-8") as f:
        m = re.search(r"^# api-versions:(.*)$", f.read(), re.M)
    apis = m.group(1).split() if m else CLUSTER_APIS
    out = []
    for a in apis or ["none"]:
        out += ["--api-versions", a]
    return out


def expected(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"^# expect-validate: (.*)$", text, re.M) or re.search(r"^# expect: (.*)$", text, re.M)
    return m.group(1)


def bad_case(path):
    def check():
        r = validate("-f", BASE, "-f", path, *api_args(path))
        assert r.returncode == 1, f"exit {r.returncode}\n{r.stdout}{r.stderr}"
        want = expected(path)
        assert want in r.stdout, f"expected: {want}\ngot: {r.stdout}"
        assert re.search(r"^\S+:\d+:\d+: error: ", r.stdout, re.M), r.stdout
    check.__name__ = f"rejects bad-values/{os.path.basename(path)}"
    return check


def good_case(path):
    def check():
        r = validate("-f", path, *api_args(path))
        assert r.returncode == 0, f"exit {r.returncode}\n{r.stdout}{r.stderr}"
    check.__name__ = f"accepts ci/{os.path.basename(path)}"
    return check


for p in sorted(glob.glob(os.path.join(CHART, "bad-values", "*.yaml"))):
    case(bad_case(p))
for p in sorted(glob.glob(os.path.join(CHART, "ci", "*-values.yaml"))):
    case(good_case(p))


def write(d, name, text):
    path = os.path.join(d, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


@case
def all_errors_in_one_run_with_source_line_and_caret():
    with tempfile.TemporaryDirectory() as d:
        p = write(d, "v.yaml", "replicaCount: many\nservice:\n  port: 0\ndragonfly:\n  enabled: true\nvalkey:\n  enabled: true\n")
        r = validate("-f", p)
        assert r.returncode == 1
        assert f"{p}:1:15: error: replicaCount: must be an integer, not string" in r.stdout, r.stdout
        assert f"{p}:3:9: error: service.port: must be at least 1" in r.stdout, r.stdout
        assert "  replicaCount: many\n" in r.stdout and "\n                ^\n" in r.stdout, r.stdout
        assert "2 errors" in r.stderr, r.stderr
        # the two caches break a rule too: rules wait for the schema errors, and say so
        assert "are both true" not in r.stdout, r.stdout
        assert r.stdout.endswith(f"{p}: note: the chart's cross-key rules were not checked; they run once the "
                                 "schema errors are fixed\n"), r.stdout
        p = write(d, "v.yaml", "dragonfly:\n  enabled: true\nvalkey:\n  enabled: true\n")
        r = validate("-f", p)
        assert r.returncode == 1 and "are both true" in r.stdout and "not checked" not in r.stdout, r.stdout


@case
def rules_report_every_broken_rule_at_its_key():
    with tempfile.TemporaryDirectory() as d:
        p = write(d, "v.yaml", "dragonfly:\n  enabled: true\nvalkey:\n  enabled: true\ncache:\n  external:\n    host: r.example.com\n"
                  "llm:\n  provider: anthropic\n")
        r = validate("-f", p)
        assert r.returncode == 1
        assert f"{p}:4:12: error: dragonfly.enabled and valkey.enabled are both true" in r.stdout, r.stdout
        assert f"{p}:7:11: error: cache.external.host (\"r.example.com\") is set while the bundled cache" in r.stdout, r.stdout
        assert f"{p}:9:13: error: llm.provider \"anthropic\" is not served" in r.stdout, r.stdout


@case
def later_files_win_and_null_deletes():
    with tempfile.TemporaryDirectory() as d:
        a = write(d, "a.yaml", "dragonfly:\n  enabled: false\ncache:\n  external:\n    host: r\nauth:\n  allowUnauthenticated: true\n")
        b = write(d, "b.yaml", "cache:\n  external:\n    host: null\n")
        assert validate("-f", a).returncode == 0
        r = validate("-f", a, "-f", b)
        assert r.returncode == 1 and "cache.external.host is required when neither" in r.stdout, r.stdout


@case
def yaml_pitfalls_are_reported():
    with tempfile.TemporaryDirectory() as d:
        p = write(d, "v.yaml", "server:\n  logLevel: info\nserver:\n  logLevel: debug\n")
        r = validate("-f", p)
        assert r.returncode == 1 and f"{p}:3:1: error: duplicate key 'server'" in r.stdout, r.stdout
        p = write(d, "t.yaml", "server:\n\tlogLevel: info\n")
        r = validate("-f", p)
        assert r.returncode == 1 and f"{p}:2:" in r.stdout and "YAML syntax" in r.stdout, r.stdout
        p = write(d, "b.yaml", "ingress:\n  enabled: on\nauth:\n  allowUnauthenticated: true\n")
        r = validate("-f", p)
        assert r.returncode == 0, r.stdout
        assert f"{p}:2:12: warning: 'on' is read by Helm as the boolean true" in r.stdout, r.stdout


@case
def json_output_is_machine_readable():
    with tempfile.TemporaryDirectory() as d:
        p = write(d, "v.yaml", "replicaCount: x\n")
        r = validate("--json", "-f", p)
        assert r.returncode == 1
        items = json.loads(r.stdout)
        assert items == [{"file": p, "line": 1, "column": 15, "severity": "error",
                          "message": "replicaCount: must be an integer, not string", "path": "replicaCount"},
                         {"file": p, "line": 0, "column": 0, "severity": "note",  # line 0: the whole file
                          "message": "the chart's cross-key rules were not checked; they run once the schema "
                                     "errors are fixed"}], items
        r = validate("--json", "-f", BASE, *api_args(BASE))
        assert r.returncode == 0 and json.loads(r.stdout) == [], r.stdout


@case
def usage_and_io_errors_exit_2():
    with tempfile.TemporaryDirectory() as d:
        r = validate(cwd=d)
        assert r.returncode == 2 and "nothing to validate" in r.stderr, r.stderr
        r = validate("-f", os.path.join(d, "missing.yaml"))
        assert r.returncode == 2 and "cannot read" in r.stdout, r.stdout + r.stderr
        r = validate("--bogus")
        assert r.returncode == 2 and "unknown option" in r.stderr, r.stderr
        s = write(d, "s.json", '{"properties": {"a": {"tpye": "string"}}}')
        r = validate("-f", BASE, "--schema", s)
        assert r.returncode == 2 and "unknown keyword 'tpye'" in r.stdout, r.stdout


@case
def compose_and_config_written_by_setup_are_valid_and_breakage_is_found():
    with tempfile.TemporaryDirectory() as d:
        r = subprocess.run([BIN, "setup", "--non-interactive", "--target", "docker-compose", "-o", d],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        r = validate(cwd=d)
        assert r.returncode == 0, r.stdout + r.stderr
        with open(os.path.join(d, "docker-compose.yaml"), "a", encoding="utf-8") as f:
            f.write("volumes_typo: {}\n")
        r = validate("--compose", os.path.join(d, "docker-compose.yaml"))
        assert r.returncode == 1 and "unknown key 'volumes_typo'" in r.stdout, r.stdout
        cfg = os.path.join(d, ".aeterna", "config.toml")
        with open(cfg, "a", encoding="utf-8") as f:
            f.write("[cache]\nport = 99999\n")
        r = validate("--config", cfg)
        assert r.returncode == 1 and "config.toml:" in r.stdout, r.stdout


@case
def an_80000_key_mapping_is_validated_in_linear_time():
    """Hashed key lookups, sorted diagnostics printed in one pass: 80,000 keys (valid ones under a
    free-form map, then 80,000 unknown top-level keys, each an error) take at most 1 s of CPU with
    the release build (the ASan build, when that is what runs here, gets 4 s)."""
    import resource
    release = os.path.join(ROOT, "build", "aeterna")
    binary = release if os.path.exists(release) else BIN
    limit = 1.0 if binary == release else 4.0
    with tempfile.TemporaryDirectory() as d:
        good = write(d, "good.yaml", "commonAnnotations:\n" + "".join(f"  example.com/k{i}: v{i}\n" for i in range(80000)))
        bad = write(d, "bad.yaml", "".join(f"k{i}: v{i}\n" for i in range(80000)))
        for path, rc, count in ((good, 0, None), (bad, 1, 80000)):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            r = subprocess.run([binary, "validate", "-f", BASE, "-f", path, *api_args(BASE)], capture_output=True,
                               text=True)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            assert r.returncode == rc, r.stdout[-500:] + r.stderr
            if count:
                assert f"{count} errors" in r.stdout + r.stderr, r.stdout[-300:]
            assert cpu <= limit, f"{os.path.basename(path)}: {cpu:.2f} s of CPU"
            print(f"# {os.path.basename(path)}: {cpu:.3f} s CPU", flush=True)


if __name__ == "__main__":
    sys.exit(run("validate: "))
