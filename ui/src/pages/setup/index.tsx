import type { PageDef } from "../registry";
import { EntraAppPage } from "./EntraAppPage";
import { SamlPage } from "./SamlPage";
import { SetupStepStatus } from "./StepStatus";
import "./setup.css";

function EntraAppStatus() {
  return <SetupStepStatus id="entra-app" />;
}

function SamlStatus() {
  return <SetupStepStatus id="saml" />;
}

/** Setup steps 1–2 (SAML federation). Steps 3–4 (provisioning) register their own pages. */
export const setupPages: readonly PageDef[] = [
  { id: "setup-entra-app", label: "1 Entra app", group: "Setup", Component: EntraAppPage, Status: EntraAppStatus },
  { id: "setup-saml", label: "2 SAML", group: "Setup", Component: SamlPage, Status: SamlStatus },
];
