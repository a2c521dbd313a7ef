import { useEffect, useState } from "react";
import { api, type MappingAction, type ProvisioningView } from "../../backend/api";
import { CopyButton } from "../../components/CopyButton";
import { ErrorCallout } from "../../components/ErrorCallout";
import { Spinner } from "../../components/Spinner";
import { useConfirmAttributeMapping } from "./provisioning";
import { MAPPING_ACTION_LABELS } from "./provisioningFormat";

const ACTION_BADGES: Record<MappingAction, string> = {
  keep: "badge",
  add: "badge badge-info",
  change: "badge badge-attention",
};

/**
 * 3e: the attribute mappings to check in Entra. Gatehouse cannot read Entra's mappings, so this
 * is a checklist the admin ticks off (recorded with the date).
 */
export function MappingSection({ view }: { view: ProvisioningView }) {
  const confirm = useConfirmAttributeMapping();
  const confirmed = view.mapping_confirmed_at !== null;

  return (
    <section className="setup-section" aria-labelledby="provisioning-mapping">
      <h2 id="provisioning-mapping">
        <span className="step-tag">3e</span> Attribute mappings
      </h2>
      <p>
        In the Entra application: <b>Provisioning → Mappings → Provision Microsoft Entra ID Users</b>. Check each attribute
        against this list; <b>change</b> and <b>add</b> rows differ from the gallery app&apos;s defaults.
      </p>
      <div className="table-scroll">
        <table className="mapping-table" data-testid="mapping-table">
          <caption className="visually-hidden">Attribute mappings from Microsoft Entra ID to IAM Identity Center</caption>
          <thead>
            <tr>
              <th scope="col">Entra source attribute</th>
              <th scope="col">
                <span className="visually-hidden">maps to</span>
              </th>
              <th scope="col">AWS (SCIM) target attribute</th>
              <th scope="col">Action</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {view.mapping.map((row) => (
              <tr key={row.id} data-testid={`mapping-row-${row.id}`} data-action={row.action}>
                <td>
                  <span className="mapping-source">
                    <code>{row.entra_source}</code>
                    <CopyButton value={row.entra_source} label={`Copy the Entra source for ${row.scim_target}`} />
                  </span>
                </td>
                <td aria-hidden="true" className="mapping-arrow">
                  →
                </td>
                <td>
                  <code>{row.scim_target}</code>
                </td>
                <td>
                  <span className={ACTION_BADGES[row.action] ?? "badge"}>{MAPPING_ACTION_LABELS[row.action] ?? row.action}</span>
                </td>
                <td className="mapping-note">{row.note}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <CopyMappingText />
      <div className="subsection">
        <label className="checkbox">
          <input
            type="checkbox"
            data-testid="mapping-confirm"
            checked={confirmed}
            disabled={confirm.isPending}
            onChange={(e) => confirm.mutate(e.target.checked)}
          />
          <span>I have checked these mappings in Entra</span>
          {confirm.isPending && <Spinner />}
        </label>
        {view.mapping_note !== null && (
          <p className="mapping-confirmed" data-testid="mapping-note">
            {view.mapping_note}
          </p>
        )}
        <p className="field-hint">
          Gatehouse cannot see into Entra: this counts on your word, recorded with the date. Step 4 shows whether users
          arrived with an email address and names.
        </p>
        {confirm.isError && <ErrorCallout error={confirm.error} title="Could not record the confirmation" />}
      </div>
    </section>
  );
}

/** "Copy as text": the checklist as plain text (from the backend) on the clipboard. */
function CopyMappingText() {
  const [state, setState] = useState<"idle" | "copying" | "copied">("idle");
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (state !== "copied") return;
    const id = window.setTimeout(() => setState("idle"), 2000);
    return () => window.clearTimeout(id);
  }, [state]);

  const copy = async () => {
    setError(null);
    setState("copying");
    try {
      const text = await api.attributeMappingText();
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch (reason) {
      setError(reason);
      setState("idle");
    }
  };

  return (
    <>
      <div className="row">
        <button type="button" className="small" data-testid="mapping-copy" onClick={() => void copy()} disabled={state === "copying"}>
          {state === "copying" && <Spinner />} Copy as text
        </button>
        <span className="muted" role="status">
          {state === "copied" ? "Copied: paste it into a ticket or change record." : ""}
        </span>
      </div>
      {error !== null && <ErrorCallout error={error} title="Could not copy the mappings" />}
    </>
  );
}
