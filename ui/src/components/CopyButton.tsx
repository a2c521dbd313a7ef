import { useEffect, useState } from "react";
import { Icon } from "./Icon";

/** Copies a value the admin has to paste elsewhere. `label` names it: "Copy account ID". */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");

  useEffect(() => {
    if (state === "idle") return;
    const id = window.setTimeout(() => setState("idle"), 1500);
    return () => window.clearTimeout(id);
  }, [state]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setState("copied");
    } catch {
      setState("failed");
    }
  };

  return (
    <button
      type="button"
      className="icon-button copy-button"
      aria-label={label}
      title={state === "failed" ? "Could not copy: select the text instead" : label}
      onClick={() => void copy()}
    >
      {state === "failed" ? <span aria-hidden="true">!</span> : <Icon name={state === "copied" ? "check" : "copy"} size={13} />}
      <span className="visually-hidden" role="status">
        {state === "copied" ? "Copied" : state === "failed" ? "Could not copy" : ""}
      </span>
    </button>
  );
}
