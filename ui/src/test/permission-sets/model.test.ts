import { describe, expect, it } from "vitest";
import type { PolicyProblem } from "../../backend/api";
import { docOf, offsetOf, toDiagnostics } from "../../pages/permission-sets/diagnostics";
import { emptyState, fieldLabel, sameState, switchTemplate, tabOfField } from "../../pages/permission-sets/model";
import { POLICY, TEMPLATES } from "./fakePermissionSets";

const [admin, readOnly] = TEMPLATES as [(typeof TEMPLATES)[0], (typeof TEMPLATES)[0]];

describe("switching the starting point of a new set", () => {
  it("fills an empty form from the template", () => {
    const s = switchTemplate(emptyState(), null, readOnly);
    expect(s.name).toBe("ReadOnlyAccess");
    expect(s.description).toBe(readOnly.description);
    expect(s.managed_policies).toEqual([`${POLICY}/ReadOnlyAccess`]);
  });

  it("swaps only the previous template's policy and keeps what the admin typed", () => {
    let s = switchTemplate(emptyState(), null, readOnly);
    s = { ...s, name: "Readers", managed_policies: [...s.managed_policies, `${POLICY}/AmazonS3ReadOnlyAccess`] };
    s = switchTemplate(s, readOnly, admin);
    expect(s.name).toBe("Readers");
    expect(s.description).toBe(admin.description);
    expect(s.managed_policies).toEqual([`${POLICY}/AdministratorAccess`, `${POLICY}/AmazonS3ReadOnlyAccess`]);
    s = switchTemplate(s, admin, null);
    expect(s.name).toBe("Readers");
    expect(s.description).toBeNull();
    expect(s.managed_policies).toEqual([`${POLICY}/AmazonS3ReadOnlyAccess`]);
  });

  it("treats empty text and none as the same form", () => {
    expect(sameState({ ...emptyState(), description: "" }, emptyState())).toBe(true);
    expect(sameState({ ...emptyState(), description: "x" }, emptyState())).toBe(false);
  });
});

describe("field pointers", () => {
  it("name the field and its tab", () => {
    expect(fieldLabel("/tags/1/value")).toBe("Tag 2 value");
    expect(fieldLabel("/customer_managed_policies/0/path")).toBe("Customer managed policy 1 path");
    expect(tabOfField("/permissions_boundary/arn")).toBe("policies");
    expect(tabOfField("/tags/0/key")).toBe("summary");
  });
});

describe("placing policy problems in the editor", () => {
  const problem = (line: number, column: number): PolicyProblem => ({ severity: "error", message: "m", pointer: "/x", line, column });

  it("counts columns in characters, as the backend does, and covers the token", () => {
    // The emoji is one character but two UTF-16 units.
    const text = '{\n  "Sid": "😀x", "Effect": "Alow"\n}';
    const doc = docOf(text);
    const [d] = toDiagnostics(doc, [problem(2, 26)]);
    expect(text.slice(d!.from, d!.to)).toBe('"Alow"');
    expect(d!.source).toBe("/x");
  });

  it("keeps positions inside the document", () => {
    const text = "{\r\n  ";
    const doc = docOf(text);
    expect(doc.lines).toBe(2);
    expect(offsetOf(doc, 9, 9)).toBe(text.length);
    const [d] = toDiagnostics(doc, [problem(2, 40)]);
    expect(d!.from).toBe(text.length);
    expect(d!.to).toBe(text.length);
  });
});
