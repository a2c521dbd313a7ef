import { useId, useState, type FormEvent } from "react";
import type {
  ExpectedGroupStatus,
  ProblemItem,
  ProvisioningView,
  VerificationProblem,
  VerificationReport,
  VerificationSummary,
} from "../../backend/api";
import { Callout } from "../../components/Callout";
import { ErrorCallout } from "../../components/ErrorCallout";
import { Spinner } from "../../components/Spinner";
import { absoluteTime, relativeTime } from "../../lib/format";
import { useNow } from "../../lib/useNow";
import { useConnection } from "../../state/connection";
import { useNavigation } from "../../state/navigation";
import { PROVISIONING_PAGE } from "./ProvisioningPage";
import { useProvisioning, useSetExpectedGroups, useVerificationReport, useVerifyIdentityStore } from "./provisioning";
import { parseGroupLines, plural, problemTitle, problemTone, sameGroups, timeAfter } from "./provisioningFormat";
import { ProvisioningStepSummary } from "./StepStatus";
import { TaskProgress } from "../permission-sets/parts";

/** Items shown before "Show all" in a problem. */
const SHOWN_ITEMS = 6;

/** Step 4: what actually arrived in the Identity Store. */
export function VerifyPage() {
  const provisioning = useProvisioning();
  const view = provisioning.data;

  return (
    <section className="page setup-page" aria-labelledby="verify-title" data-testid="setup-verify-page">
      <div className="page-header">
        <h1 id="verify-title">4 · Verify</h1>
      </div>
      <ProvisioningStepSummary id="verify" />
      <p className="page-intro">
        Entra reports each provisioning cycle as a success; what matters is whether the users and groups arrived in IAM
        Identity Center (formerly AWS SSO) in a usable shape. Gatehouse reads the Identity Store of the connected instance
        and flags what to fix in Microsoft Entra ID (formerly Azure AD).
      </p>
      {provisioning.isPending && (
        <p className="muted">
          <Spinner /> Reading the provisioning settings…
        </p>
      )}
      {provisioning.isError && (
        <ErrorCallout
          error={provisioning.error}
          title="Could not read the provisioning settings"
          onRetry={() => void provisioning.refetch()}
          retrying={provisioning.isFetching}
        />
      )}
      {view !== undefined && <VerifyBody view={view} />}
    </section>
  );
}

function VerifyBody({ view }: { view: ProvisioningView }) {
  const report = useVerificationReport().data ?? null;
  return (
    <>
      <CheckSection view={view} report={report} />
      <ExpectedGroupsSection view={view} report={report} />
    </>
  );
}

function CheckSection({ view, report }: { view: ProvisioningView; report: VerificationReport | null }) {
  const conn = useConnection();
  const nav = useNavigation();
  const verify = useVerifyIdentityStore();
  const status = conn.status;
  const instance = status?.identity.instance ?? null;
  const canRun = status !== null && instance !== null && !verify.isPending;

  return (
    <section className="setup-section" aria-labelledby="verify-check">
      <h2 id="verify-check">What arrived in the Identity Store</h2>
      {status === null ? (
        <Callout
          tone="info"
          title={conn.state === "connecting" ? "Connecting to AWS…" : "Checking needs a connection to AWS"}
          testId="verify-needs-connection"
          actions={
            conn.state === "connecting" ? undefined : (
              <button type="button" className="primary" onClick={nav.openConnect} data-testid="verify-connect">
                Connect…
              </button>
            )
          }
        >
          <p>Gatehouse reads the users, groups and memberships from the Identity Store of the IAM Identity Center you connect to.</p>
        </Callout>
      ) : instance === null ? (
        <Callout
          tone="attention"
          title={`No IAM Identity Center instance in ${status.identity.region}`}
          testId="verify-no-instance"
          actions={
            <button type="button" onClick={nav.openConnect}>
              Change connection…
            </button>
          }
        >
          <p>Connect to the region of your instance (the connection page can search every region), then check again.</p>
        </Callout>
      ) : (
        <p className="muted">
          Reads every user, group and membership of store <span className="mono">{instance.identity_store_id}</span> (
          {instance.region}). Nothing is changed.
        </p>
      )}
      <div className="row">
        <button type="button" className="primary" data-testid="verify-run" onClick={() => verify.mutate()} disabled={!canRun}>
          {verify.isPending && <Spinner />} Check what arrived
        </button>
      </div>
      {verify.isPending && (
        <TaskProgress
          progress={verify.progress}
          cancelling={verify.cancelling}
          onCancel={verify.cancel}
          label="Groups whose members are read"
          startMessage="Reading users, groups and memberships…"
          testId="verify-running"
        />
      )}
      {verify.isError &&
        (verify.error.kind === "cancelled" ? (
          <p className="muted" role="status" data-testid="verify-cancelled">
            Cancelled: nothing was recorded{report !== null || view.last_verification !== null ? "; the last result below stays" : ""}.
          </p>
        ) : verify.error.kind === "not_connected" ? (
          <ErrorCallout error={verify.error} title="Checking needs a connection to AWS" testId="verify-error">
            <div className="row">
              <button type="button" onClick={nav.openConnect}>
                Connect…
              </button>
            </div>
          </ErrorCallout>
        ) : (
          <ErrorCallout error={verify.error} title="Could not read the Identity Store" testId="verify-error" onRetry={() => verify.mutate()} />
        ))}
      {report !== null ? (
        <ReportView report={report} />
      ) : (
        view.last_verification !== null && <LastVerification summary={view.last_verification} />
      )}
      <NextSteps view={view} />
    </section>
  );
}

/** What is remembered from an earlier check (the full report is not kept between sessions). */
function LastVerification({ summary }: { summary: VerificationSummary }) {
  const now = useNow();
  return (
    <div className="last-verification" data-testid="verify-last">
      <p>
        <b>Last checked</b> <span title={absoluteTime(summary.verified_at)}>{relativeTime(summary.verified_at, now)}</span>{" "}
        (store <span className="mono">{summary.identity_store_id}</span>): {summary.summary}
      </p>
      {summary.missing_groups.length > 0 && (
        <p className="text-attention">Not arrived then: {summary.missing_groups.join(", ")}.</p>
      )}
      <p className="muted">Check again for the details.</p>
    </div>
  );
}

function ReportView({ report }: { report: VerificationReport }) {
  const now = useNow();
  const nextCycle = timeAfter(report.verified_at, 40);
  return (
    <div className="verify-report" data-testid="verify-report">
      <dl className="verify-counts" aria-label="Counts">
        <div>
          <dt>Users</dt>
          <dd data-testid="verify-user-count">{report.user_count}</dd>
        </div>
        <div>
          <dt>Groups</dt>
          <dd data-testid="verify-group-count">{report.group_count}</dd>
        </div>
        <div>
          <dt>Memberships</dt>
          <dd data-testid="verify-membership-count">{report.membership_count}</dd>
        </div>
      </dl>
      <p data-testid="verify-summary">{report.summary}</p>
      <p className="muted">
        Store <span className="mono">{report.identity_store_id}</span> ({report.region}), checked{" "}
        <span title={absoluteTime(report.verified_at)}>{relativeTime(report.verified_at, now)}</span>.
        {nextCycle !== null && ` If something is missing, Entra's next cycle should have run by about ${nextCycle}.`}
      </p>
      {report.problems.length === 0 ? (
        <Callout tone="ok" title="Nothing to fix" testId="verify-no-problems">
          <p>Every user has an email address and a first and last name, and no two look the same.</p>
        </Callout>
      ) : (
        <div className="findings">
          {report.problems.map((problem) => (
            <Problem key={problem.kind} problem={problem} />
          ))}
        </div>
      )}
      {report.notes.length > 0 && (
        <Callout tone="info" title="Good to know" testId="verify-notes">
          <ul>
            {report.notes.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        </Callout>
      )}
    </div>
  );
}

function Problem({ problem }: { problem: VerificationProblem }) {
  const { title, noun } = problemTitle(problem.kind);
  const count = problem.items.length;
  return (
    <div className={`problem problem-${problem.level}`} data-testid={`verify-problem-${problem.kind}`} data-level={problem.level}>
      <Callout tone={problemTone(problem.level)} title={`${title} (${count})`}>
        <p>{problem.message}</p>
        <ProblemItems items={problem.items} noun={noun} />
      </Callout>
    </div>
  );
}

/** The items, grouped by their shared value for duplicates; long lists fold after a few. */
function ProblemItems({ items, noun }: { items: ProblemItem[]; noun: [string, string] }) {
  const grouped = items.some((i) => i.shared_value !== null);
  const list = grouped ? <DuplicateGroups items={items} /> : <ItemList items={items} />;
  const groupCount = grouped ? new Set(items.map((i) => i.shared_value ?? i.id)).size : items.length;
  if (groupCount <= SHOWN_ITEMS) return list;
  return (
    <details className="problem-items">
      <summary>Show the {plural(items.length, noun)}</summary>
      {list}
    </details>
  );
}

function ItemList({ items }: { items: ProblemItem[] }) {
  return (
    <ul className="problem-item-list">
      {items.map((item) => (
        <li key={item.id}>
          <ItemText item={item} />
        </li>
      ))}
    </ul>
  );
}

function ItemText({ item }: { item: ProblemItem }) {
  return (
    <>
      <span className="problem-item-name">{item.name}</span>
      {item.detail !== null && <span className="muted"> — {item.detail}</span>}{" "}
      <span className="mono muted problem-item-id" title="Identity Store id">
        {item.id}
      </span>
    </>
  );
}

function DuplicateGroups({ items }: { items: ProblemItem[] }) {
  const groups = new Map<string, ProblemItem[]>();
  for (const item of items) {
    const key = item.shared_value ?? item.name;
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return (
    <ul className="problem-item-list">
      {[...groups.entries()].map(([shared, members]) => (
        <li key={shared}>
          <span className="problem-item-name">“{shared}”</span> <span className="muted">({members.length})</span>
          <ul>
            {members.map((item) => (
              <li key={item.id}>
                <ItemText item={item} />
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
}

/** Where to go from here: nested groups, the cycle, and back to step 3 for the mappings. */
function NextSteps({ view }: { view: ProvisioningView }) {
  const nav = useNavigation();
  const provisioningStep = view.steps.find((s) => s.id === "provisioning");
  return (
    <div className="muted verify-next">
      <p>
        Entra provisions about every 40 minutes, and only the direct members of assigned groups (nested groups are not
        provisioned). A change made in Entra shows here after its next cycle.
      </p>
      {provisioningStep !== undefined && provisioningStep.status !== "done" && (
        <p>
          Step 3 is not done yet: {provisioningStep.summary}{" "}
          <button type="button" className="link-button" onClick={() => nav.navigate(PROVISIONING_PAGE)}>
            Go to step 3
          </button>
        </p>
      )}
    </div>
  );
}

/** The Entra groups assigned to the enterprise application, and whether each one arrived. */
function ExpectedGroupsSection({ view, report }: { view: ProvisioningView; report: VerificationReport | null }) {
  return (
    <section className="setup-section" aria-labelledby="verify-expected">
      <h2 id="verify-expected">Expected Entra groups</h2>
      <p>
        Gatehouse cannot see which groups are assigned in Entra. List them (enterprise application → <b>Users and groups</b>)
        and each check tells you which have arrived.
      </p>
      {/* Remounted when the saved list changes, so the editor shows the backend's normalised list. */}
      <ExpectedGroupsEditor key={view.expected_groups.join("\n")} saved={view.expected_groups} />
      <ExpectedGroupList view={view} report={report} />
    </section>
  );
}

function ExpectedGroupsEditor({ saved }: { saved: string[] }) {
  const ids = useId();
  const [text, setText] = useState(saved.join("\n"));
  const setGroups = useSetExpectedGroups();
  const groups = parseGroupLines(text);
  const dirty = !sameGroups(groups, saved);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setGroups.mutate(groups);
  };

  return (
    <form className="subsection expected-groups" onSubmit={submit} noValidate>
      <label htmlFor={`${ids}-groups`}>Entra groups assigned to the application, one per line</label>
      <textarea
        id={`${ids}-groups`}
        data-testid="expected-groups"
        rows={Math.min(10, Math.max(3, groups.length + 1))}
        value={text}
        onChange={(e) => setText(e.target.value)}
        spellCheck={false}
        autoComplete="off"
        placeholder={"AWS-Admins\nAWS-Developers"}
        aria-describedby={`${ids}-groups-hint`}
      />
      <p id={`${ids}-groups-hint`} className="field-hint">
        The group display names as Entra shows them (upper/lower case does not matter).
      </p>
      <div className="row">
        <button type="submit" className="small" data-testid="expected-groups-save" disabled={!dirty || setGroups.isPending}>
          {setGroups.isPending && <Spinner />} Save the list
        </button>
        {dirty && <span className="field-hint">Not saved yet.</span>}
      </div>
      {setGroups.isError && <ErrorCallout error={setGroups.error} title="Could not save the groups" testId="expected-groups-error" />}
    </form>
  );
}

type Arrival = { arrived: boolean | null; memberCount: number | null };

/**
 * Each saved group with what is known: from this session's report, else from the last
 * check's summary (if the list has not changed since), else not checked yet.
 */
function arrivals(view: ProvisioningView, report: VerificationReport | null): Map<string, Arrival> {
  const out = new Map<string, Arrival>();
  const fold = (name: string) => name.trim().toLowerCase();
  const fromReport = new Map<string, ExpectedGroupStatus>((report?.expected_groups ?? []).map((g) => [fold(g.name), g]));
  const last = view.last_verification;
  const lastValid = report === null && last !== null && sameGroups(last.expected_groups, view.expected_groups);
  const lastMissing = new Set((last?.missing_groups ?? []).map(fold));
  for (const name of view.expected_groups) {
    const r = fromReport.get(fold(name));
    if (r !== undefined) out.set(name, { arrived: r.arrived, memberCount: r.member_count });
    else if (lastValid) out.set(name, { arrived: !lastMissing.has(fold(name)), memberCount: null });
    else out.set(name, { arrived: null, memberCount: null });
  }
  return out;
}

function ExpectedGroupList({ view, report }: { view: ProvisioningView; report: VerificationReport | null }) {
  if (view.expected_groups.length === 0) {
    return (
      <p className="muted" data-testid="expected-groups-empty">
        No groups listed yet.
      </p>
    );
  }
  const known = arrivals(view, report);
  const missing = [...known.values()].filter((a) => a.arrived === false).length;
  return (
    <>
      {missing > 0 && (
        <Callout tone="attention" title={`${missing} of your Entra groups ${missing === 1 ? "has" : "have"} not arrived`} testId="expected-groups-missing">
          <p>
            Check in Entra that each is assigned to the enterprise application (Users and groups), that the scope is{" "}
            <b>Sync only assigned users and groups</b>, and the provisioning logs; then wait for the next cycle (about 40
            minutes) and check again.
          </p>
        </Callout>
      )}
      <ul className="expected-group-list" aria-label="Expected Entra groups">
        {view.expected_groups.map((name) => {
          const a = known.get(name) ?? { arrived: null, memberCount: null };
          const state = a.arrived === null ? "unknown" : a.arrived ? "true" : "false";
          return (
            <li key={name} data-testid={`expected-group-${name}`} data-arrived={state} className={`expected-group expected-group-${state}`}>
              <span className="expected-group-icon" aria-hidden="true">
                {a.arrived === null ? "·" : a.arrived ? "✓" : "!"}
              </span>
              <span className="expected-group-name">{name}</span>
              <span className="muted">
                {a.arrived === null
                  ? "not checked yet"
                  : a.arrived
                    ? a.memberCount !== null
                      ? `arrived, ${a.memberCount === 1 ? "1 member" : `${a.memberCount} members`}`
                      : "arrived"
                    : "not arrived yet"}
              </span>
            </li>
          );
        })}
      </ul>
    </>
  );
}
