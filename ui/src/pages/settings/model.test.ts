/** Apply speed validation (AWS's limits), backend messages placed by field, policy action order. */
import { describe, expect, it } from "vitest";
import { draftOf, fieldOfMessage, parseApplySettings, sameSettings, serviceOf, sortActions } from "./model";

describe("apply speed", () => {
  it("accepts whole numbers within AWS's limits (1–15 outstanding, 1–20 per second)", () => {
    expect(parseApplySettings({ max_outstanding: "15", requests_per_second: " 1 " })).toEqual({
      settings: { max_outstanding: 15, requests_per_second: 1 },
      errors: {},
    });
    expect(draftOf({ max_outstanding: 10, requests_per_second: 20 })).toEqual({ max_outstanding: "10", requests_per_second: "20" });
  });

  it("says what is wrong with each field", () => {
    const r = parseApplySettings({ max_outstanding: "16", requests_per_second: "0" });
    expect(r.settings).toBeNull();
    expect(r.errors).toEqual({
      max_outstanding: "The number of outstanding requests must be from 1 to 15.",
      requests_per_second: "The number of requests per second must be from 1 to 20.",
    });
    expect(parseApplySettings({ max_outstanding: "", requests_per_second: "2.5" }).errors).toEqual({
      max_outstanding: "Enter the number of outstanding requests (1–15).",
      requests_per_second: "The number of requests per second is a whole number from 1 to 20.",
    });
    expect(parseApplySettings({ max_outstanding: "5", requests_per_second: "21" })).toEqual({
      settings: null,
      errors: { requests_per_second: "The number of requests per second must be from 1 to 20." },
    });
  });

  it("places a backend validation message next to the field it names", () => {
    expect(fieldOfMessage("At most 15 outstanding requests are allowed.")).toBe("max_outstanding");
    expect(fieldOfMessage("Requests per second must be from 1 to 20.")).toBe("requests_per_second");
    expect(fieldOfMessage("Something else.")).toBeNull();
  });

  it("compares settings", () => {
    expect(sameSettings({ max_outstanding: 1, requests_per_second: 2 }, { max_outstanding: 1, requests_per_second: 2 })).toBe(true);
    expect(sameSettings({ max_outstanding: 1, requests_per_second: 2 }, { max_outstanding: 1, requests_per_second: 3 })).toBe(false);
  });
});

describe("policy actions", () => {
  it("lists reads first, then writes, by name", () => {
    const sorted = sortActions([
      { action: "sso:CreateAccountAssignment", access: "write", used_for: "apply" },
      { action: "sso:ListInstances", access: "read", used_for: "connect" },
      { action: "identitystore:ListUsers", access: "read", used_for: "verify" },
    ]);
    expect(sorted.map((a) => a.action)).toEqual(["identitystore:ListUsers", "sso:ListInstances", "sso:CreateAccountAssignment"]);
    expect(serviceOf("sso:ListInstances")).toBe("sso");
    expect(serviceOf("nocolon")).toBe("nocolon");
  });
});
