#!/usr/bin/env python3
"""Chart version-bump check (CI on pull requests and pushes, and on release tags).

usage: check-chart-bump.py BASE [HEAD]     compare two commits (HEAD defaults to HEAD)
       check-chart-bump.py --release       every chart's current version has a released
                                           CHANGELOG entry (not marked "(unreleased)")

A chart whose installed content changed between BASE and HEAD — anything under templates/,
crds/ or files/, values.yaml, values.schema.json, Chart.lock, or the dependencies in Chart.yaml —
must either
  * carry a higher `version` in Chart.yaml (semantic versioning) and a CHANGELOG.md heading
    `## <new version>`, or
  * keep a version whose CHANGELOG entry at BASE is still marked "(unreleased)" (changes collect
    on the next version until it is released) and add to CHANGELOG.md in the same change.
A version may never go down. Each breach is one sentence naming the chart; exit 1.
Charts are the folders charts/*/ holding a Chart.yaml. Only the Python standard library is used.
"""
import os
import re
import subprocess
import sys

CONTENT_DIRS = ("templates/", "crds/", "files/")
CONTENT_FILES = ("values.yaml", "values.schema.json", "Chart.lock")


def git(*args, check=True):
    r = subprocess.run(["git", *args], capture_output=True, text=True)
    if check and r.returncode != 0:
        sys.exit(f"check-chart-bump: git {' '.join(args)} failed: {r.stderr.strip()}")
    return r


def show(rev, path):
    r = git("show", f"{rev}:{path}", check=False)
    return r.stdout if r.returncode == 0 else None


def field(chart_yaml, key):
    m = re.search(rf"^{key}:\s*[\"']?([^\"'\s#]+)", chart_yaml or "", re.M)
    return m.group(1) if m else None


def dependencies(chart_yaml):
    m = re.search(r"^dependencies:\n((?:[ \t-].*\n?|\n)*)", chart_yaml or "", re.M)
    return m.group(1).strip() if m else ""


SEMVER = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")


def semver_key(v):
    m = SEMVER.match(v or "")
    if not m:
        return None
    pre = m.group(4)
    # a release sorts after its pre-releases; numeric identifiers sort numerically, before words
    pre_key = (1,) if pre is None else (0, *[(0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split(".")])
    return (int(m.group(1)), int(m.group(2)), int(m.group(3)), pre_key)


def changelog_entry(changelog, version):
    """The heading line of VERSION's entry ("## 1.2.3 ..."), or None."""
    for line in (changelog or "").splitlines():
        m = re.match(r"^##\s+\[?v?([^\s\]]+)\]?(.*)$", line)
        if m and m.group(1) == version:
            return line
    return None


def charts_at(rev):
    out = git("ls-tree", "-d", "--name-only", f"{rev}:charts", check=False).stdout.split()
    return [f"charts/{c}" for c in out if show(rev, f"charts/{c}/Chart.yaml") is not None]


def content_changed(base, head, chart):
    names = git("diff", "--name-only", base, head, "--", chart).stdout.split()
    rel = [n[len(chart) + 1:] for n in names]
    hits = [r for r in rel if r.startswith(CONTENT_DIRS) or r in CONTENT_FILES]
    if dependencies(show(base, f"{chart}/Chart.yaml")) != dependencies(show(head, f"{chart}/Chart.yaml")):
        hits.append("Chart.yaml dependencies")
    return hits, "CHANGELOG.md" in rel


def check_pair(base, head):
    problems = []
    for chart in charts_at(head):
        hits, changelog_touched = content_changed(base, head, chart)
        head_yaml = show(head, f"{chart}/Chart.yaml")
        base_yaml = show(base, f"{chart}/Chart.yaml")
        new, old = field(head_yaml, "version"), field(base_yaml, "version")
        changelog = show(head, f"{chart}/CHANGELOG.md")
        if semver_key(new) is None:
            problems.append(f"{chart}: version '{new}' in Chart.yaml is not a semantic version.")
            continue
        if old is not None and semver_key(old) is not None and semver_key(new) < semver_key(old):
            problems.append(f"{chart}: version went down from {old} to {new}; a chart version only goes up.")
            continue
        if not hits:
            continue
        what = ", ".join(sorted(set(hits))[:3])
        if old is None or semver_key(new) > semver_key(old):
            if changelog_entry(changelog, new) is None:
                how = "new chart at" if old is None else "version bumped to"
                problems.append(f"{chart}: {how} {new} ({what} changed) but {chart}/CHANGELOG.md has no '## {new}' entry.")
            continue
        base_entry = changelog_entry(show(base, f"{chart}/CHANGELOG.md"), new)
        if base_entry is not None and "unreleased" in base_entry.lower():
            if not changelog_touched:
                problems.append(f"{chart}: {what} changed but {chart}/CHANGELOG.md was not updated under '## {new} (unreleased)'.")
            continue
        problems.append(f"{chart}: {what} changed but the version is still {new}: bump version in {chart}/Chart.yaml "
                        f"and add a '## <new version>' entry to {chart}/CHANGELOG.md.")
    return problems


def check_release():
    problems = []
    for chart in charts_at("HEAD"):
        version = field(show("HEAD", f"{chart}/Chart.yaml"), "version")
        entry = changelog_entry(show("HEAD", f"{chart}/CHANGELOG.md"), version)
        if entry is None:
            problems.append(f"{chart}: {chart}/CHANGELOG.md has no '## {version}' entry for the version being released.")
        elif "unreleased" in entry.lower():
            problems.append(f"{chart}: the CHANGELOG entry of {version} is still marked unreleased; give it the release date.")
    return problems


def main(argv):
    if argv[1:2] == ["--release"]:
        problems = check_release()
    elif len(argv) in (2, 3) and not argv[1].startswith("-"):
        base, head = argv[1], argv[2] if len(argv) == 3 else "HEAD"
        for rev in (base, head):
            if git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", check=False).returncode != 0:
                print(f"check-chart-bump: '{rev}' is not a commit of this repository.", file=sys.stderr)
                return 2
        problems = check_pair(base, head)
    else:
        print(__doc__.split("\n\n")[0], file=sys.stderr)
        return 2
    for p in problems:
        print(p)
    if not problems:
        print("chart versions: ok")
    return 1 if problems else 0


if __name__ == "__main__":
    os.environ.setdefault("GIT_PAGER", "cat")
    sys.exit(main(sys.argv))
