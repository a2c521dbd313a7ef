import { render } from "@testing-library/react";
import { Root } from "../App";
import type { PageDef } from "../pages/registry";
import { createQueryClient } from "../state/queries";

/** Renders the whole app, as main.tsx does, with a fresh query cache. */
export function renderApp(options: { pages?: readonly PageDef[] } = {}) {
  const client = createQueryClient();
  const result = render(<Root client={client} pages={options.pages} />);
  return { ...result, client };
}
