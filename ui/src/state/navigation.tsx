import { createContext, useContext, useState, type ReactNode } from "react";

export interface NavigationValue {
  page: string;
  navigate: (pageId: string) => void;
  /** Whether the connect form is open on the Connection page while connected. */
  connectFormOpen: boolean;
  setConnectFormOpen: (open: boolean) => void;
  /** Bumped each time something asks for the connect form, so it can take the focus. */
  connectFocusToken: number;
  /** Shows the connect form (from the header, from anywhere). */
  openConnect: () => void;
}

const NavigationContext = createContext<NavigationValue | null>(null);

export function useNavigation(): NavigationValue {
  const value = useContext(NavigationContext);
  if (value === null) throw new Error("useNavigation must be used inside <NavigationProvider>");
  return value;
}

export const CONNECTION_PAGE = "connection";

export function NavigationProvider({ initialPage, children }: { initialPage: string; children: ReactNode }) {
  const [page, setPage] = useState(initialPage);
  const [connectFormOpen, setConnectFormOpen] = useState(false);
  const [connectFocusToken, setConnectFocusToken] = useState(0);
  const value: NavigationValue = {
    page,
    navigate: setPage,
    connectFormOpen,
    setConnectFormOpen,
    connectFocusToken,
    openConnect: () => {
      setPage(CONNECTION_PAGE);
      setConnectFormOpen(true);
      setConnectFocusToken((n) => n + 1);
    },
  };
  return <NavigationContext.Provider value={value}>{children}</NavigationContext.Provider>;
}
