import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { lazy, StrictMode, Suspense } from "react";
import { createRoot } from "react-dom/client";
import { Route, Switch } from "wouter";
import { ApiError } from "./api/client";
import "./styles.css";

// Server state asked for by more than one part of a page (analytics answers, for now) is
// cached and shared by TanStack Query. Answers follow the live event stream, not the window's
// focus; a refusal (an `ApiError`) is final, a network failure is tried again twice.
const queries = new QueryClient({
  defaultOptions: {
    queries: { refetchOnWindowFocus: false, retry: (count, error) => !(error instanceof ApiError) && count < 2 },
  },
});

// A form's public link (`/forms/{token}`) is its own page: no login, no shell, and none of the
// app's code (each is its own chunk, loaded by the page that needs it).
const App = lazy(() => import("./components/App").then((m) => ({ default: m.App })));
const PublicFormPage = lazy(() => import("./components/PublicForm").then((m) => ({ default: m.PublicFormPage })));
const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queries}>
        <Suspense fallback={null}>
          <Switch>
            <Route path="/forms/:token">{({ token }) => <PublicFormPage token={decodeURIComponent(token)} />}</Route>
            <Route><App /></Route>
          </Switch>
        </Suspense>
      </QueryClientProvider>
    </StrictMode>,
  );
}
