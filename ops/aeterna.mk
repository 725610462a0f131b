# Operator commands for an installed Aeterna release (charts/aeterna).
#
#   make -f ops/aeterna.mk <target> RELEASE=<helm release> NAMESPACE=<namespace> [VAR=value…]
#   make -f ops/aeterna.mk help
#
# Everything goes through the Kubernetes API with kubectl (the current context, or KUBECONFIG);
# jq builds the manual Jobs. Objects are found by the release's label
# app.kubernetes.io/instance=<RELEASE> and their component label, never by assuming the release and
# chart names (fullnameOverride, nameOverride and any release name work).
# Backup targets use the CronJobs of the release whose names contain "backup", "verify" and "restore"
# (templates/backup/) and, for the bundled PostgreSQL, CloudNativePG's Backup objects.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.ONESHELL:
.SILENT:
.DEFAULT_GOAL := help

RELEASE ?=
NAMESPACE ?=
KUBECTL ?= kubectl
JQ ?= jq
# logs: lines per container, COMPONENT (server, opal-server, cedar-agent, opal-fetcher, …), FOLLOW=1 to follow
TAIL ?= 200
COMPONENT ?= server
FOLLOW ?=
# port-forward: local ports of the HTTP API and the metrics
LOCAL_PORT ?= 8080
LOCAL_METRICS_PORT ?= 9090
# migrate-now, backup-now, verify-backup, restore, rolling-restart: wait for the result (true/false) and how long
WAIT ?= true
TIMEOUT ?= 15m
# scale
REPLICAS ?=
# drain-check: the node (empty: every node that runs a pod of the release) and how long to try
NODE ?=
DRAIN_TIMEOUT ?= 20s
# restore: must be the release name
CONFIRM ?=
# rotate-secret: jwt (plugin-auth signing key) or opal (OPAL master and client tokens)
SECRET ?=

K = $(KUBECTL) -n $(NAMESPACE)
SEL = app.kubernetes.io/instance=$(RELEASE)

define preamble
[ -n "$(RELEASE)" ] || { echo "RELEASE is required: make -f ops/aeterna.mk $@ RELEASE=<helm release> NAMESPACE=<namespace>" >&2; exit 2; }
[ -n "$(NAMESPACE)" ] || { echo "NAMESPACE is required: make -f ops/aeterna.mk $@ RELEASE=$(RELEASE) NAMESPACE=<namespace>" >&2; exit 2; }
command -v $(KUBECTL) >/dev/null || { echo "kubectl not found (set KUBECTL=…)" >&2; exit 2; }
server=$$($(K) get deployment -l "$(SEL),app.kubernetes.io/component=server" -o name | head -n1)
[ -n "$$server" ] || { echo "no Aeterna server Deployment of release $(RELEASE) in namespace $(NAMESPACE)" >&2; exit 1; }
fullname=$${server#deployment.apps/}
ts=$$(date -u +%Y%m%d%H%M%S)
endef

# cronjobs WORD: names of the release's CronJobs whose name contains WORD
define cronjobs
{ $(K) get cronjob -l "$(SEL)" -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}' | grep -E -- '$(1)' || true; }
endef

.PHONY: help status logs shell port-forward migrate-now backup-now list-backups verify-backup restore \
	rolling-restart scale drain-check rotate-secret

help: ## list the targets
	echo "make -f ops/aeterna.mk <target> RELEASE=<helm release> NAMESPACE=<namespace> [VAR=value…]"
	grep -E '^[a-z-]+:.*## ' $(firstword $(MAKEFILE_LIST)) | sed -E 's/^([a-z-]+):.*## (.*)/  \1\t\2/' | expand -t 18

status: ## every component of the release: workloads, pods, services, volumes, PDBs, PostgreSQL
	$(preamble)
	echo "== release $(RELEASE) in namespace $(NAMESPACE) (server: $$fullname)"
	$(K) get deployment,statefulset,daemonset,cronjob,job,pod,service,pvc,pdb,hpa -l "$(SEL)" -o wide
	if $(KUBECTL) api-resources --api-group=postgresql.cnpg.io -o name 2>/dev/null | grep -q '^clusters'; then
	  echo "== PostgreSQL (CloudNativePG)"
	  $(K) get clusters.postgresql.cnpg.io -l "$(SEL)" -o wide 2>&1 || true
	fi
	avail=$$($(K) get "$$server" -o jsonpath='{.status.availableReplicas}')
	echo "== server: $${avail:-0} of $$($(K) get "$$server" -o jsonpath='{.spec.replicas}') replicas available"

logs: ## logs of a component (COMPONENT=server, TAIL=200, FOLLOW=1)
	$(preamble)
	pods=$$($(K) get pod -l "$(SEL),app.kubernetes.io/component=$(COMPONENT)" -o name)
	[ -n "$$pods" ] || { echo "release $(RELEASE) has no pod of component $(COMPONENT)" >&2; exit 1; }
	echo "== logs of" $$pods
	$(K) logs -l "$(SEL),app.kubernetes.io/component=$(COMPONENT)" --all-containers --prefix --tail=$(TAIL) \
	  --max-log-requests=20 $(if $(FOLLOW),--follow)

shell: ## a shell in a server pod
	$(preamble)
	$(K) exec -it "$$server" -c server -- /bin/sh

port-forward: ## the server's API on localhost:LOCAL_PORT and metrics on LOCAL_METRICS_PORT
	$(preamble)
	svc=$$($(K) get service -l "$(SEL),app.kubernetes.io/component=server" -o name | head -n1)
	echo "API http://127.0.0.1:$(LOCAL_PORT)  metrics http://127.0.0.1:$(LOCAL_METRICS_PORT)/metrics (Ctrl-C stops)"
	$(K) port-forward "$$svc" $(LOCAL_PORT):http $(LOCAL_METRICS_PORT):metrics

migrate-now: ## run `aeterna admin migrate up` now, in a Job made from the server's pod template
	$(preamble)
	job="$${fullname:0:40}-migrate-$$ts"
	$(K) get "$$server" -o json | $(JQ) --arg job "$$job" '
	  (.spec.selector.matchLabels + {"app.kubernetes.io/component": "migrations"}) as $$labels
	  | {apiVersion: "batch/v1", kind: "Job",
	     metadata: {name: $$job, labels: ($$labels + {"app.kubernetes.io/managed-by": "aeterna-ops"})},
	     spec: {backoffLimit: 1, ttlSecondsAfterFinished: 86400,
	            template: {metadata: {labels: $$labels},
	                       spec: (.spec.template.spec
	                              | .restartPolicy = "Never"
	                              | .containers = [.containers[] | select(.name == "server")
	                                  | del(.livenessProbe, .readinessProbe, .startupProbe, .lifecycle, .ports)
	                                  | .args = ["admin", "migrate", "up"]])}}}' | $(K) create -f -
	if [ "$(WAIT)" = true ]; then
	  $(K) wait --for=condition=complete "job/$$job" --timeout=$(TIMEOUT) || { $(K) logs "job/$$job" --tail=50 || true; exit 1; }
	  $(K) logs "job/$$job" --tail=20
	fi

backup-now: ## start every backup of the release now (a Job from each backup CronJob; a CloudNativePG Backup)
	$(preamble)
	made=0
	for cj in $$($(call cronjobs,backup) | grep -v -E 'verify|restore'); do
	  $(K) create job "$${cj:0:40}-now-$$ts" --from="cronjob/$$cj"
	  made=$$((made + 1))
	done
	cluster=$$($(K) get clusters.postgresql.cnpg.io -l "$(SEL)" -o jsonpath='{.items[0].metadata.name}' 2>/dev/null || true)
	if [ -n "$$cluster" ] && $(KUBECTL) api-resources --api-group=postgresql.cnpg.io -o name | grep -q '^backups'; then
	  printf '{"apiVersion":"postgresql.cnpg.io/v1","kind":"Backup","metadata":{"name":"%s","labels":{"app.kubernetes.io/instance":"%s"}},"spec":{"cluster":{"name":"%s"}}}' \
	    "$${cluster:0:40}-now-$$ts" "$(RELEASE)" "$$cluster" | $(K) create -f -
	  made=$$((made + 1))
	fi
	[ "$$made" -gt 0 ] || { echo "release $(RELEASE) has no backup CronJob and no CloudNativePG Backup API: enable backups first (docs/backup-restore.md)" >&2; exit 1; }

list-backups: ## backup runs of the release, newest last (Jobs of the backup CronJobs, CloudNativePG Backups)
	$(preamble)
	echo "== backup and verification Jobs"
	cjs=$$($(call cronjobs,backup|verify) | $(JQ) -R . | $(JQ) -s -c .)
	$(K) get job -o json | $(JQ) -r --argjson cjs "$$cjs" '
	  [.items[] | select(.metadata.name as $$n | any($$cjs[]; . as $$c | ($$n | startswith($$c + "-")) or ($$n | startswith($$c[0:40] + "-now-"))))]
	  | sort_by(.metadata.creationTimestamp)
	  | if length == 0 then "(none)" else
	      (["NAME", "STARTED", "COMPLETED", "RESULT"] | @tsv),
	      (.[] | [.metadata.name, (.status.startTime // "-"), (.status.completionTime // "-"),
	              (if (.status.succeeded // 0) > 0 then "succeeded" elif (.status.failed // 0) > 0 then "failed" else "running" end)] | @tsv)
	    end' | column -t -s $$'\t'
	if $(KUBECTL) api-resources --api-group=postgresql.cnpg.io -o name 2>/dev/null | grep -q '^backups'; then
	  echo "== CloudNativePG backups"
	  $(K) get backups.postgresql.cnpg.io --sort-by=.metadata.creationTimestamp 2>&1 || true
	fi

verify-backup: ## verify the newest backup now (a Job from the verify CronJob); fails when it fails
	$(preamble)
	cjs=$$($(call cronjobs,verify))
	[ -n "$$cjs" ] || { echo "release $(RELEASE) has no backup verification CronJob: enable backup verification first (docs/backup-restore.md)" >&2; exit 1; }
	for cj in $$cjs; do
	  job="$${cj:0:40}-now-$$ts"
	  $(K) create job "$$job" --from="cronjob/$$cj"
	  if [ "$(WAIT)" = true ]; then
	    $(K) wait --for=condition=complete "job/$$job" --timeout=$(TIMEOUT) || { echo "verification $$job failed:" >&2; $(K) logs "job/$$job" --tail=50 >&2 || true; exit 1; }
	    $(K) logs "job/$$job" --tail=20
	  fi
	done

restore: ## restore the newest backup (CONFIRM=<release>): server scaled to 0, the restore CronJob's Job, scaled back
	$(preamble)
	[ "$(CONFIRM)" = "$(RELEASE)" ] || { echo "restore overwrites the data of release $(RELEASE) in $(NAMESPACE): run it again with CONFIRM=$(RELEASE)" >&2; exit 1; }
	cj=$$($(call cronjobs,restore) | head -n1)
	[ -n "$$cj" ] || { echo "release $(RELEASE) has no restore CronJob; for the bundled PostgreSQL restore into a new cluster from its backups (docs/backup-restore.md)" >&2; exit 1; }
	replicas=$$($(K) get "$$server" -o jsonpath='{.spec.replicas}')
	$(K) annotate "$$server" --overwrite "aeterna.io/replicas-before-restore=$$replicas" >/dev/null
	echo "server $$fullname: $$replicas -> 0 replicas for the restore"
	$(K) scale "$$server" --replicas=0
	job="$${cj:0:40}-now-$$ts"
	$(K) create job "$$job" --from="cronjob/$$cj"
	if [ "$(WAIT)" = true ]; then
	  $(K) wait --for=condition=complete "job/$$job" --timeout=$(TIMEOUT) || { echo "restore $$job failed; the server stays at 0 replicas (logs: kubectl -n $(NAMESPACE) logs job/$$job)" >&2; exit 1; }
	  $(K) scale "$$server" --replicas="$$replicas"
	else
	  echo "when $$job has completed: make -f ops/aeterna.mk scale RELEASE=$(RELEASE) NAMESPACE=$(NAMESPACE) REPLICAS=$$replicas"
	fi

rolling-restart: ## restart the server pods one by one (COMPONENT=all: every workload of the release)
	$(preamble)
	if [ "$(COMPONENT)" = all ]; then
	  targets=$$($(K) get deployment,statefulset,daemonset -l "$(SEL)" -o name)
	else
	  targets=$$($(K) get deployment,statefulset,daemonset -l "$(SEL),app.kubernetes.io/component=$(COMPONENT)" -o name)
	fi
	[ -n "$$targets" ] || { echo "release $(RELEASE) has no workload of component $(COMPONENT)" >&2; exit 1; }
	for t in $$targets; do $(K) rollout restart "$$t"; done
	if [ "$(WAIT)" = true ]; then for t in $$targets; do $(K) rollout status "$$t" --timeout=$(TIMEOUT); done; fi

scale: ## set the server's replicas (REPLICAS=n); refused under an HPA, or above 1 without a remote knowledge repository
	$(preamble)
	[[ "$(REPLICAS)" =~ ^[0-9]+$$ ]] || { echo "REPLICAS must be a whole number (got \"$(REPLICAS)\")" >&2; exit 2; }
	if $(K) get hpa -o jsonpath='{range .items[*]}{.spec.scaleTargetRef.name}{"\n"}{end}' | grep -qx "$$fullname"; then
	  echo "a HorizontalPodAutoscaler scales $$fullname: change autoscaling.minReplicas/maxReplicas with helm upgrade instead" >&2; exit 1
	fi
	if [ "$(REPLICAS)" -gt 1 ]; then
	  spec=$$($(K) get "$$server" -o json)
	  url=$$($(JQ) -r '[.spec.template.spec.containers[] | select(.name == "server") | .env[]? | select(.name == "AETERNA_KNOWLEDGE_REPO_URL") | .value // ""] | first // ""' <<<"$$spec")
	  for cm in $$($(JQ) -r '.spec.template.spec.containers[] | select(.name == "server") | .envFrom[]? | .configMapRef.name // empty' <<<"$$spec"); do
	    [ -n "$$url" ] || url=$$($(K) get configmap "$$cm" -o jsonpath='{.data.AETERNA_KNOWLEDGE_REPO_URL}' 2>/dev/null || true)
	  done
	  [ -n "$$url" ] || { echo "REPLICAS=$(REPLICAS) needs a remote knowledge repository (server.knowledgeRepo.url): each replica would keep its own (docs/ha.md)" >&2; exit 1; }
	fi
	$(K) scale "$$server" --replicas=$(REPLICAS)

drain-check: ## would draining NODE (default: every node with a pod of the release) violate a PodDisruptionBudget now?
	$(preamble)
	nodes="$(NODE)"
	[ -n "$$nodes" ] || nodes=$$($(K) get pod -l "$(SEL)" -o jsonpath='{range .items[*]}{.spec.nodeName}{"\n"}{end}' | sort -u | grep -v '^$$' || true)
	echo "== PodDisruptionBudgets in $(NAMESPACE)"
	$(K) get pdb -o custom-columns='NAME:.metadata.name,MIN-AVAILABLE:.spec.minAvailable,MAX-UNAVAILABLE:.spec.maxUnavailable,ALLOWED-DISRUPTIONS:.status.disruptionsAllowed'
	[ -n "$$nodes" ] || { echo "no pod of release $(RELEASE) runs on a node: a drain cannot disrupt it"; exit 0; }
	blocked=0
	for n in $$nodes; do
	  out=$$($(KUBECTL) drain "$$n" --dry-run=server --ignore-daemonsets --delete-emptydir-data --force --timeout=$(DRAIN_TIMEOUT) 2>&1) && rc=0 || rc=$$?
	  if grep -q 'disruption budget' <<<"$$out"; then
	    blocked=1
	    echo "BLOCKED: draining node $$n now would violate a PodDisruptionBudget:"
	    grep -E 'disruption budget' <<<"$$out" | sed -E 's/^.*pods?\/"([^"]+)" -n "([^"]+)".*$$/  pod \2\/\1/' | sort -u
	  elif [ $$rc -ne 0 ]; then
	    echo "node $$n: the dry-run drain failed:" >&2; tail -n 5 <<<"$$out" >&2; exit 1
	  else
	    echo "ok: node $$n can be drained now (server-side dry run, every pod evictable)"
	  fi
	done
	exit $$blocked

rotate-secret: ## replace a generated secret (SECRET=jwt: plugin-auth signing key; SECRET=opal: OPAL tokens) and restart its users
	$(preamble)
	rand() { (set +o pipefail; LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c "$$1"); }
	case "$(SECRET)" in
	  jwt)
	    name="$${fullname}-auth"; keys="AETERNA_PLUGIN_AUTH_JWT_SECRET:64"; users="$$server"
	    echo "rotating the plugin-auth signing key: every user logs in again and every service token must be minted again";;
	  opal)
	    name="$${fullname}-opal"; keys="master-token:48 client-token:48"
	    users=$$($(K) get deployment,statefulset,daemonset -l "$(SEL)" -o name | grep -E 'opal-server|cedar-agent' || true);;
	  kms)
	    echo "the tenant-secret KMS key is never rotated by replacement: every tenant secret in PostgreSQL is encrypted with it (docs/security.md)" >&2; exit 1;;
	  *)
	    echo "SECRET must be jwt or opal (got \"$(SECRET)\")" >&2; exit 2;;
	esac
	$(K) get secret "$$name" >/dev/null 2>&1 || { echo "secret $$name not found: the release does not generate it (its existingSecret is yours to rotate)" >&2; exit 1; }
	patch='{"data":{'; sep=""
	for kv in $$keys; do patch+="$$sep\"$${kv%%:*}\":\"$$(rand "$${kv##*:}" | base64 -w0)\""; sep=","; done
	patch+='}}'
	$(K) patch secret "$$name" --type=merge -p "$$patch" >/dev/null
	echo "secret $$name: $$(echo $$keys | sed 's/:[0-9]*//g') replaced (helm upgrade keeps the new values)"
	for t in $$users; do $(K) rollout restart "$$t"; done
