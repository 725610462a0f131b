//go:build tools

// Package tools pins the Go tools this repository builds from this module.
package tools

import _ "github.com/helm-unittest/helm-unittest/cmd/helm-unittest"
