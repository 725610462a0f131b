#!/usr/bin/env bash
# make test: every suite, each case counted; the last line is "N passed, M failed".
# Failures are listed as they happen and again at the end; logs go to build/test-logs/.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=../tools/versions.env
. tools/versions.env

BIN=.tools/bin
PY=.tools/venv/bin/python
LOGS=build/test-logs
rm -rf "$LOGS"
mkdir -p "$LOGS"

PASSED=0
FAILED=0
FAILURES=()

pass() { PASSED=$((PASSED + 1)); }
fail() { FAILED=$((FAILED + 1)); FAILURES+=("$1"); printf '  FAIL %s\n' "$1"; }
# check NAME CMD...: one test case; output kept in a log, shown on failure.
check() {
  local name=$1; shift
  local log="$LOGS/$(printf '%s' "$name" | tr -c 'A-Za-z0-9._-' '_').log"
  if "$@" >"$log" 2>&1; then pass; else fail "$name"; sed 's/^/      /' "$log" | tail -n 20; fi
}
suite() { printf '== %s\n' "$1"; }
counts() { printf '   %d passed, %d failed so far\n' "$PASSED" "$FAILED"; }

KUBECONFORM_ARGS=(-strict -summary
  -schema-location "$ROOT/.tools/k8s-schemas/{{.NormalizedKubernetesVersion}}-standalone{{.StrictSuffix}}/{{.ResourceKind}}{{.KindSuffix}}.json"
  -schema-location "$ROOT/schemas/crd-jsonschema/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json")

CHARTS=(charts/aeterna)
[ -d charts/verta ] && CHARTS+=(charts/verta)
# scenarios CHART: the chart's ci/*-values.yaml and its sizing presets values-*.yaml (each one a scenario).
scenarios() { local f; for f in "$1"/ci/*-values.yaml "$1"/values-*.yaml; do [ -f "$f" ] && printf '%s\n' "$f"; done; return 0; }

# Charts with subcharts are rendered from a staged copy holding the real subcharts at the
# versions Chart.lock pins (scripts/stage-chart.sh says where it looks for the archives).
STAGE=build/staged
declare -A STAGED
for chart in "${CHARTS[@]}"; do
  STAGED[$chart]="$STAGE/$(basename "$chart")"
  scripts/stage-chart.sh "$chart" "${STAGED[$chart]}" >"$LOGS/stage-$(basename "$chart").log" 2>&1 ||
    { echo "staging $chart failed:"; cat "$LOGS/stage-$(basename "$chart").log"; exit 1; }
done
# Operator APIs the test cluster is assumed to serve (offline renders); a values file can override the list with a
# "# api-versions: …" line (empty: none, e.g. to prove the missing-operator message).
CLUSTER_APIS="postgresql.cnpg.io/v1 psmdb.percona.com/v1 monitoring.coreos.com/v1 autoscaling.k8s.io/v1 external-secrets.io/v1"
api_args() { # values-file...: prints --api-versions arguments, one per line
  local apis=$CLUSTER_APIS f line
  for f in "$@"; do
    line=$(grep -m1 '^# api-versions:' "$f" 2>/dev/null) && apis=${line#\# api-versions:}
  done
  for a in $apis; do printf -- '--api-versions\n%s\n' "$a"; done
}
# helm lint cannot be given API versions: charts with capability checks are linted without them.
# A chart whose defaults refuse an unauthenticated server is linted with that choice made
# (the refusal itself is a test of its own).
lint_args() {
  grep -q '^capabilityChecks:' "$1/values.yaml" && printf -- '--set\ncapabilityChecks=false\n'
  grep -q '^  allowUnauthenticated:' "$1/values.yaml" && printf -- '--set\nauth.allowUnauthenticated=true\n'
  return 0
}
# A chart without a database default must refuse its bare defaults with the sentence naming the key.
defaults_refuse_without_database() { # chart helm
  local out
  if out=$("$BIN/$2" template ci-release "${STAGED[$1]}" 2>&1); then
    echo "the default values rendered without a database"; return 1
  fi
  grep -qF "database.url or database.existingSecret is required" <<<"$out" || { echo "$out"; return 1; }
}
ACK_UNAUTH="$LOGS/allow-unauthenticated.yaml"
printf 'auth:\n  allowUnauthenticated: true\n' >"$ACK_UNAUTH"
# The chart's defaults must refuse to render a server that trusts its callers, with the sentence.
defaults_refuse_unauthenticated() { # chart helm
  local out
  if out=$("$BIN/$2" template ci-release "${STAGED[$1]}" --api-versions postgresql.cnpg.io/v1 2>&1); then
    echo "the default values rendered an unauthenticated server"; return 1
  fi
  grep -qF "auth.allowUnauthenticated must be true for a server without authentication" <<<"$out" || { echo "$out"; return 1; }
}

# --- C: strict build, sanitizer build, cmocka tests under ASan+UBSan -------------------
suite "C (cmocka under ASan+UBSan)"
check "c: build (-Werror)" bash -c "cmake -S . -B build -G Ninja -DAETERNA_WERROR=ON -DCMAKE_BUILD_TYPE=Release >/dev/null && cmake --build build"
if cmake -S . -B build-asan -G Ninja -DAETERNA_WERROR=ON -DAETERNA_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >"$LOGS/c-asan-build.log" 2>&1 &&
   cmake --build build-asan >>"$LOGS/c-asan-build.log" 2>&1; then
  pass
  CMOCKA_MESSAGE_OUTPUT=TAP ctest --test-dir build-asan -V --timeout 300 >"$LOGS/ctest.log" 2>&1
  ctest_rc=$?
  ok=$(grep -cE '^[0-9]+: ok [0-9]+' "$LOGS/ctest.log")
  bad=$(grep -E '^[0-9]+: not ok [0-9]+' "$LOGS/ctest.log")
  PASSED=$((PASSED + ok))
  while IFS= read -r line; do [ -n "$line" ] && fail "c: ${line#*: }"; done <<<"$bad"
  if [ "$ctest_rc" -ne 0 ] && [ -z "$bad" ]; then
    fail "c: ctest failed without a failing case (crash or sanitizer report; see $LOGS/ctest.log)"
  fi
else
  fail "c: sanitizer build"; tail -n 20 "$LOGS/c-asan-build.log"
fi
# The same tests under valgrind (Release build; leaks inside libfyaml suppressed, see cli/fuzz/).
for t in build/test_*; do
  [ -x "$t" ] || continue
  check "c: valgrind $(basename "$t")" env AETERNA_BIN="$ROOT/build/aeterna" valgrind -q --error-exitcode=99 \
    --leak-check=full --errors-for-leak-kinds=definite --suppressions=cli/fuzz/valgrind.supp "$t"
done
counts

# `make build` on a machine with only the build dependencies: a copy of the tree, no .tools/ and
# no test tool on PATH; cmocka is hidden by a pkg-config wrapper (a stand-in for "not installed").
# The binary it builds must run setup, validate and status.
build_without_test_tools() {
  local tmp rc=0
  tmp=$(mktemp -d)
  git ls-files -co --exclude-standard -z | tar --null -T - -cf - | tar -xf - -C "$tmp" || { rm -rf "$tmp"; return 1; }
  mkdir -p "$tmp/fakebin" "$tmp/home"
  printf '#!/bin/sh\ncase " $* " in *" cmocka "*) exit 1;; esac\nexec /usr/bin/pkg-config "$@"\n' >"$tmp/fakebin/pkg-config"
  chmod +x "$tmp/fakebin/pkg-config"
  env -i PATH="$tmp/fakebin:/usr/local/bin:/usr/bin:/bin" HOME="$tmp/home" make -C "$tmp" build || rc=1
  [ ! -e "$tmp/.tools" ] || { echo "make build created .tools/"; rc=1; }
  [ ! -e "$tmp/build/test_model" ] || { echo "unit tests were built without cmocka"; rc=1; }
  if [ $rc -eq 0 ]; then
    env -i PATH=/usr/bin:/bin HOME="$tmp/home" "$tmp/build/aeterna" setup --non-interactive -o "$tmp/out" >/dev/null || rc=1
    (cd /tmp && env -i PATH=/usr/bin:/bin "$tmp/build/aeterna" validate -f "$tmp/out/values.yaml") || rc=1
    env -i PATH=/usr/bin:/bin "$tmp/build/aeterna" status --help >/dev/null || rc=1
  fi
  rm -rf "$tmp"
  return $rc
}
# The release aeterna is static and hands status to aeterna-net (cli/src/lib/net_helper.h): the
# same results as the helper's own status; without the helper, exit 2 and a sentence naming it.
static_binary_hands_status_to_its_helper() {
  local tmp rc=0 a b
  tmp=$(mktemp -d)
  file build/aeterna | grep -q "statically linked" || { echo "build/aeterna is not statically linked"; rc=1; }
  build/aeterna setup --non-interactive -o "$tmp/out" >/dev/null || rc=1
  local args=(status --config "$tmp/out/.aeterna/config.toml" --timeout 300 --server-url http://127.0.0.1:1
              --postgres-host 127.0.0.1 --postgres-port 1 --cache-host 127.0.0.1 --cache-port 1 --vector-url http://127.0.0.1:1)
  local ra rb
  build/aeterna "${args[@]}" >"$tmp/a.txt"; ra=$?
  build/aeterna-net "${args[@]}" >"$tmp/b.txt"; rb=$?
  a=$(awk '{print $1, $3}' "$tmp/a.txt" | sort)
  b=$(awk '{print $1, $3}' "$tmp/b.txt" | sort)
  [ "$ra" = 1 ] && [ "$rb" = 1 ] || { echo "exit $ra (aeterna) and $rb (aeterna-net), want 1 and 1"; rc=1; }
  [ "$a" = "$b" ] && grep -q "postgresql refused" <<<"$a" || { printf 'aeterna:\n%s\naeterna-net:\n%s\n' "$a" "$b"; rc=1; }
  cp build/aeterna "$tmp/aeterna"
  local err; err=$("$tmp/aeterna" status 2>&1 >/dev/null); local rm=$?
  [ "$rm" = 2 ] && grep -q "network helper aeterna-net is missing" <<<"$err" && grep -q AETERNA_EXEC_PATH <<<"$err" ||
    { echo "without the helper: exit $rm, '$err'"; rc=1; }
  AETERNA_EXEC_PATH="$ROOT/build" "$tmp/aeterna" status --help | grep -q "^Usage: aeterna status" ||
    { echo "AETERNA_EXEC_PATH is not followed"; rc=1; }
  rm -rf "$tmp"
  return $rc
}
suite "make build with only the build dependencies"
check "make build: no .tools/, no cmocka; the binary runs setup, validate and status" build_without_test_tools
check "the static aeterna runs status in aeterna-net (same results; a missing helper is named)" static_binary_hands_status_to_its_helper
counts

# --- Python-driven suites of the CLI (TAP output) ----------------------------------------
# tap_suite NAME SCRIPT: each "ok"/"not ok" line is one case; a crash without TAP is a failure.
tap_suite() { # NAME SCRIPT [LOG-NAME]
  local name=$1 script=$2 log
  log="$LOGS/${3:-$(basename "$script" .py)}.log"
  AETERNA_BIN="${TAP_BIN:-$ROOT/build-asan/aeterna}" ASAN_OPTIONS=detect_leaks=1 "$PY" "$script" >"$log" 2>&1
  local rc=$? ok bad
  ok=$(grep -cE '^ok [0-9]+' "$log")
  PASSED=$((PASSED + ok))
  bad=$(grep -E '^not ok [0-9]+' "$log")
  while IFS= read -r line; do
    [ -n "$line" ] || continue
    fail "$name: ${line#not ok }"
    grep -A6 -F -- "$line" "$log" | tail -n +2 | grep '^#' | sed 's/^/      /'
  done <<<"$bad"
  if [ "$rc" -ne 0 ] && [ -z "$bad" ]; then fail "$name: $script exited $rc without a failing case (see $log)"; tail -n 15 "$log"; fi
}
export AETERNA_STAGED_CHART="$ROOT/${STAGED[charts/aeterna]}"
suite "aeterna setup (CLI behaviour, wizard in a pty, end-to-end with helm 3 + helm 4)"
tap_suite "docs-cli" cli/tests/docs_cli_test.py
tap_suite "setup-cli" cli/tests/setup_cli_test.py
tap_suite "facts" cli/tests/facts_test.py
tap_suite "setup-safety" cli/tests/setup_safety_test.py
[ -f cli/tests/setup_wizard_test.py ] && tap_suite "setup-wizard" cli/tests/setup_wizard_test.py
# the release binary is static: its wizard checks URLs through aeterna-net (net_helper.h)
TAP_BIN="$ROOT/build/aeterna" tap_suite "setup-wizard (static build/aeterna)" cli/tests/setup_wizard_test.py setup_wizard_static
PY=.tools/pyte-venv/bin/python tap_suite "setup-wizard-screens" cli/tests/setup_wizard_screen_test.py
YTREE_FAST_DRIVER="$ROOT/build-asan/ytree_fast_driver" tap_suite "setup-e2e" cli/tests/setup_e2e_test.py
VALUES_EDIT_DRIVER="$ROOT/build-asan/values_edit_driver" tap_suite "values-edit" cli/tests/values_edit_property_test.py
counts

suite "aeterna validate (every bad-values case rejected, every scenario accepted; positions, JSON, compose, config)"
tap_suite "validate" cli/tests/validate_test.py
tap_suite "validate-helm" cli/tests/validate_helm_test.py
counts

suite "aeterna status (real PostgreSQL and Redis on loopback, HTTP stubs, black holes, closed ports; backups in moto S3, Azurite, fake-gcs-server)"
tap_suite "status" cli/tests/status_test.py
tap_suite "status-backup" cli/tests/status_backup_test.py
counts

suite "backups (the chart's scripts: real PostgreSQL, rclone, moto S3, Azurite, fake-gcs-server; Qdrant/Weaviate API stubs)"
tap_suite "backup" tests/backup/backup_test.py
counts

# --- helm-unittest ----------------------------------------------------------------------
suite "helm-unittest"
for chart in "${CHARTS[@]}"; do
  log="$LOGS/unittest-$(basename "$chart").log"
  "$BIN/helm-unittest" --color=false -f 'unittests/*_test.yaml' "${STAGED[$chart]}" >"$log" 2>&1
  rc=$?
  line=$(grep -E '^Tests:' "$log" | tail -n1)
  p=$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+')
  f=$(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+')
  p=${p:-0} f=${f:-0}
  PASSED=$((PASSED + p))
  if [ "$f" -gt 0 ] || [ "$rc" -ne 0 ] || [ "$p" -eq 0 ]; then
    [ "$f" -gt 0 ] || f=1
    FAILED=$((FAILED + f)); FAILURES+=("helm-unittest $chart ($f failed)")
    printf '  FAIL helm-unittest %s\n' "$chart"; grep -E -A12 '^ FAIL|Error' "$log" | head -n 60 | sed 's/^/      /'
  fi
done
counts

# --- scenarios: helm 3 and helm 4 × Kubernetes versions, kubeconform strict -------------
suite "scenarios (helm 3 + helm 4, kubeconform -strict on $KUBE_VERSIONS)"
render_validate() { # chart values helm kube [extra values file]
  local out
  out=$(mktemp)
  local apis; mapfile -t apis < <(api_args "$2")
  local extra=(); [ -n "${5:-}" ] && extra=(-f "$5")
  "$BIN/$3" template ci-release "${STAGED[$1]}" -n ci -f "$2" "${extra[@]}" "${apis[@]}" --kube-version "$4.0" >"$out" || { rm -f "$out"; return 1; }
  "$BIN/kubeconform" "${KUBECONFORM_ARGS[@]}" -kubernetes-version "$4.0" "$out" || { rm -f "$out"; return 1; }
  "$PY" scripts/check-manifests.py "$1" "$out" "$2" || { rm -f "$out"; return 1; }
  rm -f "$out"
}
for chart in "${CHARTS[@]}"; do
  for values in $(scenarios "$chart"); do
    for helm in helm3 helm4; do
      for kube in $KUBE_VERSIONS; do
        check "render $(basename "$values") $helm k8s-$kube" render_validate "$chart" "$values" "$helm" "$kube"
      done
    done
  done
done
counts

suite "server boot contract (charts/aeterna/server-env.txt), verta app contract, examples/verta compose: the checks report each kind of breach"
tap_suite "contract" tests/contract/server_contract_test.py
[ -d charts/verta ] && VERTA_STAGED_CHART="$ROOT/${STAGED[charts/verta]}" tap_suite "verta contract" tests/contract/verta_manifest_test.py
[ -d examples/verta ] && tap_suite "verta compose" tests/examples/verta_compose_test.py
counts

suite "alerts and dashboard (promtool test rules on the rendered PrometheusRule; dashboard queries parsed; metric list)"
tap_suite "monitoring" tests/monitoring/monitoring_test.py
counts

suite "runbooks (docs/, examples/*/README.md): fenced commands run (some on an API server) or syntax-checked; every refusal and NOTES warning documented"
KUBE_DOCS_DIR="$ROOT/build/kube-docs" tap_suite "docs" tests/docs/docs_test.py
grep '^#   ' "$LOGS/docs_test.log" | sed 's/^#/   only syntax-checked:/' | head -n 40
counts

# --- bad values: each must fail to render with its expected message ---------------------
suite "bad values (must fail with the expected message)"
bad_case() { # chart base case helm
  local expect out
  expect=$(head -n1 "$3" | sed -n 's/^# expect: //p')
  [ -n "$expect" ] || { echo "$3 has no '# expect:' first line"; return 1; }
  local apis; mapfile -t apis < <(api_args "$2" "$3")
  if out=$("$BIN/$4" template ci-release "${STAGED[$1]}" -f "$2" -f "$3" "${apis[@]}" 2>&1); then
    echo "rendered without error; expected: $expect"; return 1
  fi
  grep -qF -- "$expect" <<<"$out" || { printf 'expected: %s\ngot: %s\n' "$expect" "$out"; return 1; }
}
for chart in "${CHARTS[@]}"; do
  [ -d "$chart/bad-values" ] || continue
  base="$chart/ci/local-values.yaml"
  [ -f "$base" ] || base="$chart/ci/minimal-values.yaml"
  [ -f "$base" ] || base="$(ls "$chart"/ci/*-values.yaml | head -n1)"
  for case in "$chart"/bad-values/*.yaml; do
    for helm in helm3 helm4; do
      check "bad-values $(basename "$case") $helm" bad_case "$chart" "$base" "$case" "$helm"
    done
  done
done
counts

# --- packaging and release: make install/uninstall, .deb, workflows, publishing, docs ----------
suite "packaging and release (install, .deb with dpkg, actionlint, chart version bumps, OCI + Helm repository round trip, signing, Artifact Hub, README quick starts)"
tap_suite "install" tests/packaging/install_test.py
tap_suite "chart-bump" tests/packaging/chart_bump_test.py
tap_suite "publish" tests/packaging/publish_test.py
tap_suite "readme" tests/packaging/readme_test.py
counts

lock_digest_ok() { # chart: `helm dependency build` offline must get past the lock check
  local tmp out
  tmp=$(mktemp -d)
  cp -R "$1/." "$tmp/"
  out=$(HELM_REPOSITORY_CONFIG="$tmp/.repos.yaml" "$BIN/helm3" dependency build "$tmp" 2>&1)
  rm -rf "$tmp"
  echo "$out"
  ! grep -q "out of sync" <<<"$out"
}
# --- lint ---------------------------------------------------------------------------------
suite "helm lint --strict, kube-score, yamllint, README values table"
for chart in "${CHARTS[@]}"; do
  for helm in helm3 helm4; do
    mapfile -t lint < <(lint_args "$chart")
    if [ -f "$chart/ci/minimal-values.yaml" ]; then
      # no default for a site value (charts/verta: the external database, the Discord token): the defaults
      # must refuse with the sentence; linted and rendered with the documented minimum
      check "default values of $(basename "$chart") refuse to render without a database $helm" defaults_refuse_without_database "$chart" "$helm"
      check "lint $(basename "$chart") default values + ci/minimal-values.yaml $helm" "$BIN/$helm" lint --strict "${STAGED[$chart]}" -f "$chart/ci/minimal-values.yaml" "${lint[@]}"
      check "render $(basename "$chart") default values + ci/minimal-values.yaml $helm" render_validate "$chart" "$chart/values.yaml" "$helm" 1.35 "$chart/ci/minimal-values.yaml"
      continue
    fi
    check "lint $(basename "$chart") default values $helm" "$BIN/$helm" lint --strict "${STAGED[$chart]}" "${lint[@]}"
    if grep -q '^  allowUnauthenticated:' "$chart/values.yaml"; then
      check "render $(basename "$chart") default values $helm (auth.allowUnauthenticated=true)" render_validate "$chart" "$chart/values.yaml" "$helm" 1.35 "$ACK_UNAUTH"
      check "default values of $(basename "$chart") refuse an unauthenticated server $helm" defaults_refuse_unauthenticated "$chart" "$helm"
    else
      check "render $(basename "$chart") default values $helm" render_validate "$chart" "$chart/values.yaml" "$helm" 1.35
    fi
  done
  for values in $(scenarios "$chart"); do
    for helm in helm3 helm4; do
      mapfile -t lint < <(lint_args "$chart")
      check "lint $(basename "$chart") $(basename "$values") $helm" "$BIN/$helm" lint --strict "${STAGED[$chart]}" -f "$values" "${lint[@]}"
    done
  done
  check "README values table up to date: $chart" "$PY" scripts/values-table.py "$chart" --check
  check "yamllint $chart values" "$BIN/yamllint" -c .yamllint.yaml "$chart/values.yaml" "$chart"/ci/ "$chart"/bad-values/ $(scenarios "$chart")
  if grep -q '^dependencies:' "$chart/Chart.yaml"; then
    check "Chart.lock matches Chart.yaml: $chart" "$PY" scripts/chart-lock.py "$chart" --check
    check "Chart.lock accepted by helm's digest check: $chart" lock_digest_ok "$chart"
  fi
done
# examples/sops: a throw-away age key encrypts the example secrets; nothing stays in clear; the
# decrypted file renders the chart and the values reach the chart's Secret.
sops_example() {
  local tmp rc=0
  tmp=$(mktemp -d)
  "$BIN/age-keygen" -o "$tmp/key.txt" 2>/dev/null || { rm -rf "$tmp"; return 1; }
  local recipient; recipient=$("$BIN/age-keygen" -y "$tmp/key.txt")
  SOPS_AGE_KEY_FILE="$tmp/key.txt" "$BIN/sops" --encrypt --age "$recipient" --encrypted-regex '^(apiKey|password|token|uri)$' \
    --input-type yaml --output-type yaml examples/sops/secrets.values.yaml >"$tmp/enc.yaml" || rc=1
  for secret in change-me-rds-password sk-change-me-0123456789abcdef; do
    grep -qF "$secret" "$tmp/enc.yaml" && { echo "$secret is in clear in the encrypted file"; rc=1; }
  done
  grep -q 'host: aeterna.cluster-abc' "$tmp/enc.yaml" || { echo "non-secret fields were encrypted too"; rc=1; }
  SOPS_AGE_KEY_FILE="$tmp/key.txt" "$BIN/sops" --decrypt --input-type yaml --output-type yaml "$tmp/enc.yaml" >"$tmp/dec.yaml" || rc=1
  "$BIN/helm3" template aeterna "${STAGED[charts/aeterna]}" -f "$tmp/dec.yaml" -f "$ACK_UNAUTH" >"$tmp/out.yaml" || rc=1
  "$PY" - "$tmp/out.yaml" <<'PYEOF' || rc=1
import base64, sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
data = next(d["data"] for d in docs if d["kind"] == "Secret" and d["metadata"]["name"] == "aeterna")
got = {k: base64.b64decode(v).decode() for k, v in data.items()}
want = {"PG_PASSWORD": "change-me-rds-password", "OPENAI_API_KEY": "sk-change-me-0123456789abcdef"}
assert all(got.get(k) == v for k, v in want.items()), got
PYEOF
  rm -rf "$tmp"
  return $rc
}
# examples/sops as committed: secrets.values.enc.yaml was encrypted through .sops.yaml's creation rule for the
# age test key test-key.txt (for this test only; never use it for real secrets). It decrypts with that key to
# exactly secrets.values.yaml, and a fresh encryption through the rule leaves no secret in clear.
sops_committed_example() {
  local tmp rc=0
  tmp=$(mktemp -d)
  SOPS_AGE_KEY_FILE=examples/sops/test-key.txt "$BIN/sops" --decrypt examples/sops/secrets.values.enc.yaml >"$tmp/dec.yaml" || rc=1
  cmp -s <("$PY" -c 'import sys,yaml; print(yaml.safe_load(open(sys.argv[1])))' "$tmp/dec.yaml") \
         <("$PY" -c 'import sys,yaml; print(yaml.safe_load(open(sys.argv[1])))' examples/sops/secrets.values.yaml) ||
    { echo "the committed file does not decrypt to secrets.values.yaml"; rc=1; }
  (cd examples/sops && SOPS_AGE_KEY_FILE=test-key.txt "../../$BIN/sops" --encrypt --filename-override secrets.values.enc.yaml \
     secrets.values.yaml) >"$tmp/enc.yaml" || rc=1
  grep -q 'change-me-rds-password' "$tmp/enc.yaml" && { echo "the .sops.yaml rule left the password in clear"; rc=1; }
  grep -q 'host: aeterna.cluster-abc' "$tmp/enc.yaml" || { echo "the .sops.yaml rule encrypted non-secret fields"; rc=1; }
  "$BIN/helm3" template aeterna "${STAGED[charts/aeterna]}" -f "$tmp/dec.yaml" -f "$ACK_UNAUTH" >/dev/null || rc=1
  rm -rf "$tmp"
  return $rc
}
kube_score() { # chart values
  local out
  out=$(mktemp)
  local apis; mapfile -t apis < <(api_args "$2")
  # as the API server stores it: namespaces filled in, named subchart exceptions (kube-score-input.py)
  "$BIN/helm3" template ci-release "${STAGED[$1]}" -n ci -f "$2" "${apis[@]}" --kube-version 1.35.0 |
    "$PY" scripts/kube-score-input.py ci >"$out" || return 1
  mapfile -t ignored < <(sed -n 's/^\([a-z0-9-]\+\)[[:space:]]*#.*/\1/p' tools/kube-score-ignored.txt)
  # a values file may switch off a check for itself, with its reason: "# kube-score-ignore: <check>  # why"
  mapfile -t -O "${#ignored[@]}" ignored < <(sed -n 's/^# kube-score-ignore: \([a-z0-9-]\+\)[[:space:]]\+#.*/\1/p' "$2")
  local args=()
  for t in "${ignored[@]}"; do args+=(--ignore-test "$t"); done
  "$BIN/kube-score" score --output-format ci --exit-one-on-warning "${args[@]}" "$out"
  local rc=$?
  rm -f "$out"
  return $rc
}
check "kube-score production-ha (zero findings)" kube_score charts/aeterna charts/aeterna/ci/production-ha-values.yaml
[ -d charts/verta ] && check "kube-score verta production-ha (zero findings)" kube_score charts/verta charts/verta/ci/production-ha-values.yaml
for preset in charts/aeterna/values-*.yaml; do
  check "kube-score preset $(basename "$preset") (zero findings)" kube_score charts/aeterna "$preset"
done
check "examples/sops: encrypted with sops + age, nothing in clear, decrypted values reach the chart's Secret" sops_example
check "examples/sops: the committed file decrypts with the test key (.sops.yaml rules) and renders" sops_committed_example
# examples/<cloud>: values.yaml renders as a scenario (helm 3 + helm 4, each Kubernetes version, kubeconform
# -strict, check-manifests); the other manifests there (StorageClass, Certificate, SecretStore) pass kubeconform -strict.
for ex in examples/aws examples/gke examples/aks; do
  for helm in helm3 helm4; do
    for kube in $KUBE_VERSIONS; do
      check "example $(basename "$ex") $helm k8s-$kube" render_validate charts/aeterna "$ex/values.yaml" "$helm" "$kube"
    done
  done
  mapfile -t extra < <(ls "$ex"/*.yaml | grep -v '/values.yaml$')
  check "example $(basename "$ex"): ${#extra[@]} manifests (kubeconform -strict)" "$BIN/kubeconform" "${KUBECONFORM_ARGS[@]}" -kubernetes-version 1.35.0 "${extra[@]}"
done
counts

# --- a real API server: every scenario installed, upgraded, tested, rolled back, uninstalled ---
suite "real API server (etcd + kube-apiserver + kube-controller-manager $KUBERNETES_VERSION, PSS restricted, helm 3 + helm 4)"
trap 'for d in kube kube-verta kube-ops kube-docs; do tests/cluster/kube-cluster.sh stop "$ROOT/build/$d" >/dev/null 2>&1; done' EXIT
api_start=$SECONDS
KUBE_TEST_DIR="$ROOT/build/kube" tap_suite "apiserver" tests/cluster/lifecycle_test.py
# charts/verta: the same lifecycle for each of its scenarios, on a control plane of its own (about 10 s to
# start): phase 1 needs a cluster without the operator CRDs the aeterna run installed.
[ -d charts/verta ] && LIFECYCLE_CHART=charts/verta LIFECYCLE_STAGED_CHART="$ROOT/${STAGED[charts/verta]}" \
  KUBE_TEST_DIR="$ROOT/build/kube-verta" tap_suite "apiserver verta" tests/cluster/lifecycle_test.py lifecycle_test-verta
printf '   (API-server suite: %d s)\n' $((SECONDS - api_start))
counts

suite "ops/aeterna.mk on its own API server (status, migrate-now, backups, restore guard, scale, drain-check, rotate-secret)"
KUBE_OPS_DIR="$ROOT/build/kube-ops" tap_suite "ops" tests/ops/ops_test.py
counts

echo
if [ "$FAILED" -gt 0 ]; then
  echo "Failures:"
  printf '  - %s\n' "${FAILURES[@]}"
fi
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
