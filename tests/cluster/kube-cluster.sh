#!/usr/bin/env bash
# A real Kubernetes control plane on 127.0.0.1 for the chart tests: etcd (TLS, client
# certificates), kube-apiserver (TLS, RBAC, the default admission plugins — PodSecurity among
# them — and --allow-privileged=true as kubeadm sets it) and kube-controller-manager (it creates
# namespaces' default ServiceAccounts and workloads' pods, which is where PodSecurity rejects).
# There is no kubelet and no scheduler: pods are created and admitted, never scheduled or run.
#
# usage: tests/cluster/kube-cluster.sh start DIR   # prints nothing; DIR/admin.kubeconfig is ready
#        tests/cluster/kube-cluster.sh stop DIR    # stops all three, removes their data
# Binaries come from .tools/bin (scripts/build-k8s.sh). Ports are chosen free at start.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN="$ROOT/.tools/bin"
cmd=${1:?usage: kube-cluster.sh start|stop DIR} dir=${2:?usage: kube-cluster.sh start|stop DIR}

stop() {
  local p pid
  for p in kube-controller-manager kube-apiserver etcd; do
    [ -f "$dir/$p.pid" ] || continue
    pid=$(cat "$dir/$p.pid")
    kill "$pid" 2>/dev/null || true   # already gone is fine: stopping is idempotent
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$dir/$p.pid"
  done
  rm -rf "$dir/etcd-data"
}

if [ "$cmd" = stop ]; then stop; exit 0; fi
[ "$cmd" = start ] || { echo "kube-cluster: unknown command $cmd (start|stop)" >&2; exit 2; }
for b in etcd kube-apiserver kube-controller-manager kubectl; do
  [ -x "$BIN/$b" ] || { echo "kube-cluster: $BIN/$b missing: run scripts/build-k8s.sh" >&2; exit 1; }
done
stop
mkdir -p "$dir/pki"
pki=$dir/pki
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ETCD_PORT=$(free_port); ETCD_PEER=$(free_port); API_PORT=$(free_port)

# --- certificates (one CA; every key stays in DIR/pki) -----------------------------------
ossl() { openssl "$@" >>"$dir/openssl.log" 2>&1; }
cert() { # name subject extfile-lines
  local name=$1 subj=$2 ext=$3
  ossl genrsa -out "$pki/$name.key" 2048
  ossl req -new -key "$pki/$name.key" -subj "$subj" -out "$pki/$name.csr"
  printf '%b' "$ext" >"$pki/$name.ext"
  ossl x509 -req -in "$pki/$name.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -days 2 -sha256 -extfile "$pki/$name.ext" -out "$pki/$name.crt"
}
if [ ! -f "$pki/ca.crt" ]; then
  ossl req -x509 -newkey rsa:2048 -nodes -keyout "$pki/ca.key" -subj "/CN=aeterna-test-ca" -days 2 -out "$pki/ca.crt"
  cert etcd "/CN=etcd" "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n"
  cert apiserver "/CN=kube-apiserver" "subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local\nextendedKeyUsage=serverAuth\n"
  cert apiserver-etcd "/CN=kube-apiserver-etcd-client" "extendedKeyUsage=clientAuth\n"
  cert admin "/O=system:masters/CN=kubernetes-admin" "extendedKeyUsage=clientAuth\n"
  cert kcm "/CN=system:kube-controller-manager" "extendedKeyUsage=clientAuth\n"
  ossl genrsa -out "$pki/sa.key" 2048
  ossl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub"
fi

kubeconfig() { # file user
  cat >"$1" <<KC
apiVersion: v1
kind: Config
clusters:
- name: test
  cluster: {server: "https://127.0.0.1:$API_PORT", certificate-authority: "$pki/ca.crt"}
users:
- name: $2
  user: {client-certificate: "$pki/$2.crt", client-key: "$pki/$2.key"}
contexts:
- name: test
  context: {cluster: test, user: $2, namespace: default}
current-context: test
KC
}
kubeconfig "$dir/admin.kubeconfig" admin
kubeconfig "$dir/kcm.kubeconfig" kcm
echo "$API_PORT" >"$dir/apiserver.port"

# --- etcd ---------------------------------------------------------------------------------
setsid "$BIN/etcd" --name test --data-dir "$dir/etcd-data" \
  --listen-client-urls "https://127.0.0.1:$ETCD_PORT" --advertise-client-urls "https://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER" \
  --initial-cluster "test=http://127.0.0.1:$ETCD_PEER" \
  --cert-file "$pki/etcd.crt" --key-file "$pki/etcd.key" --client-cert-auth --trusted-ca-file "$pki/ca.crt" \
  --unsafe-no-fsync --quota-backend-bytes 2147483648 --log-level warn \
  >"$dir/etcd.log" 2>&1 </dev/null &
echo $! >"$dir/etcd.pid"

# --- kube-apiserver -------------------------------------------------------------------------
setsid "$BIN/kube-apiserver" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$API_PORT" \
  --etcd-servers "https://127.0.0.1:$ETCD_PORT" --etcd-cafile "$pki/ca.crt" \
  --etcd-certfile "$pki/apiserver-etcd.crt" --etcd-keyfile "$pki/apiserver-etcd.key" \
  --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
  --client-ca-file "$pki/ca.crt" \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
  --service-cluster-ip-range 10.96.0.0/12 \
  --authorization-mode RBAC --allow-privileged=true \
  --enable-priority-and-fairness=false --profiling=false \
  >"$dir/kube-apiserver.log" 2>&1 </dev/null &
echo $! >"$dir/kube-apiserver.pid"

kc() { "$BIN/kubectl" --kubeconfig "$dir/admin.kubeconfig" "$@"; }
for _ in $(seq 300); do
  kc get --raw /readyz >/dev/null 2>&1 && break
  kill -0 "$(cat "$dir/kube-apiserver.pid")" 2>/dev/null ||
    { echo "kube-cluster: kube-apiserver exited:" >&2; tail -n 5 "$dir/kube-apiserver.log" >&2; stop; exit 1; }
  sleep 0.2
done
kc get --raw /readyz >/dev/null || { echo "kube-cluster: kube-apiserver not ready after 60 s (log: $dir/kube-apiserver.log)" >&2; stop; exit 1; }

# --- kube-controller-manager ------------------------------------------------------------------
setsid "$BIN/kube-controller-manager" --kubeconfig "$dir/kcm.kubeconfig" \
  --authentication-kubeconfig "$dir/kcm.kubeconfig" --authorization-kubeconfig "$dir/kcm.kubeconfig" \
  --bind-address 127.0.0.1 --secure-port 0 --leader-elect=false \
  --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
  --use-service-account-credentials=true \
  >"$dir/kube-controller-manager.log" 2>&1 </dev/null &
echo $! >"$dir/kube-controller-manager.pid"
# ready when it has given the default namespace its ServiceAccount
for _ in $(seq 300); do
  kc -n default get serviceaccount default >/dev/null 2>&1 && exit 0
  kill -0 "$(cat "$dir/kube-controller-manager.pid")" 2>/dev/null ||
    { echo "kube-cluster: kube-controller-manager exited:" >&2; tail -n 5 "$dir/kube-controller-manager.log" >&2; stop; exit 1; }
  sleep 0.2
done
echo "kube-cluster: kube-controller-manager created no default ServiceAccount in 60 s (log: $dir/kube-controller-manager.log)" >&2
stop; exit 1
