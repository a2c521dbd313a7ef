/**
 * The matrix toolbar: the pivot (segmented control), the pivot's pick (a permission set or an
 * account), and the filters (account name/id, OU, principal name and kind, permission sets).
 */
import { useId } from "react";
import { PIVOTS, type MatrixFilter, type MatrixIndex, type Pivot, type PrincipalKind } from "./model";
import { SetSwatch } from "./parts";

export function Toolbar({
  index,
  filter,
  onFilter,
  pivot,
  onPivot,
  pivotPs,
  onPivotPs,
  pivotAccount,
  onPivotAccount,
  visible,
}: {
  index: MatrixIndex;
  filter: MatrixFilter;
  onFilter: (f: MatrixFilter) => void;
  pivot: Pivot;
  onPivot: (p: Pivot) => void;
  pivotPs: string | null;
  onPivotPs: (arn: string) => void;
  pivotAccount: string | null;
  onPivotAccount: (id: string) => void;
  visible: ReadonlySet<string>;
}) {
  const id = useId();
  const set = (patch: Partial<MatrixFilter>) => onFilter({ ...filter, ...patch });
  const chosen = filter.permissionSetArns;
  const togglePs = (arn: string) => set({ permissionSetArns: chosen.includes(arn) ? chosen.filter((a) => a !== arn) : [...chosen, arn] });
  const psSummary =
    chosen.length === 0 ? "All permission sets" : chosen.length === 1 ? (index.psByArn.get(chosen[0] ?? "")?.name ?? "1 set") : `${chosen.length} permission sets`;

  return (
    <div className="asg-toolbar">
      <div className="asg-pivots" role="group" aria-label="View">
        {PIVOTS.map((p) => (
          <button key={p.id} type="button" aria-pressed={pivot === p.id} onClick={() => onPivot(p.id)} data-testid={`pivot-${p.id}`}>
            {p.label}
          </button>
        ))}
      </div>
      {pivot === "permission-set" && (
        <label className="asg-field">
          <span>Permission set</span>
          <select value={pivotPs ?? ""} onChange={(e) => onPivotPs(e.target.value)} data-testid="pivot-ps-select">
            {index.permissionSets.map((ps) => (
              <option key={ps.arn} value={ps.arn}>
                {ps.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {pivot === "account" && (
        <label className="asg-field">
          <span>Account</span>
          <select value={pivotAccount ?? ""} onChange={(e) => onPivotAccount(e.target.value)} data-testid="pivot-account-select">
            {index.snapshot.accounts
              .filter((a) => visible.has(a.id) || a.id === pivotAccount)
              .map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name} ({a.id})
                </option>
              ))}
          </select>
        </label>
      )}
      <div className="asg-filters" role="search" aria-label="Filter the matrix">
        <label className="asg-field">
          <span className="visually-hidden">Accounts: name or id</span>
          <input
            type="search"
            id={`${id}-account`}
            placeholder="Account name or id"
            value={filter.account}
            onChange={(e) => set({ account: e.target.value })}
            data-testid="filter-account"
            autoComplete="off"
            spellCheck={false}
          />
        </label>
        <label className="asg-field">
          <span className="visually-hidden">Organizational unit</span>
          <select value={filter.ouId ?? ""} onChange={(e) => set({ ouId: e.target.value === "" ? null : e.target.value })} data-testid="filter-ou">
            <option value="">All OUs</option>
            {index.snapshot.ous.map((ou) => (
              <option key={ou.id} value={ou.id}>
                {ou.path}
              </option>
            ))}
          </select>
        </label>
        <label className="asg-field">
          <span className="visually-hidden">Principals: group or user name</span>
          <input
            type="search"
            placeholder="Group or user"
            value={filter.principal}
            onChange={(e) => set({ principal: e.target.value })}
            data-testid="filter-principal"
            autoComplete="off"
            spellCheck={false}
          />
        </label>
        <label className="asg-field">
          <span className="visually-hidden">Principal kind</span>
          <select value={filter.principalKind} onChange={(e) => set({ principalKind: e.target.value as PrincipalKind })} data-testid="filter-principal-kind">
            <option value="all">Groups and users</option>
            <option value="GROUP">Groups only</option>
            <option value="USER">Users only</option>
          </select>
        </label>
        <details className="asg-dropdown">
          <summary data-testid="filter-ps" aria-label={`Permission sets shown: ${psSummary}`}>
            {psSummary}
          </summary>
          <div className="asg-dropdown-body">
            <ul className="asg-ps-options">
              {index.permissionSets.map((ps) => (
                <li key={ps.arn}>
                  <label>
                    <input type="checkbox" checked={chosen.includes(ps.arn)} onChange={() => togglePs(ps.arn)} data-testid={`filter-ps-${ps.name}`} />
                    <SetSwatch ps={ps} />
                    <span className="asg-ps-name">{ps.name}</span>
                  </label>
                </li>
              ))}
            </ul>
            <button type="button" className="small" disabled={chosen.length === 0} onClick={() => set({ permissionSetArns: [] })}>
              Show all
            </button>
          </div>
        </details>
      </div>
    </div>
  );
}
