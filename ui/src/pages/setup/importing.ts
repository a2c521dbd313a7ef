import { useState } from "react";
import { toGatehouseError, type GatehouseError, type Slot } from "../../backend/api";
import { pickFile } from "../../backend/dialog";
import { SLOT_NAMES, useImportMetadata, type ImportMutation } from "./federation";

export interface SlotImport {
  slot: Slot;
  mutation: ImportMutation;
  /** Opens the native picker and imports the chosen file (nothing happens on cancel). */
  choose: () => Promise<void>;
  /** The picker itself failed (not the import). */
  pickError: GatehouseError | null;
  importPath: (path: string) => void;
}

/** Everything that imports into one slot: picker, drop, paste (the paste box owns its text). */
export function useSlotImport(slot: Slot): SlotImport {
  const mutation = useImportMetadata(slot);
  const [pickError, setPickError] = useState<GatehouseError | null>(null);
  const importPath = (path: string) => {
    setPickError(null);
    mutation.mutate({ kind: "path", path });
  };
  const choose = async () => {
    setPickError(null);
    try {
      const path = await pickFile({
        title: `Choose the ${SLOT_NAMES[slot].document}`,
        filters: [
          { name: "SAML metadata (XML)", extensions: ["xml"] },
          { name: "All files", extensions: ["*"] },
        ],
      });
      if (path !== null) mutation.mutate({ kind: "path", path });
    } catch (reason) {
      setPickError(toGatehouseError(reason));
    }
  };
  return { slot, mutation, choose, pickError, importPath };
}
