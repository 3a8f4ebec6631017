#!/usr/bin/env python3
"""Remakes the chart conformance cases: values.yaml, render.yaml, cluster.yaml, helm-release.yaml
and expect.yaml under <chart-version>/<case>/, and the case table in README.md.

render.yaml comes from the real published chart (`helm template`, and `kubectl set env --local` for
the cases that follow the user guide's kubectl advice), trimmed to what pulldoctor reads. Everything
else is written from the case table below, which records what upstream (the chart templates,
Airbyte's launcher source, abctl and the kubelet) does in each case and where that is written.

Usage:
  python3 make-cases.py --charts DIR      # DIR holds airbyte-<version>/airbyte for every chart
  python3 make-cases.py --charts DIR --only 1.8.5/abctl

DIR is made with helm pull (README.md, "Remaking the files"). Needs helm 3 and kubectl on PATH.
"""

import argparse
import base64
import datetime
import hashlib
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import uuid

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))

NOW = "2026-12-01T12:00:00Z"  # the --now the test passes
IMAGE = "registry.example.com/acme/source-orders:1.4.2"
REGISTRY = "registry.example.com"
NODE = "worker-2"
SECRETS_CREATED = "2026-11-30T09:02:11Z"
INSTALLED = "2026-11-30T09:14:27Z"

V1_REPO = "https://airbytehq.github.io/helm-charts"
V2_REPO = "https://airbytehq.github.io/charts"
PLATFORM = "https://github.com/airbytehq/airbyte-platform/blob/"
ABCTL = "https://github.com/airbytehq/abctl/blob/v0.30.4/"
K8S = "https://github.com/kubernetes/kubernetes/blob/v1.31.0/"
SSA_AUTHZ = K8S + "staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go (createAuthorizerAttributes)"
KUBELET_SECRETS = K8S + "pkg/kubelet/kubelet_pods.go (getPullSecretsForPod: FailedToRetrieveImagePullSecret)"
SA_ADMISSION = K8S + "plugin/pkg/admission/serviceaccount/admission.go (imagePullSecrets copied only into pods that have none)"

LICENSE_MULTI = (
    "no license file in the package; its source, charts/ of "
    "https://github.com/airbytehq/airbyte-platform at {tag}, falls under that repository's "
    "top-level LICENSE, which lists the MIT License and the Elastic License 2.0 and says works "
    "without their own license default to ELv2 (" + PLATFORM + "{tag}/LICENSE)")
LICENSE_ELV2_PLATFORM = (
    "no license file in the package; its source, charts/ of "
    "https://github.com/airbytehq/airbyte-platform, is under the Elastic License 2.0 since "
    "2025-07-23 (" + PLATFORM + "v1.8.0/LICENSE)")
LICENSE_ELV2_V2 = (
    "Elastic License 2.0 (Chart.yaml annotation artifacthub.io/license: Elastic-2.0; source "
    + PLATFORM + "v2.0.0/LICENSE)")


class Chart:
    def __init__(self, version, app, gen, sha256, license, source_tag, launcher, images_tag,
                 var_always, global_to_jobs, job_sa, role_secrets=True):
        self.version = version
        self.app = app
        self.gen = gen  # "v1" or "v2": which key spells the job pull secret
        self.repo = V2_REPO if gen == "v2" else V1_REPO
        self.tgz = ("https://github.com/airbytehq/charts/blob/main/airbyte-%s.tgz" if gen == "v2"
                    else "https://github.com/airbytehq/helm-charts/blob/main/airbyte-%s.tgz") % version
        self.sha256 = sha256
        self.license = license
        self.source_tag = source_tag  # airbyte-platform tag whose launcher/worker source applies
        self.launcher = launcher  # "worker" or "workload-launcher": who creates job pods
        self.images_tag = images_tag
        self.var_always = var_always  # the launcher always has the variable (possibly "")
        self.global_to_jobs = global_to_jobs  # global.imagePullSecrets reaches JOB_KUBE_MAIN_...
        self.job_sa = job_sa  # how the chart sets the job service account
        self.role_secrets = role_secrets

    @property
    def key(self):
        return ("global.jobs.kube.mainContainerImagePullSecret" if self.gen == "v2"
                else "global.jobs.kube.main_container_image_pull_secret")

    @property
    def other_key(self):
        return ("global.jobs.kube.main_container_image_pull_secret" if self.gen == "v2"
                else "global.jobs.kube.mainContainerImagePullSecret")

    def key_values(self, secret):
        leaf = "mainContainerImagePullSecret" if self.gen == "v2" else "main_container_image_pull_secret"
        return {"global": {"jobs": {"kube": {leaf: secret}}}}

    def file(self, path):
        return "%s, file %s" % (self.tgz, path)

    def launcher_template(self):
        if self.gen == "v2":
            return self.file("airbyte/templates/airbyte-workload-launcher/deployment.yaml")
        if self.launcher == "worker":
            return self.file("airbyte/charts/worker/templates/deployment.yaml")
        return self.file("airbyte/charts/workload-launcher/templates/deployment.yaml")

    def env_template(self):
        if self.gen == "v2":
            return self.file("airbyte/templates/config/_jobs.tpl")
        return self.file("airbyte/templates/env-configmap.yaml")

    def source(self, path):
        return PLATFORM + self.source_tag + "/" + path

    def pull_source(self):
        """Where Airbyte puts the variable's names on job pods."""
        if self.launcher == "worker":
            return self.source("airbyte-commons-worker/src/main/java/io/airbyte/workers/process/KubePodProcess.java")
        return self.source("airbyte-workload-launcher/src/main/resources/application.yml")


CHARTS = {
    c.version: c for c in [
        Chart("0.50.50", "0.50.44", "v1",
              "20649f8664fbe86bef11fc432d40f0652c6023e2b34bc1299034088e99b63f05",
              LICENSE_MULTI.format(tag="v0.50.44"), "v0.50.44", "worker", "0.50.44",
              var_always=False, global_to_jobs=False, job_sa="global+serviceAccount",
              role_secrets=False),
        Chart("0.399.0", "0.63.14", "v1",
              "fb4bfa0a8823f84259aa96195ff55a692bf1c1d1c45338d725529acb91df014f",
              LICENSE_MULTI.format(tag="v0.63.14"), "v0.63.14", "workload-launcher", "0.63.14",
              var_always=False, global_to_jobs=False, job_sa="global+serviceAccount"),
        Chart("1.3.2", "1.3.2", "v1",
              "8a96f91c85638bd44ff0c07142c50559edd25f6d2a7dbcb533aa845066e0428f",
              LICENSE_MULTI.format(tag="v1.3.0"), "v1.3.0", "workload-launcher", "1.3.2",
              var_always=False, global_to_jobs=False, job_sa="global+serviceAccount"),
        Chart("1.8.5", "1.8.5", "v1",
              "659bbd98f4f9d6a0d5f5a3d80a4ba1a6811e26038c1050a262690d36f69614b9",
              LICENSE_ELV2_PLATFORM, "v1.8.0", "workload-launcher", "1.8.5",
              var_always=True, global_to_jobs=True, job_sa="jobs.kube"),
        Chart("1.9.2", "2.0.2-alpha-c905e75", "v1",
              "ba7afc86f424d030a5b79988130512176b0ef3e1f1e5e403f54a9fa7c3becee2",
              LICENSE_ELV2_PLATFORM, "v2.0.0", "workload-launcher", "2.0.2-alpha-c905e75",
              var_always=True, global_to_jobs=True, job_sa="jobs.kube"),
        Chart("2.2.0", "2.2.0", "v2",
              "2da7f32d2fdbb5e00fed4635cfbe51c8d7533c9d57966bed301a362be441fa9f",
              LICENSE_ELV2_V2, "v2.0.0", "workload-launcher", "2.2.0",
              var_always=True, global_to_jobs=True, job_sa="global+serviceAccount"),
    ]
}


class Case:
    def __init__(self, chart, name, summary, why, values=None, release="airbyte", namespace="airbyte",
                 set_env_on_worker=None, drop_patch=False, secrets=(), extra=(), pod=None,
                 release_record=False, expect=None):
        self.chart = chart
        self.name = name
        self.summary = summary  # one line for the README table
        self.why = why
        self.values = values
        self.release = release
        self.namespace = namespace
        self.set_env_on_worker = set_env_on_worker  # value for kubectl set env on <release>-worker
        self.drop_patch = drop_patch
        self.secrets = list(secrets)  # (name, namespace, style) style: kubectl | abctl
        self.extra = list(extra)  # (comment, object) added to cluster.yaml
        self.pod = pod  # JobPod or None
        self.release_record = release_record
        self.expect = expect

    @property
    def path(self):
        return "%s/%s" % (self.chart.version, self.name)


class JobPod:
    """The connector pod the launcher creates for the case, and what the kubelet does with it."""

    def __init__(self, namespace, service_account, pull_secrets, outcome, missing_secrets=()):
        self.namespace = namespace
        self.service_account = service_account
        self.pull_secrets = list(pull_secrets)
        self.outcome = outcome  # "running" or "unauthorized"
        self.missing_secrets = list(missing_secrets)


def expect(exit_code, launcher, chart, job_ns, job_sa, pull_secrets, variable, results,
           messages=None, absent=None, absent_patterns=None):
    e = {
        "exitCode": exit_code,
        "airbyte": {
            "launcher": launcher,
            "chartVersion": chart.version,
            "jobNamespace": job_ns,
            "jobServiceAccount": job_sa,
            "pullSecrets": pull_secrets,
        },
        "variable": variable,
        "results": results,
    }
    if messages:
        e["messages"] = messages
    if absent:
        e["absent"] = absent
    if absent_patterns:
        e["absentPatterns"] = absent_patterns
    return e


HEALTHY = {
    "launcher.pull-secret-env": "pass",
    "pullsecret.exists": "pass",
    "pullsecret.format": "pass",
    "pullsecret.registry-match": "pass",
    "serviceaccount.exists": "pass",
    "rbac.job-launcher": "pass",
    "events.pull-failures": "pass",
}
NO_SECRET = {
    "launcher.pull-secret-env": "fail",
    "events.pull-failures": "fail",
    "serviceaccount.exists": "pass",
    "rbac.job-launcher": "pass",
}


def merge(*dicts):
    out = {}
    for d in dicts:
        for k, v in d.items():
            if isinstance(v, dict) and isinstance(out.get(k), dict):
                out[k] = merge(out[k], v)
            else:
                out[k] = v
    return out


def cases_for(c):
    """The values matrix of one chart, with what upstream does in each case."""
    rel, ns = "airbyte", "airbyte"
    launcher = "%s-%s" % (rel, c.launcher)
    empty = "" if c.var_always else None
    cases = []
    sa_note = ("the chart's Role %s-role grants get, list, watch, create, update, patch and delete on "
               "pods (%s)" % ("airbyte-admin", c.file("airbyte/templates/serviceaccount.yaml")))
    who = ("airbyte-worker creates connector pods itself (KubePodProcess, " + c.pull_source() + ")"
           if c.launcher == "worker" else
           "the workload launcher creates connector pods by server-side apply ("
           + c.source("airbyte-workload-launcher/src/main/kotlin/pods/KubePodLauncher.kt") + ")")
    if c.version == "0.399.0":
        who += (" for every job: the chart sets WORKLOAD_LAUNCHER_ENABLED and "
                "WORKLOAD_API_SERVER_ENABLED to true for the community edition ("
                + c.file("airbyte/templates/env-configmap.yaml") + "), which makes the worker hand "
                "checks, discovers, specs and syncs to the workload API ("
                + c.source("airbyte-workers/src/main/java/io/airbyte/workers/temporal/check/connection/CheckConnectionActivityImpl.java")
                + ", shouldUseWorkload)")
    var_where = ("the chart renders JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET on %s from ConfigMap "
                 "%s-airbyte-env (%s, %s)" % (launcher, rel, c.env_template(), c.launcher_template()))

    # no-pull-secret -------------------------------------------------------------------------
    cases.append(Case(
        c, "no-pull-secret",
        "default values, private image: job pods get no pull secret, the pull fails (401)",
        why=("Default values. %s; %s. With default values JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET "
             "%s on %s (%s), so the connector pod has no imagePullSecrets and containerd asks %s "
             "for an anonymous token, which a private registry refuses with 401; the kubelet "
             "reports Failed/ErrImagePull and then ImagePullBackOff." % (
                 who[0].upper() + who[1:], sa_note,
                 "is rendered empty" if c.var_always else "is not rendered at all",
                 launcher, c.launcher_template(), REGISTRY)),
        pod=JobPod(ns, "airbyte-admin", [], "unauthorized"),
        expect=expect(1, launcher, c, ns, "airbyte-admin", [], empty, dict(NO_SECRET)),
    ))

    # documented-pull-secret ------------------------------------------------------------------
    cases.append(Case(
        c, "documented-pull-secret",
        "%s: regcred reaches job pods, the pull succeeds" % c.key,
        why=("The pull secret set the documented way for this chart generation, %s: regcred; %s. "
             "The launcher splits the value on ',' and puts the names into spec.imagePullSecrets of "
             "every connector pod (%s). Secret regcred (kubernetes.io/dockerconfigjson, a key for "
             "%s) exists in %s, so the kubelet pulls with it and the pod runs." % (
                 c.key, var_where, c.pull_source(), REGISTRY, ns)),
        values=c.key_values("regcred"),
        secrets=[("regcred", ns, "kubectl")],
        pod=JobPod(ns, "airbyte-admin", ["regcred"], "running"),
        expect=expect(0, launcher, c, ns, "airbyte-admin", ["regcred"], "regcred", dict(HEALTHY)),
    ))

    # global-image-pull-secrets -----------------------------------------------------------------
    if c.global_to_jobs:
        v = "regcred," if c.gen == "v2" else "regcred"
        how = ("the v2 chart joins the names of global.imagePullSecrets and "
               "global.jobs.kube.mainContainerImagePullSecret with ',' (%s and "
               "airbyte.imagePullSecretNames in %s); with the second empty the value is "
               "'regcred,' and Airbyte drops the trailing empty entry" % (
                   c.env_template(), c.file("airbyte/templates/_helpers.tpl"))
               if c.gen == "v2" else
               "from chart 1.4.0 the v1 chart appends the names of global.imagePullSecrets to "
               "JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET in ConfigMap %s-airbyte-env (%s)"
               % (rel, c.env_template()))
        cases.append(Case(
            c, "global-image-pull-secrets",
            "only global.imagePullSecrets [regcred]: this chart passes it to job pods, the pull succeeds",
            why=("Only global.imagePullSecrets: [{name: regcred}]. Besides the platform pods' own "
                 "imagePullSecrets, %s, so job pods get regcred and the pull succeeds." % how),
            values={"global": {"imagePullSecrets": [{"name": "regcred"}]}},
            secrets=[("regcred", ns, "kubectl")],
            pod=JobPod(ns, "airbyte-admin", ["regcred"], "running"),
            expect=expect(0, launcher, c, ns, "airbyte-admin", ["regcred"], v, dict(HEALTHY)),
        ))
    else:
        cases.append(Case(
            c, "global-image-pull-secrets",
            "only global.imagePullSecrets [regcred]: platform pods get it, job pods do not (chart < 1.4.0), the pull fails",
            why=("Only global.imagePullSecrets: [{name: regcred}]. This chart puts the list on the "
                 "platform Deployments' own pod templates only; JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET "
                 "is rendered only from %s (%s, %s). Merging global.imagePullSecrets into the job "
                 "variable came with chart 1.4.0 (compare "
                 "https://github.com/airbytehq/helm-charts/blob/main/airbyte-1.8.5.tgz, "
                 "airbyte/templates/env-configmap.yaml). So %s has no pull secret, job pods get none, "
                 "and the private pull fails with 401. The fix names regcred, the secret the user "
                 "created and listed for this registry, under this chart's key." % (
                     c.key, c.env_template(), c.launcher_template(), launcher)),
            values={"global": {"imagePullSecrets": [{"name": "regcred"}]}},
            secrets=[("regcred", ns, "kubectl")],
            pod=JobPod(ns, "airbyte-admin", [], "unauthorized"),
            expect=expect(1, launcher, c, ns, "airbyte-admin", [], empty, dict(NO_SECRET),
                          messages={"launcher.pull-secret-env": [c.key, "regcred"]}),
        ))

    # seed-worker-env ---------------------------------------------------------------------------
    seed_values = {"worker": {"env": {"JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET": "custom-registry-secret"}}}
    no_worker_env = ("No chart reads worker.env (the worker templates read worker.env_vars and "
                     "worker.extraEnv, %s), so the Helm values change nothing; " % (
                         c.file("airbyte/templates/airbyte-worker/deployment.yaml") if c.gen == "v2"
                         else c.file("airbyte/charts/worker/templates/deployment.yaml")))
    if c.launcher == "worker":
        cases.append(Case(
            c, "seed-worker-env",
            "user guide's kubectl set env on airbyte-worker: the worker launches jobs here, the pull succeeds",
            why=("The user guide's way: Helm values worker.env.JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET "
                 "and kubectl set env deployment/airbyte-worker -n airbyte "
                 "JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET=custom-registry-secret. " + no_worker_env +
                 "the kubectl command appends a literal value to the worker's env. On this chart "
                 "(Airbyte %s, workload-launcher disabled by default) %s and reads the variable from its "
                 "own env, so job pods get custom-registry-secret, which exists, and the pull succeeds."
                 % (c.app, who)),
            values=seed_values, set_env_on_worker="custom-registry-secret",
            secrets=[("custom-registry-secret", ns, "kubectl")],
            pod=JobPod(ns, "airbyte-admin", ["custom-registry-secret"], "running"),
            expect=expect(0, launcher, c, ns, "airbyte-admin", ["custom-registry-secret"],
                          "custom-registry-secret", dict(HEALTHY)),
        ))
    else:
        cases.append(Case(
            c, "seed-worker-env",
            "user guide's kubectl set env on airbyte-worker: the launcher creates job pods and never sees it, the pull fails",
            why=("The user guide's way: Helm values worker.env.JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET "
                 "and kubectl set env deployment/airbyte-worker -n airbyte "
                 "JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET=custom-registry-secret. " + no_worker_env +
                 "the kubectl command sets the variable on airbyte-worker only. But %s, reading the "
                 "variable from its own env (%s), where %s. Job pods get no pull secret and the "
                 "private pull fails with 401." % (
                     who, c.pull_source(),
                     "it is empty" if c.var_always else "it is not set")),
            values=seed_values, set_env_on_worker="custom-registry-secret",
            secrets=[("custom-registry-secret", ns, "kubectl")],
            pod=JobPod(ns, "airbyte-admin", [], "unauthorized"),
            expect=expect(1, launcher, c, ns, "airbyte-admin", [], empty, dict(NO_SECRET),
                          messages={"launcher.pull-secret-env": [
                              "airbyte-worker", "deployment/" + launcher, "custom-registry-secret"]}),
        ))

    # jobs-namespace ------------------------------------------------------------------------------
    if c.gen == "v2":
        ns_how = ("global.jobs.kube.namespace: jobs is the v2 chart's key: it is rendered into "
                  "ConfigMap airbyte-airbyte-env as JOB_KUBE_NAMESPACE: jobs (%s), but the launcher "
                  "takes JOB_KUBE_NAMESPACE from its own env, which the chart sets from fieldRef "
                  "metadata.namespace (airbyte.jobs.kube.namespace.env in the same file), and its "
                  "only envFrom is ConfigMap airbyte-airbyte-telemetry-env (%s)" % (
                      c.env_template(), c.launcher_template()))
    else:
        ns_how = ("This v1 chart has no key for a jobs namespace: %s sets JOB_KUBE_NAMESPACE from "
                  "fieldRef metadata.namespace (%s) and the chart never reads "
                  "global.jobs.kube.namespace (the v2 chart's key, set here as users do)" % (
                      launcher, c.launcher_template()))
    cases.append(Case(
        c, "jobs-namespace",
        "global.jobs.kube.namespace: jobs has no effect: job pods stay in airbyte, where regcred is missing",
        why=("A separate jobs namespace plus the documented pull secret, with regcred created in "
             "namespace jobs. %s. So job pods are still created in airbyte "
             "(airbyte.worker.job.kube.namespace, %s), with imagePullSecrets [regcred]; regcred does "
             "not exist there, the kubelet warns FailedToRetrieveImagePullSecret (%s), pulls without "
             "credentials and gets 401." % (
                 ns_how,
                 c.source("airbyte-workload-launcher/src/main/resources/application.yml")
                 if c.launcher != "worker" else
                 c.source("airbyte-workers/src/main/resources/application.yml"),
                 KUBELET_SECRETS)),
        values=merge(c.key_values("regcred"), {"global": {"jobs": {"kube": {"namespace": "jobs"}}}}),
        secrets=[("regcred", "jobs", "kubectl")],
        extra=[("Namespace jobs, created by the user for job pods (kubectl create namespace jobs).",
                {"apiVersion": "v1", "kind": "Namespace",
                 "metadata": {"creationTimestamp": "2026-11-30T08:58:40Z",
                              "labels": {"kubernetes.io/metadata.name": "jobs"}, "name": "jobs",
                              "resourceVersion": "4101187",
                              "uid": uid(c, "jobs-namespace", "ns")},
                 "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})],
        pod=JobPod(ns, "airbyte-admin", ["regcred"], "unauthorized", missing_secrets=["regcred"]),
        expect=expect(1, launcher, c, ns, "airbyte-admin", ["regcred"], "regcred",
                      {"launcher.pull-secret-env": "pass", "pullsecret.exists": "fail",
                       "events.pull-failures": "fail", "serviceaccount.exists": "pass",
                       "rbac.job-launcher": "pass"},
                      messages={"pullsecret.exists": ["regcred"]}),
    ))

    # custom-job-service-account ------------------------------------------------------------------
    sa_extra = []
    if c.job_sa == "jobs.kube":
        sa_values = merge(c.key_values("regcred"),
                          {"global": {"jobs": {"kube": {"serviceAccountName": "airbyte-jobs"}}}})
        sa_how = ("On this chart the job service account is global.jobs.kube.serviceAccountName, "
                  "rendered as JOB_KUBE_SERVICEACCOUNT on %s (%s); the launcher itself keeps running "
                  "as global.serviceAccountName (airbyte-admin), whose Role the chart creates. The "
                  "chart does not create airbyte-jobs, so the user created it (kubectl create "
                  "serviceaccount airbyte-jobs -n airbyte)" % (launcher, c.launcher_template()))
        sa_extra.append(("ServiceAccount airbyte-jobs for job pods, created by the user: the chart "
                         "only names it (kubectl create serviceaccount airbyte-jobs -n airbyte).",
                         {"apiVersion": "v1", "kind": "ServiceAccount",
                          "metadata": {"creationTimestamp": "2026-11-30T09:01:05Z",
                                       "name": "airbyte-jobs", "namespace": ns,
                                       "resourceVersion": "4101502",
                                       "uid": uid(c, "custom-job-service-account", "sa")}}))
    else:
        sa_values = merge(c.key_values("regcred"),
                          {"global": {"serviceAccountName": "airbyte-jobs"},
                           "serviceAccount": {"name": "airbyte-jobs"}})
        sa_how = ("On this chart global.serviceAccountName names both the account the %s runs as "
                  "and JOB_KUBE_SERVICEACCOUNT (%s), while the ServiceAccount, Role and RoleBinding "
                  "the chart creates are named after serviceAccount.name (%s); the default values tie "
                  "the two with a YAML anchor, so overriding one alone splits them%s. Both are set to "
                  "airbyte-jobs, so the chart creates ServiceAccount airbyte-jobs with Role "
                  "airbyte-jobs-role" % (
                      c.launcher, c.launcher_template(), c.file("airbyte/templates/serviceaccount.yaml"),
                      "" if c.gen == "v2" else
                      " (global.jobs.kube.serviceAccountName, read from v1 chart 1.4.1 on, does "
                      "nothing here)"))
    cases.append(Case(
        c, "custom-job-service-account",
        "job service account airbyte-jobs set the chart's documented way, pull secret documented: the pull succeeds",
        why=("A custom job service account plus the documented pull secret. %s. Job pods run as "
             "airbyte-jobs with imagePullSecrets [regcred] and the pull succeeds." % sa_how),
        values=sa_values,
        secrets=[("regcred", ns, "kubectl")], extra=sa_extra,
        pod=JobPod(ns, "airbyte-jobs", ["regcred"], "running"),
        expect=expect(0, launcher, c, ns, "airbyte-jobs", ["regcred"], "regcred", dict(HEALTHY)),
    ))

    # role-without-patch ----------------------------------------------------------------------
    if c.version in ("1.3.2", "1.8.5", "2.2.0"):
        cases.append(Case(
            c, "role-without-patch",
            "documented pull secret, 'patch' removed from the chart's Role: the launcher cannot create job pods",
            why=("The documented-pull-secret case with 'patch' removed from the verbs of Role "
                 "airbyte-admin-role (edited in render.yaml). The launcher creates every job pod "
                 "with server-side apply, a PATCH request (%s, KubePodLauncher.create: "
                 ".serverSideApply()), and for apply the API server checks both 'patch' and, for a "
                 "pod that does not exist yet, 'create' (%s). Without 'patch' every pod creation is "
                 "forbidden, no connector pod is created and every check, discover and sync fails. "
                 "The fix adds only 'patch' on pods (a rule with resources [\"pods\"] and verbs "
                 "[\"patch\"], in the list style pulldoctor prints Role rules in): the Role still "
                 "grants create, get, list, watch and delete." % (
                     c.source("airbyte-workload-launcher/src/main/kotlin/pods/KubePodLauncher.kt"),
                     SSA_AUTHZ)),
            values=c.key_values("regcred"), drop_patch=True,
            secrets=[("regcred", ns, "kubectl")],
            pod=None,
            expect=expect(1, launcher, c, ns, "airbyte-admin", ["regcred"], "regcred",
                          {"rbac.job-launcher": "fail", "launcher.pull-secret-env": "pass",
                           "pullsecret.exists": "pass", "serviceaccount.exists": "pass"},
                          messages={"rbac.job-launcher": ["patch", '["pods"]', '["patch"]']}),
        ))

    # release-prod ------------------------------------------------------------------------------
    if c.version == "1.8.5":
        cases.append(Case(
            c, "release-prod",
            "release prod, user guide's kubectl set env on prod-worker: fails as seed-worker-env, named prod-*",
            why=("The seed-worker-env case in a release named prod: the chart names the Deployments "
                 "<release>-worker and <release>-workload-launcher (airbyte.fullname in %s), so the "
                 "user ran kubectl set env deployment/prod-worker -n airbyte "
                 "JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET=custom-registry-secret. prod-workload-launcher "
                 "creates the job pods and its value (ConfigMap prod-airbyte-env) is empty, so the pull "
                 "fails with 401. Every name printed must be the real one: prod-worker, "
                 "prod-workload-launcher, helm release prod; no deployment named airbyte-worker exists."
                 % c.file("airbyte/charts/worker/templates/_helpers.tpl")),
            release="prod", values=seed_values, set_env_on_worker="custom-registry-secret",
            secrets=[("custom-registry-secret", ns, "kubectl")],
            pod=JobPod(ns, "airbyte-admin", [], "unauthorized"),
            expect=expect(1, "prod-workload-launcher", c, ns, "airbyte-admin", [], "",
                          dict(NO_SECRET),
                          messages={"launcher.pull-secret-env": [
                              "prod-worker", "deployment/prod-workload-launcher", "helm upgrade prod"]},
                          absent=["deployment/airbyte-worker", "deployment/airbyte-workload-launcher",
                                  "airbyte-airbyte-env"],
                          absent_patterns=["(?<![\\w.-])airbyte-worker(?![\\w-])",
                                           "(?<![\\w.-])airbyte-workload-launcher(?![\\w-])"]),
        ))

    # wrong-spelling ----------------------------------------------------------------------------
    if c.version in ("1.8.5", "2.2.0"):
        wrong_leaf = ("main_container_image_pull_secret" if c.gen == "v2"
                      else "mainContainerImagePullSecret")
        right_leaf = ("mainContainerImagePullSecret" if c.gen == "v2"
                      else "main_container_image_pull_secret")
        values = {"global": {"auth": {"token": "CANARY-auth-abcdef"},
                             "jobs": {"kube": {wrong_leaf: "regcred"}}},
                  "postgresql": {"password": "CANARY-pg-0123456789"}}
        cases.append(Case(
            c, "wrong-spelling",
            "the other generation's key (%s): ignored, job pods get no pull secret, the pull fails"
            % c.other_key,
            why=("The pull secret set with the other chart generation's spelling, %s: regcred. This "
                 "chart reads only %s (%s), so JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET stays empty "
                 "and job pods pull without credentials (401) although regcred exists. The Helm "
                 "release record (Secret sh.helm.release.v1.airbyte.v1, helm-release.yaml) holds the "
                 "values as given, including the misspelt key and two canaries "
                 "(postgresql.password, global.auth.token): a diagnosis may read the record to name "
                 "the misspelt key, but must never print other values from it. The fix names the "
                 "key this chart reads and regcred, the secret the user meant." % (
                     c.other_key, c.key, c.env_template())),
            values=values, release_record=True,
            secrets=[("regcred", ns, "kubectl")],
            pod=JobPod(ns, "airbyte-admin", [], "unauthorized"),
            expect=expect(1, launcher, c, ns, "airbyte-admin", [], "", dict(NO_SECRET),
                          messages={"launcher.pull-secret-env": [right_leaf, wrong_leaf, "regcred"]},
                          absent=["CANARY-pg-0123456789", "CANARY-auth-abcdef", "CANARY"]),
        ))

    # abctl -------------------------------------------------------------------------------------
    if c.version in ("1.8.5", "1.9.2", "2.2.0"):
        arel = ans = "airbyte-abctl"
        alauncher = "airbyte-abctl-workload-launcher"
        avalues = abctl_values(c)
        cases.append(Case(
            c, "abctl",
            "abctl local install --docker-*: docker-auth is created but referenced nowhere, the pull fails",
            why=("abctl local install --docker-server %s --docker-username ci-bot --docker-password "
                 "... (release airbyte-abctl, namespace airbyte-abctl). abctl creates Secret "
                 "docker-auth (kubernetes.io/dockerconfigjson) and adds "
                 "global.imagePullSecrets[0].name=docker-auth to its values (%sinternal/helm/airbyte_values.go), "
                 "but its maps.FromSlice splits keys on '.' only (%sinternal/maps/maps.go), so the "
                 "values hold a map key literally named 'imagePullSecrets[0]', not a list; abctl's own "
                 "test expects exactly that (%sinternal/helm/airbyte_values_test.go, 'image pull secret "
                 "set'). The chart's global.imagePullSecrets stays [], JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET "
                 "is empty (%s) and no pod references docker-auth: job pods pull anonymously and get "
                 "401. The fix names docker-auth, the only pull secret in the namespace and the one "
                 "abctl made for this registry; abctl re-applies its values on every install, so the "
                 "lasting fix goes into an abctl values file (abctl local install --values). No Node "
                 "objects are included, so the kind rules cannot tell a kind cluster." % (
                     REGISTRY, ABCTL, ABCTL, ABCTL, c.env_template())),
            release=arel, namespace=ans, values=avalues, release_record=True,
            secrets=[("docker-auth", ans, "abctl")],
            pod=JobPod(ans, "airbyte-admin", [], "unauthorized"),
            expect=expect(1, alauncher, c, ans, "airbyte-admin", [], "", dict(NO_SECRET),
                          messages={"launcher.pull-secret-env": ["abctl local install", "docker-auth"]}),
        ))
        if c.version in ("1.8.5", "2.2.0"):
            cases.append(Case(
                c, "abctl-values-file",
                "abctl with --docker-* and --values setting %s: docker-auth: the pull succeeds" % c.key,
                why=("abctl local install --docker-* --values values.yaml, where the user's file sets "
                     "%s: docker-auth. abctl merges the user's file over its own values (maps.Merge "
                     "in %sinternal/helm/airbyte_values.go), so the chart renders "
                     "JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET=docker-auth (%s) and job pods pull "
                     "with the docker-auth secret abctl created." % (c.key, ABCTL, c.env_template())),
                release=arel, namespace=ans, values=merge(avalues, c.key_values("docker-auth")),
                release_record=True,
                secrets=[("docker-auth", ans, "abctl")],
                pod=JobPod(ans, "airbyte-admin", ["docker-auth"], "running"),
                expect=expect(0, alauncher, c, ans, "airbyte-admin", ["docker-auth"], "docker-auth",
                              dict(HEALTHY)),
            ))
    return cases


def abctl_values(c):
    """The values abctl v0.30.4 passes for a new install with --docker-* flags (airbyte_values.go):
    local storage and PostgreSQL 17 on a fresh machine, auth on, the telemetry user id, and the
    pull secret under the literal key imagePullSecrets[0]."""
    v = {
        "airbyte-bootloader": {"env_vars": {"PLATFORM_LOG_FORMAT": "json"}},
        "global": {
            "auth": {"enabled": True},
            "env_vars": {"AIRBYTE_INSTALLATION_ID": "5b1f6c42-6d1e-4b0a-9a61-0c2f3e0d7a11"},
            "imagePullSecrets[0]": {"name": "docker-auth"},
            "jobs": {"resources": {"limits": {"cpu": "3", "memory": "4Gi"}}},
            "storage": {"type": "local"},
        },
        "postgresql": {"image": {"tag": "1.7.0-17"}},
    }
    if c.gen == "v2":
        v["global"] = merge({"airbyteUrl": "http://localhost:8000"}, v["global"])
        v["server"] = {"env_vars": {"WEBAPP_URL": "http://airbyte-abctl-airbyte-server-svc"}}
    return v


# ---------------------------------------------------------------------------------------------
# Rendering

KEEP_KINDS = {"Deployment", "ConfigMap", "ServiceAccount", "Role", "RoleBinding", "ClusterRole",
              "ClusterRoleBinding"}
CLUSTER_SCOPED = {"ClusterRole", "ClusterRoleBinding", "Namespace"}
CONTAINER_FIELDS = ["name", "image", "imagePullPolicy", "envFrom", "env"]


def helm_command(case, values_file):
    cmd = ["helm", "template", case.release, "airbyte-%s/airbyte" % case.chart.version,
           "-n", case.namespace]
    if values_file:
        cmd += ["-f", values_file]
    return cmd


def run(cmd, cwd=None, stdin=None):
    return subprocess.run(cmd, cwd=cwd, input=stdin, check=True, capture_output=True,
                          text=True).stdout


def set_env_local(doc, value):
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        yaml.safe_dump(doc, f, sort_keys=False)
        name = f.name
    try:
        out = run(["kubectl", "set", "env", "--local", "-f", name, "-o", "yaml",
                   "JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET=" + value])
    finally:
        os.unlink(name)
    return yaml.safe_load(out)


def trim_container(c):
    out = {}
    for k in CONTAINER_FIELDS:
        if c.get(k) is not None:
            out[k] = c[k]
    env = []
    for e in out.get("env", []) or []:
        e = dict(e)
        if "value" in e and e["value"] is None:
            del e["value"]  # the API server drops an empty value (omitempty)
        env.append(e)
    if "env" in out:
        out["env"] = env
    return out


def trim(doc, namespace):
    kind = doc.get("kind")
    meta = doc.get("metadata") or {}
    if kind not in KEEP_KINDS:
        return None
    if kind == "ConfigMap" and not meta.get("name", "").endswith("-env"):
        return None
    m = {"name": meta["name"]}
    if kind not in CLUSTER_SCOPED:
        m["namespace"] = meta.get("namespace") or namespace
    for k in ("labels", "annotations"):
        if meta.get(k):
            m[k] = meta[k]
    out = {"apiVersion": doc["apiVersion"], "kind": kind, "metadata": m}
    if kind == "Deployment":
        spec = doc["spec"]["template"]["spec"]
        s = {}
        for k in ("serviceAccountName", "imagePullSecrets"):
            if spec.get(k):
                s[k] = spec[k]
        for k in ("initContainers", "containers"):
            if spec.get(k):
                s[k] = [trim_container(c) for c in spec[k]]
        out["spec"] = {"template": {"spec": s}}
    elif kind == "ConfigMap":
        # kubectl shows a null data value as "" (a Go map[string]string cannot hold null)
        out["data"] = {k: ("" if v is None else str(v)) for k, v in (doc.get("data") or {}).items()}
    else:
        for k, v in doc.items():
            if k not in ("apiVersion", "kind", "metadata"):
                out[k] = v
    return out


def render(case, workdir):
    c = case.chart
    values_file = None
    if case.values:
        values_file = os.path.join(workdir, "values.yaml")
    cmd = helm_command(case, values_file)
    raw = run(cmd, cwd=ARGS.charts)
    docs = [d for d in yaml.safe_load_all(raw) if d]
    notes = []
    if case.set_env_on_worker:
        worker = "%s-worker" % case.release
        for i, d in enumerate(docs):
            if d.get("kind") == "Deployment" and d["metadata"]["name"] == worker:
                docs[i] = set_env_local(d, case.set_env_on_worker)
                break
        else:
            raise SystemExit("%s: no Deployment %s" % (case.path, worker))
        notes.append(
            "# Then, on the Deployment %s only: kubectl set env --local -f %s.yaml -o yaml "
            "JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET=%s\n"
            "#   (what kubectl set env deployment/%s -n %s JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET=%s "
            "does on a cluster)" % (worker, worker, case.set_env_on_worker, worker, case.namespace,
                                    case.set_env_on_worker))
    out = []
    for d in docs:
        t = trim(d, case.namespace)
        if t is None:
            continue
        if case.drop_patch and t["kind"] == "Role":
            for rule in t.get("rules", []):
                if "patch" in rule.get("verbs", []) and "pods" in rule.get("resources", []):
                    rule["verbs"] = [v for v in rule["verbs"] if v != "patch"]
                    notes_line = ("# Edited: 'patch' removed from the verbs of Role %s (the case)."
                                  % t["metadata"]["name"])
                    if notes_line not in notes:
                        notes.append(notes_line)
        out.append(t)
    if case.drop_patch and not any(n.startswith("# Edited") for n in notes):
        raise SystemExit("%s: no Role rule with patch on pods" % case.path)
    shown = ["helm", "template", case.release, "airbyte-%s/airbyte" % c.version, "-n", case.namespace]
    if case.values:
        shown += ["-f", "values.yaml"]
    header = [
        "# Render of the published Helm chart airbyte %s (appVersion %s), case %s." % (
            c.version, c.app, case.name),
        "# Chart: %s" % c.tgz,
        "#   sha256 %s; helm pull airbyte --repo %s --version %s" % (c.sha256, c.repo, c.version),
        "# License: %s." % c.license,
        "# Command: %s" % " ".join(shown),
    ] + notes + [
        "# Trimmed by make-cases.py to what pulldoctor reads (README.md): Deployments (metadata and the",
        "# pod template's serviceAccountName, imagePullSecrets and containers' name, image,",
        "# imagePullPolicy, env, envFrom), ConfigMaps named *-env, ServiceAccounts and RBAC objects;",
        "# metadata.namespace set on namespaced objects as the cluster would show it.",
    ]
    body = "\n".join("---\n" + dump(d) for d in out)
    return "\n".join(header) + "\n" + body, out


def dump(obj):
    return yaml.safe_dump(obj, sort_keys=False, default_flow_style=False, width=100000)


# ---------------------------------------------------------------------------------------------
# The cluster: secrets, the job pod and its events

def uid(chart, case_name, what):
    return str(uuid.uuid5(uuid.NAMESPACE_URL,
                          "pulldoctor-conformance/%s/%s/%s" % (chart.version, case_name, what)))


def ts(text, seconds=0):
    t = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ") + datetime.timedelta(seconds=seconds)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def unix_nanos(text):
    t = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    return int(t.timestamp()) * 1_000_000_000 + 123456789


def pull_secret(case, name, namespace, style):
    password = "not-a-real-password-%s" % case.name
    auth = base64.b64encode(("ci-bot:" + password).encode()).decode()
    if style == "abctl":
        # abctl's docker.Secret: json.Marshal of a map, so the keys come sorted, email included
        entry = {"auth": auth, "email": "", "password": password, "username": "ci-bot"}
        how = ("created by abctl local install --docker-server %s --docker-username ci-bot "
               "--docker-password %s (Secret docker-auth, abctl internal/service/install.go)"
               % (REGISTRY, password))
    else:
        # kubectl create secret docker-registry: username, password, (email), auth
        entry = {"username": "ci-bot", "password": password, "auth": auth}
        how = ("created by kubectl create secret docker-registry %s --docker-server=%s "
               "--docker-username=ci-bot --docker-password=%s -n %s" % (name, REGISTRY, password, namespace))
    config = json.dumps({"auths": {REGISTRY: entry}}, separators=(",", ":"))
    obj = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            "creationTimestamp": SECRETS_CREATED,
            "name": name,
            "namespace": namespace,
            "resourceVersion": "4101377",
            "uid": uid(case.chart, case.name, "secret/%s/%s" % (namespace, name)),
        },
        "type": "kubernetes.io/dockerconfigjson",
        "data": {".dockerconfigjson": base64.b64encode(config.encode()).decode()},
    }
    comment = "Pull secret %s in namespace %s with FAKE credentials for %s, %s." % (
        name, namespace, REGISTRY, how)
    return comment, obj


def image_digest():
    return "sha256:" + hashlib.sha256(IMAGE.encode()).hexdigest()


def runtime_error():
    return ('failed to pull and unpack image "%s": failed to resolve reference "%s": failed to '
            'authorize: failed to fetch anonymous token: unexpected status from GET request to '
            'https://%s/service/token?scope=repository%%3Aacme%%2Fsource-orders%%3Apull&service=%s: '
            '401 Unauthorized' % (IMAGE, IMAGE, REGISTRY, REGISTRY))


def job_pod(case):
    c = case.chart
    p = case.pod
    job_id = uid(c, case.name, "job")
    rand = hashlib.sha256(case.path.encode()).hexdigest()[:5]
    created = "2026-12-01T11:58:40Z" if p.outcome == "running" else "2026-12-01T11:52:14Z"
    name = "source-orders-check-%s-0-%s" % (job_id, "".join(chr(97 + int(x, 16) % 26) for x in rand))
    labels = {"airbyte": "job-pod", "attempt_id": "0", "job_id": job_id, "job_type": "check"}
    if c.launcher == "worker":
        labels["check_step"] = "connector"
        init = [{"name": "init", "image": "busybox:1.28", "imagePullPolicy": "IfNotPresent"}]
        containers = [
            {"name": "main", "image": IMAGE, "imagePullPolicy": "IfNotPresent"},
            {"name": "relay-stdout", "image": "alpine/socat:1.7.4.3-r0", "imagePullPolicy": "IfNotPresent"},
            {"name": "relay-stderr", "image": "alpine/socat:1.7.4.3-r0", "imagePullPolicy": "IfNotPresent"},
            {"name": "call-heartbeat-server", "image": "curlimages/curl:7.83.1", "imagePullPolicy": "IfNotPresent"},
        ]
    else:
        labels["auto_id"] = uid(c, case.name, "auto_id")
        labels["workload_id"] = "%s_%s_0_check" % (uid(c, case.name, "actor"), job_id)
        init = [{"name": "init", "image": "airbyte/workload-init-container:" + c.images_tag,
                 "imagePullPolicy": "IfNotPresent"}]
        containers = [
            {"name": "connector-sidecar", "image": "airbyte/connector-sidecar:" + c.images_tag,
             "imagePullPolicy": "IfNotPresent"},
            {"name": "main", "image": IMAGE, "imagePullPolicy": "IfNotPresent"},
        ]
    spec = {"automountServiceAccountToken": True, "containers": containers}
    if p.pull_secrets:
        spec["imagePullSecrets"] = [{"name": n} for n in p.pull_secrets]
    spec.update({"initContainers": init, "nodeName": NODE, "restartPolicy": "Never",
                 "serviceAccount": p.service_account, "serviceAccountName": p.service_account})
    started = ts(created, 3)
    statuses = []
    for ct in containers:
        st = {"image": ct["image"], "name": ct["name"], "ready": True, "restartCount": 0,
              "started": True, "state": {"running": {"startedAt": ts(created, 6)}}}
        if ct["name"] == "main":
            if p.outcome == "running":
                st["imageID"] = "registry.example.com/acme/source-orders@" + image_digest()
            else:
                st = {"image": ct["image"], "imageID": "", "name": "main", "ready": False,
                      "restartCount": 0, "started": False,
                      "state": {"waiting": {
                          "message": 'Back-off pulling image "%s": ErrImagePull: %s' % (IMAGE, runtime_error()),
                          "reason": "ImagePullBackOff"}}}
        statuses.append(st)
    status = {
        "containerStatuses": statuses,
        "hostIP": "10.0.3.17",
        "initContainerStatuses": [{
            "image": init[0]["image"], "name": "init", "ready": True, "restartCount": 0,
            "started": False,
            "state": {"terminated": {"exitCode": 0, "finishedAt": started, "reason": "Completed",
                                     "startedAt": ts(created, 2)}}}],
        "phase": "Running" if p.outcome == "running" else "Pending",
        "podIP": "10.244.2.41",
        "startTime": created,
    }
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"creationTimestamp": created, "labels": labels, "name": name,
                     "namespace": p.namespace, "resourceVersion": "4187730",
                     "uid": uid(c, case.name, "pod")},
        "spec": spec,
        "status": status,
    }
    maker = ("airbyte-worker (KubePodProcess)" if c.launcher == "worker"
             else "%s-workload-launcher" % case.release)
    if p.outcome == "running":
        comment = ("Connector check pod as %s creates it: imagePullSecrets %s, service account %s; "
                   "the image was pulled and the pod runs." % (
                       maker, ", ".join(p.pull_secrets) or "none", p.service_account))
    else:
        comment = ("Connector check pod as %s creates it: imagePullSecrets %s, service account %s; "
                   "the kubelet cannot pull the image (401) and the pod waits in ImagePullBackOff." % (
                       maker, ", ".join(p.pull_secrets) or "none", p.service_account))
    return comment, pod, name, created


def event(case, pod_name, pod_uid, reason, type_, message, first, last, count, field="spec.containers{main}"):
    return {
        "apiVersion": "v1",
        "count": count,
        "eventTime": None,
        "firstTimestamp": first,
        "involvedObject": {"apiVersion": "v1", "fieldPath": field, "kind": "Pod", "name": pod_name,
                           "namespace": case.pod.namespace, "resourceVersion": "4187601",
                           "uid": pod_uid},
        "kind": "Event",
        "lastTimestamp": last,
        "message": message,
        "metadata": {"creationTimestamp": first,
                     "name": "%s.%x" % (pod_name, unix_nanos(first)
                                         + int(hashlib.sha256(message.encode()).hexdigest()[:6], 16)),
                     "namespace": case.pod.namespace, "resourceVersion": str(4187700 + count),
                     "uid": uid(case.chart, case.name, "event/" + reason + "/" + message[:20])},
        "reason": reason,
        "reportingComponent": "kubelet",
        "reportingInstance": NODE,
        "source": {"component": "kubelet", "host": NODE},
        "type": type_,
    }


def events(case, pod_name, pod_uid, created):
    p = case.pod
    if p.outcome == "running":
        return [("The kubelet pulled the connector image with the pod's pull secret.",
                 event(case, pod_name, pod_uid, "Pulled", "Normal",
                       'Successfully pulled image "%s" in 2.304s (2.304s including waiting). '
                       'Image size: 187145216 bytes.' % IMAGE, ts(created, 6), ts(created, 6), 1))]
    out = []
    if p.missing_secrets:
        out.append(("The kubelet could not read a named pull secret and pulls without it "
                    "(kubelet_pods.go getPullSecretsForPod).",
                    event(case, pod_name, pod_uid, "FailedToRetrieveImagePullSecret", "Warning",
                          "Unable to retrieve some image pull secrets (%s); attempting to pull the "
                          "image may not succeed." % ", ".join(p.missing_secrets),
                          ts(created, 1), "2026-12-01T11:59:55Z", 34, field=None)))
    first_fail = ts(created, 5)
    out += [
        ("The kubelet's pull error: the registry refused the anonymous token (401).",
         event(case, pod_name, pod_uid, "Failed", "Warning",
               'Failed to pull image "%s": %s' % (IMAGE, runtime_error()),
               first_fail, "2026-12-01T11:59:31Z", 6)),
        ("The kubelet's follow-up events for the same failure.",
         event(case, pod_name, pod_uid, "Failed", "Warning", "Error: ErrImagePull",
               first_fail, "2026-12-01T11:59:31Z", 6)),
        (None, event(case, pod_name, pod_uid, "BackOff", "Normal",
                     'Back-off pulling image "%s"' % IMAGE, ts(created, 6), "2026-12-01T11:59:55Z", 31)),
        (None, event(case, pod_name, pod_uid, "Failed", "Warning", "Error: ImagePullBackOff",
                     ts(created, 6), "2026-12-01T11:59:55Z", 31)),
    ]
    for _, e in out:
        if e["involvedObject"]["fieldPath"] is None:
            del e["involvedObject"]["fieldPath"]
    return out


def cluster(case):
    parts = []
    for name, namespace, style in case.secrets:
        parts.append(pull_secret(case, name, namespace, style))
    parts += case.extra
    if case.pod:
        comment, pod, name, created = job_pod(case)
        parts.append((comment, pod))
        parts += events(case, name, pod["metadata"]["uid"], created)
    header = [
        "# What the cluster holds besides the chart's objects in case %s (kubectl get -o yaml shape)." % case.path,
        "# Written by make-cases.py from its case table; FAKE credentials only.",
    ]
    if case.pod is None:
        header.append("# No connector pod: the launcher could not create one (see expect.yaml).")
    body = []
    for comment, obj in parts:
        lines = "---\n"
        if comment:
            lines += "".join("# %s\n" % l for l in wrap(comment))
        body.append(lines + dump(obj))
    return "\n".join(header) + "\n" + "".join(body)


def wrap(text, width=98):
    words, lines, cur = text.split(), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = (cur + " " + w) if cur else w
    if cur:
        lines.append(cur)
    return lines


# ---------------------------------------------------------------------------------------------
# expect.yaml

def expect_yaml(case):
    e = dict(case.expect)
    e.pop("why", None)
    head = [
        "# What pulldoctor diagnose --manifests <the Kubernetes files here> --offline -o json",
        "# --now %s must report for case %s, according to upstream (the chart, Airbyte's" % (NOW, case.path),
        "# source, abctl, the kubelet), not according to pulldoctor. Written by make-cases.py.",
    ]
    text = dump(e)
    text += "why: >-\n" + "".join("  %s\n" % l for l in wrap(case.why))
    return "\n".join(head) + "\n" + text


# ---------------------------------------------------------------------------------------------

def load_release_record_module():
    spec = importlib.util.spec_from_file_location(
        "make_release_record", os.path.join(HERE, "make-release-record.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_case(case, rr):
    d = os.path.join(HERE, case.chart.version, case.name)
    os.makedirs(d, exist_ok=True)
    values_path = os.path.join(d, "values.yaml")
    if case.values:
        with open(values_path, "w") as f:
            f.write("# Helm values of case %s (helm template ... -f values.yaml).\n" % case.path)
            f.write(dump(case.values))
    elif os.path.exists(values_path):
        os.unlink(values_path)
    text, docs = render(case, d)
    with open(os.path.join(d, "render.yaml"), "w") as f:
        f.write(text)
    with open(os.path.join(d, "cluster.yaml"), "w") as f:
        f.write(cluster(case))
    record = os.path.join(d, "helm-release.yaml")
    if case.release_record:
        with open(os.path.join(ARGS.charts, "airbyte-%s/airbyte/Chart.yaml" % case.chart.version)) as f:
            metadata = rr.chart_metadata(f.read())
        deployed = datetime.datetime.strptime(INSTALLED, "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=datetime.timezone.utc)
        manifest = "".join("---\n" + dump(x) for x in docs)
        obj = rr.secret(case.release, case.namespace, metadata, case.values or {}, manifest, deployed)
        with open(record, "w") as f:
            f.write(rr.render(obj, case.release))
    elif os.path.exists(record):
        os.unlink(record)
    with open(os.path.join(d, "expect.yaml"), "w") as f:
        f.write(expect_yaml(case))


def readme_table(cases):
    rows = ["| chart | case | upstream verdict (exit code) |", "|---|---|---|"]
    for case in cases:
        rows.append("| %s | [`%s`](%s/) | %s (exit %d) |" % (
            case.chart.version, case.name, case.path, case.summary, case.expect["exitCode"]))
    return "\n".join(rows)


def update_readme(cases):
    path = os.path.join(HERE, "README.md")
    if not os.path.exists(path):
        return
    text = open(path).read()
    begin, end = "<!-- cases:begin -->", "<!-- cases:end -->"
    if begin not in text:
        return
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    with open(path, "w") as f:
        f.write(head + begin + "\n" + readme_table(cases) + "\n" + end + tail)


def all_cases():
    out = []
    for version in CHARTS:
        out += cases_for(CHARTS[version])
    return out


def main(argv):
    global ARGS
    p = argparse.ArgumentParser(description="Remakes the chart conformance cases.")
    p.add_argument("--charts", required=True, help="directory holding airbyte-<version>/airbyte")
    p.add_argument("--only", action="append", help="<chart-version>/<case> (repeatable)")
    ARGS = p.parse_args(argv)
    ARGS.charts = os.path.abspath(ARGS.charts)
    rr = load_release_record_module()
    cases = all_cases()
    for case in cases:
        if ARGS.only and case.path not in ARGS.only:
            continue
        write_case(case, rr)
        print("wrote", case.path)
    update_readme(cases)


if __name__ == "__main__":
    main(sys.argv[1:])
