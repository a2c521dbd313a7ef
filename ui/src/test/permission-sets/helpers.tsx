import { act, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { expect } from "vitest";
import { renderApp } from "../render";
import { SETS, task } from "./fakePermissionSets";

export type User = ReturnType<typeof userEvent.setup>;

/** Opens "Permission sets" connected, and answers the list with `sets`. */
export async function openList(sets = SETS): Promise<User> {
  const user = userEvent.setup();
  renderApp();
  await screen.findByTestId("header-instance");
  await user.click(screen.getByTestId("nav-permission-sets"));
  await screen.findByTestId("ps-list-page");
  await screen.findByTestId("ps-list-progress");
  act(() => task(0).resolve(sets));
  await screen.findByTestId("ps-list");
  return user;
}

/** Opens DataEngineer's detail page. */
export async function openDataEngineer(): Promise<User> {
  const user = await openList();
  await user.click(screen.getByTestId("ps-row-DataEngineer"));
  expect(await screen.findByRole("heading", { level: 1, name: "DataEngineer" })).toBeInTheDocument();
  return user;
}

/** Waits until the form has been checked and Review is enabled. */
export async function reviewEnabled() {
  await expect.poll(() => screen.getByTestId<HTMLButtonElement>("ps-review").disabled, { timeout: 2000 }).toBe(false);
}

/**
 * jsdom has no layout: CodeMirror measures text ranges when it scrolls the cursor into view.
 * Empty rectangles are enough for it (installed once per test file that moves the cursor).
 */
export function stubRangeLayout() {
  const empty = { x: 0, y: 0, width: 0, height: 0, top: 0, left: 0, right: 0, bottom: 0, toJSON: () => ({}) };
  const proto = Range.prototype as unknown as Record<string, unknown>;
  if (typeof proto.getClientRects !== "function") {
    proto.getClientRects = () => Object.assign([], { item: () => null });
  }
  if (typeof proto.getBoundingClientRect !== "function") {
    proto.getBoundingClientRect = () => empty;
  }
}
