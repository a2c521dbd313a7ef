import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { Header } from "./components/Header";
import { Sidebar } from "./components/Sidebar";
import { headerItems, pages as registeredPages, type PageDef } from "./pages/registry";
import { ConnectionProvider } from "./state/connection";
import { NavigationProvider, useNavigation } from "./state/navigation";
import { StagingProvider } from "./state/staging";

/** Everything the app needs around the shell: data, the connection, staged changes, navigation. */
export function Root({ client, pages = registeredPages }: { client: QueryClient; pages?: readonly PageDef[] }) {
  return (
    <QueryClientProvider client={client}>
      <ConnectionProvider>
        <StagingProvider>
          <NavigationProvider initialPage={pages[0]?.id ?? ""}>
            <App pages={pages} />
          </NavigationProvider>
        </StagingProvider>
      </ConnectionProvider>
    </QueryClientProvider>
  );
}

/** The shell: header, sidebar with the registered pages, and the selected page. */
export function App({ pages }: { pages: readonly PageDef[] }) {
  const nav = useNavigation();
  const current = pages.find((p) => p.id === nav.page) ?? pages[0];
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Header
        extras={headerItems.map(({ id, Component }) => (
          <Component key={id} />
        ))}
      />
      <Sidebar pages={pages} />
      <main id="main" className="app-main" tabIndex={-1}>
        {current !== undefined && <current.Component />}
      </main>
    </div>
  );
}
