import type { SetupStep } from "../../backend/api";
import { StepStatus } from "../../components/Sidebar";
import { useSetupStep } from "./federation";
import { useProvisioningStep, type ProvisioningStepId } from "./provisioning";

type StepId = "entra-app" | "saml";

/** The step's ✓ / ! / · in the sidebar, with the backend's summary as tooltip. */
export function SetupStepStatus({ id }: { id: StepId }) {
  return <SidebarStatus id={id} step={useSetupStep(id)} />;
}

/** Under a step page's title: its status and the backend's one-line summary. */
export function StepSummary({ id }: { id: StepId }) {
  return <StepSummaryLine id={id} step={useSetupStep(id)} />;
}

/** Steps 3–4 read their status from the provisioning view. */
export function ProvisioningStepStatus({ id }: { id: ProvisioningStepId }) {
  return <SidebarStatus id={id} step={useProvisioningStep(id)} />;
}

export function ProvisioningStepSummary({ id }: { id: ProvisioningStepId }) {
  return <StepSummaryLine id={id} step={useProvisioningStep(id)} />;
}

function SidebarStatus({ id, step }: { id: string; step: SetupStep | undefined }) {
  if (step === undefined) return null;
  return <StepStatus status={step.status} summary={step.summary} testId={`step-status-${id}`} />;
}

function StepSummaryLine({ id, step }: { id: string; step: SetupStep | undefined }) {
  if (step === undefined) return null;
  return (
    <p className={`step-summary step-summary-${step.status}`} data-testid={`step-summary-${id}`} data-status={step.status}>
      <StepStatus status={step.status} />
      <span>{step.summary}</span>
    </p>
  );
}
