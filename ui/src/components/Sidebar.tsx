import type { PageDef } from "../pages/registry";
import { useAppInfo } from "../state/queries";
import { useNavigation } from "../state/navigation";

/** The page list (only pages whose features exist are registered) and the app version. */
export function Sidebar({ pages }: { pages: readonly PageDef[] }) {
  const nav = useNavigation();
  const appInfo = useAppInfo();

  // Consecutive pages with the same group are listed under one heading.
  const sections: { group: string | undefined; pages: PageDef[] }[] = [];
  for (const page of pages) {
    const last = sections[sections.length - 1];
    if (last !== undefined && last.group === page.group) last.pages.push(page);
    else sections.push({ group: page.group, pages: [page] });
  }

  return (
    <nav className="sidebar" aria-label="Pages">
      {sections.map((section, i) => (
        <div className="nav-section" key={section.group ?? `ungrouped-${i}`}>
          {section.group !== undefined && <div className="nav-group">{section.group}</div>}
          <ul>
            {section.pages.map((page) => (
              <li key={page.id}>
                <button
                  type="button"
                  className="nav-item"
                  data-testid={`nav-${page.id}`}
                  aria-current={nav.page === page.id ? "page" : undefined}
                  onClick={() => nav.navigate(page.id)}
                >
                  <span className="nav-label">{page.label}</span>
                  {page.Status !== undefined && <page.Status />}
                </button>
              </li>
            ))}
          </ul>
        </div>
      ))}
      <div className="sidebar-footer" data-testid="app-version">
        {appInfo.data !== undefined ? `Gatehouse ${appInfo.data.version}` : "\u00a0"}
      </div>
    </nav>
  );
}

/** A setup step's status in the sidebar: done ✓, needs attention !, not started ·. */
export function StepStatus({
  status,
  summary,
  testId,
}: {
  /** "not_started" is the backend's name (`StepStatus`); "todo" is kept for older callers. */
  status: "done" | "attention" | "not_started" | "todo";
  /** One line for the tooltip, e.g. "Confirmed by you on 2026-11-23." */
  summary?: string;
  testId?: string;
}) {
  const key = status === "not_started" ? "todo" : status;
  const text = { done: "✓", attention: "!", todo: "·" }[key];
  const label = { done: "done", attention: "needs attention", todo: "not started" }[key];
  return (
    <span
      className={`step-status step-${key}`}
      title={summary !== undefined ? `${label}: ${summary}` : label}
      data-testid={testId}
      data-status={key === "todo" ? "not_started" : key}
    >
      <span aria-hidden="true">{text}</span>
      <span className="visually-hidden">{label}</span>
    </span>
  );
}
