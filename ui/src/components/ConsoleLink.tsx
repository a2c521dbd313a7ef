import { useState } from "react";
import { openUrl } from "../backend/shell";
import { identityCenterConsoleUrl } from "../lib/format";
import { ErrorCallout } from "./ErrorCallout";

/** Opens the IAM Identity Center console in the given region, in the browser. */
export function ConsoleLink({ region, label = "Open the Identity Center console" }: { region: string; label?: string }) {
  const [error, setError] = useState<unknown>(null);
  const url = identityCenterConsoleUrl(region);
  return (
    <>
      <button
        type="button"
        className="link-button"
        title={url}
        onClick={() => {
          setError(null);
          openUrl(url).catch(setError);
        }}
      >
        {label} <span aria-hidden="true">↗</span>
      </button>
      {error !== null && <ErrorCallout error={error} title="Could not open the browser" />}
    </>
  );
}
