#!/usr/bin/env python3
"""Installing the CLI like a Unix tool (TAP output):
  - `make install PREFIX=… DESTDIR=…` installs the binary (and the man pages and completions the
    binary generates) and `make uninstall` removes exactly that, leaving what was there before;
  - `make deb` builds a .deb whose Depends name the Debian package of every shared library the
    binary needs; real `dpkg -i` installs it into a temporary root (its own dpkg database, a copy
    of this machine's, so dependencies are checked for real) and `dpkg -r` removes it; with a
    dependency missing from that database dpkg refuses it;
  - actionlint (pinned) passes every workflow in .github/workflows/ and fails a broken one.
Nothing is installed on this machine outside temporary folders."""
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "cli", "tests"))
from tap import case, run  # noqa: E402

BUILD = os.path.join(ROOT, "build")
ACTIONLINT = os.path.join(ROOT, ".tools", "bin", "actionlint")
PAGES = ["aeterna", "aeterna-setup", "aeterna-validate", "aeterna-status", "aeterna-completion"]
COMMANDS = ["setup", "validate", "status", "completion"]


def sh(*args, env=None, cwd=ROOT, check=True):
    e = dict(os.environ)
    e.pop("MAKEFLAGS", None)
    e.update(env or {})
    r = subprocess.run(list(args), capture_output=True, text=True, env=e, cwd=cwd)
    if check:
        assert r.returncode == 0, f"{' '.join(args)} exited {r.returncode}\n{r.stdout}\n{r.stderr}"
    return r


def tree(root):
    """Every path under root, relative, directories with a trailing slash."""
    out = set()
    for d, dirs, files in os.walk(root):
        rel = os.path.relpath(d, root)
        for x in dirs:
            out.add(os.path.normpath(os.path.join(rel, x)) + "/")
        for x in files:
            out.add(os.path.normpath(os.path.join(rel, x)))
    return out


def make_install(destdir, prefix, env=None):
    return sh("make", "--no-print-directory", "install", f"PREFIX={prefix}", f"DESTDIR={destdir}", env=env)


def make_uninstall(env=None, check=True):
    return sh("make", "--no-print-directory", "uninstall", env=env, check=check)


def project_version():
    m = re.search(r"^project\(aeterna VERSION (\S+)", open(os.path.join(ROOT, "CMakeLists.txt")).read(), re.M)
    return m.group(1)


@case
def make_install_destdir_then_uninstall_leaves_what_was_there():
    with tempfile.TemporaryDirectory() as d:
        # what a system already has: a shared folder and someone else's man page
        os.makedirs(f"{d}/usr/local/share/man/man1")
        open(f"{d}/usr/local/share/man/man1/other.1", "w").write(".TH OTHER 1\n")
        before = tree(d)
        make_install(d, "/usr/local")
        binary = f"{d}/usr/local/bin/aeterna"
        assert os.access(binary, os.X_OK), "the binary was not installed as an executable"
        assert os.stat(binary).st_mode & stat.S_IXOTH, "the binary is not executable by everyone"
        out = sh(binary, "--version").stdout
        assert project_version() in out, out
        manifest = open(os.path.join(BUILD, "install_manifest.txt")).read().split()
        added = {p for p in tree(d) - before if not p.endswith("/")}
        assert added == {m.lstrip("/") for m in manifest}, f"installed {sorted(added)} but the manifest lists {manifest}"
        assert "usr/local/bin/aeterna" in added
        r = make_uninstall()
        assert "Removed: " in r.stdout, r.stdout
        assert tree(d) == before, f"left behind or removed too much: {sorted(tree(d) ^ before)}"
        assert not os.path.exists(os.path.join(BUILD, "install_manifest.txt")), "the manifest outlived the uninstall"


@case
def uninstall_without_install_says_so():
    r = make_uninstall(check=False)
    assert r.returncode != 0, "uninstall with nothing installed succeeded"
    assert "nothing was installed" in r.stderr, r.stderr


@case
def relative_prefix_is_refused_and_nothing_written():
    with tempfile.TemporaryDirectory() as d:
        r = sh("make", "--no-print-directory", "install", "PREFIX=usr/local", f"DESTDIR={d}", check=False)
        assert r.returncode != 0, "a relative PREFIX was accepted"
        assert "PREFIX must be an absolute path (got 'usr/local')." in r.stderr, r.stderr
        assert tree(d) == set(), f"written anyway: {sorted(tree(d))}"


def real_cli():
    """The built binary: its `completion SHELL` and `help --man [COMMAND]` produce what is installed."""
    path = os.path.join(BUILD, "aeterna")
    assert os.access(path, os.X_OK), f"{path} is not built"
    return path


@case
def generated_man_pages_and_completions_install_to_their_shells_folders():
    for prefix, zsh_dir in (("/usr/local", "share/zsh/site-functions"), ("/usr", "share/zsh/vendor-completions")):
        with tempfile.TemporaryDirectory() as d:
            sh("sh", "scripts/gen-share.sh", real_cli(), f"{d}/share")
            dest = f"{d}/root"
            os.makedirs(dest)
            make_install(dest, prefix, env={"AETERNA_SHARE_DIR": f"{d}/share"})
            p = prefix.lstrip("/")
            want = {f"{p}/bin/aeterna", f"{p}/libexec/aeterna/aeterna-net",
                    f"{p}/share/bash-completion/completions/aeterna", f"{p}/{zsh_dir}/_aeterna",
                    f"{p}/share/fish/vendor_completions.d/aeterna.fish"} | {f"{p}/share/man/man1/{m}.1" for m in PAGES}
            got = {x for x in tree(dest) if not x.endswith("/")}
            assert got == want, f"prefix {prefix}: missing {sorted(want - got)}, unexpected {sorted(got - want)}"
            page = sh(real_cli(), "help", "--man", "setup").stdout
            assert page.startswith(".TH ") and open(f"{dest}/{p}/share/man/man1/aeterna-setup.1").read() == page
            mode = os.stat(f"{dest}/{p}/share/fish/vendor_completions.d/aeterna.fish").st_mode & 0o777
            assert mode == 0o644, oct(mode)
            make_uninstall()
            assert tree(dest) == set(), f"prefix {prefix}: left {sorted(tree(dest))}"


@case
def gen_share_writes_exactly_what_the_built_binary_generates():
    """The real binary: a page or completion exists exactly when the binary's command for it
    succeeds, with its output (today the CLI has neither command, so the folders are empty)."""
    binary = os.path.join(BUILD, "aeterna")
    with tempfile.TemporaryDirectory() as d:
        sh("sh", "scripts/gen-share.sh", binary, d)
        wanted = {"bash/aeterna": ["completion", "bash"], "zsh/_aeterna": ["completion", "zsh"],
                  "fish/aeterna.fish": ["completion", "fish"]}
        wanted["man1/aeterna.1"] = ["help", "--man"]
        wanted.update({f"man1/aeterna-{c}.1": ["help", "--man", c] for c in COMMANDS})
        for rel, args in wanted.items():
            r = subprocess.run([binary, *args], capture_output=True, text=True)
            present = os.path.exists(os.path.join(d, rel))
            if r.returncode == 0 and r.stdout and (rel.startswith("bash") or rel.startswith("zsh") or rel.startswith("fish")
                                                   or re.search(r"^\.TH ", r.stdout, re.M)):
                assert present and open(os.path.join(d, rel)).read() == r.stdout, f"{rel} differs from aeterna {' '.join(args)}"
            else:
                assert not present, f"{rel} written although 'aeterna {' '.join(args)}' failed"
        extra = {x for x in tree(d) if not x.endswith("/")} - set(wanted) - {".stamp"}
        assert not extra, f"unexpected files: {sorted(extra)}"


def deb_path():
    sh("make", "--no-print-directory", "deb")
    arch = sh("dpkg", "--print-architecture").stdout.strip()
    path = os.path.join(BUILD, f"aeterna_{project_version()}_{arch}.deb")
    assert os.path.isfile(path), f"{path} was not built"
    return path


def field(deb, name):
    return sh("dpkg-deb", "-f", deb, name).stdout.strip()


@case
def deb_depends_on_the_package_of_every_library_the_binary_links_or_loads():
    deb = deb_path()
    assert field(deb, "Package") == "aeterna"
    assert field(deb, "Version") == project_version()
    depends = {re.split(r"[\s(]", d.strip())[0] for d in field(deb, "Depends").split(",")}
    # aeterna is one static executable: no shared library at all (CMakeLists.txt: AETERNA_STATIC)
    assert "(NEEDED)" not in sh("readelf", "-d", os.path.join(BUILD, "aeterna")).stdout
    assert "statically linked" in sh("file", os.path.join(BUILD, "aeterna")).stdout
    helper = os.path.join(BUILD, "aeterna-net")
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", sh("readelf", "-d", helper).stdout)
    # its network helper: libfyaml, jansson and PCRE2 are linked in (AETERNA_STATIC_DEPS), libcurl
    # and libpq loaded at run time (below): it needs nothing but the C library to start
    assert needed == ["libc.so.6"], needed
    paths = dict(re.findall(r"^\s*(\S+) => (/\S+)", sh("ldd", helper).stdout, re.M))
    for lib in needed:
        path = paths[lib]
        r = sh("dpkg", "-S", path, check=False)
        if r.returncode != 0:  # merged /usr: dpkg knows the other spelling
            r = sh("dpkg", "-S", path[4:] if path.startswith("/usr/") else "/usr" + path)
        owner = r.stdout.split(":")[0]
        assert owner in depends, f"{lib} comes from {owner}, which the .deb does not depend on (Depends: {sorted(depends)})"
    # libraries loaded at run time (dlopen("libX.so.N") in cli/src): their packages too
    src = os.path.join(ROOT, "cli", "src")
    loaded = set()
    for top, _, files in os.walk(src):
        for f in files:
            if f.endswith(".c"):
                loaded |= set(re.findall(r'dlopen\("(lib[^"]+\.so[^"]*)"', open(os.path.join(top, f)).read()))
    assert "libcurl.so.4" in loaded, loaded
    cache = sh("/sbin/ldconfig", "-p").stdout
    for lib in sorted(loaded):
        m = re.search(rf"^\s*{re.escape(lib)} \(.*\) => (\S+)", cache, re.M)
        assert m, f"{lib} (dlopen) is not installed here"
        r = sh("dpkg", "-S", m.group(1), check=False)
        if r.returncode != 0:
            p = m.group(1)
            r = sh("dpkg", "-S", p[4:] if p.startswith("/usr/") else "/usr" + p)
        owner = r.stdout.split(":")[0]
        assert owner in depends, f"{lib} is loaded at run time from {owner}, which the .deb does not depend on"
    for pkg in depends:
        status = sh("dpkg-query", "-W", "-f=${Status}", pkg, check=False).stdout
        assert "install ok installed" in status, f"Depends names {pkg}, which is not a Debian package installed here"
    files = sh("dpkg-deb", "-c", deb).stdout
    assert "./usr/bin/aeterna" in files and "./usr/libexec/aeterna/aeterna-net" in files, files


def fake_root(d, drop=None):
    """A root for dpkg --root: its database is a copy of this machine's (minus DROP)."""
    admin = f"{d}/var/lib/dpkg"
    os.makedirs(f"{admin}/info")
    os.makedirs(f"{admin}/updates")
    for f in ("available", "diversions", "statoverride"):
        open(f"{admin}/{f}", "w").close()
    paragraphs = open("/var/lib/dpkg/status").read().split("\n\n")
    if drop:
        paragraphs = [p for p in paragraphs if not re.search(rf"^Package: {re.escape(drop)}$", p, re.M)]
    open(f"{admin}/status", "w").write("\n\n".join(paragraphs))


@case
def deb_installs_with_dpkg_into_a_temporary_root_and_removes_cleanly():
    deb = deb_path()
    with tempfile.TemporaryDirectory() as d:
        fake_root(d)
        sh("dpkg", f"--root={d}", "--force-script-chrootless", "-i", deb)
        status = sh("dpkg-query", f"--admindir={d}/var/lib/dpkg", "-W", "-f=${Status} ${Version}", "aeterna").stdout
        assert status == f"install ok installed {project_version()}", status
        binary = f"{d}/usr/bin/aeterna"
        assert project_version() in sh(binary, "--version").stdout
        out = f"{d}/setup"
        sh(binary, "setup", "--non-interactive", "-o", out, env={"HOME": d})
        sh(binary, "validate", "-f", f"{out}/values.yaml", cwd=d)
        # status runs in the installed helper (../libexec/aeterna/aeterna-net from the binary)
        r = sh(binary, "status", "--config", f"{out}/.aeterna/config.toml", "--timeout", "300",
               "--server-url", "http://127.0.0.1:1", "--postgres-host", "127.0.0.1", "--postgres-port", "1",
               "--cache-host", "127.0.0.1", "--cache-port", "1", "--vector-url", "http://127.0.0.1:1", check=False)
        assert r.returncode == 1 and "postgresql" in r.stdout and "refused" in r.stdout, (r.returncode, r.stdout, r.stderr)
        listed = sh("dpkg-query", f"--admindir={d}/var/lib/dpkg", "-L", "aeterna").stdout
        assert "/usr/bin/aeterna" in listed, listed
        sh("dpkg", f"--root={d}", "--force-script-chrootless", "-r", "aeterna")
        assert not os.path.exists(binary), "dpkg -r left the binary"


@case
def deb_is_refused_when_a_dependency_is_missing():
    deb = deb_path()
    with tempfile.TemporaryDirectory() as d:
        fake_root(d, drop="libpq5")
        r = sh("dpkg", f"--root={d}", "--force-script-chrootless", "-i", deb, check=False)
        assert r.returncode != 0, "dpkg installed the package without libpq5"
        assert "libpq5" in r.stderr and "dependency problems" in r.stderr, r.stderr
        status = sh("dpkg-query", f"--admindir={d}/var/lib/dpkg", "-W", "-f=${Status}", "aeterna").stdout
        assert "installed" not in status.split()[-1:], status


@case
def deb_carries_the_generated_pages_and_completions_in_debian_folders():
    with tempfile.TemporaryDirectory() as d:
        sh("sh", "scripts/gen-share.sh", real_cli(), f"{d}/share")
        sh("make", "--no-print-directory", "deb", env={"AETERNA_SHARE_DIR": f"{d}/share"})
        arch = sh("dpkg", "--print-architecture").stdout.strip()
        files = sh("dpkg-deb", "-c", os.path.join(BUILD, f"aeterna_{project_version()}_{arch}.deb")).stdout
    for path in ["./usr/bin/aeterna", "./usr/share/bash-completion/completions/aeterna",
                 "./usr/share/zsh/vendor-completions/_aeterna", "./usr/share/fish/vendor_completions.d/aeterna.fish"] + \
            [f"./usr/share/man/man1/{m}.1" for m in PAGES]:
        assert re.search(rf"\s{re.escape(path)}$", files, re.M), f"the .deb lacks {path}:\n{files}"
    deb_path()  # the real package again


def workflows():
    d = os.path.join(ROOT, ".github", "workflows")
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith((".yml", ".yaml")))


@case
def actionlint_passes_every_workflow():
    files = workflows()
    names = {os.path.basename(f) for f in files}
    assert {"test.yml", "release.yml"} <= names, names
    assert shutil.which("shellcheck"), "shellcheck is not installed: actionlint would skip the run: scripts"
    sh(ACTIONLINT, "-no-color", *files)


@case
def actionlint_fails_a_broken_workflow():
    with tempfile.TemporaryDirectory() as d:
        text = open(os.path.join(ROOT, ".github", "workflows", "release.yml")).read()
        bad = text.replace("${{ github.ref_name }}", "${{ github.ref_nme }}", 1).replace("runs-on: ubuntu-24.04", "runs_on: ubuntu-24.04", 1)
        assert bad != text
        path = os.path.join(d, "release.yml")
        open(path, "w").write(bad)
        r = sh(ACTIONLINT, "-no-color", path, check=False)
        assert r.returncode != 0, "actionlint accepted a broken workflow"
        assert "runs_on" in r.stdout and "ref_nme" in r.stdout, r.stdout


@case
def chart_version_check_runs_in_ci_and_release():
    test_yml = open(os.path.join(ROOT, ".github", "workflows", "test.yml")).read()
    release_yml = open(os.path.join(ROOT, ".github", "workflows", "release.yml")).read()
    assert "scripts/check-chart-bump.py \"$BASE\" HEAD" in test_yml
    assert "scripts/check-chart-bump.py --release" in release_yml
    assert "hashFiles('tools/versions.env'" in test_yml, "the tool cache is not keyed on tools/versions.env"
    for needed in ("linux-$ARCH", "ubuntu-24.04-arm", "cosign sign --yes", "cosign sign-blob", "attest-build-provenance",
                   "sbom-action", "helm repo index", "artifacthub-repo.yml", "charts/verta", "make deb"):
        assert needed in release_yml, f"release.yml lacks {needed}"


def keep_real_install():
    """A real `make install` done before the tests keeps its manifest: moved aside, put back."""
    saved = {}
    for f in ("install_manifest.txt", "install_dirs.txt"):
        p = os.path.join(BUILD, f)
        if os.path.exists(p):
            saved[p] = open(p).read()
            os.remove(p)
    return saved


if __name__ == "__main__":
    saved = keep_real_install()
    try:
        rc = run()
    finally:
        for p, text in saved.items():
            open(p, "w").write(text)
    sys.exit(rc)
