import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./components/App";
import { PublicFormPage } from "./components/PublicForm";
import "./styles.css";

// A form's public link (`/forms/{token}`) is its own page: no login, no shell.
const form = /^\/forms\/([^/]+)\/?$/.exec(location.pathname);
const root = document.getElementById("root");
if (root) createRoot(root).render(<StrictMode>{form ? <PublicFormPage token={decodeURIComponent(form[1])} /> : <App />}</StrictMode>);
