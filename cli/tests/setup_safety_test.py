#!/usr/bin/env python3
"""`aeterna setup` never loses, mixes or leaks a user's files (issue 17, items 2, 4 and 5):
a run is a transaction (staged, then replaced; restored on a failure that names the file), one
run at a time per folder, no temporary file survives SIGINT/SIGTERM or a killed run, generated
passwords survive a re-run unless --rotate-secrets, --dry-run masks every secret by key (any
length or characters, with config.toml missing or corrupt), and every answer is checked with
validate's rules before anything is written (for every combination setup can generate,
`aeterna validate` accepts the files). Prints TAP lines. Run by `make test`.

AETERNA_TEST_HOLD_STAGED is a test hook of setup_apply.c: the run waits between staging and
replacing, so that this test can change the folder or send a signal at that point."""
import fcntl
import itertools
import os
import signal
import subprocess
import sys
import tempfile
import time

from tap import case, run

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("AETERNA_BIN", os.path.join(ROOT, "build", "aeterna"))
SECRET_ENV = ("MONGODB_URI", "DATABRICKS_TOKEN", "AETERNA_CENTRAL_CREDENTIAL", "AETERNA_POSTGRES_PASSWORD",
              "AETERNA_CACHE_PASSWORD")


def env_with(extra=None):
    e = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY") and k not in SECRET_ENV}
    e.update(extra or {})
    return e


def setup(*args, env=None, cwd=None):
    return subprocess.run([BIN, "setup", "--non-interactive", *args], capture_output=True, env=env_with(env), cwd=cwd)


def text(r):
    return r.stdout.decode("utf-8", "replace") + r.stderr.decode("utf-8", "replace")


def snapshot(d):
    out = {}
    for root, _, files in os.walk(d):
        for f in files:
            p = os.path.join(root, f)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, d)] = fh.read()
    return out


def leftovers(d):
    return [p for p in snapshot(d) if ".tmp" in p or p.endswith(".bak")]


def start_held(*args, env=None):
    """Starts a run that waits after staging; returns the process once it says so."""
    p = subprocess.Popen([BIN, "setup", "--non-interactive", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=env_with({"AETERNA_TEST_HOLD_STAGED": "20", **(env or {})}))
    line = p.stderr.readline().decode()
    assert "files staged" in line, line + p.stderr.read().decode()
    return p


@case
def a_failed_replacement_restores_the_files_already_replaced_and_names_the_file():
    with tempfile.TemporaryDirectory() as d:
        assert setup("-o", d, "--target", "kubernetes").returncode == 0
        before = snapshot(d)
        p = start_held("-o", d, "--reconfigure", "--cache", "valkey")
        # between staging and replacing, docker-compose.yaml becomes a folder that cannot be replaced
        compose = os.path.join(d, "docker-compose.yaml")
        os.unlink(compose)
        os.mkdir(compose)
        open(os.path.join(compose, "keep"), "w").close()
        out, err = p.communicate(timeout=30)
        assert p.returncode == 1, (p.returncode, err)
        assert b"docker-compose.yaml" in err and b"restored" in err, err
        os.unlink(os.path.join(compose, "keep"))
        os.rmdir(compose)
        after = snapshot(d)
        del before["docker-compose.yaml"]
        assert after == before, sorted(set(after) ^ set(before))


@case
def sigterm_and_sigint_leave_no_temporary_file_and_the_old_files():
    for sig in (signal.SIGTERM, signal.SIGINT):
        with tempfile.TemporaryDirectory() as d:
            assert setup("-o", d).returncode == 0
            before = snapshot(d)
            p = start_held("-o", d, "--reconfigure", "--cache", "valkey")
            assert any(".tmp" in n for n in os.listdir(d)), os.listdir(d)  # staged, not yet replaced
            p.send_signal(sig)
            p.communicate(timeout=30)
            assert p.returncode == -sig, p.returncode
            assert snapshot(d) == before, leftovers(d)


@case
def stale_temporaries_of_a_killed_run_are_removed_by_the_next():
    with tempfile.TemporaryDirectory() as d:
        assert setup("-o", d).returncode == 0
        p = start_held("-o", d, "--reconfigure", "--cache", "valkey")
        p.kill()  # SIGKILL: no handler runs
        p.wait()
        stale = [n for n in os.listdir(d) if ".tmp" in n]
        assert stale, os.listdir(d)
        r = setup("-o", d, "--reconfigure", "--cache", "valkey")
        assert r.returncode == 0, text(r)
        assert leftovers(d) == [n for n in leftovers(d) if n.endswith(".bak")], leftovers(d)
        assert not [n for n in os.listdir(d) if ".tmp" in n], os.listdir(d)


@case
def a_second_concurrent_run_is_refused_with_a_sentence():
    with tempfile.TemporaryDirectory() as d:
        assert setup("-o", d).returncode == 0
        before = snapshot(d)
        fd = os.open(d, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # what a running setup holds
            r = setup("-o", d, "--reconfigure", "--cache", "valkey")
        finally:
            os.close(fd)
        assert r.returncode == 1, text(r)
        assert "another aeterna setup is writing to" in text(r), text(r)
        assert snapshot(d) == before
        # and two runs started together: one result or the other, never a mix
        procs = [subprocess.Popen([BIN, "setup", "--non-interactive", "--reconfigure", "-o", d, "--cache", c], env=env_with(),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE) for c in ("valkey", "dragonfly")]
        for p in procs:
            p.communicate(timeout=30)
        cfg = open(os.path.join(d, ".aeterna", "config.toml")).read()
        values = open(os.path.join(d, "values.yaml")).read()
        kind = "valkey" if 'kind = "valkey"' in cfg else "dragonfly"
        assert f"{kind}:\n  enabled: true" in values, (cfg, values)


@case
def a_rerun_keeps_the_generated_database_password_unless_rotation_is_asked():
    def password(d):
        for line in open(os.path.join(d, ".env")):
            if line.startswith("PG_PASSWORD="):
                return line.strip()
        raise AssertionError("no PG_PASSWORD in .env")

    with tempfile.TemporaryDirectory() as d:
        assert setup("-o", d, "--target", "docker-compose").returncode == 0
        first = password(d)
        r = setup("-o", d, "--target", "docker-compose", "--force", "--cache", "valkey")
        assert r.returncode == 0, text(r)
        assert password(d) == first
        r = setup("-o", d, "--reconfigure", "--rotate-secrets")
        assert r.returncode == 0, text(r)
        assert password(d) != first


NASTY = {
    "OPENAI_API_KEY": 'sk-$HOME"quo\\te0123456789abc',
    "AETERNA_CENTRAL_CREDENTIAL": "Zq",
}


@case
def dry_run_masks_secrets_by_key_with_any_characters_and_length():
    with tempfile.TemporaryDirectory() as d:
        args = ["-o", d, "--target", "docker-compose", "--mode", "hybrid", "--central-url", "https://c.example.com",
                "--llm", "openai-compatible", "--cache", "external", "--cache-host", "redis.example.com"]
        env = dict(NASTY, AETERNA_CACHE_PASSWORD="p$w\"d\\x")
        assert setup(*args, env=env).returncode == 0
        checks = [("as written", lambda: None),
                  ("config.toml missing", lambda: os.unlink(os.path.join(d, ".aeterna", "config.toml"))),
                  ("config.toml corrupt", lambda: open(os.path.join(d, ".aeterna", "config.toml"), "w").write("[[[ not toml\n"))]
        for what, change in checks:
            change()
            # new secrets, so both the old (on disk) and the new ones are shown masked
            r = setup(*args, "--dry-run", "--force", env={"OPENAI_API_KEY": "sk-new$\"\\0123456789",
                                                          "AETERNA_CENTRAL_CREDENTIAL": "Yx", "AETERNA_CACHE_PASSWORD": "q"})
            out = text(r)
            assert r.returncode == 0, (what, out)
            for secret in list(env.values()) + ["sk-new$\"\\0123456789"]:
                assert secret not in out, (what, secret)
            for line in out.splitlines():
                for key in ("OPENAI_API_KEY=", "credential = ", "password = ", "PG_PASSWORD=", "api_key = "):
                    if key in line and not line.lstrip("+- ").startswith("#"):
                        assert "********" in line, (what, line)


@case
def answers_with_a_line_break_or_bad_utf8_are_refused_naming_the_flag():
    for args, needle in ((["--central-url", "https://a.example.com\nb"], "--central-url must be one line"),
                         (["--pinecone-index", b"idx\xff".decode("latin-1")], None),
                         (["--ingress-host", "a\rb"], "--ingress-host must be one line")):
        with tempfile.TemporaryDirectory() as d:
            full = ["-o", d, "--mode", "hybrid", "--ingress"] + args
            if needle is None:  # raw bytes on the command line
                r = subprocess.run([BIN.encode(), b"setup", b"--non-interactive", b"-o", d.encode(),
                                    b"--vector-backend", b"pinecone", b"--pinecone-index", b"idx\xff"],
                                   capture_output=True, env=env_with())
                needle = "--pinecone-index must be valid UTF-8"
            else:
                r = setup(*full)
            assert r.returncode == 2, text(r)
            assert needle in text(r), text(r)
            assert os.listdir(d) == [], os.listdir(d)


def combinations():
    """Every combination of the choices that shape the files (a product over targets, modes,
    vector stores and placements, caches, PostgreSQL and LLM providers; the booleans vary with
    the index so that each is seen on and off)."""
    vectors = [["--vector-backend", "qdrant"], ["--vector-backend", "qdrant", "--vector-deployment", "external",
                                                 "--qdrant-url", "http://q.example.com:6334"],
               ["--vector-backend", "weaviate"], ["--vector-backend", "weaviate", "--vector-deployment", "external",
                                                   "--weaviate-url", "http://w.example.com"],
               ["--vector-backend", "mongodb"],
               ["--vector-backend", "pinecone", "--pinecone-environment", "e", "--pinecone-index", "i"],
               ["--vector-backend", "vertex-ai", "--vertex-project", "p", "--vertex-region", "r",
                "--vertex-endpoint", "e", "--vertex-deployed-index", "x"],
               ["--vector-backend", "databricks", "--databricks-url", "https://d.example.com",
                "--databricks-catalog", "c", "--databricks-schema", "s"]]
    modes = [["--mode", "local"], ["--mode", "hybrid", "--central-url", "https://c.example.com"],
             ["--mode", "remote", "--central-url", "https://c.example.com", "--central-auth", "oauth2"]]
    caches = [["--cache", "dragonfly"], ["--cache", "valkey"], ["--cache", "external", "--cache-host", "r.example.com"]]
    pgs = [["--postgres", "cloudnativepg"], ["--postgres", "external", "--postgres-host", "db.example.com"]]
    llms = [["--llm", "none"], ["--llm", "openai"], ["--llm", "openai-compatible"], ["--llm", "google", "--google-project", "g"],
            ["--llm", "bedrock", "--bedrock-region", "eu-west-1"]]
    for i, (m, v, c, p, l) in enumerate(itertools.product(modes, vectors, caches, pgs, llms)):
        if m[1] == "remote" and (v is not vectors[0] or l is not llms[0]):
            continue  # a remote server has no vector store or LLM: those answers are ignored
        extra = []
        if i % 2:
            extra += ["--opal"]
        if i % 3 == 0:
            extra += ["--ingress", "--ingress-host", "a.example.com"]
        if i % 5 == 0:
            extra += ["--hpa", "--knowledge-repo", "https://github.com/acme/k.git"]
        if i % 7 == 0:
            extra += ["--secrets", "external-secrets", "--secret-store", "vault"]
        yield m + v + c + p + l + extra


@case
def validate_accepts_every_combination_setup_generates():
    env = {"OPENAI_API_KEY": "sk-0123456789abcdefghij", "PINECONE_API_KEY": "pk", "DATABRICKS_TOKEN": "dt",
           "AETERNA_CENTRAL_CREDENTIAL": "cc", "AETERNA_POSTGRES_PASSWORD": "pw"}
    n = 0
    failures = []
    with tempfile.TemporaryDirectory() as base:
        for args in combinations():
            d = os.path.join(base, str(n))
            n += 1
            for target in ("kubernetes", "docker-compose"):
                r = setup("-o", d, "--target", target, "--force", "--no-opencode", *args, env=env)
                if r.returncode != 0:
                    failures.append((target, args, text(r)[-400:]))
                    continue
                files = ["--config", os.path.join(d, ".aeterna", "config.toml"), "--compose", os.path.join(d, "docker-compose.yaml"),
                         "-f", os.path.join(d, "values.yaml")]
                v = subprocess.run([BIN, "validate", *files], capture_output=True)
                if v.returncode != 0:
                    failures.append((target, args, text(v)[-400:]))
    assert n > 300, n
    assert not failures, f"{len(failures)} of {2 * n} failed; first: {failures[0]}"


if __name__ == "__main__":
    sys.exit(run())
