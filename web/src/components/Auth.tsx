// Sign up and log in.
import { useState } from "react";
import { api, messageOf, ok, setCsrf } from "../api/client";
import { dropInvite, inviteOf } from "../state/route";

export function Auth({ onDone }: { onDone: () => void }) {
  const [mode, setMode] = useState<"login" | "signup">("signup");
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const invite = inviteOf(location.search);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      const r = await ok(
        mode === "signup"
          ? api.POST("/api/v1/auth/signup", { body: { name, email, password, invite_token: invite } })
          : api.POST("/api/v1/auth/login", { body: { email, password } }),
      );
      setCsrf(r.csrf_token);
      // Signing up with the invitation joined its organization; accepting it again would fail.
      // Logging in leaves it for the app to accept as this user.
      if (mode === "signup" && invite) dropInvite();
      onDone();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="auth">
      <form className="auth-card" onSubmit={submit}>
        <h1 className="logo">sunday<span>.</span></h1>
        <p className="muted">{mode === "signup" ? "Create your account" : "Welcome back"}</p>
        {mode === "signup" && <input aria-label="Name" placeholder="Your name" value={name} onChange={(e) => setName(e.target.value)} required />}
        <input aria-label="Email" type="email" placeholder="Work email" value={email} onChange={(e) => setEmail(e.target.value)} required />
        <input aria-label="Password" type="password" placeholder="Password (10+ characters)" value={password} onChange={(e) => setPassword(e.target.value)} required />
        {error && <div className="error" role="alert">{error}</div>}
        <button className="primary" disabled={busy}>{mode === "signup" ? "Sign up" : "Log in"}</button>
        <button type="button" className="link" onClick={() => setMode(mode === "signup" ? "login" : "signup")}>
          {mode === "signup" ? "I already have an account" : "Create an account"}
        </button>
      </form>
    </div>
  );
}
