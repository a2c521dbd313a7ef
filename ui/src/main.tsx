import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { Root } from "./App";
import { createQueryClient } from "./state/queries";
import "./styles.css";

const container = document.getElementById("root");
if (container === null) throw new Error("index.html has no #root element");

createRoot(container).render(
  <StrictMode>
    <Root client={createQueryClient()} />
  </StrictMode>,
);
