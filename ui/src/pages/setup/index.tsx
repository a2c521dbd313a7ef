import type { HeaderItemDef, PageDef } from "../registry";
import { EntraAppPage } from "./EntraAppPage";
import { ProvisioningPage } from "./ProvisioningPage";
import { SamlPage } from "./SamlPage";
import { ScimTokenHeader } from "./ScimTokenHeader";
import { ProvisioningStepStatus, SetupStepStatus } from "./StepStatus";
import { VerifyPage } from "./VerifyPage";
import "./setup.css";
import "./provisioning.css";

function EntraAppStatus() {
  return <SetupStepStatus id="entra-app" />;
}

function SamlStatus() {
  return <SetupStepStatus id="saml" />;
}

function ProvisioningStatus() {
  return <ProvisioningStepStatus id="provisioning" />;
}

function VerifyStatus() {
  return <ProvisioningStepStatus id="verify" />;
}

/** Setup steps 1–2 (SAML federation) and 3–4 (automatic provisioning). */
export const setupPages: readonly PageDef[] = [
  { id: "setup-entra-app", label: "1 Entra app", group: "Setup", Component: EntraAppPage, Status: EntraAppStatus },
  { id: "setup-saml", label: "2 SAML", group: "Setup", Component: SamlPage, Status: SamlStatus },
  { id: "setup-provisioning", label: "3 Provisioning", group: "Setup", Component: ProvisioningPage, Status: ProvisioningStatus },
  { id: "setup-verify", label: "4 Verify", group: "Setup", Component: VerifyPage, Status: VerifyStatus },
];

/** The SCIM token's days left, in the header. */
export const setupHeaderItems: readonly HeaderItemDef[] = [{ id: "scim-token", Component: ScimTokenHeader }];
