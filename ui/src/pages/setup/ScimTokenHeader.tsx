import { useNavigation } from "../../state/navigation";
import { PROVISIONING_PAGE } from "./ProvisioningPage";
import { useProvisioning } from "./provisioning";
import { tokenDaysLong, tokenDaysShort } from "./provisioningFormat";

/**
 * In the header, once a SCIM token is stored: its days left, discreet while all is well, amber
 * from 90 days before expiry, red once expired. Opens Setup step 3.
 */
export function ScimTokenHeader() {
  const nav = useNavigation();
  const token = useProvisioning().data?.token ?? null;
  if (token === null) return null;
  // Starts with the visible text (WCAG "label in name"), then what the button does.
  const label = `SCIM token: ${tokenDaysLong(token.days_left)}, expiry date ${token.expires_on}. Opens Setup step 3, Provisioning`;
  return (
    <button
      type="button"
      className={`header-token header-token-${token.level}`}
      data-testid="header-scim-token"
      data-level={token.level}
      aria-label={label}
      title={token.message}
      onClick={() => nav.navigate(PROVISIONING_PAGE)}
    >
      {token.level !== "ok" && (
        <span className="header-token-icon" aria-hidden="true">
          !
        </span>
      )}
      SCIM token: {tokenDaysShort(token.days_left)}
    </button>
  );
}
