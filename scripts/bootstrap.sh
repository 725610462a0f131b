#!/usr/bin/env bash
# Installs everything the project needs, at pinned versions (tools/versions.env):
#   - Debian packages (C toolchain and libraries) when missing;
#   - into .tools/ (git-ignored): helm 3, helm 4, kubeconform, helm-unittest, kube-score,
#     yamllint and the Kubernetes JSON schemas from the PyPI package kubernetes-validate;
#   - kube-apiserver, kube-controller-manager, kubectl and etcd (scripts/build-k8s.sh).
# Idempotent: a tool whose stamp matches its pinned version is not rebuilt, so a second run
# with everything present takes seconds. Each failure prints one line naming what failed and
# where its log is, then exits non-zero.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS="$ROOT/.tools"
BIN="$TOOLS/bin"
STAMPS="$TOOLS/stamps"
LOGS="$TOOLS/logs"
# shellcheck source=../tools/versions.env
. "$ROOT/tools/versions.env"

say() { printf 'bootstrap: %s\n' "$*"; }
die() { printf 'bootstrap: error: %s\n' "$*" >&2; exit 1; }

# --build: only what compiling the CLI needs (make build); nothing is written into .tools/.
build_only=false
[ "${1:-}" = --build ] && build_only=true
if $build_only; then
  DEB_PACKAGES=$DEB_BUILD_PACKAGES
  LOGS=$(mktemp -d)
  trap 'rm -rf "$LOGS"' EXIT
else
  mkdir -p "$BIN" "$STAMPS" "$LOGS"
fi

# run NAME CMD...: runs CMD with output to a log; on failure prints one line and exits.
run() {
  local name=$1; shift
  local log="$LOGS/$name.log"
  if ! "$@" >"$log" 2>&1; then
    local hint
    hint=$(grep -m1 -iE 'error|forbidden|not found|unable|could not|denied|refused|timeout' "$log" || tail -n1 "$log")
    die "$name failed: ${hint:-see log} (full log: ${log#"$ROOT"/})"
  fi
}

fresh() { [ -f "$STAMPS/$1" ] && [ "$(cat "$STAMPS/$1")" = "$2" ]; }
stamp() { printf '%s\n' "$2" >"$STAMPS/$1"; }

# --- Debian packages ---------------------------------------------------------------------
missing=()
for p in $DEB_PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  command -v apt-get >/dev/null || die "Debian packages missing (${missing[*]}) and apt-get is not available"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  say "installing Debian packages: ${missing[*]}"
  if ! $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >"$LOGS/apt.log" 2>&1; then
    run apt-update $sudo apt-get update
    run apt-install $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
  fi
fi

$build_only && exit 0

# --- Go tools ----------------------------------------------------------------------------
command -v go >/dev/null || die "go is not installed; it is needed to build helm and the other Go tools"
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"
export CGO_ENABLED=0

go_install() { # name version package [ldflags]
  local name=$1 version=$2 pkg=$3 ldflags=${4:-}
  if fresh "$name" "$version" && [ -x "$BIN/$name" ]; then return 0; fi
  say "building $name $version"
  local tmp="$TOOLS/gobin-$name"
  rm -rf "$tmp"; mkdir -p "$tmp"
  run "$name" env GOBIN="$tmp" go install -trimpath -ldflags "-s -w $ldflags" "$pkg@$version"
  mv "$tmp"/* "$BIN/$name"
  rm -rf "$tmp"
  stamp "$name" "$version"
}

go_install helm3 "$HELM3_VERSION" helm.sh/helm/v3/cmd/helm \
  "-X helm.sh/helm/v3/internal/version.version=$HELM3_VERSION -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=$HELM3_KUBE_MAJOR -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$HELM3_KUBE_MINOR -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=$HELM3_KUBE_MAJOR -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$HELM3_KUBE_MINOR"
go_install helm4 "$HELM4_VERSION" helm.sh/helm/v4/cmd/helm \
  "-X helm.sh/helm/v4/internal/version.version=$HELM4_VERSION"
go_install kubeconform "$KUBECONFORM_VERSION" github.com/yannh/kubeconform/cmd/kubeconform
go_install kube-score "$KUBE_SCORE_VERSION" github.com/zegl/kube-score/cmd/kube-score
go_install actionlint "$ACTIONLINT_VERSION" github.com/rhysd/actionlint/cmd/actionlint
go_install registry "$DISTRIBUTION_VERSION" github.com/distribution/distribution/v3/cmd/registry
go_install sops "$SOPS_VERSION" github.com/getsops/sops/v3/cmd/sops
go_install age "$AGE_VERSION" filippo.io/age/cmd/age
go_install age-keygen "$AGE_VERSION" filippo.io/age/cmd/age-keygen
go_install promtool "$PROMTOOL_VERSION" github.com/prometheus/prometheus/cmd/promtool \
  "-X github.com/prometheus/common/version.Version=$PROMTOOL_VERSION"

go_install rclone "$RCLONE_VERSION" github.com/rclone/rclone "-X github.com/rclone/rclone/fs.Version=$RCLONE_VERSION"
go_install fake-gcs-server "$FAKE_GCS_SERVER_VERSION" github.com/fsouza/fake-gcs-server

# helm-unittest: built from our tools module, which repeats upstream's replace directive.
hu_key="$HELM_UNITTEST_VERSION $(sha256sum "$ROOT/tools/go.mod" "$ROOT/tools/go.sum" | sha256sum | cut -c1-16)"
if ! fresh helm-unittest "$hu_key" || [ ! -x "$BIN/helm-unittest" ]; then
  say "building helm-unittest $HELM_UNITTEST_VERSION (tools module)"
  run helm-unittest bash -c "cd '$ROOT/tools' && go build -trimpath -ldflags '-s -w' -o '$BIN/helm-unittest' github.com/helm-unittest/helm-unittest/cmd/helm-unittest"
  stamp helm-unittest "$hu_key"
fi

# --- Python tools (venv in .tools/venv) ---------------------------------------------------
py_key="yamllint==$YAMLLINT_VERSION kubernetes-validate==$KUBERNETES_VALIDATE_VERSION jsonschema==$JSONSCHEMA_VERSION"
if ! fresh python "$py_key" || [ ! -x "$TOOLS/venv/bin/yamllint" ]; then
  say "installing $py_key"
  command -v python3 >/dev/null || die "python3 is not installed"
  rm -rf "$TOOLS/venv"
  run venv python3 -m venv "$TOOLS/venv"
  run pip "$TOOLS/venv/bin/pip" install --disable-pip-version-check -q $py_key
  ln -sf "$TOOLS/venv/bin/yamllint" "$BIN/yamllint"
  stamp python "$py_key"
fi

# --- Object-store servers for the backup tests (tests/backup) -----------------------------
# moto's S3 server in its own venv (the shared venv's py_key stays untouched); Azurite from npm.
if ! fresh moto "$MOTO_VERSION" || [ ! -x "$TOOLS/moto-venv/bin/moto_server" ]; then
  say "installing moto $MOTO_VERSION"
  rm -rf "$TOOLS/moto-venv"
  run moto-venv python3 -m venv "$TOOLS/moto-venv"
  run moto "$TOOLS/moto-venv/bin/pip" install --disable-pip-version-check -q "moto[server]==$MOTO_VERSION"
  stamp moto "$MOTO_VERSION"
fi
if ! fresh azurite "$AZURITE_VERSION" || [ ! -x "$TOOLS/azurite/node_modules/.bin/azurite-blob" ]; then
  say "installing azurite $AZURITE_VERSION"
  command -v npm >/dev/null || die "npm is not installed; it is needed for Azurite (backup tests)"
  rm -rf "$TOOLS/azurite"; mkdir -p "$TOOLS/azurite"
  run azurite npm install --no-audit --no-fund --prefix "$TOOLS/azurite" "azurite@$AZURITE_VERSION"
  stamp azurite "$AZURITE_VERSION"
fi

# --- pyte: a terminal emulator for the setup wizard's screen tests (its own venv) ------------
pyte_key="pyte==$PYTE_VERSION wcwidth==$WCWIDTH_VERSION"
if ! fresh pyte "$pyte_key" || [ ! -x "$TOOLS/pyte-venv/bin/python" ]; then
  say "installing $pyte_key"
  rm -rf "$TOOLS/pyte-venv"
  run pyte-venv python3 -m venv "$TOOLS/pyte-venv"
  run pyte-pip "$TOOLS/pyte-venv/bin/pip" install --disable-pip-version-check -q $pyte_key
  stamp pyte "$pyte_key"
fi

# --- Kubernetes JSON schemas for kubeconform ---------------------------------------------
# kubernetes-validate ships one standalone-strict schema folder per Kubernetes version;
# kubeconform reads them via -schema-location with the layout
#   .tools/k8s-schemas/v<ver>-standalone-strict/<kind>-<group>-<version>.json
schemas_key="$KUBERNETES_VALIDATE_VERSION $KUBE_VERSIONS $(sha256sum "$ROOT/scripts/extract-k8s-schemas.py" | cut -c1-16)"
if ! fresh k8s-schemas "$schemas_key"; then
  say "extracting Kubernetes schemas for $KUBE_VERSIONS"
  run k8s-schemas "$TOOLS/venv/bin/python" "$ROOT/scripts/extract-k8s-schemas.py" "$TOOLS/k8s-schemas" $KUBE_VERSIONS
  stamp k8s-schemas "$schemas_key"
fi

# --- Kubernetes control plane for the API-server tests (its own Go module, tools/k8s) --------
bash "$ROOT/scripts/build-k8s.sh" || die "building the Kubernetes control plane failed (logs: .tools/logs/)"

say "tools ready in .tools/ (helm3 $HELM3_VERSION, helm4 $HELM4_VERSION, kubeconform $KUBECONFORM_VERSION, helm-unittest $HELM_UNITTEST_VERSION, kube-score $KUBE_SCORE_VERSION, kubernetes $KUBERNETES_VERSION, etcd $ETCD_VERSION)"
