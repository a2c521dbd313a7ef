import type { PermissionSetUsage, PrincipalRef } from "../../backend/api";
import { ErrorCallout } from "../../components/ErrorCallout";
import { Spinner } from "../../components/Spinner";
import { formatAccountId } from "../../lib/format";
import { plural, principalLabel } from "./model";
import { usePermissionSetUsage } from "./queries";

/** The "Where used" tab: read when first shown. */
export function UsageTab({ arn }: { arn: string }) {
  const usage = usePermissionSetUsage(arn);
  if (usage.isPending)
    return (
      <p className="muted" role="status">
        <Spinner /> Reading the accounts and assignments…
      </p>
    );
  if (usage.isError)
    return (
      <ErrorCallout
        error={usage.error}
        title="Could not read where the set is used"
        onRetry={() => void usage.refetch()}
        retrying={usage.isFetching}
      />
    );
  return (
    <>
      <div className="row">
        <button type="button" className="small" onClick={() => void usage.refetch()} disabled={usage.isFetching}>
          {usage.isFetching && <Spinner />} Read again
        </button>
      </div>
      <UsageView usage={usage.data} />
    </>
  );
}

function PrincipalChip({ principal }: { principal: PrincipalRef }) {
  const label = principalLabel(principal);
  return (
    <li
      className={principal.resolved ? `ps-principal ps-principal-${principal.kind}` : "ps-principal ps-principal-unresolved"}
      data-testid={`ps-usage-principal-${principal.id}`}
      title={`${principal.kind === "group" ? "Group" : "User"} ${principal.id}`}
    >
      <span className="ps-principal-kind">{principal.kind === "group" ? "Group" : "User"}</span> {label}
    </li>
  );
}

/** Accounts the set is provisioned to, and the users and groups holding it there, by name. */
export function UsageView({ usage }: { usage: PermissionSetUsage }) {
  const accounts = usage.accounts;
  return (
    <div className="ps-usage" data-testid="ps-usage">
      <p data-testid="ps-usage-summary">
        {accounts.length === 0
          ? "Not provisioned to any account and not assigned to anyone."
          : `Provisioned to ${plural(accounts.length, "account")}, with ${plural(usage.assignment_count, "assignment")}.`}
      </p>
      {usage.unresolved_principal_count > 0 && (
        <p className="text-attention">
          {plural(usage.unresolved_principal_count, "principal")} could not be found in the Identity Store (deleted, or this
          role cannot read it): shown by id.
        </p>
      )}
      {accounts.length > 0 && (
        <table className="ps-table ps-usage-table">
          <thead>
            <tr>
              <th scope="col">Account</th>
              <th scope="col">Who holds the set there</th>
            </tr>
          </thead>
          <tbody>
            {accounts.map((a) => (
              <tr key={a.account_id} data-testid={`ps-usage-account-${a.account_id}`}>
                <td>
                  <div className="ps-account">
                    {a.account_name !== null && <b>{a.account_name}</b>}
                    <span className="mono muted">{formatAccountId(a.account_id)}</span>
                  </div>
                </td>
                <td>
                  {a.principals.length === 0 ? (
                    <span className="muted">No assignment left (still provisioned).</span>
                  ) : (
                    <ul className="ps-principals">
                      {a.principals.map((p) => (
                        <PrincipalChip key={`${p.kind}-${p.id}`} principal={p} />
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
