/** The staging store (state/staging.tsx): list algebra, localStorage persistence per instance, the provider. */
import { act, render, screen } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import {
  loadStaged,
  saveStaged,
  stageInto,
  StagingStore,
  stagingStorageKey,
  unstageFrom,
  useStaging,
  type StagedChange,
  type StagingValue,
} from "../../state/staging";
import { ACC, INSTANCE_ARN, PS } from "./testData";

const create = (ps: string, principal = "g-dev", account = ACC.prodApp): StagedChange => ({
  op: "create",
  assignment: { account_id: account, permission_set_arn: ps, principal_type: "GROUP", principal_id: principal },
});
const del = (ps: string, principal = "g-dev", account = ACC.prodApp): StagedChange => ({ ...create(ps, principal, account), op: "delete" });

beforeEach(() => {
  window.localStorage.clear();
});

describe("the list", () => {
  it("appends new changes in order and keeps duplicates once", () => {
    expect(stageInto([create(PS.ro)], [create(PS.admin), create(PS.ro)])).toEqual([create(PS.ro), create(PS.admin)]);
  });

  it("cancels a change with its opposite", () => {
    expect(stageInto([create(PS.ro), del(PS.admin)], [del(PS.ro)])).toEqual([del(PS.admin)]);
    expect(stageInto([del(PS.admin)], [create(PS.admin)])).toEqual([]);
    // Within one batch too.
    expect(stageInto([], [create(PS.ro), del(PS.ro), del(PS.ro)])).toEqual([del(PS.ro)]);
  });

  it("does not change its input", () => {
    const list = [create(PS.ro)];
    stageInto(list, [del(PS.ro)]);
    expect(list).toEqual([create(PS.ro)]);
  });

  it("unstages exactly the given changes", () => {
    expect(unstageFrom([create(PS.ro), del(PS.admin), create(PS.audit)], [del(PS.admin), create(PS.admin)])).toEqual([
      create(PS.ro),
      create(PS.audit),
    ]);
  });
});

describe("persistence", () => {
  it("round-trips through the storage under the instance's key", () => {
    saveStaged(window.localStorage, INSTANCE_ARN, [create(PS.ro), del(PS.admin)]);
    expect(window.localStorage.getItem(stagingStorageKey(INSTANCE_ARN))).toContain(PS.ro);
    expect(loadStaged(window.localStorage, INSTANCE_ARN)).toEqual([create(PS.ro), del(PS.admin)]);
    expect(loadStaged(window.localStorage, "arn:aws:sso:::instance/other")).toEqual([]);
    saveStaged(window.localStorage, INSTANCE_ARN, []);
    expect(window.localStorage.getItem(stagingStorageKey(INSTANCE_ARN))).toBeNull();
  });

  it("skips what it cannot read", () => {
    const key = stagingStorageKey(INSTANCE_ARN);
    window.localStorage.setItem(key, "{not json");
    expect(loadStaged(window.localStorage, INSTANCE_ARN)).toEqual([]);
    window.localStorage.setItem(
      key,
      JSON.stringify({ version: 1, changes: [create(PS.ro), { op: "rename", assignment: create(PS.ro).assignment }, { op: "create" }, create(PS.ro)] }),
    );
    expect(loadStaged(window.localStorage, INSTANCE_ARN)).toEqual([create(PS.ro)]);
    expect(loadStaged(null, INSTANCE_ARN)).toEqual([]);
  });
});

let seen: StagingValue | null = null;
function Probe() {
  seen = useStaging();
  return <span data-testid="n">{seen.changes.length}</span>;
}
const staging = (): StagingValue => {
  if (seen === null) throw new Error("not rendered");
  return seen;
};

describe("StagingStore", () => {
  it("stages, unstages and clears, saving each time; a new window gets the list back", () => {
    const { unmount } = render(
      <StagingStore instanceArn={INSTANCE_ARN}>
        <Probe />
      </StagingStore>,
    );
    act(() => staging().stage([create(PS.ro), del(PS.admin)]));
    // Two stages in one event both count.
    act(() => {
      staging().stage([create(PS.audit)]);
      staging().stage([del(PS.ro)]);
    });
    expect(staging().changes).toEqual([del(PS.admin), create(PS.audit)]);
    expect(screen.getByTestId("n")).toHaveTextContent("2");
    expect(loadStaged(window.localStorage, INSTANCE_ARN)).toEqual([del(PS.admin), create(PS.audit)]);
    unmount();

    render(
      <StagingStore instanceArn={INSTANCE_ARN}>
        <Probe />
      </StagingStore>,
    );
    expect(staging().changes).toEqual([del(PS.admin), create(PS.audit)]);
    act(() => staging().unstage([create(PS.audit)]));
    expect(staging().changes).toEqual([del(PS.admin)]);
    act(() => staging().clear());
    expect(staging().changes).toEqual([]);
    expect(window.localStorage.getItem(stagingStorageKey(INSTANCE_ARN))).toBeNull();
  });

  it("keeps one list per instance and stages nothing without one", () => {
    saveStaged(window.localStorage, INSTANCE_ARN, [create(PS.ro)]);
    const { rerender } = render(
      <StagingStore instanceArn={null}>
        <Probe />
      </StagingStore>,
    );
    expect(staging().instanceArn).toBeNull();
    act(() => staging().stage([create(PS.admin)]));
    expect(staging().changes).toEqual([]);

    rerender(
      <StagingStore instanceArn={INSTANCE_ARN}>
        <Probe />
      </StagingStore>,
    );
    expect(staging().changes).toEqual([create(PS.ro)]);

    const other = "arn:aws:sso:::instance/ssoins-other";
    rerender(
      <StagingStore instanceArn={other}>
        <Probe />
      </StagingStore>,
    );
    expect(staging().changes).toEqual([]);
    act(() => staging().stage([create(PS.audit)]));
    expect(loadStaged(window.localStorage, other)).toEqual([create(PS.audit)]);
    expect(loadStaged(window.localStorage, INSTANCE_ARN)).toEqual([create(PS.ro)]);
  });

  it("reports a storage that refuses, and keeps the list in the window", () => {
    const refusing = {
      getItem: () => null,
      setItem: () => {
        throw new Error("QuotaExceededError");
      },
      removeItem: () => undefined,
      clear: () => undefined,
      key: () => null,
      length: 0,
    } satisfies Storage;
    render(
      <StagingStore instanceArn={INSTANCE_ARN} storage={refusing}>
        <Probe />
      </StagingStore>,
    );
    act(() => staging().stage([create(PS.ro)]));
    expect(staging().changes).toEqual([create(PS.ro)]);
    expect(staging().persistError).toBe("QuotaExceededError");
  });

  it("picks up another window's changes", () => {
    render(
      <StagingStore instanceArn={INSTANCE_ARN}>
        <Probe />
      </StagingStore>,
    );
    saveStaged(window.localStorage, INSTANCE_ARN, [del(PS.audit)]);
    act(() => {
      window.dispatchEvent(new StorageEvent("storage", { key: stagingStorageKey(INSTANCE_ARN) }));
    });
    expect(staging().changes).toEqual([del(PS.audit)]);
  });
});
