/**
 * Counts React commits for the matrix benchmark, through the hook React DevTools uses (React
 * calls it in production builds too). Imported before react-dom, so React finds it.
 */
export const reactCommits = { count: 0 };

declare global {
  interface Window {
    __REACT_DEVTOOLS_GLOBAL_HOOK__?: unknown;
  }
}

if (window.__REACT_DEVTOOLS_GLOBAL_HOOK__ === undefined) {
  window.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    supportsFiber: true,
    renderers: new Map(),
    inject: () => 1,
    checkDCE: () => undefined,
    onScheduleFiberRoot: () => undefined,
    onCommitFiberRoot: () => {
      reactCommits.count++;
    },
    onCommitFiberUnmount: () => undefined,
    onPostCommitFiberRoot: () => undefined,
  };
}
