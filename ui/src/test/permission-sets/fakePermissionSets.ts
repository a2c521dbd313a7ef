/**
 * Permission set answers for the fake backend: a few sets, templates, the managed policy list,
 * and simplified versions of the backend's pure checks (the real rules are Rust's).
 */
import type {
  ApplyReport,
  DeletePlan,
  FieldProblem,
  ManagedPolicyInfo,
  PermissionSetDetails,
  PermissionSetState,
  PermissionSetSummary,
  PermissionSetTemplate,
  PermissionSetUsage,
  Plan,
  PlanStepResult,
  PolicyProblem,
  PolicyValidation,
} from "../../backend/api";
import { GatehouseError } from "../../backend/errors";
import { connectedStatus, fakeApi, fakeRunTask, INSTANCE_ARN, tasks, type FakeTask } from "../fakeBackend";

export const POLICY = "arn:aws:iam::aws:policy";
export const arnOf = (id: string) => `arn:aws:sso:::permissionSet/ssoins-7223a1b2c3d4e5f6/ps-${id}`;

export const ADMIN_ARN = arnOf("1111aaaa2222bbbb");
export const DATA_ARN = arnOf("3333cccc4444dddd");
export const READONLY_ARN = arnOf("5555eeee6666ffff");

export const SETS: PermissionSetSummary[] = [
  {
    arn: ADMIN_ARN,
    name: "AdministratorAccess",
    description: "Full access to every account",
    session_duration: "PT1H",
    session_hours: 1,
    relay_state: null,
    created_at: "2025-02-01T10:00:00Z",
    managed_policy_count: 1,
    customer_managed_policy_count: 0,
    provisioned_account_count: 3,
  },
  {
    arn: DATA_ARN,
    name: "DataEngineer",
    description: "Data team: S3, Athena and Glue",
    session_duration: "PT4H",
    session_hours: 4,
    relay_state: "https://console.aws.amazon.com/athena/home",
    created_at: "2025-03-01T10:00:00Z",
    managed_policy_count: 2,
    customer_managed_policy_count: 1,
    provisioned_account_count: 2,
  },
  {
    arn: READONLY_ARN,
    name: "Auditors",
    description: null,
    session_duration: "PT1H30M",
    session_hours: 1.5,
    relay_state: null,
    created_at: null,
    managed_policy_count: 1,
    customer_managed_policy_count: 0,
    provisioned_account_count: 0,
  },
];

export const DATA_STATE: PermissionSetState = {
  name: "DataEngineer",
  description: "Data team: S3, Athena and Glue",
  session_duration: "PT4H",
  relay_state: "https://console.aws.amazon.com/athena/home",
  managed_policies: [`${POLICY}/job-function/ViewOnlyAccess`, `${POLICY}/AmazonAthenaFullAccess`],
  customer_managed_policies: [{ name: "DataAccess", path: "/gatehouse/" }],
  inline_policy: null,
  permissions_boundary: null,
  tags: [{ key: "team", value: "data" }],
};

export const DATA_ACCOUNTS = ["111111111111", "222222222222"];

export function dataDetails(state: PermissionSetState = DATA_STATE): PermissionSetDetails {
  return {
    arn: DATA_ARN,
    created_at: "2025-03-01T10:00:00Z",
    session_hours: 4,
    state,
    provisioned_account_ids: DATA_ACCOUNTS,
  };
}

export const DATA_USAGE: PermissionSetUsage = {
  permission_set_arn: DATA_ARN,
  name: "DataEngineer",
  accounts: [
    {
      account_id: "111111111111",
      account_name: "prod-data",
      principals: [
        { kind: "group", id: "g-data", display_name: "Data Engineers", user_name: null, resolved: true },
        { kind: "user", id: "u-alice", display_name: "Alice Smith", user_name: "alice@example.com", resolved: true },
      ],
    },
    {
      account_id: "222222222222",
      account_name: null,
      principals: [{ kind: "user", id: "u-gone-1234", display_name: null, user_name: null, resolved: false }],
    },
  ],
  assignment_count: 3,
  unresolved_principal_count: 1,
};

function template(id: string, path: string, title: string, description: string): PermissionSetTemplate {
  const arn = `${POLICY}${path}${id}`;
  return {
    id,
    title,
    description,
    managed_policy_arn: arn,
    state: {
      name: id,
      description,
      session_duration: "PT1H",
      relay_state: null,
      managed_policies: [arn],
      customer_managed_policies: [],
      inline_policy: null,
      permissions_boundary: null,
      tags: [],
    },
  };
}

export const TEMPLATES: PermissionSetTemplate[] = [
  template("AdministratorAccess", "/", "Administrator", "Full access to every AWS service and resource."),
  template("ReadOnlyAccess", "/", "Read only", "Read access to every AWS service and resource, including data in S3 and DynamoDB."),
  template("ViewOnlyAccess", "/job-function/", "View only", "See resources and their configuration across services, without reading their content."),
];

export const CATALOG: ManagedPolicyInfo[] = [
  ...TEMPLATES.map((t) => ({
    arn: t.managed_policy_arn,
    name: t.id,
    path: t.managed_policy_arn.includes("/job-function/") ? "/job-function/" : "/",
    description: t.description,
    category: "job_function" as const,
  })),
  { arn: `${POLICY}/AmazonAthenaFullAccess`, name: "AmazonAthenaFullAccess", path: "/", description: "Full access to Athena.", category: "service" },
  { arn: `${POLICY}/AmazonS3ReadOnlyAccess`, name: "AmazonS3ReadOnlyAccess", path: "/", description: "Read S3 buckets and objects.", category: "service" },
];

function problem(field: string, message: string): FieldProblem {
  return { field, message, policy_pointer: null, line: null, column: null };
}

/** A simplified `validate_permission_set`. */
export function validateState(s: PermissionSetState): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (s.name === "") out.push(problem("/name", "Enter a name."));
  else if (s.name.length > 32) out.push(problem("/name", `The name has ${s.name.length} characters; a permission set name has at most 32.`));
  else if (!/^[\w+=,.@-]+$/.test(s.name))
    out.push(problem("/name", "\" \" cannot be used in a permission set name. Use letters, digits and + = , . @ _ - (no spaces)."));
  if (s.relay_state !== null && !s.relay_state.startsWith("https://"))
    out.push(problem("/relay_state", "The relay state must be an https:// URL."));
  s.customer_managed_policies.forEach((c, i) => {
    if (c.name === "") out.push(problem(`/customer_managed_policies/${i}/name`, "Enter the policy name as it is in IAM."));
  });
  if (s.inline_policy !== null && s.inline_policy.trim() !== "") {
    for (const p of validatePolicy(s.inline_policy).problems.filter((p) => p.severity === "error")) {
      out.push({ field: "/inline_policy", message: p.message, policy_pointer: p.pointer, line: p.line, column: p.column });
    }
  }
  return out;
}

/** A simplified `validate_inline_policy`: syntax and the Version element. */
export function validatePolicy(text: string): PolicyValidation {
  const problems: PolicyProblem[] = [];
  try {
    const doc = JSON.parse(text) as Record<string, unknown>;
    if (doc.Version !== "2012-10-17")
      problems.push({ severity: "warning", message: 'Add "Version": "2012-10-17".', pointer: "", line: 1, column: 1 });
  } catch {
    problems.push({ severity: "error", message: "The policy is not valid JSON.", pointer: "", line: 1, column: 1 });
  }
  return {
    valid: !problems.some((p) => p.severity === "error"),
    problems,
    size: {
      bytes: new TextEncoder().encode(text).length,
      max_bytes: 32768,
      non_whitespace_chars: text.replace(/\s/g, "").length,
      max_non_whitespace_chars: 10240,
    },
  };
}

export function plan(overrides: Partial<Plan> = {}): Plan {
  return {
    kind: "update",
    instance_arn: INSTANCE_ARN,
    permission_set_arn: DATA_ARN,
    name: "DataEngineer",
    steps: [
      {
        action: "sso:UpdatePermissionSet",
        description: 'Change the description to "Data platform team"',
        change: { kind: "update_permission_set", description: "Data platform team", session_duration: "PT4H", relay_state: null },
      },
      {
        action: "sso:AttachManagedPolicyToPermissionSet",
        description: "Attach the AWS managed policy AmazonS3ReadOnlyAccess",
        change: { kind: "attach_managed_policy", arn: `${POLICY}/AmazonS3ReadOnlyAccess` },
      },
      {
        action: "sso:TagResource",
        description: "Set the tag owner=platform",
        change: { kind: "tag_resource", tags: [{ key: "owner", value: "platform" }] },
      },
    ],
    warnings: ["The 2 accounts the set is provisioned to get the change only when it is provisioned."],
    provisioned_account_count: 2,
    summary: "3 changes to DataEngineer",
    ...overrides,
  };
}

export function stepResult(index: number, p: Plan, overrides: Partial<PlanStepResult> = {}): PlanStepResult {
  const step = p.steps[index]!;
  return { index, action: step.action, description: step.description, status: "succeeded", attempts: 1, error: null, ...overrides };
}

export function report(p: Plan, overrides: Partial<ApplyReport> = {}): ApplyReport {
  const steps = p.steps.map((_, i) => stepResult(i, p));
  return {
    outcome: "succeeded",
    message: `${p.summary}: done.`,
    permission_set_arn: p.permission_set_arn,
    steps,
    succeeded: steps.length,
    failed: 0,
    not_attempted: 0,
    state: null,
    reread_error: null,
    needs_provisioning: true,
    provisioned_account_count: p.provisioned_account_count,
    ...overrides,
  };
}

export function deletePlan(): DeletePlan {
  return {
    usage: DATA_USAGE,
    plan: {
      kind: "delete",
      instance_arn: INSTANCE_ARN,
      permission_set_arn: DATA_ARN,
      name: "DataEngineer",
      steps: [
        {
          action: "sso:DeleteAccountAssignment",
          description: "Remove the assignment of group Data Engineers in prod-data (111111111111)",
          change: { kind: "delete_account_assignment", account_id: "111111111111", principal_kind: "group", principal_id: "g-data" },
        },
        {
          action: "sso:DeleteAccountAssignment",
          description: "Remove the assignment of user alice@example.com in prod-data (111111111111)",
          change: { kind: "delete_account_assignment", account_id: "111111111111", principal_kind: "user", principal_id: "u-alice" },
        },
        {
          action: "sso:DeleteAccountAssignment",
          description: "Remove the assignment of user u-gone-1234 in 222222222222",
          change: { kind: "delete_account_assignment", account_id: "222222222222", principal_kind: "user", principal_id: "u-gone-1234" },
        },
        { action: "sso:DeletePermissionSet", description: 'Delete the permission set "DataEngineer"', change: { kind: "delete_permission_set" } },
      ],
      warnings: [],
      provisioned_account_count: 2,
      summary: "Remove 3 assignments, then delete DataEngineer",
    },
  };
}

/** Connected, with the sets above; each test overrides what it exercises. */
export function installPermissionSets() {
  fakeApi.connectionStatus.mockResolvedValue(connectedStatus());
  fakeApi.permissionSetTemplates.mockResolvedValue(TEMPLATES);
  fakeApi.managedPolicyCatalog.mockResolvedValue(CATALOG);
  fakeApi.validatePermissionSet.mockImplementation((s) => Promise.resolve(validateState(s)));
  fakeApi.validateInlinePolicy.mockImplementation((t) => Promise.resolve(validatePolicy(t)));
  fakeApi.getPermissionSet.mockImplementation((arn) =>
    arn === DATA_ARN ? Promise.resolve(dataDetails()) : Promise.reject(new GatehouseError("not_found", "No such permission set.")),
  );
  fakeApi.permissionSetUsage.mockResolvedValue(DATA_USAGE);
}

/** Which backend command a task was started with, and its arguments (the task id aside). */
export async function taskCommand(index: number): Promise<{ name: string; args: unknown[] }> {
  const start = fakeRunTask.mock.calls[index]?.[0];
  if (start === undefined) throw new Error(`no task ${index}`);
  const names = [
    "listPermissionSets",
    "applyPermissionSetPlan",
    "provisionPermissionSet",
    "applyDeletePlan",
  ] as const;
  for (const n of names) fakeApi[n].mockClear();
  await start("task-probe", undefined as never).catch(() => undefined);
  for (const n of names) {
    const call = (fakeApi[n].mock.calls as unknown[][])[0];
    if (call !== undefined) return { name: n, args: call.filter((a) => a !== "task-probe" && a !== undefined) };
  }
  throw new Error(`task ${index} called no known command`);
}

export function task(index: number): FakeTask<unknown> {
  const t = tasks[index];
  if (t === undefined) throw new Error(`no task ${index} (${tasks.length} started)`);
  return t;
}
