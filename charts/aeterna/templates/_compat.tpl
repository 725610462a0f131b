{{/* Former helper names, kept only so that templates written on branches started before the
rename to aeterna.<component>.<what> still render once merged. Nothing in this chart calls them:
when `grep -r 'include "aeterna.\(pg\|cache\|vectorEnabled\|vectorBundled\|kms.secretName\)"'
charts/aeterna/templates` finds no caller, delete this file. */}}
{{- define "aeterna.pg" -}}{{ include "aeterna.postgresql.settings" . }}{{- end -}}
{{- define "aeterna.pg.clusterName" -}}{{ include "aeterna.postgresql.clusterName" . }}{{- end -}}
{{- define "aeterna.cache" -}}{{ include "aeterna.cache.settings" . }}{{- end -}}
{{- define "aeterna.vectorEnabled" -}}{{ include "aeterna.vector.enabled" . }}{{- end -}}
{{- define "aeterna.vectorBundled" -}}{{ include "aeterna.vector.bundled" . }}{{- end -}}
{{- define "aeterna.kms.secretName" -}}{{ include "aeterna.server.kmsSecretName" . }}{{- end -}}
