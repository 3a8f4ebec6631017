{{/* Names, labels and the values the templates share. */}}

{{- define "pulldoctor.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "pulldoctor.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "pulldoctor.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "pulldoctor.selectorLabels" -}}
app.kubernetes.io/name: {{ include "pulldoctor.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "pulldoctor.labels" -}}
helm.sh/chart: {{ include "pulldoctor.chart" . }}
{{ include "pulldoctor.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: agent
app.kubernetes.io/part-of: pulldoctor
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "pulldoctor.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "pulldoctor.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Airbyte namespace: airbyte.namespace, else the release namespace. */}}
{{- define "pulldoctor.airbyteNamespace" -}}
{{- default .Release.Namespace .Values.airbyte.namespace }}
{{- end }}

{{/* The job namespace when it differs from the Airbyte namespace, else empty. */}}
{{- define "pulldoctor.jobNamespace" -}}
{{- $airbyte := include "pulldoctor.airbyteNamespace" . }}
{{- if and .Values.airbyte.jobNamespace (ne .Values.airbyte.jobNamespace $airbyte) }}
{{- .Values.airbyte.jobNamespace }}
{{- end }}
{{- end }}

{{- /* Where the project publishes docs/: the base of the runbook_url links in files/. */}}
{{- define "pulldoctor.publishedDocs" -}}
https://github.com/pulldoctor/pulldoctor/blob/main/docs/
{{- end }}

{{- define "pulldoctor.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
Whether IPv4 block .outer ("a.b.c.d/n") contains block .inner: .inner is at least as long and
agrees with .outer on .outer's leading bits. Prints "true" or nothing; IPv6 blocks never match.
*/}}
{{- define "pulldoctor.cidrContains" -}}
{{- $outer := split "/" .outer }}
{{- $inner := split "/" .inner }}
{{- if not (or (contains ":" $outer._0) (contains ":" $inner._0)) }}
{{- $outerBits := 32 }}
{{- if $outer._1 }}{{ $outerBits = atoi $outer._1 }}{{ end }}
{{- $innerBits := 32 }}
{{- if $inner._1 }}{{ $innerBits = atoi $inner._1 }}{{ end }}
{{- $block := 1 }}
{{- range until (sub 32 $outerBits | int) }}{{ $block = mul $block 2 }}{{ end }}
{{- if and (ge $innerBits $outerBits) (eq (div (include "pulldoctor.ipv4" $outer._0 | atoi) $block) (div (include "pulldoctor.ipv4" $inner._0 | atoi) $block)) }}true{{ end }}
{{- end }}
{{- end }}

{{/* An IPv4 address as a number. */}}
{{- define "pulldoctor.ipv4" -}}
{{- $octets := split "." . }}
{{- add (mul (atoi $octets._0) 16777216) (mul (atoi $octets._1) 65536) (mul (atoi $octets._2) 256) (atoi $octets._3) }}
{{- end }}

{{/*
An ipBlock for each CIDR in .cidrs. Its except list has 169.254.169.254/32 (cloud metadata)
wherever the block covers it, fd00:ec2::254/128 (AWS's IPv6 metadata address) in ::/0, and those
entries of .except that lie inside the block (the API server rejects others).
*/}}
{{- define "pulldoctor.ipBlocks" -}}
{{- $except := .except }}
{{- range .cidrs }}
{{- $cidr := . }}
{{- if eq (include "pulldoctor.cidrContains" (dict "outer" "169.254.0.0/16" "inner" $cidr)) "true" }}
{{- fail (printf "networkPolicy: %s is link-local (cloud metadata lives there); the agent never needs it" $cidr) }}
{{- end }}
- ipBlock:
    cidr: {{ $cidr | quote }}
    {{- $own := list }}
    {{- if eq (include "pulldoctor.cidrContains" (dict "outer" $cidr "inner" "169.254.169.254/32")) "true" }}
    {{- $own = append $own "169.254.169.254/32" }}
    {{- else if eq $cidr "::/0" }}
    {{- $own = append $own "fd00:ec2::254/128" }}
    {{- end }}
    {{- range $except }}
    {{- if and (ne . $cidr) (eq (include "pulldoctor.cidrContains" (dict "outer" $cidr "inner" .)) "true") }}
    {{- $own = append $own . }}
    {{- end }}
    {{- end }}
    {{- with uniq $own }}
    except:
      {{- toYaml . | nindent 6 }}
    {{- end }}
{{- end }}
{{- end }}
