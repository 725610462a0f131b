"""The Aeterna server's environment contract, read from charts/aeterna/server-env.txt.

load(path) -> Contract; Contract.check(env, container) -> list of problems, where env maps each
variable name to (value or None when it cannot be known at render, source) and source is
"inline", "configmap" or "secret". Used by scripts/check-manifests.py (every rendered server and
migration container) and by the CLI's end-to-end test (the docker-compose server service).
"""
import base64
import binascii
import re
from dataclasses import dataclass, field

FORMATS = ("int", "bool", "flag", "url", "kms-key")


@dataclass
class Var:
    name: str
    group: str
    required: bool = False
    required_if: list = field(default_factory=list)  # (name, op, value)
    secret: bool = False
    ignored: bool = False
    fmt: str = ""
    enum: tuple = ()


class Contract:
    def __init__(self, variables):
        self.vars = {v.name: v for v in variables}

    @property
    def names(self):
        return set(self.vars)

    def _format_problem(self, var, value):
        if var.enum and value not in var.enum:
            return f"{var.name}={value!r} is not one of {'|'.join(var.enum)}"
        if var.fmt == "int" and not re.fullmatch(r"-?[0-9]+", value):
            return f"{var.name}={value!r} is not an integer (the server would silently use its default)"
        if var.fmt == "bool" and value not in ("true", "false"):
            return f"{var.name}={value!r} is not lowercase true/false (the server would silently use its default)"
        if var.fmt == "flag" and value.lower() not in ("1", "true", "yes", "on", "0", "false", "no", "off"):
            return f"{var.name}={value!r} is not a feature flag value"
        if var.fmt == "url" and not re.fullmatch(r"https?://[^/:\s]+(:[0-9]+)?(/\S*)?", value):
            return f"{var.name}={value!r} is not an http(s) URL"
        if var.fmt == "kms-key":
            try:
                raw = base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                return f"{var.name} is not standard base64"
            if len(raw) != 32:
                return f"{var.name} decodes to {len(raw)} bytes, not 32 (the server does not boot)"
        return None

    def check(self, env, container="server"):
        """env: {name: (value or None, source)}. container "server" checks the boot requirements
        too; "migrate" (aeterna admin migrate up) only the names, sources and formats."""
        problems = []
        for name, (value, source) in sorted(env.items()):
            var = self.vars.get(name)
            if var is None:
                problems.append(f"sets {name}, which the server does not read at this tag")
                continue
            if var.ignored:
                problems.append(f"sets {name}, which the server reads but ignores at this tag")
            if var.secret and source != "secret":
                problems.append(f"{name} is a secret but comes from {source}")
            if value is not None:
                p = self._format_problem(var, value)
                if p:
                    problems.append(p)
        if container != "server":
            return problems
        for var in self.vars.values():
            needed = var.required
            for other, op, want in var.required_if:
                if other in env:
                    have = env[other][0]
                    if have is None:
                        continue  # not knowable at render
                else:
                    have = ""
                if (op == "=" and have == want) or (op == "!=" and have != want):
                    needed = True
            if needed and var.name not in env:
                problems.append(f"does not set {var.name}, without which the server does not boot")
        return problems


def load(path):
    variables, group = [], ""
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith("# ---"):
                group = line[5:].strip()
                continue
            if not line or line.startswith("#"):
                continue
            name, *attrs = line.split()
            v = Var(name, group)
            for a in attrs:
                if a == "required":
                    v.required = True
                elif a.startswith("required-if="):
                    m = re.fullmatch(r"required-if=([A-Z0-9_]+)(!?=)(.*)", a)
                    if not m:
                        raise ValueError(f"{path}: {name}: bad attribute {a}")
                    v.required_if.append((m.group(1), m.group(2), m.group(3)))
                elif a == "secret":
                    v.secret = True
                elif a == "ignored":
                    v.ignored = True
                elif a in FORMATS:
                    v.fmt = a
                elif a.startswith("enum:"):
                    v.enum = tuple(a[5:].split("|"))
                else:
                    raise ValueError(f"{path}: {name}: unknown attribute {a}")
            if name in {x.name for x in variables}:
                raise ValueError(f"{path}: {name} is listed twice")
            variables.append(v)
    return Contract(variables)
