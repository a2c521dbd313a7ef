import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import type { ConnectionSpec, CredentialSource, ProfileInfo } from "../backend/api";
import { describeSpec, formatAccountId, isRegionName, PROFILE_KIND_BADGES } from "../lib/format";
import { useConnection } from "../state/connection";
import { useIdentityCenterRegions, useProfiles } from "../state/queries";
import { AccessKeysSection, useAccessKeyEntry } from "./AccessKeys";
import { ErrorCallout } from "./ErrorCallout";
import { Spinner } from "./Spinner";

type Source = "profile" | "default" | "keys";

function sourceOf(credentials: CredentialSource | undefined): Source {
  switch (credentials?.kind) {
    case "default_chain":
      return "default";
    case "stored_keys":
      return "keys";
    default:
      return "profile";
  }
}

interface FieldErrors {
  profile?: string;
  region?: string;
  endpoint?: string;
  keys?: string;
}

/**
 * Choose credentials, region and (advanced) endpoint, then connect. Starts from `initial`
 * (the failed attempt, the live connection or the last one used); remount it (key) to reset.
 */
export function ConnectForm({
  initial,
  focusToken,
  onCancel,
  onConnected,
}: {
  initial: ConnectionSpec | null;
  /** When this changes, the form takes the focus. */
  focusToken?: number;
  onCancel?: () => void;
  onConnected?: () => void;
}) {
  const conn = useConnection();
  const profiles = useProfiles();
  const regions = useIdentityCenterRegions();
  const keys = useAccessKeyEntry();
  const ids = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);

  const [source, setSource] = useState<Source>(sourceOf(initial?.credentials));
  const [profileName, setProfileName] = useState<string | null>(
    initial?.credentials.kind === "profile" ? initial.credentials.name : null,
  );
  // null: not chosen yet, so the selected profile's region (if it sets one) is used.
  const [region, setRegion] = useState<string | null>(initial?.region ?? null);
  const [endpoint, setEndpoint] = useState(initial?.endpoint_url ?? "");
  const [advancedOpen, setAdvancedOpen] = useState((initial?.endpoint_url ?? "") !== "");
  const [errors, setErrors] = useState<FieldErrors>({});

  useEffect(() => {
    if (focusToken !== undefined && focusToken > 0) headingRef.current?.focus();
  }, [focusToken]);

  const profileList = profiles.data ?? [];
  const knownProfile = (name: string | null) => profileList.find((p) => p.name === name);
  const selectedName = profileName ?? profileList[0]?.name ?? "";
  const selectedProfile = knownProfile(selectedName);
  const regionValue = region ?? selectedProfile?.region ?? "";
  const connecting = conn.state === "connecting";
  const busy = connecting || keys.saving;

  const chooseProfile = (name: string) => {
    setProfileName(name);
    const profile = knownProfile(name);
    if (profile?.region) setRegion(profile.region);
  };

  const validate = (): FieldErrors => {
    const found: FieldErrors = {};
    if (source === "profile" && selectedName === "") found.profile = "Choose a profile.";
    const r = regionValue.trim();
    if (r === "") found.region = "Enter the region.";
    else if (!isRegionName(r)) found.region = `"${r}" does not look like a region name (e.g. eu-west-1).`;
    const ep = endpoint.trim();
    if (ep !== "" && !/^https?:\/\/[^\s/]+/.test(ep)) found.endpoint = "Enter a URL starting with http:// or https://.";
    if (source === "keys" && keys.storedId === null && !keys.complete)
      found.keys = "Enter the access key ID and secret access key, or choose another credential source.";
    return found;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const found = validate();
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    if (source === "keys" && keys.showFields && keys.complete && !(await keys.save())) return;
    const credentials: CredentialSource =
      source === "profile"
        ? { kind: "profile", name: selectedName }
        : source === "default"
          ? { kind: "default_chain" }
          : { kind: "stored_keys" };
    conn.connect({ credentials, region: regionValue.trim(), endpoint_url: endpoint.trim() === "" ? null : endpoint.trim() }, onConnected);
  };

  const failure = conn.failure;

  return (
    <form className="panel connect-form" onSubmit={(e) => void submit(e)} aria-labelledby={`${ids}-title`} noValidate>
      <h2 id={`${ids}-title`} ref={headingRef} tabIndex={-1}>
        Connect to AWS
      </h2>
      {failure !== null && !connecting && (
        <ErrorCallout
          error={failure.error}
          title={`Could not connect to ${describeSpec(failure.spec)}`}
          testId="connect-error"
        />
      )}
      <fieldset disabled={busy} className="plain">
        <fieldset className="source-choices">
          <legend>Credentials</legend>
          <SourceChoice
            value="profile"
            current={source}
            onChange={setSource}
            label="AWS profile"
            hint="From ~/.aws/config: SSO, role, keys or process profiles."
          />
          <SourceChoice
            value="default"
            current={source}
            onChange={setSource}
            label="Default credential chain"
            hint="AWS_PROFILE, AWS_ACCESS_KEY_ID, the default profile, instance roles…"
          />
          <SourceChoice
            value="keys"
            current={source}
            onChange={setSource}
            label="Access keys"
            hint="Entered here and kept in the OS keychain."
          />
        </fieldset>

        {source === "profile" && (
          <ProfilePicker
            profilesQuery={profiles}
            profiles={profileList}
            selectedName={selectedName}
            selected={selectedProfile}
            onChange={chooseProfile}
            error={errors.profile}
          />
        )}
        {source === "keys" && <AccessKeysSection entry={keys} />}
        {source === "keys" && errors.keys !== undefined && (
          <p className="field-error" role="alert">
            {errors.keys}
          </p>
        )}

        <div className="form-grid">
          <label htmlFor={`${ids}-region`}>Region</label>
          <div>
            <input
              id={`${ids}-region`}
              data-testid="connect-region"
              className="mono region-input"
              list={`${ids}-regions`}
              value={regionValue}
              onChange={(e) => setRegion(e.target.value)}
              placeholder="eu-west-1"
              autoComplete="off"
              spellCheck={false}
              aria-invalid={errors.region !== undefined || undefined}
              aria-describedby={`${ids}-region-hint`}
            />
            <datalist id={`${ids}-regions`}>
              {(regions.data ?? []).map((r) => (
                <option key={r} value={r} />
              ))}
            </datalist>
            <p id={`${ids}-region-hint`} className={errors.region !== undefined ? "field-error" : "field-hint"}>
              {errors.region ?? "Where the instance lives. Not sure? Connect to any region, then search all regions."}
            </p>
          </div>
        </div>

        <details className="advanced" open={advancedOpen} onToggle={(e) => setAdvancedOpen(e.currentTarget.open)}>
          <summary data-testid="connect-advanced">Advanced</summary>
          <div className="form-grid">
            <label htmlFor={`${ids}-endpoint`}>Custom endpoint URL (for a local AWS)</label>
            <div>
              <input
                id={`${ids}-endpoint`}
                data-testid="connect-endpoint"
                className="mono"
                type="url"
                value={endpoint}
                onChange={(e) => setEndpoint(e.target.value)}
                placeholder="http://localhost:5000"
                autoComplete="off"
                spellCheck={false}
                aria-invalid={errors.endpoint !== undefined || undefined}
                aria-describedby={`${ids}-endpoint-hint`}
              />
              <p id={`${ids}-endpoint-hint`} className={errors.endpoint !== undefined ? "field-error" : "field-hint"}>
                {errors.endpoint ?? "Every AWS call goes to this URL instead of AWS (e.g. moto). Leave empty for real AWS."}
              </p>
            </div>
          </div>
        </details>
      </fieldset>

      <div className="form-actions">
        <button type="submit" className="primary" data-testid="connect-submit" disabled={busy} aria-busy={connecting}>
          {connecting && <Spinner />} {connecting ? "Connecting…" : "Connect"}
        </button>
        {onCancel !== undefined && (
          <button type="button" onClick={onCancel} disabled={connecting}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

function SourceChoice({
  value,
  current,
  onChange,
  label,
  hint,
}: {
  value: Source;
  current: Source;
  onChange: (value: Source) => void;
  label: string;
  hint: string;
}) {
  const id = useId();
  return (
    <label className={current === value ? "choice choice-selected" : "choice"} htmlFor={id}>
      <input
        id={id}
        type="radio"
        name="credential-source"
        value={value}
        data-testid={`connect-source-${value}`}
        checked={current === value}
        onChange={() => onChange(value)}
      />
      <span className="choice-text">
        <span className="choice-label">{label}</span>
        <span className="choice-hint">{hint}</span>
      </span>
    </label>
  );
}

function ProfilePicker({
  profilesQuery,
  profiles,
  selectedName,
  selected,
  onChange,
  error,
}: {
  profilesQuery: ReturnType<typeof useProfiles>;
  profiles: ProfileInfo[];
  selectedName: string;
  selected: ProfileInfo | undefined;
  onChange: (name: string) => void;
  error: string | undefined;
}) {
  const id = useId();
  if (profilesQuery.isError) {
    return (
      <ErrorCallout
        error={profilesQuery.error}
        title="Could not read the AWS profiles"
        onRetry={() => void profilesQuery.refetch()}
      />
    );
  }
  const unknownSelected = selectedName !== "" && selected === undefined && !profilesQuery.isPending;
  const badge = selected !== undefined ? PROFILE_KIND_BADGES[selected.kind] : null;
  return (
    <div className="form-grid">
      <label htmlFor={id}>Profile</label>
      <div>
        <div className="row">
          <select
            id={id}
            data-testid="connect-profile"
            value={selectedName}
            onChange={(e) => onChange(e.target.value)}
            disabled={profilesQuery.isPending || (profiles.length === 0 && !unknownSelected)}
            aria-invalid={error !== undefined || undefined}
            aria-describedby={`${id}-hint`}
          >
            {profilesQuery.isPending && <option value={selectedName}>Loading profiles…</option>}
            {unknownSelected && <option value={selectedName}>{selectedName} (not in the AWS config)</option>}
            {profiles.map((p) => {
              const kind = PROFILE_KIND_BADGES[p.kind];
              return (
                <option key={p.name} value={p.name}>
                  {kind !== null ? `${p.name} — ${kind}` : p.name}
                </option>
              );
            })}
          </select>
          {badge !== null && (
            <span className={`badge badge-kind-${selected?.kind ?? "other"}`} title="Profile type">
              {badge}
            </span>
          )}
        </div>
        <p id={`${id}-hint`} className={error !== undefined ? "field-error" : "field-hint"}>
          {error ?? profileHint(profiles, selected, profilesQuery.isPending)}
        </p>
      </div>
    </div>
  );
}

function profileHint(profiles: ProfileInfo[], selected: ProfileInfo | undefined, loading: boolean): string {
  if (loading) return "Reading ~/.aws/config…";
  if (profiles.length === 0)
    return "No profiles in the AWS config (~/.aws/config). Create one with `aws configure sso`, or use the default credential chain or access keys.";
  if (selected === undefined) return "This profile is not in the AWS config any more.";
  const parts: string[] = [];
  if (selected.sso_account_id !== null)
    parts.push(
      `Signs in to account ${formatAccountId(selected.sso_account_id)}${selected.sso_role_name !== null ? ` as ${selected.sso_role_name}` : ""}.`,
    );
  if (selected.region !== null) parts.push(`Its region is ${selected.region}.`);
  return parts.length > 0 ? parts.join(" ") : "Credentials from this profile.";
}
