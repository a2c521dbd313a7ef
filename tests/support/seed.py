#!/usr/bin/env python3
"""Seed a fake organisation into moto (through the Gatehouse test layer or plain moto_server).

THIS IS NOT APP CODE: test/demo support only.  It talks to ``--endpoint-url`` with boto3,
exactly as any AWS client would, and writes what it created to ``--out`` so tests can
compare the app's results with it.

    python tests/support/seed.py --endpoint-url http://127.0.0.1:PORT \
        [--region us-east-1] --profile demo|small|large --out seed.json \
        [--reset] [--workers N]

Profiles (account counts include the management account, i.e. what ListAccounts returns):
  small  1 OU, 3 accounts, 2 groups, 3 users, 1 permission set, 2 assignments
  demo   OU tree 3 levels deep, 30 accounts, 10 groups, 40 users (with the data-quality
         cases the provisioning check flags), 7 permission sets, 27 assignments
  large  45 OUs, 500 accounts, 100 groups, 1,000 users, 15 permission sets,
         2,000 assignments (benchmark; progress on stderr)

Everything is deterministic (fixed names, fixed random seed); only the ids that moto
generates differ from run to run.  moto quirks handled here: every permission set gets an
explicit SessionDuration (moto stores 3600 otherwise, which the Rust SDK cannot parse),
and only path-less AWS managed policy ARNs are used (moto rejects ``job-function/``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Iterable, Sequence

import boto3
from botocore.config import Config

MANAGED = "arn:aws:iam::aws:policy/"

# --------------------------------------------------------------------------- data model


class Plan:
    """What a profile wants created (names only; ids come from moto)."""

    def __init__(self) -> None:
        self.ous: list[str] = []  # paths like "Workloads/Production", parents first
        self.accounts: list[tuple[str, str, str]] = []  # (name, email, ou path or "")
        self.groups: list[tuple[str, str]] = []  # (name, description)
        # (user_name, given, family|None, display, email|None, [group names])
        self.users: list[tuple[str, str, str | None, str, str | None, list[str]]] = []
        # name -> dict(description, session, managed[], inline(dict|None), customer[])
        self.permission_sets: dict[str, dict[str, Any]] = {}
        # (account name | "@management", permission set name, "GROUP"|"USER", group or user name)
        self.assignments: list[tuple[str, str, str, str]] = []
        self.expected: dict[str, Any] = {}


def _ps(description: str, session: str, managed: Sequence[str] = (),
        inline: dict | None = None, customer: Sequence[tuple[str, str]] = ()) -> dict[str, Any]:
    return {"description": description, "session": session, "managed": list(managed),
            "inline": inline, "customer": list(customer)}


BILLING_INLINE = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "BillingConsole", "Effect": "Allow",
         "Action": ["aws-portal:*", "billing:*", "ce:*", "cur:*", "budgets:*",
                    "pricing:*", "invoicing:*", "payments:*", "tax:*"],
         "Resource": "*"},
        {"Sid": "ReadAccount", "Effect": "Allow",
         "Action": ["account:GetAccountInformation", "organizations:Describe*",
                    "organizations:List*"],
         "Resource": "*"},
    ],
}


def plan_small() -> Plan:
    p = Plan()
    dom = "small.example"
    p.ous = ["Workloads"]
    p.accounts = [
        ("app-prod", f"aws+app-prod@{dom}", "Workloads"),
        ("app-dev", f"aws+app-dev@{dom}", "Workloads"),
    ]
    p.groups = [("Admins", "Administrators"), ("Developers", "Application developers")]
    p.users = [
        (f"ana.lima@{dom}", "Ana", "Lima", "Ana Lima", f"ana.lima@{dom}", ["Admins"]),
        (f"ben.okoro@{dom}", "Ben", "Okoro", "Ben Okoro", f"ben.okoro@{dom}", ["Developers"]),
        (f"carla.ruiz@{dom}", "Carla", "Ruiz", "Carla Ruiz", f"carla.ruiz@{dom}",
         ["Admins", "Developers"]),
    ]
    p.permission_sets = {
        "AdministratorAccess": _ps("Full administrator access", "PT1H",
                                   [MANAGED + "AdministratorAccess"]),
    }
    p.assignments = [
        ("app-prod", "AdministratorAccess", "GROUP", "Admins"),
        ("app-dev", "AdministratorAccess", "GROUP", "Developers"),
    ]
    return p


def plan_demo() -> Plan:
    p = Plan()
    dom = "anycompany.example"
    p.ous = [
        "Security",
        "Infrastructure",
        "Workloads",
        "Workloads/Production",
        "Workloads/Staging",
        "Workloads/Development",
        "Workloads/Development/Sandbox",
        "Suspended",
    ]
    acct = [
        ("Log Archive", "Security"),
        ("Audit", "Security"),
        ("Security Tooling", "Security"),
        ("Network Hub", "Infrastructure"),
        ("Shared Services", "Infrastructure"),
        ("Identity", "Infrastructure"),
        ("Backup", "Infrastructure"),
        ("Data Platform", "Workloads"),
        ("CI-CD Tooling", "Workloads"),
        ("payments-prod", "Workloads/Production"),
        ("checkout-prod", "Workloads/Production"),
        ("search-prod", "Workloads/Production"),
        ("analytics-prod", "Workloads/Production"),
        ("mobile-api-prod", "Workloads/Production"),
        ("data-lake-prod", "Workloads/Production"),
        ("payments-staging", "Workloads/Staging"),
        ("checkout-staging", "Workloads/Staging"),
        ("search-staging", "Workloads/Staging"),
        ("analytics-staging", "Workloads/Staging"),
        ("payments-dev", "Workloads/Development"),
        ("checkout-dev", "Workloads/Development"),
        ("search-dev", "Workloads/Development"),
        ("analytics-dev", "Workloads/Development"),
        ("mobile-api-dev", "Workloads/Development"),
        ("sandbox-mgarcia", "Workloads/Development/Sandbox"),
        ("sandbox-ppatel", "Workloads/Development/Sandbox"),
        ("sandbox-lsilva", "Workloads/Development/Sandbox"),
        ("sandbox-ykim", "Workloads/Development/Sandbox"),
        ("sandbox-shared", "Workloads/Development/Sandbox"),
    ]
    for name, ou in acct:
        slug = name.lower().replace(" ", "-")
        p.accounts.append((name, f"aws+{slug}@{dom}", ou))

    p.groups = [
        ("AWS-Admins", "Cloud platform administrators"),
        ("Platform-Engineers", "Platform engineering team"),
        ("Developers", "Application developers"),
        ("Data-Scientists", "Analytics and data science"),
        ("Security-Auditors", "Security and compliance auditors"),
        ("Billing", "Finance / cost management"),
        ("Support", "Customer support engineers (no members yet)"),
        ("ReadOnly-All", "Read-only access everywhere"),
        ("Network-Admins", "Network operations"),
        ("Contractors", "External contractors"),
    ]

    def u(given: str, family: str | None, groups: list[str], *, email: str | None = "auto",
          user_name: str | None = None, display: str | None = None) -> None:
        if email == "auto":
            local = f"{given}.{family}" if family else given
            email = _ascii(local).lower().replace(" ", "").replace("'", "") + "@" + dom
        display = display or (f"{given} {family}" if family else given)
        p.users.append((user_name or email, given, family, display, email, groups))

    u("Maria", "Garcia", ["AWS-Admins", "Platform-Engineers"])
    u("James", "Chen", ["AWS-Admins", "Security-Auditors", "Network-Admins"])
    u("Priya", "Patel", ["Platform-Engineers", "Developers"])
    u("Oliver", "Schmidt", ["Platform-Engineers", "Network-Admins"])
    u("Fatima", "Al-Sayed", ["Security-Auditors"])
    u("Liam", "O'Connor", ["Developers"])
    u("Sofia", "Rossi", ["Developers", "Data-Scientists"])
    u("Noah", "Williams", ["Developers"])
    u("Yuki", "Tanaka", ["Data-Scientists"])
    u("Amara", "Okafor", ["Data-Scientists", "ReadOnly-All"])
    u("Lucas", "Silva", ["Developers"])
    u("Emma", "Johansson", ["Billing"])
    u("Mateo", "Fernández", ["Developers", "ReadOnly-All"])
    u("Chloé", "Dubois", ["Security-Auditors", "ReadOnly-All"])
    u("Arjun", "Mehta", ["Platform-Engineers"])
    u("Hannah", "Becker", ["Billing", "ReadOnly-All"])
    u("Ethan", "Brown", ["Developers"])
    u("Isabella", "Costa", ["Developers"])
    u("Daniel", "Kim", ["Network-Admins"])
    u("Zara", "Ahmed", ["Developers"])
    # Two different people with the same display name (flagged by provisioning check).
    u("Alex", "Morgan", ["Developers"], email=f"alex.morgan@{dom}")
    u("Alex", "Morgan", ["Data-Scientists"], email=f"alexandra.morgan@{dom}")
    u("Grace", "Nakamura", ["ReadOnly-All"])
    u("Samuel", "Adeyemi", ["Contractors"])
    u("Elena", "Popescu", ["Contractors"])
    u("Tomáš", "Novák", ["Developers"])
    u("Aisha", "Bello", ["Developers"])
    u("William", "Taylor", ["AWS-Admins"])
    u("Mia", "Andersson", ["Developers"])
    u("Benjamin", "Lee", ["Platform-Engineers"])
    u("Wei", "Chen", ["Data-Scientists"])
    u("Laura", "Martin", ["Billing"])
    u("Kwame", "Mensah", ["Developers"])
    u("Nora", "Haddad", ["Security-Auditors"])
    u("Ivan", "Petrov", ["Contractors"])
    # Missing family name (stored as " ": CreateUser requires FamilyName).
    u("Cher", None, ["ReadOnly-All"])
    # Two users without an email address.
    u("Robert", "Fischer", ["Developers"], email=None, user_name="rfischer")
    u("Jonas", "Weber", [], email=None, user_name="jweber")
    u("Olivia", "Harris", ["Developers"])
    u("Ravi", "Kumar", ["Platform-Engineers", "Developers"])

    p.permission_sets = {
        "AdministratorAccess": _ps("Full administrator access", "PT1H",
                                   [MANAGED + "AdministratorAccess"]),
        "ReadOnly": _ps("Read-only access to all services", "PT8H",
                        [MANAGED + "ReadOnlyAccess"]),
        "PowerUser": _ps("Everything but IAM and Organizations", "PT4H",
                         [MANAGED + "PowerUserAccess"]),
        "Billing": _ps("Billing and cost management (inline policy)", "PT8H",
                       inline=BILLING_INLINE),
        "SecurityAudit": _ps("Security audit, read-only", "PT4H",
                             [MANAGED + "SecurityAudit", MANAGED + "ReadOnlyAccess"]),
        "DataScientist": _ps("Analytics access via customer managed policy", "PT4H",
                             [MANAGED + "ReadOnlyAccess"],
                             customer=[("DataScienceAccess", "/gatehouse/")]),
        "LegacyDeveloper": _ps("Old developer set, not assigned anywhere", "PT1H",
                               [MANAGED + "PowerUserAccess"]),
    }
    g = "GROUP"
    p.assignments = [
        ("@management", "AdministratorAccess", g, "AWS-Admins"),
        ("Log Archive", "AdministratorAccess", g, "AWS-Admins"),
        ("Audit", "AdministratorAccess", g, "AWS-Admins"),
        ("Security Tooling", "AdministratorAccess", g, "AWS-Admins"),
        ("Network Hub", "AdministratorAccess", g, "AWS-Admins"),
        ("Shared Services", "PowerUser", g, "Platform-Engineers"),
        ("payments-prod", "PowerUser", g, "Platform-Engineers"),
        ("checkout-prod", "PowerUser", g, "Platform-Engineers"),
        ("payments-dev", "PowerUser", g, "Developers"),
        ("checkout-dev", "PowerUser", g, "Developers"),
        ("search-dev", "PowerUser", g, "Developers"),
        ("analytics-dev", "PowerUser", g, "Developers"),
        ("mobile-api-dev", "PowerUser", g, "Developers"),
        ("payments-staging", "ReadOnly", g, "Developers"),
        ("checkout-staging", "ReadOnly", g, "Developers"),
        ("analytics-prod", "DataScientist", g, "Data-Scientists"),
        ("data-lake-prod", "DataScientist", g, "Data-Scientists"),
        ("Log Archive", "SecurityAudit", g, "Security-Auditors"),
        ("Audit", "SecurityAudit", g, "Security-Auditors"),
        ("payments-prod", "SecurityAudit", g, "Security-Auditors"),
        ("@management", "Billing", g, "Billing"),
        ("search-prod", "ReadOnly", g, "ReadOnly-All"),
        ("mobile-api-prod", "ReadOnly", g, "ReadOnly-All"),
        ("Network Hub", "AdministratorAccess", g, "Network-Admins"),
        ("sandbox-shared", "ReadOnly", g, "Contractors"),
        # Direct user assignments.
        ("sandbox-mgarcia", "AdministratorAccess", "USER", f"william.taylor@{dom}"),
        ("analytics-dev", "PowerUser", "USER", f"yuki.tanaka@{dom}"),
    ]
    p.expected = {
        "users_without_email": ["rfischer", "jweber"],
        "users_missing_family_name": [f"cher@{dom}"],
        "duplicate_display_names": {"Alex Morgan": [f"alex.morgan@{dom}",
                                                    f"alexandra.morgan@{dom}"]},
        "groups_without_members": ["Support"],
        "users_without_groups": ["jweber"],
        "unassigned_permission_sets": ["LegacyDeveloper"],
        "empty_ous": ["Suspended"],
    }
    return p


FIRST = ["Ada", "Ben", "Carmen", "Dmitri", "Eva", "Farid", "Gina", "Hugo", "Ines", "Jamal",
         "Kira", "Leon", "Mina", "Nils", "Omar", "Paula", "Quinn", "Rosa", "Sven", "Tara",
         "Umar", "Vera", "Wen", "Ximena", "Yusuf", "Zoe", "Akira", "Bianca", "Chidi", "Dana"]
LAST = ["Abbott", "Bauer", "Castro", "Dvorak", "Eriksen", "Fontaine", "Gupta", "Horvat",
        "Ivanova", "Jensen", "Kowalski", "Larsen", "Moreau", "Nguyen", "Ortiz", "Pereira",
        "Quist", "Reyes", "Sato", "Thompson", "Ueda", "Varga", "Walsh", "Xu", "Yilmaz",
        "Zimmer", "Alvarez", "Brandt", "Cohen", "Diallo", "Evans", "Fischer", "Greco"]


def plan_large(seed: int = 20261123) -> Plan:
    rng = random.Random(seed)
    p = Plan()
    dom = "bigcorp.example"
    bus = ["Retail", "Logistics", "Finance", "Media", "Research"]
    envs = ["Production", "Staging", "Development", "Sandbox"]
    leaves: list[str] = []
    for bu in bus:
        p.ous.append(bu)
        for env in envs:
            p.ous.append(f"{bu}/{env}")
            if env in ("Production", "Development"):
                for team in ("Team-A", "Team-B"):
                    p.ous.append(f"{bu}/{env}/{team}")
                    leaves.append(f"{bu}/{env}/{team}")
            else:
                leaves.append(f"{bu}/{env}")
    for i in range(499):  # + the management account = 500
        ou = leaves[i % len(leaves)]
        bu, env = ou.split("/")[:2]
        name = f"{bu.lower()}-{env.lower()[:4]}-{i:03d}"
        p.accounts.append((name, f"aws+{name}@{dom}", ou))

    teams = ["Admins", "Engineers", "Developers", "Analysts", "Auditors", "Operators",
             "Support", "ReadOnly", "Finance", "Contractors"]
    for i in range(100):
        bu = bus[i % len(bus)]
        p.groups.append((f"{bu}-{teams[(i // len(bus)) % len(teams)]}-{i:03d}",
                         f"Generated group {i}"))
    group_names = [g for g, _ in p.groups]
    for i in range(1000):
        given = FIRST[i % len(FIRST)]
        family = LAST[(i * 7) % len(LAST)]
        email = f"{given}.{family}.{i:04d}@{dom}".lower()
        groups = rng.sample(group_names, rng.choice([1, 1, 2, 2, 3]))
        p.users.append((email, given, family, f"{given} {family}", email, groups))

    ps_names = ["AdministratorAccess", "ReadOnly", "PowerUser", "Billing", "SecurityAudit",
                "DataScientist", "NetworkAdmin", "DatabaseAdmin", "Developer", "Operator",
                "SupportUser", "Auditor", "BreakGlass", "DeployRole", "ViewOnly"]
    managed_cycle = ["AdministratorAccess", "ReadOnlyAccess", "PowerUserAccess",
                     "SecurityAudit"]
    for i, name in enumerate(ps_names):
        if name == "Billing":
            p.permission_sets[name] = _ps("Billing (inline)", "PT8H", inline=BILLING_INLINE)
        elif name == "DataScientist":
            p.permission_sets[name] = _ps("Analytics", "PT4H", [MANAGED + "ReadOnlyAccess"],
                                          customer=[("DataScienceAccess", "/gatehouse/")])
        else:
            p.permission_sets[name] = _ps(f"Generated set {name}",
                                          ["PT1H", "PT4H", "PT8H"][i % 3],
                                          [MANAGED + managed_cycle[i % len(managed_cycle)]])

    account_names = [a[0] for a in p.accounts]
    user_names = [u[0] for u in p.users]
    seen: set[tuple[str, str, str, str]] = set()
    while len(p.assignments) < 2000:
        if rng.random() < 0.9:
            principal = ("GROUP", rng.choice(group_names))
        else:
            principal = ("USER", rng.choice(user_names))
        a = (rng.choice(account_names), rng.choice(ps_names), principal[0], principal[1])
        if a not in seen:
            seen.add(a)
            p.assignments.append(a)
    return p


PROFILES: dict[str, Callable[[], Plan]] = {"small": plan_small, "demo": plan_demo,
                                            "large": plan_large}


def _ascii(s: str) -> str:
    import unicodedata
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode("ascii")


# --------------------------------------------------------------------------- execution


class Seeder:
    def __init__(self, endpoint_url: str, region: str, workers: int, verbose: bool) -> None:
        self.endpoint_url = endpoint_url.rstrip("/")
        self.region = region
        self.workers = max(1, workers)
        self.verbose = verbose
        self.requests = 0
        self._lock = threading.Lock()
        cfg = Config(retries={"mode": "standard", "max_attempts": 5},
                     max_pool_connections=max(10, self.workers * 2))
        kw = dict(endpoint_url=self.endpoint_url, region_name=region, config=cfg,
                  aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "testing"),
                  aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "testing"))
        self.org = boto3.client("organizations", **kw)
        self.sso = boto3.client("sso-admin", **kw)
        self.ids = boto3.client("identitystore", **kw)
        self.sts = boto3.client("sts", **kw)
        for c in (self.org, self.sso, self.ids, self.sts):
            c.meta.events.register("before-call", self._count)

    def _count(self, **_: Any) -> None:
        with self._lock:
            self.requests += 1

    def log(self, msg: str) -> None:
        if self.verbose:
            print(f"seed: {msg}", file=sys.stderr, flush=True)

    def pmap(self, label: str, fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
        """Run fn over items (order of results = order of items), with progress."""
        total = len(items)
        if total == 0:
            return []
        done = [0]
        step = max(1, total // 10)

        def run(item: Any) -> Any:
            r = fn(item)
            with self._lock:
                done[0] += 1
                n = done[0]
            if total >= 100 and (n % step == 0 or n == total):
                self.log(f"{label}: {n}/{total}")
            return r

        if self.workers == 1 or total < 8:
            return [run(i) for i in items]
        with ThreadPoolExecutor(self.workers) as pool:
            return list(pool.map(run, items))

    def reset(self) -> None:
        req = urllib.request.Request(self.endpoint_url + "/moto-api/reset", method="POST", data=b"")
        urllib.request.urlopen(req).read()

    def seed(self, profile: str, plan: Plan) -> dict[str, Any]:
        t0 = time.monotonic()
        instances = self.sso.list_instances()["Instances"]
        if not instances:
            raise SystemExit(f"seed: no Identity Center instance in {self.region} "
                             "(is the region in the layer's --instance-regions?)")
        instance_arn = instances[0]["InstanceArn"]
        store = instances[0]["IdentityStoreId"]
        caller = self.sts.get_caller_identity()["Account"]

        try:
            org = self.org.create_organization(FeatureSet="ALL")["Organization"]
        except self.org.exceptions.AlreadyInOrganizationException:
            raise SystemExit("seed: the caller is already in an organization; reset moto first "
                             "(--reset, or POST /_gatehouse/reset)")
        root_id = self.org.list_roots()["Roots"][0]["Id"]
        mgmt_id = org["MasterAccountId"]
        self.log(f"organization {org['Id']} (management {mgmt_id}), instance {instance_arn}")

        # OUs, parents before children (sequential by depth; siblings in parallel).
        ou_ids: dict[str, str] = {"": root_id}
        ous_out: list[dict[str, Any]] = []
        by_depth: dict[int, list[str]] = {}
        for path in plan.ous:
            by_depth.setdefault(path.count("/"), []).append(path)
        for depth in sorted(by_depth):
            paths = by_depth[depth]

            def make_ou(path: str) -> str:
                parent = path.rsplit("/", 1)[0] if "/" in path else ""
                return self.org.create_organizational_unit(
                    ParentId=ou_ids[parent], Name=path.rsplit("/", 1)[-1]
                )["OrganizationalUnit"]["Id"]

            for path, ou_id in zip(paths, self.pmap("OUs", make_ou, paths)):
                ou_ids[path] = ou_id
        for path in plan.ous:
            parent = path.rsplit("/", 1)[0] if "/" in path else ""
            ous_out.append({"id": ou_ids[path], "name": path.rsplit("/", 1)[-1],
                            "path": "/" + path, "parent_id": ou_ids[parent]})

        # Accounts: create (moto: synchronous), then move into the OU.
        def make_account(a: tuple[str, str, str]) -> str:
            name, email, ou = a
            status = self.org.create_account(AccountName=name, Email=email)["CreateAccountStatus"]
            account_id = status["AccountId"]
            if ou:
                self.org.move_account(AccountId=account_id, SourceParentId=root_id,
                                      DestinationParentId=ou_ids[ou])
            return account_id

        account_ids = self.pmap("accounts", make_account, plan.accounts)
        mgmt = next(a for a in self.org.list_accounts()["Accounts"] if a["Id"] == mgmt_id)
        accounts_out = [{"id": mgmt_id, "name": mgmt["Name"], "email": mgmt["Email"],
                         "ou_path": "/", "ou_id": root_id, "management": True}]
        name_to_account = {"@management": mgmt_id}
        for (name, email, ou), account_id in zip(plan.accounts, account_ids):
            accounts_out.append({"id": account_id, "name": name, "email": email,
                                 "ou_path": "/" + ou if ou else "/", "ou_id": ou_ids[ou],
                                 "management": False})
            name_to_account[name] = account_id
        self.log(f"{len(accounts_out)} accounts")

        # Groups and users.
        def make_group(g: tuple[str, str]) -> str:
            return self.ids.create_group(IdentityStoreId=store, DisplayName=g[0],
                                         Description=g[1])["GroupId"]

        group_ids = dict(zip([g[0] for g in plan.groups],
                             self.pmap("groups", make_group, plan.groups)))

        def make_user(u: tuple) -> str:
            user_name, given, family, display, email, _ = u
            # CreateUser (AWS and moto alike) requires Name.FamilyName; the "missing family
            # name" case is stored as a whitespace-only family name, the closest an
            # Identity Store user can get.
            name = {"GivenName": given, "FamilyName": family or " ", "Formatted": display}
            kw: dict[str, Any] = dict(IdentityStoreId=store, UserName=user_name, Name=name,
                                      DisplayName=display)
            if email:
                kw["Emails"] = [{"Value": email, "Type": "work", "Primary": True}]
            return self.ids.create_user(**kw)["UserId"]

        user_ids = dict(zip([u[0] for u in plan.users], self.pmap("users", make_user, plan.users)))

        memberships = [(g, u[0]) for u in plan.users for g in u[5]]

        def make_membership(m: tuple[str, str]) -> str:
            return self.ids.create_group_membership(
                IdentityStoreId=store, GroupId=group_ids[m[0]],
                MemberId={"UserId": user_ids[m[1]]})["MembershipId"]

        self.pmap("memberships", make_membership, memberships)
        members: dict[str, list[str]] = {g: [] for g, _ in plan.groups}
        for g, un in memberships:
            members[g].append(user_ids[un])
        groups_out = [{"id": group_ids[g], "name": g, "description": d,
                       "member_user_ids": members[g]} for g, d in plan.groups]
        users_out = []
        for user_name, given, family, display, email, groups in plan.users:
            users_out.append({"id": user_ids[user_name], "user_name": user_name,
                              "display_name": display, "given_name": given,
                              "family_name": family or " ", "email": email,
                              "group_names": groups})
        self.log(f"{len(groups_out)} groups, {len(users_out)} users, "
                 f"{len(memberships)} memberships")

        # Permission sets.
        def make_ps(item: tuple[str, dict[str, Any]]) -> str:
            name, spec = item
            arn = self.sso.create_permission_set(
                InstanceArn=instance_arn, Name=name, Description=spec["description"],
                SessionDuration=spec["session"])["PermissionSet"]["PermissionSetArn"]
            for policy in spec["managed"]:
                self.sso.attach_managed_policy_to_permission_set(
                    InstanceArn=instance_arn, PermissionSetArn=arn, ManagedPolicyArn=policy)
            if spec["inline"]:
                self.sso.put_inline_policy_to_permission_set(
                    InstanceArn=instance_arn, PermissionSetArn=arn,
                    InlinePolicy=json.dumps(spec["inline"]))
            for cname, cpath in spec["customer"]:
                self.sso.attach_customer_managed_policy_reference_to_permission_set(
                    InstanceArn=instance_arn, PermissionSetArn=arn,
                    CustomerManagedPolicyReference={"Name": cname, "Path": cpath})
            return arn

        ps_items = list(plan.permission_sets.items())
        ps_arns = dict(zip([n for n, _ in ps_items], self.pmap("permission sets", make_ps, ps_items)))

        # Assignments.
        def make_assignment(a: tuple[str, str, str, str]) -> dict[str, Any]:
            account, ps, ptype, pname = a
            principal_id = group_ids[pname] if ptype == "GROUP" else user_ids[pname]
            self.sso.create_account_assignment(
                InstanceArn=instance_arn, TargetId=name_to_account[account],
                TargetType="AWS_ACCOUNT", PermissionSetArn=ps_arns[ps],
                PrincipalType=ptype, PrincipalId=principal_id)
            return {"account_id": name_to_account[account],
                    "account_name": mgmt["Name"] if account == "@management" else account,
                    "permission_set_arn": ps_arns[ps], "permission_set_name": ps,
                    "principal_type": ptype, "principal_id": principal_id,
                    "principal_name": pname}

        assignments_out = self.pmap("assignments", make_assignment, plan.assignments)

        # Provision every assigned set once (ALL_PROVISIONED_ACCOUNTS: moto ignores the
        # target and lists each call once in ListPermissionSetsProvisionedToAccount).
        assigned = [n for n in plan.permission_sets if any(a[1] == n for a in plan.assignments)]

        def provision(name: str) -> str:
            return self.sso.provision_permission_set(
                InstanceArn=instance_arn, PermissionSetArn=ps_arns[name],
                TargetType="ALL_PROVISIONED_ACCOUNTS")["PermissionSetProvisioningStatus"]["Status"]

        self.pmap("provisioning", provision, assigned)
        provisioned_to: dict[str, list[str]] = {}
        for a in assignments_out:
            lst = provisioned_to.setdefault(a["account_id"], [])
            if a["permission_set_arn"] not in lst:
                lst.append(a["permission_set_arn"])

        ps_out = []
        for name, spec in plan.permission_sets.items():
            ps_out.append({"arn": ps_arns[name], "name": name, "description": spec["description"],
                           "session_duration": spec["session"],
                           "managed_policy_arns": spec["managed"],
                           "has_inline_policy": spec["inline"] is not None,
                           "customer_managed_policies": [{"name": n, "path": p}
                                                         for n, p in spec["customer"]],
                           "provisioned": name in assigned})
        elapsed = time.monotonic() - t0
        self.log(f"done: {self.requests} requests in {elapsed:.1f}s")
        return {
            "profile": profile,
            "endpoint_url": self.endpoint_url,
            "region": self.region,
            "caller_account_id": caller,
            "instance_arn": instance_arn,
            "identity_store_id": store,
            "management_account_id": mgmt_id,
            "organization_id": org["Id"],
            "root_id": root_id,
            "organizational_units": ous_out,
            "accounts": accounts_out,
            "groups": groups_out,
            "users": users_out,
            "permission_sets": ps_out,
            "assignments": assignments_out,
            "provisioned_permission_sets_by_account": provisioned_to,
            "expected_findings": plan.expected,
            "counts": {"organizational_units": len(ous_out), "accounts": len(accounts_out),
                       "groups": len(groups_out), "users": len(users_out),
                       "memberships": len(memberships), "permission_sets": len(ps_out),
                       "assignments": len(assignments_out)},
            "seed_requests": self.requests,
            "seed_seconds": round(elapsed, 2),
        }


def main(argv: Iterable[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Seed a fake AWS organisation into moto.")
    ap.add_argument("--endpoint-url", required=True)
    ap.add_argument("--region", default="us-east-1")
    ap.add_argument("--profile", choices=sorted(PROFILES), default="demo")
    ap.add_argument("--out", required=True, help="where to write the JSON record")
    ap.add_argument("--reset", action="store_true",
                    help="POST /moto-api/reset first (wipes all moto state)")
    ap.add_argument("--workers", type=int, default=None,
                    help="parallel requests (default: 1 for small/demo, 4 for large)")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(list(argv) if argv is not None else None)

    workers = args.workers or (4 if args.profile == "large" else 1)
    s = Seeder(args.endpoint_url, args.region, workers, verbose=not args.quiet)
    if args.reset:
        s.reset()
    result = s.seed(args.profile, PROFILES[args.profile]())
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=2, ensure_ascii=False)
        f.write("\n")
    os.replace(tmp, args.out)
    print(json.dumps({"out": args.out, **result["counts"],
                      "seconds": result["seed_seconds"], "requests": result["seed_requests"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
