#!/usr/bin/env python3
"""`make bench`, part 1: Gatehouse's snapshot against `aws-sso-util admin assignments`.

GitHub issue #6, item 6.  One run of this script:

1. starts the test support layer (tests/support/awslayer.py: moto in-process, counting
   every AWS request per operation) on a free 127.0.0.1 port, with the Identity Center
   instance in --region only (as on AWS);
2. seeds it with ``seed.py --profile large`` (500 accounts in a 45-OU tree, 100 groups,
   1,000 users, 15 permission sets, 2,000 assignments);
3. for each of N rounds (default 3): resets the layer's counts, runs
   ``gatehouse snapshot --out FILE --max-rate 0`` (the access state the issue specifies:
   accounts with their OU path, groups, users, permission sets, assignments — aws-sso-util
   prints a subset of it), reads the counts; resets, runs
   ``aws-sso-util admin assignments`` (no filter: every assignment of the region's
   instance, names looked up as by default), reads the counts.  Wall time is the whole
   process, start to exit, measured here;
4. checks that both tools saw the same assignments, as sets of (account, permission set,
   principal type, principal id), and that they are the seed's;
5. prints requests and seconds side by side with the ratios gatehouse / aws-sso-util and
   PASS/FAIL against the targets (requests <= 0.5, time <= 0.6), and writes everything to
   target/bench/snapshot.json.

Headline numbers: wall time is the best (smallest) of the N rounds, requests the median
(they are the same in every round unless something retried; each round is in the JSON).

``--max-rate 0`` turns off Gatehouse's pacing at AWS's documented rates (20 requests per
second for sso-admin and the Identity Store): the local AWS never throttles and
aws-sso-util does not pace itself, so both run as fast as the server answers.  ``--paced``
adds one informational run as shipped (paced), outside the PASS/FAIL.  Two more
informational runs show ``gatehouse snapshot --complete`` (group members and permission set
policies too: what the app reads), a first load and a refresh.

Exit status: 0 both targets met, 1 a target missed, 2 the benchmark itself failed
(a tool failed, or the tools disagree on the assignments).

Only stdlib; run it with any Python 3.11.  Paths default to what `make bench` sets up:
the test venv .venv (moto), target/bench/venv (aws-sso-util), target/release/gatehouse.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"requests": 0.5, "seconds": 0.6}
# The dummy keys the system tests use (tests/lib.rs `dummy_aws_env`); moto accepts anything.
ACCESS_KEY_ID = "AKIAGATEHOUSETEST0001"
SECRET_ACCESS_KEY = "gatehouse-test-secret-not-real"
TOOL_TIMEOUT = 900  # seconds: every run is bounded
Key = tuple[str, str, str, str]  # (account id, permission set ARN, principal type, principal id)


def log(msg: str) -> None:
    print(f"==> {msg}", file=sys.stderr, flush=True)


def fail(msg: str) -> None:
    print(f"bench: {msg}", file=sys.stderr, flush=True)
    sys.exit(2)


# --------------------------------------------------------------------------- the local AWS


class LocalAws:
    """awslayer.py as a child process, as tests/lib.rs `LocalAws` starts it."""

    def __init__(self, python: Path, region: str, log_path: Path) -> None:
        self._log = open(log_path, "wb")
        self.proc = subprocess.Popen(
            [str(python), str(ROOT / "tests/support/awslayer.py"),
             "--host", "127.0.0.1", "--port", "0", "--instance-regions", region],
            stdout=subprocess.PIPE, stderr=self._log, stdin=subprocess.DEVNULL,
        )
        line: list[bytes] = []
        reader = threading.Thread(target=lambda: line.append(self.proc.stdout.readline()),
                                  daemon=True)
        reader.start()
        reader.join(60)
        text = line[0].decode().strip() if line else ""
        if not text.startswith("READY "):
            self.stop()
            fail(f"awslayer.py did not start ({text!r}); see {log_path}")
        self.url = text.removeprefix("READY ")

    def control(self, method: str, path: str) -> Any:
        req = urllib.request.Request(self.url + path, method=method, data=b"" if method == "POST" else None)
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.load(resp)

    def reset_counts(self) -> None:
        self.control("POST", "/_gatehouse/requests/reset")

    def take_counts(self) -> dict[str, Any]:
        """The counts since the last reset (and reset them)."""
        return self.control("GET", "/_gatehouse/requests?reset=1")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


# What each operation is for, to show where the requests go (either tool).
PURPOSE = {
    "connect": ["GetCallerIdentity", "DescribeOrganization", "ListInstances"],
    "organisation (accounts, OU tree)": [
        "ListRoots", "ListOrganizationalUnitsForParent", "ListAccountsForParent",
        "ListAccounts", "ListParents", "ListChildren", "DescribeAccount"],
    "directory (users, groups, members)": [
        "ListUsers", "ListGroups", "ListGroupMemberships", "DescribeUser", "DescribeGroup"],
    "permission sets": [
        "ListPermissionSets", "DescribePermissionSet", "GetInlinePolicyForPermissionSet",
        "GetPermissionsBoundaryForPermissionSet", "ListManagedPoliciesInPermissionSet",
        "ListCustomerManagedPolicyReferencesInPermissionSet", "ListTagsForResource"],
    "where sets are provisioned": [
        "ListAccountsForProvisionedPermissionSet", "ListPermissionSetsProvisionedToAccount"],
    "assignments": ["ListAccountAssignments", "ListAccountAssignmentsForPrincipal"],
}


def by_purpose(ops: dict[str, int]) -> dict[str, int]:
    out = {k: 0 for k in PURPOSE}
    for op, n in ops.items():
        key = next((k for k, v in PURPOSE.items() if op in v), "other")
        out[key] = out.get(key, 0) + n
    return out


def by_operation(counts: dict[str, Any]) -> dict[str, int]:
    """{service: {op: n}} flattened to {op: n} (operation names do not clash here)."""
    out: dict[str, int] = {}
    for ops in counts.get("counts", {}).values():
        for op, n in ops.items():
            out[op] = out.get(op, 0) + n
    return dict(sorted(out.items()))


# --------------------------------------------------------------------------- the tools


def clean_env(home: Path) -> dict[str, str]:
    """No AWS config of the user's, a private data dir (as tests/lib.rs `gatehouse_cmd`)."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "GATEHOUSE_DATA_DIR": str(home / "data"),
        "AWS_CONFIG_FILE": str(home / "aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ACCESS_KEY_ID": ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
    }


def timed(cmd: list[str], env: dict[str, str], stdout: Path, stderr: Path) -> float:
    with open(stdout, "wb") as out, open(stderr, "wb") as err:
        start = time.perf_counter()
        try:
            proc = subprocess.run(cmd, env=env, stdout=out, stderr=err,
                                  stdin=subprocess.DEVNULL, timeout=TOOL_TIMEOUT)
        except subprocess.TimeoutExpired:
            fail(f"{cmd[0]} ran longer than {TOOL_TIMEOUT} s; see {stderr}")
        seconds = time.perf_counter() - start
    if proc.returncode != 0:
        tail = stderr.read_text(errors="replace").strip().splitlines()[-5:]
        fail(f"{' '.join(cmd[:3])} exited {proc.returncode}:\n  " + "\n  ".join(tail))
    return seconds


def gatehouse_keys(path: Path) -> tuple[set[Key], int, dict[str, Any]]:
    snap = json.loads(path.read_text())
    rows = [(a["account_id"], a["permission_set_arn"], a["principal_type"], a["principal_id"])
            for a in snap["assignments"]]
    return set(rows), len(rows), snap["stats"]


def aws_sso_util_keys(path: Path) -> tuple[set[Key], int]:
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    keys = []
    for r in rows:
        if r["target_type"] != "AWS_ACCOUNT":
            fail(f"aws-sso-util listed a non-account target: {r}")
        keys.append((r["target_id"], r["permission_set_arn"], r["principal_type"], r["principal_id"]))
    return set(keys), len(keys)


def seed_keys(seed: dict[str, Any]) -> set[Key]:
    return {(a["account_id"], a["permission_set_arn"], a["principal_type"], a["principal_id"])
            for a in seed["assignments"]}


# --------------------------------------------------------------------------- report


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cores": os.cpu_count(), "cpu": cpu, "load_average": list(os.getloadavg()),
            "python": platform.python_version(), "system": platform.platform()}


def git_commit() -> str | None:
    try:
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain"],
                               capture_output=True, text=True, timeout=30).stdout.strip()
        return head + ("+dirty" if dirty else "") if head else None
    except (OSError, subprocess.SubprocessError):
        return None


def pip_version(python: Path, package: str) -> str | None:
    out = subprocess.run([str(python), "-c",
                          f"import importlib.metadata as m; print(m.version({package!r}))"],
                         capture_output=True, text=True)
    return out.stdout.strip() or None


def table(result: dict[str, Any]) -> str:
    g, a, r, ok = result["gatehouse"], result["aws_sso_util"], result["ratios"], result["pass"]
    verdict = {True: "PASS", False: "FAIL"}
    n = result["runs"]
    lines = [
        f"Snapshot vs aws-sso-util admin assignments — seed '{result['seed']['profile']}': "
        + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in result["seed"]["counts"].items()),
        "",
        f"{'':26}{'gatehouse':>12}{'aws-sso-util':>14}{'ratio':>8}{'target':>9}  result",
        f"{'AWS requests':26}{g['requests']:>12,}{a['requests']:>14,}{r['requests']:>8.3f}"
        f"{'<= ' + str(TARGETS['requests']):>9}  {verdict[ok['requests']]}",
        f"{f'wall time, best of {n} (s)':26}{g['seconds']:>12.2f}{a['seconds']:>14.2f}"
        f"{r['seconds']:>8.3f}{'<= ' + str(TARGETS['seconds']):>9}  {verdict[ok['seconds']]}",
        f"{'assignments':26}{g['assignments']:>12,}{a['assignments']:>14,}"
        f"  {'same set, equal to the seed' if result['same_assignments'] else 'DIFFERENT'}",
        "",
        f"{'Where the requests go (layer counts, median round)':54}{'gatehouse':>10}{'aws-sso-util':>14}",
    ]
    gp, ap_ = by_purpose(g["by_operation"]), by_purpose(a["by_operation"])
    for key in gp:
        if gp[key] or ap_.get(key):
            lines.append(f"  {key:52}{gp[key]:>10,}{ap_.get(key, 0):>14,}")
    lines.append("  by operation:")
    ops = sorted(set(g["by_operation"]) | set(a["by_operation"]))
    for op in ops:
        lines.append(f"    {op:50}{g['by_operation'].get(op, 0):>10,}{a['by_operation'].get(op, 0):>14,}")
    lines.append(f"  {'gatehouse snapshot stats (the load, without connect)':52}{g['stats']['requests']:>10,}")
    lines.append(f"  gatehouse strategy: {g['stats']['strategy_reason']}")
    if "complete" in result:
        lines.append("")
        lines.append("Informational, not judged: `gatehouse snapshot --complete`, everything the app "
                     "reads (+ group members, + permission set policies):")
        for label, what in (("first", "first load (nothing kept)"),
                            ("refresh", "refresh (previous snapshot kept)")):
            c = result["complete"].get(label)
            if c:
                extra = {k: v for k, v in by_purpose(c["by_operation"]).items() if v}
                lines.append(f"  {what:34}{c['requests']:>7,} requests {c['seconds']:7.2f} s  "
                             f"(ratios {c['ratios']['requests']:.3f} / {c['ratios']['seconds']:.3f})")
                lines.append("    " + ", ".join(f"{k} {v:,}" for k, v in extra.items()))
    if "paced" in result:
        p = result["paced"]
        lines.append("")
        lines.append(f"Informational, not judged: gatehouse as shipped (paced at AWS's rates): "
                     f"{p['requests']:,} requests, {p['seconds']:.2f} s "
                     f"(ratios {p['ratios']['requests']:.3f} / {p['ratios']['seconds']:.3f}).")
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gatehouse-bin", type=Path,
                    default=Path(os.environ.get("GATEHOUSE_BIN", ROOT / "target/release/gatehouse")))
    ap.add_argument("--python", type=Path,
                    default=Path(os.environ.get("GATEHOUSE_PYTHON", ROOT / ".venv/bin/python")),
                    help="the test venv's python (moto) for awslayer.py and seed.py")
    ap.add_argument("--aws-sso-util", type=Path,
                    default=Path(os.environ.get("BENCH_AWS_SSO_UTIL", ROOT / "target/bench/venv/bin/aws-sso-util")))
    ap.add_argument("--profile", default="large", choices=["small", "demo", "large"],
                    help="seed profile (large is the benchmark; the others only try the script)")
    ap.add_argument("--region", default="us-east-1")
    ap.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "3")),
                    help="rounds; wall time is the best of them (default 3, env BENCH_RUNS)")
    ap.add_argument("--paced", action="store_true", default=os.environ.get("BENCH_PACED") == "1",
                    help="also one gatehouse run paced as shipped, informational (env BENCH_PACED=1)")
    ap.add_argument("--out-dir", type=Path, default=ROOT / "target/bench")
    args = ap.parse_args()
    if args.runs < 1:
        fail("--runs must be at least 1")
    for path, what in [(args.gatehouse_bin, "the gatehouse binary (make bench builds target/release/gatehouse)"),
                       (args.python, "the test venv's python (make venv)"),
                       (args.aws_sso_util, "aws-sso-util (make bench installs it in target/bench/venv)")]:
        if not path.exists():
            fail(f"{what} not found at {path}")

    out_dir = args.out_dir.resolve()
    logs = out_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="gatehouse-bench-"))
    env = clean_env(home)
    info = machine()
    if info["load_average"][0] > 0.5:
        log(f"note: load average {info['load_average'][0]:.2f} before the run; other work on "
            f"this {info['cores']}-core machine slows both tools and moto")

    aws = None
    try:
        log(f"Starting the local AWS (tests/support/awslayer.py, instance in {args.region})")
        aws = LocalAws(args.python, args.region, logs / "awslayer.log")
        log(f"Seeding '{args.profile}' into {aws.url} (the large profile takes ~40 s)")
        seed_file = out_dir / "seed.json"
        subprocess.run([str(args.python), str(ROOT / "tests/support/seed.py"),
                        "--endpoint-url", aws.url, "--region", args.region,
                        "--profile", args.profile, "--out", str(seed_file), "--quiet"],
                       env=env, check=True, stdout=subprocess.DEVNULL, timeout=TOOL_TIMEOUT)
        seed = json.loads(seed_file.read_text())
        want = seed_keys(seed)

        gh_out = out_dir / "gatehouse-snapshot.json"
        gh_cmd = [str(args.gatehouse_bin), "snapshot", "--region", args.region,
                  "--endpoint-url", aws.url, "--out", str(gh_out), "--max-rate", "0"]
        asu_out = out_dir / "aws-sso-util-assignments.tsv"
        asu_cmd = [str(args.aws_sso_util), "admin", "assignments", "--separator", "\t"]
        asu_env = dict(env, AWS_ENDPOINT_URL=aws.url, AWS_DEFAULT_REGION=args.region,
                       AWS_REGION=args.region)

        runs: dict[str, list[dict[str, Any]]] = {"gatehouse": [], "aws_sso_util": []}
        gh_keys: set[Key] = set()
        asu_keys: set[Key] = set()
        gh_rows = asu_rows = 0
        gh_stats: dict[str, Any] = {}
        for i in range(1, args.runs + 1):
            # Cold: no earlier snapshot in Gatehouse's data dir (it would spare the strategy
            # counting; that case is measured once below, as "warm").
            shutil.rmtree(home / "data", ignore_errors=True)
            aws.reset_counts()
            secs = timed(gh_cmd, env, logs / "gatehouse.stdout", logs / f"gatehouse-{i}.stderr")
            counts = aws.take_counts()
            gh_keys, gh_rows, gh_stats = gatehouse_keys(gh_out)
            runs["gatehouse"].append({"seconds": round(secs, 3), "requests": counts["total"],
                                      "by_operation": by_operation(counts), "stats": gh_stats})
            log(f"round {i}/{args.runs}: gatehouse snapshot     {secs:7.2f} s {counts['total']:6,} requests")

            aws.reset_counts()
            secs = timed(asu_cmd, asu_env, asu_out, logs / f"aws-sso-util-{i}.stderr")
            counts = aws.take_counts()
            asu_keys, asu_rows = aws_sso_util_keys(asu_out)
            runs["aws_sso_util"].append({"seconds": round(secs, 3), "requests": counts["total"],
                                         "by_operation": by_operation(counts), "rows": asu_rows})
            log(f"round {i}/{args.runs}: aws-sso-util assignments {secs:5.2f} s {counts['total']:6,} requests")
            if gh_keys != want or asu_keys != want:
                break  # reported below

        # Informational: everything the app reads (group members for access through groups,
        # permission set policies), first with no earlier snapshot (the app's first load),
        # then again with that one kept (the app's Refresh: the provisioned pairs are not
        # counted again when the kept snapshot already shows that per principal is cheaper).
        complete_cmd = gh_cmd + ["--complete"]
        complete: dict[str, dict[str, Any]] = {}
        shutil.rmtree(home / "data", ignore_errors=True)
        for label in ("first", "refresh"):
            aws.reset_counts()
            secs = timed(complete_cmd, env, logs / "gatehouse.stdout",
                         logs / f"gatehouse-complete-{label}.stderr")
            counts = aws.take_counts()
            complete[label] = {"seconds": round(secs, 3), "requests": counts["total"],
                               "by_operation": by_operation(counts), "command": complete_cmd}
            log(f"complete ({label}): gatehouse snapshot --complete {secs:7.2f} s "
                f"{counts['total']:6,} requests")

        paced = None
        if args.paced:
            aws.reset_counts()
            paced_cmd = [c for c in gh_cmd if c not in ("--max-rate", "0")]
            secs = timed(paced_cmd, env, logs / "gatehouse.stdout", logs / "gatehouse-paced.stderr")
            counts = aws.take_counts()
            paced = {"seconds": round(secs, 3), "requests": counts["total"],
                     "by_operation": by_operation(counts), "command": paced_cmd}
            log(f"paced (as shipped): gatehouse snapshot {secs:7.2f} s {counts['total']:6,} requests")
    finally:
        if aws:
            aws.stop()
        shutil.rmtree(home, ignore_errors=True)

    def headline(rs: list[dict[str, Any]]) -> dict[str, Any]:
        median = sorted(rs, key=lambda r: r["requests"])[(len(rs) - 1) // 2]
        return {"seconds": min(r["seconds"] for r in rs),
                "seconds_median": round(statistics.median(r["seconds"] for r in rs), 3),
                "requests": median["requests"], "by_operation": median["by_operation"],
                "requests_same_every_round": len({r["requests"] for r in rs}) == 1}

    g = headline(runs["gatehouse"]) | {"assignments": gh_rows, "stats": gh_stats,
                                       "by_purpose": None,
                                       "command": gh_cmd, "runs": runs["gatehouse"]}
    a = headline(runs["aws_sso_util"]) | {"assignments": asu_rows,
                                          "unique_assignments": len(asu_keys),
                                          "command": asu_cmd, "runs": runs["aws_sso_util"]}
    g["by_purpose"] = by_purpose(g["by_operation"])
    a["by_purpose"] = by_purpose(a["by_operation"])
    ratios = {"requests": round(g["requests"] / a["requests"], 4),
              "seconds": round(g["seconds"] / a["seconds"], 4)}
    same = gh_keys == asu_keys == want and gh_rows == len(gh_keys) and asu_rows == len(asu_keys)
    result: dict[str, Any] = {
        "benchmark": "snapshot vs aws-sso-util admin assignments (issue #6, item 6, part 1)",
        "taken_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "commit": git_commit(),
        "machine": info,
        "versions": {"gatehouse_bin": str(args.gatehouse_bin),
                     "aws_sso_util": pip_version(args.aws_sso_util.parent / "python", "aws-sso-util"),
                     "boto3_aws_sso_util": pip_version(args.aws_sso_util.parent / "python", "boto3"),
                     "moto": pip_version(args.python, "moto")},
        "method": {"runs": args.runs, "seconds": "best (min) wall time of the rounds, whole process",
                   "requests": "median round, counted by the layer (every AWS request, retries included)",
                   "gatehouse_pacing": "off (--max-rate 0): the local AWS never throttles"},
        "seed": {"profile": args.profile, "region": args.region, "counts": seed["counts"],
                 "seconds": seed.get("seed_seconds"), "requests": seed.get("seed_requests")},
        "runs": args.runs,
        "gatehouse": g,
        "aws_sso_util": a,
        "ratios": ratios,
        "targets": TARGETS,
        "pass": {k: ratios[k] <= TARGETS[k] for k in TARGETS},
        "same_assignments": same,
        "assignment_differences": {
            "gatehouse_not_aws_sso_util": len(gh_keys - asu_keys),
            "aws_sso_util_not_gatehouse": len(asu_keys - gh_keys),
            "seed_not_gatehouse": len(want - gh_keys),
            "seed_not_aws_sso_util": len(want - asu_keys),
        },
    }
    for c in complete.values():
        c["ratios"] = {"requests": round(c["requests"] / a["requests"], 4),
                       "seconds": round(c["seconds"] / a["seconds"], 4)}
    result["complete"] = complete
    if paced:
        paced["ratios"] = {"requests": round(paced["requests"] / a["requests"], 4),
                           "seconds": round(paced["seconds"] / a["seconds"], 4)}
        result["paced"] = paced
    out = out_dir / "snapshot.json"
    out.write_text(json.dumps(result, indent=2) + "\n")

    print(table(result))
    print(f"\nWrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    if not same:
        print(f"bench: the tools disagree on the assignments: {result['assignment_differences']}",
              file=sys.stderr)
        return 2
    return 0 if all(result["pass"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
