#!/usr/bin/env python3
"""Writes a Helm 3 release record Secret, as `kubectl get secret -o yaml` shows it.

Helm 3's Secret storage driver (helm.sh/helm/v3 pkg/storage/driver/secrets.go, newSecretsObject,
and util.go, encodeRelease) stores a release as Secret sh.helm.release.v1.<release>.v<version>,
type helm.sh/release.v1, labels name/owner=helm/status/version (and createdAt from Create), with
data.release = base64(gzip(json(release))). The API server base64-encodes Secret data once more in
its JSON and YAML, so the string shown under data.release is base64(base64(gzip(json))).

Only the parts of the release a reader needs are filled: name, info (status deployed), the chart's
metadata from its Chart.yaml, the user-supplied values (config), the manifest, the version and the
namespace. Chart templates, chart default values and hooks are left empty to keep the file small.

Usage:
  make-release-record.py --release NAME --namespace NS --chart-yaml CHART/Chart.yaml \
      --values values.yaml --manifest render.yaml --deployed 2026-11-30T09:14:27Z -o helm-release.yaml
"""

import argparse
import base64
import datetime
import gzip
import json
import sys
import uuid

import yaml

# Go's chart.Metadata field order (helm.sh/helm/v3 pkg/chart/metadata.go); json.Marshal keeps it.
METADATA_FIELDS = [
    "name", "home", "sources", "version", "description", "keywords", "maintainers", "icon",
    "apiVersion", "condition", "tags", "appVersion", "deprecated", "annotations", "kubeVersion",
    "dependencies", "type",
]


def chart_metadata(chart_yaml):
    meta = yaml.safe_load(chart_yaml)
    return {k: meta[k] for k in METADATA_FIELDS if meta.get(k) not in (None, "", [], {})}


def go_time(moment):
    """time.Time's JSON form (RFC 3339 with nanoseconds), as Helm writes first_deployed."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + ".318526512Z"


def release_json(release, namespace, metadata, config, manifest, deployed):
    rel = {
        "name": release,
        "info": {
            "first_deployed": go_time(deployed),
            "last_deployed": go_time(deployed),
            "deleted": "",
            "description": "Install complete",
            "status": "deployed",
        },
        "chart": {
            "metadata": metadata,
            "lock": None,
            "templates": [],
            "values": {},
            "schema": None,
            "files": [],
        },
        "config": config,
        "manifest": manifest,
        "version": 1,
        "namespace": namespace,
    }
    # Go's encoding/json: no spaces, HTML characters escaped.
    text = json.dumps(rel, separators=(",", ":"), ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return text.encode("utf-8")


def secret(release, namespace, metadata, config, manifest, deployed):
    payload = release_json(release, namespace, metadata, config, manifest, deployed)
    helm_string = base64.b64encode(gzip.compress(payload, compresslevel=9, mtime=0))
    shown = base64.b64encode(helm_string).decode("ascii")
    name = "sh.helm.release.v1.%s.v1" % release
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            "creationTimestamp": deployed.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "labels": {
                "createdAt": str(int(deployed.timestamp())),
                "name": release,
                "owner": "helm",
                "status": "deployed",
                "version": "1",
            },
            "name": name,
            "namespace": namespace,
            "resourceVersion": str(4100000 + int(deployed.timestamp()) % 100000),
            "uid": str(uuid.uuid5(uuid.NAMESPACE_URL, "pulldoctor-conformance/" + namespace + "/" + name)),
        },
        "type": "helm.sh/release.v1",
        "data": {"release": shown},
    }


def strip_comments(text):
    return "\n".join(l for l in text.splitlines() if not l.startswith("#")).strip() + "\n"


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--release", required=True)
    p.add_argument("--namespace", required=True)
    p.add_argument("--chart-yaml", required=True)
    p.add_argument("--values")
    p.add_argument("--manifest")
    p.add_argument("--deployed", required=True, help="RFC 3339 time of the install")
    p.add_argument("-o", "--output", required=True)
    a = p.parse_args(argv)
    with open(a.chart_yaml, encoding="utf-8") as f:
        metadata = chart_metadata(f.read())
    config = {}
    if a.values:
        with open(a.values, encoding="utf-8") as f:
            config = yaml.safe_load(f) or {}
    manifest = ""
    if a.manifest:
        with open(a.manifest, encoding="utf-8") as f:
            manifest = strip_comments(f.read())
    deployed = datetime.datetime.strptime(a.deployed, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc)
    obj = secret(a.release, a.namespace, metadata, config, manifest, deployed)
    with open(a.output, "w", encoding="utf-8") as f:
        f.write(render(obj, a.release))


def render(obj, release):
    head = (
        "# Helm's release record of release %s, as kubectl get secret -o yaml shows it.\n"
        "# data.release = base64(base64(gzip(JSON))) (Helm 3 Secret storage driver); the JSON holds\n"
        "# the chart's metadata, the user-supplied values (config) and the manifest.\n"
        "# Written by make-release-record.py; do not edit by hand.\n" % release
    )
    return head + yaml.safe_dump(obj, sort_keys=False, default_flow_style=False, width=100000)


if __name__ == "__main__":
    main(sys.argv[1:])
