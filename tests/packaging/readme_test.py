#!/usr/bin/env python3
"""The README's commands, exercised (TAP output):
  - every ```bash block of README.md and CONTRIBUTING.md passes `bash -n`;
  - every quick-start section runs, in order, in a scratch folder, once with helm 3 and once
    with helm 4, each command either run for real or skipped for a named reason (it needs a
    cluster, Docker, the network or a person at the keyboard). Run for real: `aeterna …`
    (the built binary), and every `helm` command on the charts: the published chart comes from a
    real OCI registry and a Helm repository started here (tests/packaging/publishing.py) — the
    addresses oci://ghcr.io/kikokikok/charts and https://kikokikok.github.io/aeterna are mapped
    to them — and charts/aeterna is the staged copy with the real subcharts; `helm install` is run
    as `helm template` with the same arguments (no cluster), and what it renders is checked by
    kubeconform -strict;
  - each quick start runs at least its key commands (named below), so a README edit that drops
    or breaks one fails here.
The credential of the hybrid/remote quick start comes from the environment, as the README says."""
import os
import re
import shlex
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "cli", "tests"))
import publishing as pub  # noqa: E402
from publishing import BIN, CLUSTER_APIS, ROOT, STAGED, WORK, helm_env  # noqa: E402
from tap import case, run  # noqa: E402

AETERNA = os.environ.get("AETERNA_BIN") or os.path.join(ROOT, "build", "aeterna")
PUBLISHED_OCI = "oci://ghcr.io/kikokikok/charts"
PUBLISHED_REPO = "https://kikokikok.github.io/aeterna"
KUBE_SCHEMAS = [
    "-schema-location", os.path.join(ROOT, ".tools", "k8s-schemas",
                                     "{{.NormalizedKubernetesVersion}}-standalone{{.StrictSuffix}}/{{.ResourceKind}}{{.KindSuffix}}.json"),
    "-schema-location", os.path.join(ROOT, "schemas", "crd-jsonschema", "{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json")]
# Key commands each quick start must run for real (a regular expression on the README's command).
REQUIRED = {
    "Quick start: local, with docker compose": [r"^aeterna setup .*--target docker-compose", r"^aeterna validate --compose"],
    "Quick start: Kubernetes, from the published chart": [
        r"^aeterna setup .*--target kubernetes", r"^helm install aeterna oci://ghcr\.io/kikokikok/charts/aeterna",
        r"^helm repo add aeterna https://kikokikok\.github\.io/aeterna", r"^helm template aeterna aeterna/aeterna",
        r"^helm install aeterna aeterna/aeterna"],
    "Quick start: Kubernetes, from source": [r"^helm install aeterna charts/aeterna", r"^aeterna setup --validate"],
    "Quick start: hybrid and remote": [r"--mode hybrid", r"--mode remote .*-o deploy-remote", r"--target opencode-only",
                                       r"^helm install aeterna oci://.*deploy-hybrid", r"^helm install aeterna oci://.*deploy-remote"],
}


def bash_blocks(path):
    """(section heading, block text) for every ```bash block."""
    section, out, block = None, [], None
    for line in open(path):
        if block is None and line.startswith("## "):
            section = line[3:].strip()
        elif block is None and line.strip() == "```bash":
            block = []
        elif block is not None and line.strip() == "```":
            out.append((section, "".join(block)))
            block = None
        elif block is not None:
            block.append(line)
    return out


def commands(block):
    """Logical commands of a block: continuation lines joined, comment-only lines dropped."""
    out, cur = [], ""
    for line in block.splitlines():
        cur += line.rstrip("\\").rstrip() + " " if line.rstrip().endswith("\\") else line
        if line.rstrip().endswith("\\"):
            continue
        if cur.strip() and not cur.strip().startswith("#"):
            out.append(re.sub(r"\s+#\s.*$", "", cur).strip())
        cur = ""
    return out


def plan(cmd):
    """(shell text to run, None) or (None, reason it is not run here)."""
    words = shlex.split(cmd, comments=True)
    first = words[0]
    if first == "aeterna":
        if words[1:2] == ["status"]:
            return None, "needs the running services"
        return cmd, None
    if first == "export":
        return cmd, None
    if first == "helm":
        sub = words[1]
        if sub == "repo" and words[2] == "add":
            if PUBLISHED_REPO not in cmd:
                return None, "a third-party repository (network)"
            return cmd.replace(PUBLISHED_REPO, pub.REPO_URL), None
        if sub in ("install", "template", "upgrade"):
            if "cnpg/" in cmd:
                return None, "a third-party chart (network, a cluster)"
            text = re.sub(r"^helm (install|upgrade --install|upgrade)\b", "helm template", cmd)
            text = text.replace(PUBLISHED_OCI, f"oci://{pub.REGISTRY}/charts")
            text = re.sub(r"(?<![\w/.-])charts/aeterna(?![\w/.-])", STAGED["charts/aeterna"], text)
            extra = " --plain-http" if "oci://" in text else ""
            extra += "".join(f" --api-versions {a}" for a in CLUSTER_APIS)
            if ">" in words or any(w.startswith(">") for w in words):
                return text.replace(" >", extra + " >", 1), None
            # helm 4 prints "Pulled: …" and "Digest: …" on stdout when it renders an OCI chart
            return text + extra + " | sed -e '/^Pulled: /d' -e '/^Digest: /d' >>\"$RENDERS\"", None
        return None, "needs a cluster"
    return None, f"{first}: needs a cluster, Docker, the network, root or a person at the keyboard"


def run_quick_starts(helm_name):
    """Runs every quick-start section with HELM_NAME as `helm`; returns {section: [commands run]}."""
    sandbox = tempfile.mkdtemp(prefix=f"docs-{helm_name}-", dir=WORK)
    bindir = os.path.join(sandbox, ".bin")
    os.makedirs(bindir)
    os.symlink(AETERNA, os.path.join(bindir, "aeterna"))
    os.symlink(os.path.join(BIN, helm_name), os.path.join(bindir, "helm"))
    renders = os.path.join(sandbox, "renders.yaml")
    env = {**os.environ, **helm_env(f"docs-{helm_name}"), "PATH": f"{bindir}:/usr/bin:/bin", "HOME": sandbox,
           "RENDERS": renders, "AETERNA_CHART": STAGED["charts/aeterna"], "AETERNA_HELM": os.path.join(BIN, helm_name),
           "AETERNA_CENTRAL_CREDENTIAL": "docs-test-central-api-key"}
    ran = {}
    sections = {}
    for section, block in bash_blocks(os.path.join(ROOT, "README.md")):
        if section and section.startswith("Quick start"):
            sections.setdefault(section, []).extend(commands(block))
    assert set(sections) == set(REQUIRED), f"quick-start sections {sorted(sections)} differ from the test's {sorted(REQUIRED)}"
    for section, cmds in sections.items():
        script = ["set -euo pipefail"]
        ran[section] = []
        for cmd in cmds:
            text, why = plan(cmd)
            if text is None:
                script.append(f": not run here, {shlex.quote(why)}: {shlex.quote(cmd)}")
                continue
            ran[section].append(cmd)
            script.append(f"printf '+ %s\\n' {shlex.quote(cmd)} >&2")
            script.append(text)
        r = subprocess.run(["bash", "-c", "\n".join(script)], cwd=sandbox, env=env, capture_output=True, text=True)
        assert r.returncode == 0, f"[{helm_name}] {section}: a command failed\n{r.stderr[-3000:]}"
        for pattern in REQUIRED[section]:
            assert any(re.search(pattern, c) for c in ran[section]), f"{section}: no command matching {pattern} ran"
    assert os.path.getsize(renders) > 0, "no helm command rendered anything"
    kc = subprocess.run([os.path.join(BIN, "kubeconform"), "-strict", "-summary", *KUBE_SCHEMAS,
                         "-kubernetes-version", "1.35.0", renders], capture_output=True, text=True)
    assert kc.returncode == 0, f"[{helm_name}] the quick starts rendered manifests kubeconform refuses:\n{kc.stdout[-2000:]}"
    return ran, sandbox


@case
def every_bash_block_of_readme_and_contributing_parses():
    for doc in ("README.md", "CONTRIBUTING.md"):
        blocks = bash_blocks(os.path.join(ROOT, doc))
        assert blocks, f"{doc} has no bash block"
        for section, block in blocks:
            r = subprocess.run(["bash", "-n"], input=block, capture_output=True, text=True)
            assert r.returncode == 0, f"{doc}, section {section}: bash -n: {r.stderr}"


@case
def quick_starts_run_with_helm3():
    ran, sandbox = run_quick_starts("helm3")
    # what the quick starts wrote is what a user would have
    for f in ("aeterna-local/docker-compose.yaml", "aeterna-local/.env", "deploy/values.yaml", "deploy/secrets.yaml",
              "deploy-hybrid/values.yaml", "deploy-remote/values.yaml", "opencode.json", "aeterna-manifest.yaml"):
        assert os.path.exists(os.path.join(sandbox, f)), f"the quick starts did not produce {f}"


@case
def quick_starts_run_with_helm4():
    run_quick_starts("helm4")


@case
def a_broken_quick_start_command_fails_the_readme_test():
    """Control: the runner reports a command that fails (a flag the CLI does not have)."""
    saved = commands
    try:
        globals()["commands"] = lambda block: [c.replace("--target docker-compose", "--target docker-swarm") for c in saved(block)]
        try:
            run_quick_starts("helm3")
        except AssertionError as e:
            assert "Quick start: local, with docker compose: a command failed" in str(e), str(e)
            assert "docker-swarm" in str(e), str(e)
        else:
            raise AssertionError("a quick start with an invalid flag passed")
    finally:
        globals()["commands"] = saved


if __name__ == "__main__":
    try:
        pub.setup()
        pub.push_all()
    except AssertionError as e:
        print("not ok 1 - readme set-up (key, registry, packages)")
        for line in str(e).splitlines()[-12:]:
            print(f"#   {line}")
        sys.exit(1)
    sys.exit(run())
