//go:build tools

// Package tools pins the Kubernetes control plane the chart's API-server tests run against:
// kube-apiserver, kube-controller-manager and kubectl from k8s.io/kubernetes, and etcd.
// Its own module, kept apart from ../go.mod: k8s.io/kubernetes needs every staging module it
// lists as v0.0.0 replaced by the published v0.35.x (the replace block below).
package tools

import (
	_ "go.etcd.io/etcd/server/v3"
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
