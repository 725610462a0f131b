#!/usr/bin/env python3
"""scripts/check-chart-bump.py against synthetic git histories (TAP output): each case builds
a small repository with a chart, commits a change and checks the verdict and its sentence."""
import os
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "cli", "tests"))
from tap import case, run  # noqa: E402

CHECK = os.path.join(ROOT, "scripts", "check-chart-bump.py")
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.invalid", "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}


class Repo:
    def __init__(self, d):
        self.d = d
        self.git("init", "-q", "-b", "main")

    def git(self, *args):
        r = subprocess.run(["git", *args], cwd=self.d, capture_output=True, text=True, env={**os.environ, **GIT_ENV})
        assert r.returncode == 0, r.stderr
        return r.stdout.strip()

    def write(self, path, text):
        p = os.path.join(self.d, path)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as f:
            f.write(text)

    def append(self, path, text):
        with open(os.path.join(self.d, path), "a") as f:
            f.write(text)

    def commit(self, msg="change"):
        self.git("add", "-A")
        self.git("commit", "-q", "-m", msg)
        return self.git("rev-parse", "HEAD")

    def chart(self, name="demo", version="1.0.0", entry="## 1.0.0 (2026-01-01)", deps=""):
        self.write(f"charts/{name}/Chart.yaml", f"apiVersion: v2\nname: {name}\nversion: {version}\n{deps}")
        self.write(f"charts/{name}/CHANGELOG.md", f"# Changelog\n\n{entry}\n- first\n")
        self.write(f"charts/{name}/templates/cm.yaml", "kind: ConfigMap\n")
        self.write(f"charts/{name}/values.yaml", "a: 1\n")
        self.write(f"charts/{name}/README.md", "demo\n")

    def bump(self, name, version, entry=True, note="- more"):
        self.write(f"charts/{name}/Chart.yaml", f"apiVersion: v2\nname: {name}\nversion: {version}\n")
        if entry:
            text = open(os.path.join(self.d, f"charts/{name}/CHANGELOG.md")).read()
            self.write(f"charts/{name}/CHANGELOG.md", text.replace("# Changelog\n\n", f"# Changelog\n\n## {version}\n{note}\n\n", 1))

    def check(self, *args):
        r = subprocess.run([sys.executable, CHECK, *args], cwd=self.d, capture_output=True, text=True,
                           env={**os.environ, **GIT_ENV})
        return r.returncode, r.stdout + r.stderr


def history(setup, change):
    """A repository with SETUP committed as base and CHANGE as head; returns (rc, output)."""
    with tempfile.TemporaryDirectory() as d:
        repo = Repo(d)
        setup(repo)
        base = repo.commit("base")
        change(repo)
        repo.commit("head")
        return repo.check(base, "HEAD")


def released(repo):
    repo.chart()


def unreleased(repo):
    repo.chart(entry="## 1.0.0 (unreleased)")


@case
def template_change_without_bump_fails_naming_the_chart():
    rc, out = history(released, lambda r: r.append("charts/demo/templates/cm.yaml", "data: {}\n"))
    assert rc == 1, out
    assert ("charts/demo: templates/cm.yaml changed but the version is still 1.0.0: bump version in "
            "charts/demo/Chart.yaml and add a '## <new version>' entry to charts/demo/CHANGELOG.md.") in out, out


@case
def values_change_without_bump_fails():
    rc, out = history(released, lambda r: r.write("charts/demo/values.yaml", "a: 2\n"))
    assert rc == 1 and "values.yaml changed but the version is still 1.0.0" in out, out


@case
def dependency_change_in_chart_yaml_without_bump_fails():
    def change(r):
        r.append("charts/demo/Chart.yaml", "dependencies:\n  - name: x\n    version: 1.2.3\n")
    rc, out = history(released, change)
    assert rc == 1 and "Chart.yaml dependencies changed" in out, out


@case
def bump_without_changelog_entry_fails():
    def change(r):
        r.append("charts/demo/templates/cm.yaml", "data: {}\n")
        r.bump("demo", "1.0.1", entry=False)
    rc, out = history(released, change)
    assert rc == 1, out
    assert "charts/demo: version bumped to 1.0.1 (templates/cm.yaml changed) but charts/demo/CHANGELOG.md has no '## 1.0.1' entry." in out, out


@case
def bump_with_changelog_entry_passes():
    def change(r):
        r.append("charts/demo/templates/cm.yaml", "data: {}\n")
        r.bump("demo", "1.1.0")
    rc, out = history(released, change)
    assert rc == 0 and "chart versions: ok" in out, out


@case
def docs_and_tests_only_need_no_bump():
    def change(r):
        r.write("charts/demo/README.md", "better docs\n")
        r.write("charts/demo/ci/x-values.yaml", "a: 3\n")
        r.write("charts/demo/unittests/a_test.yaml", "suite: a\n")
    rc, out = history(released, change)
    assert rc == 0, out


@case
def unreleased_version_collects_changes_with_a_changelog_line():
    def change(r):
        r.append("charts/demo/templates/cm.yaml", "data: {}\n")
        r.append("charts/demo/CHANGELOG.md", "- another change\n")
    rc, out = history(unreleased, change)
    assert rc == 0, out


@case
def unreleased_version_without_a_changelog_line_fails():
    rc, out = history(unreleased, lambda r: r.append("charts/demo/templates/cm.yaml", "data: {}\n"))
    assert rc == 1, out
    assert "charts/demo: templates/cm.yaml changed but charts/demo/CHANGELOG.md was not updated under '## 1.0.0 (unreleased)'." in out, out


@case
def version_going_down_fails():
    rc, out = history(released, lambda r: r.bump("demo", "0.9.0"))
    assert rc == 1 and "charts/demo: version went down from 1.0.0 to 0.9.0" in out, out


@case
def release_to_its_own_prerelease_is_a_step_down():
    rc, out = history(released, lambda r: r.bump("demo", "1.0.0-rc.1"))
    assert rc == 1 and "went down from 1.0.0 to 1.0.0-rc.1" in out, out


@case
def prerelease_numbers_compare_numerically():
    def setup(r):
        r.chart(version="2.0.0-rc.2", entry="## 2.0.0-rc.2 (2026-01-01)")

    def change(r):
        r.append("charts/demo/templates/cm.yaml", "data: {}\n")
        r.bump("demo", "2.0.0-rc.10")
    rc, out = history(setup, change)
    assert rc == 0, out


@case
def not_a_semantic_version_fails():
    rc, out = history(released, lambda r: r.bump("demo", "1.0"))
    assert rc == 1 and "version '1.0' in Chart.yaml is not a semantic version." in out, out


@case
def a_new_chart_needs_its_changelog_entry():
    def change(r):
        r.chart(name="verta", version="0.1.0", entry="## 0.2.0")
    rc, out = history(released, change)
    assert rc == 1 and "charts/verta: new chart at 0.1.0" in out and "no '## 0.1.0' entry" in out, out

    def change_ok(r):
        r.chart(name="verta", version="0.1.0", entry="## 0.1.0 (unreleased)")
    rc, out = history(released, change_ok)
    assert rc == 0, out


@case
def only_the_chart_that_changed_is_reported():
    def setup(r):
        r.chart("one")
        r.chart("two")
    rc, out = history(setup, lambda r: r.append("charts/two/templates/cm.yaml", "data: {}\n"))
    assert rc == 1 and "charts/two:" in out and "charts/one:" not in out, out


@case
def release_mode_refuses_an_unreleased_entry_and_accepts_a_dated_one():
    with tempfile.TemporaryDirectory() as d:
        repo = Repo(d)
        unreleased(repo)
        repo.commit()
        rc, out = repo.check("--release")
        assert rc == 1 and "charts/demo: the CHANGELOG entry of 1.0.0 is still marked unreleased" in out, out
        repo.write("charts/demo/CHANGELOG.md", "# Changelog\n\n## 1.0.0 (2026-12-01)\n- first\n")
        repo.commit()
        rc, out = repo.check("--release")
        assert rc == 0, out


@case
def unknown_revision_is_a_usage_error():
    with tempfile.TemporaryDirectory() as d:
        repo = Repo(d)
        released(repo)
        repo.commit()
        rc, out = repo.check("no-such-ref")
        assert rc == 2 and "'no-such-ref' is not a commit of this repository." in out, out


if __name__ == "__main__":
    sys.exit(run())
