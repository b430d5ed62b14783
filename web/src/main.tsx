import { lazy, StrictMode, Suspense } from "react";
import { createRoot } from "react-dom/client";
import "./styles.css";

// A form's public link (`/forms/{token}`) is its own page: no login, no shell, and none of the
// app's code (each is its own chunk, loaded by the page that needs it).
const App = lazy(() => import("./components/App").then((m) => ({ default: m.App })));
const PublicFormPage = lazy(() => import("./components/PublicForm").then((m) => ({ default: m.PublicFormPage })));
const form = /^\/forms\/([^/]+)\/?$/.exec(location.pathname);
const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <Suspense fallback={null}>{form ? <PublicFormPage token={decodeURIComponent(form[1])} /> : <App />}</Suspense>
    </StrictMode>,
  );
}
