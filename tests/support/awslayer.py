#!/usr/bin/env python3
"""Gatehouse test support layer: moto_server plus a thin shim that behaves more like AWS.

THIS IS NOT APP CODE.  Nothing in the Gatehouse application imports, ships or knows
about this file.  It exists only so that tests and the demo can run the real app (the
Rust AWS SDK, reached through ``AWS_ENDPOINT_URL``) against a local AWS that reproduces
a few behaviours of real AWS that stock moto does not have.

How it is built
---------------
moto's own WSGI application (``DomainDispatcherApplication(create_backend_app)``, the
same object the ``moto_server`` command serves) runs IN THIS PROCESS, wrapped by the
small WSGI middleware ``GatehouseLayer`` below, and is served by werkzeug's threaded
development server (what ``run_simple(host, port, app, threaded=True)`` uses).  Every
request that the layer does not deliberately answer itself is passed to moto untouched.

    python tests/support/awslayer.py --host 127.0.0.1 --port 0 \
        [--instance-regions us-east-1,eu-west-1] [--log-requests]

prints exactly one line ``READY http://127.0.0.1:<port>`` on stdout (flushed) once the
socket is listening (``--port 0`` picks a free port; read it from that line).
SIGTERM / SIGINT stop it.

What each part reproduces
-------------------------
a. Instance in some regions only.  Real AWS: an organisation has ONE Identity Center
   instance, in one region; ``ListInstances`` in any other region returns an empty list.
   moto: a built-in ACTIVE instance exists in EVERY region.  Layer: with
   ``--instance-regions`` (or ``POST /_gatehouse/instance-regions``), sso-admin
   ``ListInstances`` signed for any other region (region taken from the SigV4 credential
   scope of the ``Authorization`` header) answers ``{"Instances": []}``.  Only
   ListInstances is filtered; other sso-admin calls still reach moto.

b. Fault injection.  Real AWS: callers see AccessDeniedException for missing IAM
   permissions, ThrottlingException ("Rate exceeded") at ~20 TPS, and occasional 5xx.
   moto: never throttles, never fails on permissions (IAM is not enforced) and has no 5xx.
   Layer: rules keyed by operation name (``X-Amz-Target`` after the dot for the JSON
   protocols -- sso-admin, identitystore, organizations -- or ``Action=`` in the form body /
   query string for STS's query protocol) answer with the error body each protocol's SDKs
   parse:
     * awsJson1_1 / 1_0: ``{"__type": CODE, "message": MSG}``, header
       ``x-amzn-ErrorType: CODE``, content type ``application/x-amz-json-1.1``;
     * query (STS): ``<ErrorResponse><Error><Type>Sender|Receiver</Type><Code>CODE</Code>
       <Message>MSG</Message></Error><RequestId>..</RequestId></ErrorResponse>``.
   A rule fires ``count`` times (null = always), optionally with a ``probability``.

c. Request counting.  Real AWS bills/throttles per call; a benchmark against moto must
   compare request counts as well as time (moto serves ~200 req/s).  Layer: every AWS
   request is counted per service + operation (including those answered by a fault or
   by the layer itself).  ``/moto-api`` and ``/_gatehouse`` calls are not counted.

d. Asynchronous assignment/provisioning status (off by default).  Real AWS:
   CreateAccountAssignment, DeleteAccountAssignment and ProvisionPermissionSet return
   IN_PROGRESS and the caller polls Describe*Status until SUCCEEDED or FAILED (FAILED
   carries FailureReason).  moto: the call and every poll say SUCCEEDED.  Layer, when
   enabled: the three calls answer IN_PROGRESS; the matching Describe*Status answers
   IN_PROGRESS for the first K polls of that request id, then SUCCEEDED -- or FAILED with
   the configured reason when the TargetId is one of the configured failing accounts.  A
   failing request is NOT forwarded to moto (nothing is created/deleted/provisioned,
   as on AWS); a succeeding one is forwarded at once (moto's state changes immediately,
   i.e. before the status says SUCCEEDED -- a known simplification).
   With ``"defer": true`` a succeeding assignment creation/deletion is NOT forwarded at
   once: moto's state changes only when a status poll first answers SUCCEEDED (as on AWS,
   where a request in progress has not changed the assignments yet).
   List{AccountAssignmentCreation,AccountAssignmentDeletion}Status (moto: not implemented)
   list the tracked requests with their current status (``Filter.Status`` honoured; one page).
   moto does not implement DescribePermissionSetProvisioningStatus at all (it would
   answer HTTP 500 with an HTML page); the layer answers it for every ProvisionPermissionSet
   it has seen (SUCCEEDED at once when async mode is off) and with
   ResourceNotFoundException for an unknown request id.

e. Permissions boundaries.  Real AWS: Put/Get/DeletePermissionsBoundary(To|For|From)
   PermissionSet store one boundary per permission set (an AWS managed policy ARN or a
   customer managed policy name + path); Get and Delete answer ResourceNotFoundException
   when the set has none.  moto: not implemented (HTTP 500 HTML page).  Layer: an in-memory
   map keyed by permission set ARN; an unknown set gets moto's own DescribePermissionSet
   error.  Cleared by DeletePermissionSet and /_gatehouse/reset.

f. Tags.  Real AWS: TagResource / UntagResource / ListTagsForResource on a permission set
   ARN (at most 50 tags), and CreatePermissionSet's ``Tags``.  moto: stores the create
   call's tags but implements none of the three calls.  Layer: an in-memory map keyed by
   permission set ARN, seeded from CreatePermissionSet's ``Tags``; no pagination (one page).

g. Names are unique.  Real AWS: CreatePermissionSet with a name already used in the
   instance answers ConflictException.  moto: creates a second set.  Layer: asks moto
   (ListPermissionSets + DescribePermissionSet, in process) and answers ConflictException.

h. AWS managed policies with a path.  Real AWS: job-function policies live under a path
   (``arn:aws:iam::aws:policy/job-function/ViewOnlyAccess``) and the path-less ARN does not
   exist.  moto: reads ``path`` instead of ``Path`` from its own copy of AWS's managed policy
   catalogue, so it accepts only path-less ARNs.  Layer: Attach/DetachManagedPolicy with
   the real ARN (path from moto's catalogue) are passed to moto path-less, the path-less or
   wrong-path ARN of a path-ful policy answers ResourceNotFoundException, and
   ListManagedPoliciesInPermissionSet reports the real ARNs.  Unknown policies are still
   refused by moto itself (ResourceNotFoundException "Policy does not exist with ARN").

i. Where a set is provisioned.  Real AWS: ListAccountsForProvisionedPermissionSet lists
   the accounts the set was provisioned to -- by CreateAccountAssignment there or by
   ProvisionPermissionSet with TargetType AWS_ACCOUNT (it stays provisioned after the
   assignments are removed).  moto: always answers its own account 123456789012.  Layer:
   answers from the successful (not FAILED) calls it forwarded, keyed by permission set
   ARN, with NextToken/MaxResults pagination; DeletePermissionSet forgets the set.
   ListPermissionSetsProvisionedToAccount (real AWS: the sets provisioned to AccountId,
   each once, paginated; moto: ignores AccountId and repeats a set once per provisioning
   call, no pagination) answers from the same record, filtered by AccountId, sorted,
   with NextToken/MaxResults; ProvisioningStatus=LATEST_PERMISSION_SET_NOT_PROVISIONED
   answers an empty list (the layer does not track outdated provisioning).

j. A delegated administrator.  Real AWS: a member account registered as IAM Identity
   Center's delegated administrator manages the organisation's instance, but AWS refuses
   it account assignments in (and provisioning to) the management account.  moto: every
   call is made as its management account 123456789012; a member account cannot call the
   organisation's instance.  Layer: with ``POST /_gatehouse/caller`` {"account_id": A,
   "arn": ARN?}, sts GetCallerIdentity answers account A (and ARN, default
   ``arn:aws:sts::A:assumed-role/IdentityCenterAdmin/gatehouse``), every other call still
   reaches moto as before, and Create/DeleteAccountAssignment or ProvisionPermissionSet
   whose TargetId is the management account answer AccessDeniedException as AWS does.
   ``DELETE /_gatehouse/caller`` (or reset) goes back to the management account.

Control API (JSON, under ``/_gatehouse/``)
------------------------------------------
  GET    /_gatehouse/state              everything below in one document
  POST   /_gatehouse/faults             replace the rules: a list of rules, or
                                        {"rules": [...], "seed": 42}
  GET    /_gatehouse/faults             current rules (with remaining counts)
  DELETE /_gatehouse/faults             remove all rules
  GET    /_gatehouse/requests           counts ({"total", "counts", "injected"});
                                        ?reset=1 returns and resets atomically
  POST   /_gatehouse/requests/reset     return the counts and reset them
  GET    /_gatehouse/instance-regions   {"regions": [...] | null}
  POST   /_gatehouse/instance-regions   {"regions": ["us-east-1"]} or {"regions": null} (all)
  GET    /_gatehouse/async              async-status config
  POST   /_gatehouse/async              {"enabled": true, "in_progress_polls": 2,
                                         "fail_accounts": {"111122223333": "reason"},
                                         "operations": [...optional subset...]}
  DELETE /_gatehouse/async              turn async mode off (and forget tracked requests)
  GET    /_gatehouse/caller             {"caller": {"account_id", "arn"} | null}
  POST   /_gatehouse/caller             {"account_id": "222233334444", "arn": "..."}: calls
                                        are answered as that delegated administrator (j)
  DELETE /_gatehouse/caller             back to moto's management account
  POST   /_gatehouse/reset              moto's own POST /moto-api/reset + clear the layer's
                                        rules, counts, async config, tracked requests and
                                        the emulated boundaries, tags, provisioned accounts;
                                        instance regions go back to the command-line value

A fault rule::

  {"operation": "ListInstances",          # required; "*" matches every operation
   "service": "sso-admin",                # optional: sso-admin|identitystore|organizations|sts
   "region": "us-east-1",                 # optional: only requests signed for this region
   "error": "AccessDeniedException",      # required: the error code
   "status": 400,                         # optional, default 400 (500/503 for 5xx)
   "message": "User: ... is not authorized to perform: sso:ListInstances",
   "count": 2,                            # optional: fire this many times; null = always
   "probability": 0.3,                    # optional: fire with this probability
   "after_forward": true,                 # optional: let moto carry the request out first,
                                          # then answer the error (an answer lost after AWS
                                          # acted, as a timeout or 5xx can be on AWS)
   "delay_seconds": 2}                    # optional (0..30): wait this long first (a slow
                                          # AWS); without "error" the request then goes on
                                          # to moto as usual

Rules are checked in order; the first that matches and fires answers the request.

Python 3.11, standard library + moto[server] (werkzeug, flask) only.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import signal
import sys
import threading
import time
import uuid
from collections import Counter
from typing import Any, Callable, Iterable
from urllib.parse import parse_qs
from xml.sax.saxutils import escape as xml_escape

# moto's own account: the caller of every request, and the organisation's management account.
MANAGEMENT_ACCOUNT_ID = "123456789012"

# X-Amz-Target prefix -> service id (as the SDKs and this layer name services).
TARGET_PREFIX_TO_SERVICE = {
    "SWBExternalService": "sso-admin",
    "AWSIdentityStore": "identitystore",
    "AWSOrganizationsV20161128": "organizations",
}
# SigV4 signing name -> service id.
SIGNING_NAME_TO_SERVICE = {"sso": "sso-admin"}
# Services spoken with the AWS query protocol (form body, XML answers).
QUERY_PROTOCOL_SERVICES = {"sts", "iam"}

ASYNC_OPERATIONS = (
    "CreateAccountAssignment",
    "DeleteAccountAssignment",
    "ProvisionPermissionSet",
)
# Describe call -> (request-id parameter, response wrapper key, kind)
DESCRIBE_STATUS = {
    "DescribeAccountAssignmentCreationStatus": (
        "AccountAssignmentCreationRequestId",
        "AccountAssignmentCreationStatus",
        "CreateAccountAssignment",
    ),
    "DescribeAccountAssignmentDeletionStatus": (
        "AccountAssignmentDeletionRequestId",
        "AccountAssignmentDeletionStatus",
        "DeleteAccountAssignment",
    ),
    "DescribePermissionSetProvisioningStatus": (
        "ProvisionPermissionSetRequestId",
        "PermissionSetProvisioningStatus",
        "ProvisionPermissionSet",
    ),
}
# List*Status call -> (tracked kind, response list key). moto implements neither.
LIST_STATUS = {
    "ListAccountAssignmentCreationStatus": ("CreateAccountAssignment",
                                            "AccountAssignmentsCreationStatus"),
    "ListAccountAssignmentDeletionStatus": ("DeleteAccountAssignment",
                                            "AccountAssignmentsDeletionStatus"),
}
RESPONSE_KEY = {
    "CreateAccountAssignment": "AccountAssignmentCreationStatus",
    "DeleteAccountAssignment": "AccountAssignmentDeletionStatus",
    "ProvisionPermissionSet": "PermissionSetProvisioningStatus",
}

DEFAULT_MESSAGES = {
    "ThrottlingException": "Rate exceeded",
    "Throttling": "Rate exceeded",
    "AccessDeniedException": "You do not have sufficient access to perform this action.",
    "AccessDenied": "User is not authorized to perform this action",
    "InternalServerException": "An internal error occurred.",
    "ServiceUnavailableException": "Service is unavailable.",
}


# sso-admin operation -> GatehouseLayer method emulating AWS where moto does not (parts e-h).
PERMISSION_SET_EMULATION = {
    "CreatePermissionSet": "_ps_create",
    "DeletePermissionSet": "_ps_delete",
    "PutPermissionsBoundaryToPermissionSet": "_boundary_put",
    "GetPermissionsBoundaryForPermissionSet": "_boundary_get",
    "DeletePermissionsBoundaryFromPermissionSet": "_boundary_delete",
    "TagResource": "_tag",
    "UntagResource": "_untag",
    "ListTagsForResource": "_list_tags",
    "AttachManagedPolicyToPermissionSet": "_policy_arn",
    "DetachManagedPolicyFromPermissionSet": "_policy_arn",
    "ListManagedPoliciesInPermissionSet": "_list_managed",
    "ListAccountsForProvisionedPermissionSet": "_list_provisioned_accounts",
    "ListPermissionSetsProvisionedToAccount": "_list_provisioned_sets",
}

_POLICY_PATHS: dict[str, str] | None = None


def _aws_managed_policy_paths() -> dict[str, str]:
    """AWS managed policy name -> its IAM path, from moto's own copy of AWS's catalogue."""
    global _POLICY_PATHS
    if _POLICY_PATHS is None:
        from moto.iam.aws_managed_policies import aws_managed_policies_data

        data = json.loads(aws_managed_policies_data)
        _POLICY_PATHS = {name: p.get("Path", "/") for name, p in data.items()}
    return _POLICY_PATHS


def _split_aws_policy_arn(arn: Any) -> tuple[str, str, str] | None:
    """'arn:aws:iam::aws:policy/job-function/Billing' -> ('aws', '/job-function/', 'Billing')."""
    if not isinstance(arn, str) or not arn.startswith("arn:"):
        return None
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "iam" or parts[4] != "aws" or not parts[5].startswith("policy/"):
        return None
    rest = parts[5][len("policy"):]
    path, _, name = rest.rpartition("/")
    return parts[1], path + "/", name


def _replace_body(environ: dict[str, Any], data: dict[str, Any]) -> None:
    body = json.dumps(data).encode("utf-8")
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))


class ControlError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _parse_regions(value: Any) -> set[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = [r for r in (p.strip() for p in value.split(",")) if r]
    if not isinstance(value, list) or not all(isinstance(r, str) and r for r in value):
        raise ControlError(400, "regions must be a list of region names or null")
    return set(value)


def _validate_rule(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ControlError(400, "each rule must be a JSON object")
    op = raw.get("operation")
    err = raw.get("error")
    if not isinstance(op, str) or not op:
        raise ControlError(400, "rule.operation (string) is required")
    delay = raw.get("delay_seconds")
    if delay is not None and (not isinstance(delay, (int, float)) or not 0 <= delay <= 30):
        raise ControlError(400, "rule.delay_seconds must be a number of seconds 0..30")
    if delay is None and (not isinstance(err, str) or not err):
        raise ControlError(400, "rule.error (error code string) is required")
    if err is not None and (not isinstance(err, str) or not err):
        raise ControlError(400, "rule.error must be an error code string")
    status = raw.get("status", 400)
    if not isinstance(status, int) or not 400 <= status <= 599:
        raise ControlError(400, "rule.status must be an HTTP error status 400..599")
    count = raw.get("count")
    if count is not None and (not isinstance(count, int) or count < 0):
        raise ControlError(400, "rule.count must be a non-negative integer or null")
    prob = raw.get("probability")
    if prob is not None and (
        not isinstance(prob, (int, float)) or not 0.0 <= float(prob) <= 1.0
    ):
        raise ControlError(400, "rule.probability must be between 0 and 1")
    for key in ("service", "region", "message"):
        if raw.get(key) is not None and not isinstance(raw[key], str):
            raise ControlError(400, f"rule.{key} must be a string")
    if raw.get("after_forward") is not None and not isinstance(raw["after_forward"], bool):
        raise ControlError(400, "rule.after_forward must be a boolean")
    unknown = set(raw) - {
        "operation", "error", "status", "message", "count", "probability", "service", "region",
        "after_forward", "delay_seconds",
    }
    if unknown:
        raise ControlError(400, f"unknown rule fields: {sorted(unknown)}")
    return {
        "operation": op,
        "service": raw.get("service"),
        "region": raw.get("region"),
        "error": err,
        "status": status,
        "message": raw.get("message") or (DEFAULT_MESSAGES.get(err, err) if err else None),
        "delay_seconds": None if delay is None else float(delay),
        "count": count,
        "probability": None if prob is None else float(prob),
        "after_forward": bool(raw.get("after_forward", False)),
        "fired": 0,
    }


def _validate_async(raw: Any) -> dict[str, Any] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ControlError(400, "async config must be an object")
    if not raw.get("enabled", True):
        return None
    polls = raw.get("in_progress_polls", 2)
    if not isinstance(polls, int) or polls < 0:
        raise ControlError(400, "in_progress_polls must be a non-negative integer")
    fail = raw.get("fail_accounts") or {}
    if isinstance(fail, list):
        fail = {a: "Simulated failure by the Gatehouse test layer" for a in fail}
    if not isinstance(fail, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in fail.items()
    ):
        raise ControlError(400, "fail_accounts must map account id -> failure reason")
    ops = raw.get("operations") or list(ASYNC_OPERATIONS)
    if not isinstance(ops, list) or not set(ops) <= set(ASYNC_OPERATIONS):
        raise ControlError(400, f"operations must be a subset of {list(ASYNC_OPERATIONS)}")
    defer = raw.get("defer", False)
    if not isinstance(defer, bool):
        raise ControlError(400, "defer must be a boolean")
    return {
        "enabled": True,
        "in_progress_polls": polls,
        "fail_accounts": dict(fail),
        "operations": list(ops),
        "defer": defer,
    }


class GatehouseLayer:
    """WSGI middleware in front of moto's in-process server application."""

    def __init__(self, moto_app: Callable, instance_regions: set[str] | None = None):
        self.moto_app = moto_app
        self.lock = threading.Lock()
        self.default_instance_regions = instance_regions
        self.instance_regions = instance_regions
        self.rules: list[dict[str, Any]] = []
        self.rng = random.Random(0)
        self.counts: Counter[tuple[str, str]] = Counter()
        self.injected: Counter[tuple[str, str]] = Counter()
        self.async_cfg: dict[str, Any] | None = None
        # (j) answer as this delegated administrator instead of moto's management account.
        self.caller: dict[str, str] | None = None
        # request id -> {"kind", "polls_left", "final", "reason", "status": {...}}
        self.tracked: dict[str, dict[str, Any]] = {}
        # Emulated permission-set state moto lacks (parts e-h), keyed by permission set ARN.
        self.boundaries: dict[str, dict[str, Any]] = {}
        self.tags: dict[str, dict[str, str]] = {}
        self.provisioned: dict[str, set[str]] = {}

    # ------------------------------------------------------------------ WSGI entry
    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or ""
        if path.startswith("/_gatehouse"):
            return self._control(environ, start_response, path)
        if path.startswith("/moto-api") or path == "/favicon.ico":
            return self.moto_app(environ, start_response)

        req = _AwsRequest(environ)
        key = (req.service, req.operation)
        with self.lock:
            self.counts[key] += 1
            rule = self._pick_rule(req)
            if rule is not None:
                self.injected[key] += 1
            instance_regions = self.instance_regions
            async_cfg = self.async_cfg
            caller = self.caller

        if caller is not None and (rule is None or rule["error"] is None):
            answered = self._as_delegated_admin(req, start_response, caller)
            if answered is not None:
                return answered
        if rule is not None and rule["delay_seconds"]:
            time.sleep(rule["delay_seconds"])
        if rule is not None and rule["error"] is None:
            rule = None  # only a delay
        if rule is not None:
            if rule["after_forward"]:
                def discard(status: str, headers: list, exc_info: Any = None) -> Callable:
                    return lambda _data: None
                for _chunk in self._forward(req, environ, discard, instance_regions, async_cfg):
                    pass
            return _error_response(start_response, req, rule["status"], rule["error"], rule["message"])
        return self._forward(req, environ, start_response, instance_regions, async_cfg)

    def _forward(self, req: "_AwsRequest", environ: dict[str, Any], start_response: Callable,
                 instance_regions: set[str] | None,
                 async_cfg: dict[str, Any] | None) -> Iterable[bytes]:
        if req.service == "sso-admin":
            if req.operation == "ListInstances" and instance_regions is not None:
                if req.region not in instance_regions:
                    return _json_response(start_response, 200, {"Instances": []})
            if req.operation in ASYNC_OPERATIONS:
                return self._async_call(req, start_response, async_cfg)
            if req.operation in DESCRIBE_STATUS:
                answered = self._describe_status(req, start_response)
                if answered is not None:
                    return answered
            if req.operation in LIST_STATUS:
                return self._list_status(req, start_response)
            emulated = PERMISSION_SET_EMULATION.get(req.operation)
            if emulated is not None:
                return getattr(self, emulated)(req, start_response)

        return self.moto_app(environ, start_response)

    # ------------------------------------------------------------------ delegated admin (j)
    def _as_delegated_admin(self, req: "_AwsRequest", start_response: Callable,
                            caller: dict[str, str]) -> Iterable[bytes] | None:
        if req.service == "sts" and req.operation == "GetCallerIdentity":
            body = (
                '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
                "<GetCallerIdentityResult>"
                f"<Arn>{xml_escape(caller['arn'])}</Arn>"
                "<UserId>AROAGATEHOUSETESTLAYER:gatehouse</UserId>"
                f"<Account>{xml_escape(caller['account_id'])}</Account>"
                "</GetCallerIdentityResult>"
                f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata>"
                "</GetCallerIdentityResponse>"
            ).encode("utf-8")
            return _raw_response(start_response, 200, [("Content-Type", "text/xml")], body)
        if req.service == "sso-admin" and req.operation in (
                "CreateAccountAssignment", "DeleteAccountAssignment", "ProvisionPermissionSet"):
            if req.json_body().get("TargetId") == MANAGEMENT_ACCOUNT_ID:
                return _error_response(
                    start_response, req, 400, "AccessDeniedException",
                    f"User: {caller['arn']} is not authorized to perform: "
                    f"sso:{req.operation} on the management account {MANAGEMENT_ACCOUNT_ID}: "
                    "a delegated administrator cannot manage access to the management account")
        return None

    # ------------------------------------------------------------------ faults
    def _pick_rule(self, req: "_AwsRequest") -> dict[str, Any] | None:
        # Called with self.lock held.
        for rule in self.rules:
            if rule["operation"] not in ("*", req.operation):
                continue
            if rule["service"] and rule["service"] != req.service:
                continue
            if rule["region"] and rule["region"] != req.region:
                continue
            if rule["count"] is not None and rule["fired"] >= rule["count"]:
                continue
            if rule["probability"] is not None and self.rng.random() >= rule["probability"]:
                continue
            rule["fired"] += 1
            return rule
        return None

    # ------------------------------------------------------------------ async status
    def _async_call(self, req: "_AwsRequest", start_response: Callable,
                    cfg: dict[str, Any] | None) -> Iterable[bytes]:
        op = req.operation
        active = cfg is not None and op in cfg["operations"]
        params = req.json_body()
        if not active and op != "ProvisionPermissionSet":
            code, headers, body = _call_wsgi(self.moto_app, req.environ)
            if code < 300:
                self._track_provisioned(op, params)
            return _raw_response(start_response, code, headers, body)

        target = params.get("TargetId")
        polls = cfg["in_progress_polls"] if active else 0
        fail_reason = cfg["fail_accounts"].get(target) if active and target else None

        deferred = None
        if fail_reason is not None:
            # AWS fails the request asynchronously and changes nothing: do not forward.
            status = _synth_status(op, params)
        elif active and cfg.get("defer") and op != "ProvisionPermissionSet" and polls > 0:
            # As on AWS: nothing changes until the request completes. Forwarded to moto when
            # a status poll first answers SUCCEEDED.
            status = _synth_status(op, params)
            deferred = {"environ": dict(req.environ), "body": req.body()}
        else:
            code, headers, body = _call_wsgi(self.moto_app, req.environ)
            if code >= 300:
                return _raw_response(start_response, code, headers, body)
            try:
                status = json.loads(body)[RESPONSE_KEY[op]]
            except (ValueError, KeyError):
                return _raw_response(start_response, code, headers, body)
            if op == "ProvisionPermissionSet" and params.get("TargetType") == "AWS_ACCOUNT" and target:
                status["AccountId"] = target  # moto reports the caller account instead
            self._track_provisioned(op, params)
        status.pop("FailureReason", None)
        request_id = status.get("RequestId") or str(uuid.uuid4())
        status["RequestId"] = request_id
        final = dict(status)
        if fail_reason is not None:
            final["Status"] = "FAILED"
            final["FailureReason"] = fail_reason
        else:
            final["Status"] = "SUCCEEDED"
        with self.lock:
            self.tracked[request_id] = {"kind": op, "polls_left": polls, "final": final,
                                        "deferred": deferred}
        shown = dict(final)
        shown.pop("FailureReason", None)
        shown["Status"] = "IN_PROGRESS" if active else "SUCCEEDED"
        return _json_response(start_response, 200, {RESPONSE_KEY[op]: shown})

    def _list_status(self, req: "_AwsRequest", start_response: Callable) -> Iterable[bytes]:
        kind, wrapper = LIST_STATUS[req.operation]
        params = req.json_body()
        wanted = (params.get("Filter") or {}).get("Status")
        out = []
        with self.lock:
            for request_id, entry in self.tracked.items():
                if entry["kind"] != kind:
                    continue
                pending = entry["polls_left"] > 0 or entry.get("deferred") is not None
                status = "IN_PROGRESS" if pending else entry["final"]["Status"]
                if wanted and status != wanted:
                    continue
                out.append({"RequestId": request_id, "Status": status,
                            "CreatedDate": entry["final"].get("CreatedDate", time.time())})
        return _json_response(start_response, 200, {wrapper: out})

    def _describe_status(self, req: "_AwsRequest", start_response: Callable) -> Iterable[bytes] | None:
        id_param, wrapper, kind = DESCRIBE_STATUS[req.operation]
        request_id = req.json_body().get(id_param)
        with self.lock:
            entry = self.tracked.get(request_id) if isinstance(request_id, str) else None
            if entry is not None and entry["kind"] == kind:
                if entry["polls_left"] > 0:
                    entry["polls_left"] -= 1
                    status = dict(entry["final"])
                    status.pop("FailureReason", None)
                    status["Status"] = "IN_PROGRESS"
                else:
                    status = dict(entry["final"])
                    deferred = entry.get("deferred")
                    entry["deferred"] = None
                    if deferred is not None:
                        environ = dict(deferred["environ"])
                        environ["wsgi.input"] = io.BytesIO(deferred["body"])
                        environ["CONTENT_LENGTH"] = str(len(deferred["body"]))
                        _call_wsgi(self.moto_app, environ)
                return _json_response(start_response, 200, {wrapper: status})
        if req.operation == "DescribePermissionSetProvisioningStatus":
            # moto does not implement this call; unknown ids get AWS's error.
            return _error_response(start_response, req, 400, "ResourceNotFoundException",
                                   f"Request {request_id} not found")
        return None  # let moto answer (sync mode)

    # ------------------------------------------------------------------ permission sets (e-h)
    def _moto_sso(self, req: "_AwsRequest", operation: str,
                  params: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
        """Calls moto's sso-admin in process, signed like `req` (region, account)."""
        env = dict(req.environ)
        body = json.dumps(params).encode("utf-8")
        env["wsgi.input"] = io.BytesIO(body)
        env["CONTENT_LENGTH"] = str(len(body))
        env["HTTP_X_AMZ_TARGET"] = f"SWBExternalService.{operation}"
        return _call_wsgi(self.moto_app, env)

    def _permission_set_missing(self, req: "_AwsRequest", start_response: Callable,
                                instance_arn: Any, ps_arn: Any) -> Iterable[bytes] | None:
        """moto's own error response when the permission set does not exist, else None."""
        code, headers, body = self._moto_sso(
            req, "DescribePermissionSet",
            {"InstanceArn": instance_arn, "PermissionSetArn": ps_arn})
        if code >= 300:
            return _raw_response(start_response, code, headers, body)
        return None

    def _track_provisioned(self, op: str, params: dict[str, Any]) -> None:
        # AWS provisions a set to an account when it is assigned there, or provisioned to it.
        target, ps_arn = params.get("TargetId"), params.get("PermissionSetArn")
        if not (isinstance(target, str) and isinstance(ps_arn, str)):
            return
        if op == "CreateAccountAssignment" or (
                op == "ProvisionPermissionSet" and params.get("TargetType") == "AWS_ACCOUNT"):
            with self.lock:
                self.provisioned.setdefault(ps_arn, set()).add(target)

    def _ps_create(self, req: "_AwsRequest", start_response: Callable) -> Iterable[bytes]:
        params = req.json_body()
        name, instance_arn = params.get("Name"), params.get("InstanceArn")
        token = None
        while True:  # AWS refuses a second set with the same name; moto creates it.
            q: dict[str, Any] = {"InstanceArn": instance_arn}
            if token:
                q["NextToken"] = token
            code, _, body = self._moto_sso(req, "ListPermissionSets", q)
            if code >= 300:
                break
            page = json.loads(body or b"{}")
            for arn in page.get("PermissionSets", []):
                c, _, b = self._moto_sso(req, "DescribePermissionSet",
                                         {"InstanceArn": instance_arn, "PermissionSetArn": arn})
                if c < 300 and json.loads(b).get("PermissionSet", {}).get("Name") == name:
                    return _error_response(
                        start_response, req, 400, "ConflictException",
                        f"PermissionSet with name {name} already exists.")
            token = page.get("NextToken")
            if not token:
                break
        code, headers, body = _call_wsgi(self.moto_app, req.environ)
        if code < 300 and params.get("Tags"):
            arn = json.loads(body).get("PermissionSet", {}).get("PermissionSetArn")
            if arn:
                with self.lock:
                    self.tags[arn] = {t["Key"]: t.get("Value", "") for t in params["Tags"]}
        return _raw_response(start_response, code, headers, body)

    def _ps_delete(self, req: "_AwsRequest", start_response: Callable) -> Iterable[bytes]:
        arn = req.json_body().get("PermissionSetArn")
        code, headers, body = _call_wsgi(self.moto_app, req.environ)
        if code < 300:
            with self.lock:
                self.tags.pop(arn, None)
                self.boundaries.pop(arn, None)
                self.provisioned.pop(arn, None)
        return _raw_response(start_response, code, headers, body)

    def _boundary_put(self, req: "_AwsRequest", start_response: Callable) -> Iterable[bytes]:
        p = req.json_body()
        missing = self._permission_set_missing(req, start_response, p.get("InstanceArn"),
                                               p.get("PermissionSetArn"))
        if missing is not None:
            return missing
        boundary = p.get("PermissionsBoundary")
        if not isinstance(boundary, dict) or (
                "ManagedPolicyArn" in boundary) == ("CustomerManagedPolicyReference" in boundary):
            return _error_response(start_response, req, 400, "ValidationException",
                                   "PermissionsBoundary needs exactly one of ManagedPolicyArn "
                                   "or CustomerManagedPolicyReference")
        with self.lock:
            self.boundaries[p["PermissionSetArn"]] = boundary
        return _json_response(start_response, 200, {}, "application/x-amz-json-1.1")

    def _boundary_get(self, req: "_AwsRequest", start_response: Callable) -> Iterable[bytes]:
        p = req.json_body()
        missing = self._permission_set_missing(req, start_response, p.get("InstanceArn"),
                                               p.get("PermissionSetArn"))
        if missing is not None:
            return missing
        with self.lock:
            boundary = self.boundaries.get(p["PermissionSetArn"])
        if boundary is None:
            return _error_response(start_response, req, 400, "ResourceNotFoundException",
                                   "Could not find PermissionsBoundary for the PermissionSet")
        return _json_response(start_response, 200, {"PermissionsBoundary": boundary},
                              "application/x-amz-json-1.1")

    def _boundary_delete(self, req: "_AwsRequest", start_response: Callable) -> Iterable[bytes]:
        p = req.json_body()
        missing = self._permission_set_missing(req, start_response, p.get("InstanceArn"),
                                               p.get("PermissionSetArn"))
        if missing is not None:
            return missing
        with self.lock:
            found = self.boundaries.pop(p["PermissionSetArn"], None)
        if found is None:
            return _error_response(start_response, req, 400, "ResourceNotFoundException",
                                   "Could not find PermissionsBoundary for the PermissionSet")
        return _json_response(start_response, 200, {}, "application/x-amz-json-1.1")

    def _tag(self, req: "_AwsRequest", start_response: Callable) -> Iterable[bytes]:
        p = req.json_body()
        arn = p.get("ResourceArn")
        missing = self._permission_set_missing(req, start_response, p.get("InstanceArn"), arn)
        if missing is not None:
            return missing
        with self.lock:
            tags = dict(self.tags.get(arn, {}))
            tags.update({t["Key"]: t.get("Value", "") for t in p.get("Tags") or []})
            if len(tags) > 50:
                return _error_response(start_response, req, 400, "ValidationException",
                                       "A permission set can have at most 50 tags")
            self.tags[arn] = tags
        return _json_response(start_response, 200, {}, "application/x-amz-json-1.1")

    def _untag(self, req: "_AwsRequest", start_response: Callable) -> Iterable[bytes]:
        p = req.json_body()
        arn = p.get("ResourceArn")
        missing = self._permission_set_missing(req, start_response, p.get("InstanceArn"), arn)
        if missing is not None:
            return missing
        with self.lock:
            for key in p.get("TagKeys") or []:
                self.tags.get(arn, {}).pop(key, None)
        return _json_response(start_response, 200, {}, "application/x-amz-json-1.1")

    def _list_tags(self, req: "_AwsRequest", start_response: Callable) -> Iterable[bytes]:
        p = req.json_body()
        arn = p.get("ResourceArn")
        missing = self._permission_set_missing(req, start_response, p.get("InstanceArn"), arn)
        if missing is not None:
            return missing
        with self.lock:
            tags = [{"Key": k, "Value": v} for k, v in sorted(self.tags.get(arn, {}).items())]
        return _json_response(start_response, 200, {"Tags": tags}, "application/x-amz-json-1.1")

    def _policy_arn(self, req: "_AwsRequest", start_response: Callable) -> Iterable[bytes]:
        """Attach/Detach: accept AWS's real ARN (with its path) for moto, refuse a wrong path."""
        p = req.json_body()
        given = p.get("ManagedPolicyArn")
        parsed = _split_aws_policy_arn(given)
        if parsed is not None:
            partition, path, name = parsed
            real = _aws_managed_policy_paths().get(name)
            if real is not None and real != "/":
                if path != real:
                    return _error_response(start_response, req, 400, "ResourceNotFoundException",
                                           f"Policy does not exist with ARN: {given}")
                p["ManagedPolicyArn"] = f"arn:{partition}:iam::aws:policy/{name}"
                _replace_body(req.environ, p)
        code, headers, body = _call_wsgi(self.moto_app, req.environ)
        return _raw_response(start_response, code, headers, body)

    def _list_managed(self, req: "_AwsRequest", start_response: Callable) -> Iterable[bytes]:
        code, headers, body = _call_wsgi(self.moto_app, req.environ)
        if code >= 300:
            return _raw_response(start_response, code, headers, body)
        data = json.loads(body or b"{}")
        paths = _aws_managed_policy_paths()
        for item in data.get("AttachedManagedPolicies", []):
            parsed = _split_aws_policy_arn(item.get("Arn"))
            if parsed is not None:
                partition, _, name = parsed
                real = paths.get(name, "/")
                item["Arn"] = f"arn:{partition}:iam::aws:policy{real}{name}"
        return _raw_response(start_response, code, headers, json.dumps(data).encode("utf-8"))

    def _list_provisioned_accounts(self, req: "_AwsRequest",
                                   start_response: Callable) -> Iterable[bytes]:
        p = req.json_body()
        arn = p.get("PermissionSetArn")
        missing = self._permission_set_missing(req, start_response, p.get("InstanceArn"), arn)
        if missing is not None:
            return missing
        with self.lock:
            accounts = sorted(self.provisioned.get(arn, set()))
        start = int(p.get("NextToken") or 0)
        size = int(p.get("MaxResults") or 100)
        out: dict[str, Any] = {"AccountIds": accounts[start:start + size]}
        if start + size < len(accounts):
            out["NextToken"] = str(start + size)
        return _json_response(start_response, 200, out, "application/x-amz-json-1.1")

    def _list_provisioned_sets(self, req: "_AwsRequest",
                               start_response: Callable) -> Iterable[bytes]:
        """ListPermissionSetsProvisionedToAccount as AWS answers it: only the sets provisioned
        to ``AccountId`` (moto ignores AccountId and repeats a set once per provisioning call),
        each once, paginated with MaxResults/NextToken.  "Provisioned" is the same record
        ListAccountsForProvisionedPermissionSet answers from: an assignment created in the
        account, or ProvisionPermissionSet with TargetType AWS_ACCOUNT.  The layer does not
        track outdated provisioning, so every set counts as LATEST_PERMISSION_SET_PROVISIONED."""
        p = req.json_body()
        account = p.get("AccountId")
        if not isinstance(account, str) or not account:
            return _error_response(start_response, req, 400, "ValidationException",
                                   "AccountId is required")
        with self.lock:
            arns = sorted(arn for arn, accounts in self.provisioned.items() if account in accounts)
        if p.get("ProvisioningStatus") == "LATEST_PERMISSION_SET_NOT_PROVISIONED":
            arns = []
        start = int(p.get("NextToken") or 0)
        size = int(p.get("MaxResults") or 100)
        out: dict[str, Any] = {"PermissionSets": arns[start:start + size]}
        if start + size < len(arns):
            out["NextToken"] = str(start + size)
        return _json_response(start_response, 200, out, "application/x-amz-json-1.1")

    # ------------------------------------------------------------------ control API
    def _control(self, environ: dict[str, Any], start_response: Callable, path: str) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        route = path[len("/_gatehouse"):].strip("/")
        query = parse_qs(environ.get("QUERY_STRING", ""))
        try:
            body = _read_body(environ)
            data = json.loads(body) if body.strip() else None
        except ValueError as exc:
            return _json_response(start_response, 400, {"error": f"invalid JSON: {exc}"})
        try:
            result = self._dispatch_control(method, route, data, query)
        except ControlError as exc:
            return _json_response(start_response, exc.status, {"error": exc.message})
        return _json_response(start_response, 200, result)

    def _dispatch_control(self, method: str, route: str, data: Any, query: dict) -> Any:
        if route in ("", "state") and method == "GET":
            with self.lock:
                return {
                    "faults": self._rules_view(),
                    "instance_regions": _regions_view(self.instance_regions),
                    "async": self.async_cfg,
                    "caller": self.caller,
                    "requests": self._counts_view(),
                }
        if route == "faults":
            if method == "GET":
                with self.lock:
                    return {"rules": self._rules_view()}
            if method == "POST":
                seed = None
                raw = data
                if isinstance(data, dict):
                    raw = data.get("rules", [data] if "operation" in data else None)
                    seed = data.get("seed")
                if raw is None:
                    raw = []
                if not isinstance(raw, list):
                    raise ControlError(400, "send a list of rules or {\"rules\": [...]}")
                rules = [_validate_rule(r) for r in raw]
                with self.lock:
                    self.rules = rules
                    if seed is not None:
                        self.rng = random.Random(seed)
                    return {"rules": self._rules_view()}
            if method == "DELETE":
                with self.lock:
                    self.rules = []
                return {"rules": []}
        if route == "requests" and method == "GET":
            reset = query.get("reset", ["0"])[0] not in ("0", "false", "")
            with self.lock:
                view = self._counts_view()
                if reset:
                    self.counts.clear()
                    self.injected.clear()
                return view
        if route == "requests/reset" and method == "POST":
            with self.lock:
                view = self._counts_view()
                self.counts.clear()
                self.injected.clear()
                return view
        if route == "instance-regions":
            if method == "GET":
                with self.lock:
                    return {"regions": _regions_view(self.instance_regions)}
            if method == "POST":
                if not isinstance(data, dict) or "regions" not in data:
                    raise ControlError(400, 'send {"regions": [...]} or {"regions": null}')
                regions = _parse_regions(data["regions"])
                with self.lock:
                    self.instance_regions = regions
                return {"regions": _regions_view(regions)}
        if route == "async":
            if method == "GET":
                with self.lock:
                    return {"async": self.async_cfg}
            if method == "POST":
                cfg = _validate_async(data)
                with self.lock:
                    self.async_cfg = cfg
                return {"async": cfg}
            if method == "DELETE":
                with self.lock:
                    self.async_cfg = None
                    self.tracked.clear()
                return {"async": None}
        if route == "caller":
            if method == "GET":
                with self.lock:
                    return {"caller": self.caller}
            if method == "POST":
                if not isinstance(data, dict) or not str(data.get("account_id", "")).isdigit() \
                        or len(str(data["account_id"])) != 12:
                    raise ControlError(400, 'send {"account_id": "<12 digits>", "arn": "..."}')
                account = str(data["account_id"])
                if account == MANAGEMENT_ACCOUNT_ID:
                    raise ControlError(400, "that is the management account; DELETE instead")
                arn = str(data.get("arn") or
                          f"arn:aws:sts::{account}:assumed-role/IdentityCenterAdmin/gatehouse")
                with self.lock:
                    self.caller = {"account_id": account, "arn": arn}
                    return {"caller": self.caller}
            if method == "DELETE":
                with self.lock:
                    self.caller = None
                return {"caller": None}
        if route == "reset" and method == "POST":
            code, _, body = _call_wsgi(self.moto_app, _make_environ("POST", "/moto-api/reset"))
            if code != 200:
                raise ControlError(502, f"moto reset failed: {code} {body[:200]!r}")
            with self.lock:
                self.rules = []
                self.rng = random.Random(0)
                self.counts.clear()
                self.injected.clear()
                self.async_cfg = None
                self.caller = None
                self.tracked.clear()
                self.boundaries.clear()
                self.tags.clear()
                self.provisioned.clear()
                self.instance_regions = self.default_instance_regions
            return {"reset": True}
        raise ControlError(404, f"no control endpoint {method} /_gatehouse/{route}")

    def _rules_view(self) -> list[dict[str, Any]]:
        out = []
        for r in self.rules:
            v = {k: v for k, v in r.items() if v is not None}
            v["remaining"] = None if r["count"] is None else max(r["count"] - r["fired"], 0)
            out.append(v)
        return out

    def _counts_view(self) -> dict[str, Any]:
        return {
            "total": sum(self.counts.values()),
            "counts": _nest(self.counts),
            "injected": _nest(self.injected),
        }


class _AwsRequest:
    """What the layer needs to know about one AWS API request."""

    def __init__(self, environ: dict[str, Any]):
        self.environ = environ
        self._body: bytes | None = None
        signing_name, self.region = _credential_scope(environ.get("HTTP_AUTHORIZATION", ""))
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        self.target = target
        service = None
        operation = None
        if target:
            prefix, _, operation = target.partition(".")
            service = TARGET_PREFIX_TO_SERVICE.get(prefix)
        if service is None and signing_name:
            service = SIGNING_NAME_TO_SERVICE.get(signing_name, signing_name)
        self.service = service or "unknown"
        if not operation:
            operation = self._query_action()
        self.operation = operation or "unknown"

    @property
    def is_json_protocol(self) -> bool:
        return bool(self.target) or "json" in self.environ.get("CONTENT_TYPE", "")

    def body(self) -> bytes:
        if self._body is None:
            self._body = _read_body(self.environ)
        return self._body

    def json_body(self) -> dict[str, Any]:
        try:
            data = json.loads(self.body() or b"{}")
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def _query_action(self) -> str | None:
        qs = parse_qs(self.environ.get("QUERY_STRING", ""))
        if "Action" in qs:
            return qs["Action"][0]
        ctype = self.environ.get("CONTENT_TYPE", "")
        if ctype.startswith("application/x-www-form-urlencoded"):
            form = parse_qs(self.body().decode("utf-8", "replace"))
            if "Action" in form:
                return form["Action"][0]
        return None


def _credential_scope(auth: str) -> tuple[str | None, str | None]:
    """(signing name, region) from 'AWS4-HMAC-SHA256 Credential=AKID/date/region/svc/aws4_request, ...'."""
    marker = "Credential="
    i = auth.find(marker)
    if i < 0:
        return None, None
    scope = auth[i + len(marker):].split(",", 1)[0].strip()
    parts = scope.split("/")
    if len(parts) != 5:
        return None, None
    return parts[3].lower(), parts[2]


def _read_body(environ: dict[str, Any]) -> bytes:
    """Read the request body and put it back so moto can read it again."""
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > 0:
        body = stream.read(length)
    elif environ.get("wsgi.input_terminated"):
        body = stream.read()
    else:
        body = b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return body


def _synth_status(op: str, params: dict[str, Any]) -> dict[str, Any]:
    now = time.time()
    if op == "ProvisionPermissionSet":
        return {
            "AccountId": params.get("TargetId"),
            "CreatedDate": now,
            "PermissionSetArn": params.get("PermissionSetArn"),
            "RequestId": str(uuid.uuid4()),
        }
    return {
        "TargetId": params.get("TargetId"),
        "TargetType": params.get("TargetType"),
        "PermissionSetArn": params.get("PermissionSetArn"),
        "PrincipalType": params.get("PrincipalType"),
        "PrincipalId": params.get("PrincipalId"),
        "CreatedDate": now,
        "RequestId": str(uuid.uuid4()),
    }


def _nest(counter: Counter[tuple[str, str]]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for (service, op), n in sorted(counter.items()):
        out.setdefault(service, {})[op] = n
    return out


def _regions_view(regions: set[str] | None) -> list[str] | None:
    return None if regions is None else sorted(regions)


def _make_environ(method: str, path: str) -> dict[str, Any]:
    from werkzeug.test import EnvironBuilder

    builder = EnvironBuilder(method=method, path=path)
    try:
        return builder.get_environ()
    finally:
        builder.close()


def _call_wsgi(app: Callable, environ: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
    captured: dict[str, Any] = {}

    def start_response(status: str, headers: list, exc_info: Any = None) -> Callable:
        captured["status"] = status
        captured["headers"] = headers
        return lambda data: None

    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close:
            close()
    return int(captured["status"].split(" ", 1)[0]), list(captured["headers"]), body


_REASONS = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found",
            429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
            503: "Service Unavailable"}


def _status_line(code: int) -> str:
    return f"{code} {_REASONS.get(code, 'Error')}"


def _raw_response(start_response: Callable, code: int, headers: list[tuple[str, str]],
                  body: bytes) -> list[bytes]:
    headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
    headers.append(("Content-Length", str(len(body))))
    start_response(_status_line(code), headers)
    return [body]


def _json_response(start_response: Callable, code: int, data: Any,
                   content_type: str = "application/json",
                   extra: list[tuple[str, str]] | None = None) -> list[bytes]:
    body = json.dumps(data).encode("utf-8")
    headers = [("Content-Type", content_type), ("x-amzn-RequestId", str(uuid.uuid4()))]
    headers += extra or []
    return _raw_response(start_response, code, headers, body)


def _error_response(start_response: Callable, req: _AwsRequest, status: int,
                    code: str, message: str) -> list[bytes]:
    request_id = str(uuid.uuid4())
    if req.service in QUERY_PROTOCOL_SERVICES or not req.is_json_protocol:
        fault = "Sender" if status < 500 else "Receiver"
        xml = (
            '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
            f"<Error><Type>{fault}</Type><Code>{xml_escape(code)}</Code>"
            f"<Message>{xml_escape(message)}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        ).encode("utf-8")
        headers = [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id)]
        return _raw_response(start_response, status, headers, xml)
    ctype = req.environ.get("CONTENT_TYPE", "")
    content_type = (
        "application/x-amz-json-1.0" if "amz-json-1.0" in ctype else "application/x-amz-json-1.1"
    )
    body = json.dumps({"__type": code, "message": message}).encode("utf-8")
    headers = [
        ("Content-Type", content_type),
        ("x-amzn-ErrorType", code),
        ("x-amzn-RequestId", request_id),
    ]
    return _raw_response(start_response, status, headers, body)


def build_app(instance_regions: set[str] | None = None) -> GatehouseLayer:
    """moto's server application, in process, behind the Gatehouse layer."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    moto_app = DomainDispatcherApplication(create_backend_app)
    # Build the per-service Flask apps now, so the first real request is not slow.
    for backend in ("ssoadmin", "identitystore", "organizations", "sts", "moto_api"):
        try:
            moto_app.app_instances[backend] = create_backend_app(backend)  # type: ignore[arg-type]
        except Exception as exc:  # pragma: no cover - only a warm-up
            print(f"awslayer: warm-up of {backend} failed: {exc}", file=sys.stderr)
    return GatehouseLayer(moto_app, instance_regions)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000, help="0 picks a free port")
    parser.add_argument("--instance-regions", default=None,
                        help="comma-separated regions that have an Identity Center instance "
                             "(default: every region, as stock moto)")
    parser.add_argument("--log-requests", action="store_true",
                        help="log every request to stderr (werkzeug's access log)")
    args = parser.parse_args(argv)

    regions = _parse_regions(args.instance_regions) if args.instance_regions else None
    if args.port:
        os.environ.setdefault("MOTO_PORT", str(args.port))

    from werkzeug.serving import make_server
    from moto.moto_server.werkzeug_app import MotoRequestHandler

    class Handler(MotoRequestHandler):
        def log_request(self, *a: Any, **kw: Any) -> None:
            if args.log_requests:
                super().log_request(*a, **kw)

    app = build_app(regions)
    server = make_server(args.host, args.port, app, threaded=True, request_handler=Handler)
    port = server.server_port
    os.environ["MOTO_PORT"] = str(port)

    def stop(signum: int, frame: Any) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"READY http://{host}:{port}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
