import { useState } from "react";
import { openUrl } from "../../backend/shell";
import { ErrorCallout } from "../../components/ErrorCallout";

/** A button that opens a console page in the browser; `url` may be looked up first. */
export function OpenLink({
  url,
  label,
  className = "link-button",
  testId,
}: {
  url: string | (() => Promise<string>);
  label: string;
  className?: string;
  testId?: string;
}) {
  const [error, setError] = useState<unknown>(null);
  const open = async () => {
    setError(null);
    try {
      await openUrl(typeof url === "string" ? url : await url());
    } catch (reason) {
      setError(reason);
    }
  };
  return (
    <>
      <button
        type="button"
        className={className}
        data-testid={testId}
        title={typeof url === "string" ? url : undefined}
        onClick={() => void open()}
      >
        {label} <span aria-hidden="true">↗</span>
      </button>
      {error !== null && <ErrorCallout error={error} title="Could not open the browser" />}
    </>
  );
}
