import type { ApplyReport } from "../../backend/api";

/** The report's headline: what happened to the save, in a few words. */
export function reportTitle(report: ApplyReport, creating: boolean): string {
  switch (report.outcome) {
    case "succeeded":
      return creating ? "Created" : "Saved";
    case "nothing_to_do":
      return "Nothing to save";
    case "partially_failed":
      return creating ? "Created in part" : "Saved in part";
    case "failed":
      return creating ? "Not created" : "Not saved";
    case "cancelled":
      return "Cancelled";
  }
}
