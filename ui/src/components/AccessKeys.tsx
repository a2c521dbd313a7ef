import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, toGatehouseError, type GatehouseError } from "../backend/api";
import { shortenKeyId } from "../lib/format";
import { queryKeys, useStoredAccessKeyId } from "../state/queries";
import { ErrorCallout } from "./ErrorCallout";
import { Spinner } from "./Spinner";

const KEY_ID_RE = /^(AKIA|ASIA)[A-Z0-9]{12,124}$/;

/**
 * The access keys being typed, and saving them to the OS keychain. The secret lives in
 * component state only while it is typed: saving takes it out of state before the call, and
 * it is never rendered again. (Deliberately not a TanStack mutation: a mutation keeps its
 * variables in the cache.)
 */
export function useAccessKeyEntry() {
  const qc = useQueryClient();
  const stored = useStoredAccessKeyId();
  const [accessKeyId, setAccessKeyId] = useState("");
  const [secretAccessKey, setSecretAccessKey] = useState("");
  const [sessionToken, setSessionToken] = useState("");
  const [replacing, setReplacing] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<GatehouseError | null>(null);

  const forget = useMutation<boolean, GatehouseError>({
    mutationFn: () => api.forgetAccessKeys(),
    onSettled: () => qc.invalidateQueries({ queryKey: queryKeys.storedAccessKeyId }),
  });

  const storedId = stored.data ?? null;
  const typed = accessKeyId.trim() !== "" || secretAccessKey !== "" || sessionToken !== "";
  const complete = accessKeyId.trim() !== "" && secretAccessKey !== "";
  const keyIdLooksWrong = accessKeyId.trim() !== "" && !KEY_ID_RE.test(accessKeyId.trim());

  /** Stores the typed keys in the keychain. Resolves to whether it worked. */
  const save = async (): Promise<boolean> => {
    const id = accessKeyId.trim();
    const secret = secretAccessKey;
    const token = sessionToken.trim() === "" ? null : sessionToken.trim();
    // Out of state at once: from here on the secret only travels to the keychain.
    setSecretAccessKey("");
    setSessionToken("");
    setError(null);
    setSaving(true);
    try {
      await api.storeAccessKeys(id, secret, token);
      setAccessKeyId("");
      setReplacing(false);
      forget.reset();
      await qc.invalidateQueries({ queryKey: queryKeys.storedAccessKeyId });
      return true;
    } catch (reason) {
      setError(toGatehouseError(reason));
      return false;
    } finally {
      setSaving(false);
    }
  };

  return {
    stored,
    storedId,
    showFields: storedId === null || replacing,
    accessKeyId,
    setAccessKeyId,
    secretAccessKey,
    setSecretAccessKey,
    sessionToken,
    setSessionToken,
    typed,
    complete,
    keyIdLooksWrong,
    replacing,
    setReplacing,
    saving,
    error,
    save,
    forget,
  };
}

export type AccessKeyEntry = ReturnType<typeof useAccessKeyEntry>;

export function AccessKeysSection({ entry }: { entry: AccessKeyEntry }) {
  const { stored, storedId, forget } = entry;

  return (
    <div className="subsection" role="group" aria-label="Access keys">
      {stored.isPending && (
        <p className="muted">
          <Spinner /> Looking in the OS keychain…
        </p>
      )}
      {stored.isError && (
        <ErrorCallout
          error={stored.error}
          title="Could not read the OS keychain"
          onRetry={() => void stored.refetch()}
        />
      )}
      {storedId !== null && (
        <div className="stored-keys" data-testid="stored-keys">
          <span className="status-dot status-ok" aria-hidden="true" />
          <span>
            Stored in the OS keychain: <span className="mono">{shortenKeyId(storedId)}</span>
          </span>
          <button type="button" className="small" onClick={() => forget.mutate()} disabled={forget.isPending}>
            Forget
          </button>
          {!entry.replacing && (
            <button type="button" className="small" onClick={() => entry.setReplacing(true)}>
              Replace…
            </button>
          )}
        </div>
      )}
      {forget.isError && <ErrorCallout error={forget.error} title="Could not forget the access keys" />}
      {entry.showFields && !stored.isPending && (
        <div className="form-grid">
          <label htmlFor="access-key-id">Access key ID</label>
          <div>
            <input
              id="access-key-id"
              data-testid="connect-access-key-id"
              className="mono"
              value={entry.accessKeyId}
              onChange={(e) => entry.setAccessKeyId(e.target.value)}
              autoComplete="off"
              spellCheck={false}
              placeholder="AKIA…"
              aria-invalid={entry.keyIdLooksWrong || undefined}
              aria-describedby={entry.keyIdLooksWrong ? "access-key-id-hint" : undefined}
            />
            {entry.keyIdLooksWrong && (
              <p id="access-key-id-hint" className="field-hint text-attention">
                Access key IDs start with AKIA (long-term) or ASIA (temporary).
              </p>
            )}
          </div>
          <label htmlFor="secret-access-key">Secret access key</label>
          <input
            id="secret-access-key"
            data-testid="connect-secret-access-key"
            type="password"
            value={entry.secretAccessKey}
            onChange={(e) => entry.setSecretAccessKey(e.target.value)}
            autoComplete="off"
            spellCheck={false}
          />
          <label htmlFor="session-token">
            Session token <span className="muted">(optional)</span>
          </label>
          <input
            id="session-token"
            data-testid="connect-session-token"
            type="password"
            value={entry.sessionToken}
            onChange={(e) => entry.setSessionToken(e.target.value)}
            autoComplete="off"
            spellCheck={false}
          />
          <span />
          <div className="row">
            <button
              type="button"
              data-testid="connect-save-keys"
              onClick={() => void entry.save()}
              disabled={!entry.complete || entry.saving}
            >
              {entry.saving && <Spinner />} Save to keychain
            </button>
            {entry.replacing && (
              <button type="button" className="link-button" onClick={() => entry.setReplacing(false)}>
                Keep the stored keys
              </button>
            )}
            <span className="field-hint">The secret goes to the OS keychain and is never shown again.</span>
          </div>
        </div>
      )}
      {entry.error !== null && (
        <ErrorCallout error={entry.error} title="The access keys were not saved" testId="save-keys-error" />
      )}
    </div>
  );
}
