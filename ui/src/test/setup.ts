import "@testing-library/jest-dom/vitest";
import { cleanup, configure } from "@testing-library/react";
import { afterEach } from "vitest";

// `findBy…`/`waitFor` give up after 3 s instead of 1: the UI's own delays (the 250 ms
// validation debounce, for one) leave little slack on a loaded 2-core CI machine.
configure({ asyncUtilTimeout: 3000 });

afterEach(() => {
  cleanup();
});
