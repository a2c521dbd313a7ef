import { StepStatus } from "../../components/Sidebar";
import { useSetupStep } from "./federation";

type StepId = "entra-app" | "saml";

/** The step's ✓ / ! / · in the sidebar, with the backend's summary as tooltip. */
export function SetupStepStatus({ id }: { id: StepId }) {
  const step = useSetupStep(id);
  if (step === undefined) return null;
  return <StepStatus status={step.status} summary={step.summary} testId={`step-status-${id}`} />;
}

/** Under a step page's title: its status and the backend's one-line summary. */
export function StepSummary({ id }: { id: StepId }) {
  const step = useSetupStep(id);
  if (step === undefined) return null;
  return (
    <p className={`step-summary step-summary-${step.status}`} data-testid={`step-summary-${id}`} data-status={step.status}>
      <StepStatus status={step.status} />
      <span>{step.summary}</span>
    </p>
  );
}
