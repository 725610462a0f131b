#!/usr/bin/env python3
"""Man pages and shell completions of the aeterna CLI (TAP output).

Every page comes from `aeterna help --man [COMMAND]` and every completion script from
`aeterna completion SHELL`: both are generated from the option tables the commands parse their
flags with, so this suite checks that they agree with `--help`, that groff renders each page
without a warning, and that real bash, zsh (driven through zsh/zpty, the way a terminal would)
and fish complete subcommands, flags, choices and file names with them."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from tap import case, run  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
AETERNA = os.environ.get("AETERNA_BIN") or os.path.join(ROOT, "build", "aeterna")
COMMANDS = ["setup", "validate", "status", "completion", "help", "version"]
WORK = tempfile.mkdtemp(prefix="aeterna-docs-")


def sh(args, **kw):
    kw.setdefault("timeout", 60)
    return subprocess.run(args, capture_output=True, text=True, **kw)


def aeterna(*args):
    r = sh([AETERNA, *args])
    assert r.returncode == 0, f"aeterna {' '.join(args)} exited {r.returncode}: {r.stderr}"
    return r.stdout


def long_options(text):
    """--name options named in text; "--[no-]name" stands for --name and --no-name."""
    found = set(re.findall(r"(?<![\w-])--([a-z][a-z0-9-]*)", text))
    for name in re.findall(r"--\[no-\]([a-z][a-z0-9-]*)", text):
        found |= {name, "no-" + name}
    return found


def help_options(cmd):
    return long_options(aeterna(cmd, "--help"))


def man_page(cmd=None):
    return aeterna("help", "--man", *([cmd] if cmd else []))


def man_options(page):
    """Long options named in the page's option items: \\fB\\-\\-name\\fR."""
    return {m.replace("\\-", "-") for m in re.findall(r"\\fB\\-\\-((?:[a-z0-9]|\\-)+)\\fR", page)}


def script(shell):
    path = os.path.join(WORK, {"bash": "aeterna.bash", "zsh": "_aeterna", "fish": "aeterna.fish"}[shell])
    if not os.path.exists(path):
        with open(path, "w") as f:
            f.write(aeterna("completion", shell))
    return path


# --- bash ---------------------------------------------------------------------------------
def bash_complete(words, cwd=None):
    """COMPREPLY for a command line given as words (the last one is being completed)."""
    quoted = " ".join("'" + w.replace("'", "'\\''") + "'" for w in words)
    prog = f"source '{script('bash')}'; COMP_WORDS=({quoted}); COMP_CWORD={len(words) - 1}; " \
           "COMP_LINE=\"${COMP_WORDS[*]}\"; COMP_POINT=${#COMP_LINE}; _aeterna; printf '%s\\n' \"${COMPREPLY[@]}\""
    r = sh(["bash", "--norc", "--noprofile", "-c", prog], cwd=cwd)
    assert r.returncode == 0, r.stderr
    return set(filter(None, r.stdout.splitlines()))


# --- zsh: a real interactive zsh in a pseudo-terminal, TAB pressed, compadd's hits recorded --
ZSH_DRIVER = r"""
zmodload zsh/zpty
dir=$1 out=$2 line=$3
zpty z zsh -f -i
zpty -w z "PS1=''; fpath=($dir \$fpath); autoload -U compinit; compinit -u -D"
zpty -w z "compadd() { local -a __hits; builtin compadd -A __hits \"\$@\"; (( \$#__hits )) || return 1; print -l -- \$__hits >> $out; builtin compadd \"\$@\" }"
zpty -w z "bindkey '^I' complete-word"
zpty -w z "print ready > $out.ready"
for i in {1..100}; do [[ -f $out.ready ]] && break; sleep 0.1; done
[[ -f $out.ready ]] || exit 3
zpty -n -w z "$line"$'\t'
for i in {1..50}; do [[ -s $out ]] && break; sleep 0.1; done
sleep 0.3
zpty -d z
"""


def zsh_complete(line, cwd=None):
    d = tempfile.mkdtemp(dir=WORK)
    shutil.copy(script("zsh"), os.path.join(d, "_aeterna"))
    driver = os.path.join(d, "driver.zsh")
    with open(driver, "w") as f:
        f.write(ZSH_DRIVER)
    out = os.path.join(d, "hits")
    r = sh(["zsh", "-f", driver, d, out, line], cwd=cwd)
    assert r.returncode == 0, f"zsh driver failed ({r.returncode}): {r.stderr}"
    return set(open(out).read().split()) if os.path.exists(out) else set()


# --- fish -----------------------------------------------------------------------------------
def fish_complete(line, cwd=None):
    r = sh(["fish", "--no-config", "-c", f"source '{script('fish')}'; complete -C {quote_fish(line)}"], cwd=cwd)
    assert r.returncode == 0, r.stderr
    return {ln.split("\t")[0] for ln in r.stdout.splitlines() if ln}


def quote_fish(s):
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


# --- cases ----------------------------------------------------------------------------------
@case
def every_man_page_renders_without_groff_warnings():
    for cmd in [None, "setup", "validate", "status", "completion"]:
        page = man_page(cmd)
        assert page.startswith(".TH "), page[:80]
        r = sh(["groff", "-man", "-ww", "-z"], input=page)
        assert r.returncode == 0 and r.stderr == "", f"{cmd or 'aeterna'}: {r.stderr}"
        r = sh(["groff", "-man", "-Tutf8", "-ww"], input=page)
        text = re.sub(".\b", "", r.stdout)  # Debian's grotty overstrikes bold text when not told to use SGR
        assert r.returncode == 0 and ("OPTIONS" in text or cmd is None), r.stderr


@case
def man_pages_list_exactly_the_options_of_help():
    for cmd in ["setup", "validate", "status", "completion"]:
        want = help_options(cmd)
        got = man_options(man_page(cmd))
        assert want == got, f"{cmd}: only in --help {sorted(want - got)}; only in the man page {sorted(got - want)}"


@case
def tool_page_names_every_command():
    page = man_page()
    for cmd in COMMANDS:
        assert f".B {cmd}\n" in page, f"aeterna(1) does not list {cmd}"
    for cmd in ["setup", "validate", "status"]:
        assert f"aeterna\\-{cmd} (1)" in page, f"aeterna(1) SEE ALSO lacks aeterna-{cmd}(1)"


@case
def unknown_shell_and_page_are_usage_errors():
    r = sh([AETERNA, "completion", "tcsh"])
    assert r.returncode == 2 and "tcsh" in r.stderr and r.stdout == "", (r.returncode, r.stderr)
    r = sh([AETERNA, "completion"])
    assert r.returncode == 2 and "bash, zsh or fish" in r.stderr, (r.returncode, r.stderr)
    r = sh([AETERNA, "help", "--man", "nosuch"])
    assert r.returncode == 2 and "nosuch" in r.stderr and r.stdout == "", (r.returncode, r.stderr)


@case
def bash_completes_commands_flags_choices_and_files():
    assert set(COMMANDS) <= bash_complete(["aeterna", ""])
    assert bash_complete(["aeterna", "va"]) == {"validate"}
    for cmd in ["setup", "validate", "status"]:
        assert help_options(cmd) <= {w[2:] for w in bash_complete(["aeterna", cmd, "--"])}, cmd
    assert bash_complete(["aeterna", "setup", "--mode", ""]) == {"local", "hybrid", "remote"}
    assert bash_complete(["aeterna", "setup", "--mode", "=", "h"]) == {"hybrid"}
    assert bash_complete(["aeterna", "setup", "--target", "k"]) == {"kubernetes"}
    assert bash_complete(["aeterna", "completion", ""]) == {"bash", "zsh", "fish"}
    d = tempfile.mkdtemp(dir=WORK)
    open(os.path.join(d, "prod-values.yaml"), "w").close()
    os.mkdir(os.path.join(d, "deploy"))
    assert bash_complete(["aeterna", "validate", "--values", "prod"], cwd=d) == {"prod-values.yaml"}
    assert bash_complete(["aeterna", "setup", "-o", "de"], cwd=d) == {"deploy"}


@case
def zsh_completes_commands_flags_choices_and_files():
    assert set(COMMANDS) <= zsh_complete("aeterna ")
    got = zsh_complete("aeterna setup --")
    assert {"--mode", "--target", "--non-interactive", "--output"} <= got, sorted(got)[:20]
    assert zsh_complete("aeterna setup --mode ") >= {"local", "hybrid", "remote"}
    assert zsh_complete("aeterna completion ") >= {"bash", "zsh", "fish"}
    d = tempfile.mkdtemp(dir=WORK)
    open(os.path.join(d, "prod-values.yaml"), "w").close()
    assert "prod-values.yaml" in zsh_complete("aeterna validate --values pr", cwd=d)


@case
def fish_completes_commands_flags_choices_and_files():
    assert set(COMMANDS) <= fish_complete("aeterna ")
    got = fish_complete("aeterna status --")
    assert help_options("status") <= {w[2:] for w in got}, sorted(got)
    assert fish_complete("aeterna setup --mode ") == {"local", "hybrid", "remote"}
    assert fish_complete("aeterna completion ") == {"bash", "zsh", "fish"}
    d = tempfile.mkdtemp(dir=WORK)
    open(os.path.join(d, "prod-values.yaml"), "w").close()
    assert "prod-values.yaml" in fish_complete("aeterna validate --values pr", cwd=d)


if __name__ == "__main__":
    try:
        sys.exit(run("docs: "))
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
