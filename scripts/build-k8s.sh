#!/usr/bin/env bash
# Builds the Kubernetes control plane the API-server tests use, from tools/k8s (its own Go
# module: k8s.io/kubernetes with every staging module replaced by the published v0.35.x, and
# etcd's server module) into .tools/bin: kube-apiserver, kube-controller-manager, kubectl, etcd.
# Version stamps are linked in (-X …/version.gitVersion, major, minor), else the API server
# reports v0.0.0-master and charts with a kubeVersion constraint refuse it.
# Idempotent: skipped when the stamp matches tools/k8s/go.mod + go.sum and versions.env.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$ROOT/tools/versions.env"
BIN="$ROOT/.tools/bin" STAMPS="$ROOT/.tools/stamps" LOGS="$ROOT/.tools/logs"
mkdir -p "$BIN" "$STAMPS" "$LOGS"
key="$KUBERNETES_VERSION $ETCD_VERSION $(cat "$ROOT/tools/k8s/go.mod" "$ROOT/tools/k8s/go.sum" | sha256sum | cut -c1-16)"
all_there() { for b in kube-apiserver kube-controller-manager kubectl etcd; do [ -x "$BIN/$b" ] || return 1; done; }
if [ -f "$STAMPS/k8s" ] && [ "$(cat "$STAMPS/k8s")" = "$key" ] && all_there; then exit 0; fi
grep -q "k8s.io/kubernetes $KUBERNETES_VERSION\$" "$ROOT/tools/k8s/go.mod" ||
  { echo "build-k8s: tools/k8s/go.mod does not require k8s.io/kubernetes $KUBERNETES_VERSION (versions.env)" >&2; exit 1; }
v=${KUBERNETES_VERSION#v}; major=${v%%.*}; rest=${v#*.}; minor=${rest%%.*}
pkg=k8s.io/component-base/version
ld="-s -w -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
ld="$ld -X k8s.io/client-go/pkg/version.gitVersion=$KUBERNETES_VERSION -X k8s.io/client-go/pkg/version.gitMajor=$major -X k8s.io/client-go/pkg/version.gitMinor=$minor"
echo "bootstrap: building kube-apiserver, kube-controller-manager, kubectl $KUBERNETES_VERSION and etcd $ETCD_VERSION (tools/k8s; about 10 minutes cold)"
cd "$ROOT/tools/k8s"
export CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false"
for cmd in kube-apiserver kube-controller-manager kubectl; do
  go build -trimpath -ldflags "$ld" -o "$BIN/$cmd.new" "k8s.io/kubernetes/cmd/$cmd" >"$LOGS/$cmd.log" 2>&1 ||
    { echo "build-k8s: building $cmd failed (log: .tools/logs/$cmd.log)" >&2; tail -n 5 "$LOGS/$cmd.log" >&2; exit 1; }
  mv "$BIN/$cmd.new" "$BIN/$cmd"
done
go build -trimpath -ldflags "-s -w" -o "$BIN/etcd.new" go.etcd.io/etcd/server/v3 >"$LOGS/etcd.log" 2>&1 ||
  { echo "build-k8s: building etcd failed (log: .tools/logs/etcd.log)" >&2; tail -n 5 "$LOGS/etcd.log" >&2; exit 1; }
mv "$BIN/etcd.new" "$BIN/etcd"
printf '%s\n' "$key" >"$STAMPS/k8s"
