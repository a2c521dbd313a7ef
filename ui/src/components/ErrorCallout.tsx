import type { ReactNode } from "react";
import { toGatehouseError, type ErrorKind } from "../backend/api";
import { Callout } from "./Callout";
import { CopyButton } from "./CopyButton";

const TITLES: Record<ErrorKind, string> = {
  validation: "Check the input",
  credentials: "AWS credentials needed",
  access_denied: "Access denied",
  throttled: "AWS is throttling requests",
  not_found: "Not found",
  network: "AWS could not be reached",
  keychain: "The OS keychain is not available",
  conflict: "Conflict",
  cancelled: "Cancelled",
  not_connected: "Not connected",
  storage: "Local storage failed",
  internal: "Something went wrong",
};

/** Renders `like this` spans of a backend message as code; for credentials, with a copy button. */
function MessageText({ text, copyCommands }: { text: string; copyCommands: boolean }) {
  const parts = text.split(/`([^`]+)`/);
  return (
    <>
      {parts.map((part, i) =>
        i % 2 === 1 ? (
          <span key={i} className="inline-command">
            <code>{part}</code>
            {copyCommands && <CopyButton value={part} label={`Copy command ${part}`} />}
          </span>
        ) : (
          <span key={i}>{part}</span>
        ),
      )}
    </>
  );
}

/**
 * The one way errors are shown: what happened (the backend's message, written for the admin),
 * the raw cause one click away under "Details", and optionally a retry.
 */
export function ErrorCallout({
  error,
  title,
  onRetry,
  retryLabel = "Try again",
  retrying = false,
  testId,
  children,
}: {
  error: unknown;
  /** What was being attempted, e.g. "Could not connect to eu-west-1". Defaults to one per kind. */
  title?: string;
  onRetry?: () => void;
  retryLabel?: string;
  retrying?: boolean;
  testId?: string;
  children?: ReactNode;
}) {
  const e = toGatehouseError(error);
  const prominent = e.kind === "credentials";
  return (
    <Callout
      tone={e.kind === "cancelled" ? "info" : "error"}
      title={title ?? TITLES[e.kind]}
      testId={testId}
      role="alert"
      actions={
        onRetry !== undefined ? (
          <button type="button" onClick={onRetry} disabled={retrying}>
            {retryLabel}
          </button>
        ) : undefined
      }
    >
      <p className={prominent ? "error-message error-message-prominent" : "error-message"}>
        <MessageText text={e.message} copyCommands={prominent} />
      </p>
      {children}
      {e.detail !== null && (
        <details className="error-details">
          <summary>Details</summary>
          <pre>{e.detail}</pre>
        </details>
      )}
    </Callout>
  );
}
