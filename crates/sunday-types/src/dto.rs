//! Request and response bodies of the REST API (`/api/v1`). Requests reject unknown fields so
//! a typo is an error rather than a silently ignored setting.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ids::*;

/// A role in an organization, from most to least powerful.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Admin,
    Member,
    Viewer,
    Guest,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Member => "member",
            Role::Viewer => "viewer",
            Role::Guest => "guest",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "owner" => Role::Owner,
            "admin" => Role::Admin,
            "member" => Role::Member,
            "viewer" => Role::Viewer,
            "guest" => Role::Guest,
            _ => return None,
        })
    }
}

/// What a personal API token may do: `read` (GET), `write` (changes), `admin` (organization
/// administration: members, invitations).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Read,
    Write,
    Admin,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
            Scope::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Scope> {
        Some(match s {
            "read" => Scope::Read,
            "write" => Scope::Write,
            "admin" => Scope::Admin,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Org {
    pub id: OrgId,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct OrgMembership {
    pub org: Org,
    pub role: Role,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignupRequest {
    pub email: String,
    pub password: String,
    pub name: String,
    /// Name of the organization to create; defaults to "<name>'s organization".
    pub org_name: Option<String>,
    /// Join the inviting organization instead of creating one.
    pub invite_token: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SignupResponse {
    pub user: User,
    pub org: Org,
    pub role: Role,
    /// Session token: use as `Authorization: Bearer <token>` (also set as the cookie).
    pub token: String,
    /// Send as `X-CSRF-Token` on cookie-authenticated writes.
    pub csrf_token: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
    /// Reserved for two-factor authentication.
    pub totp: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct LoginResponse {
    pub user: User,
    pub token: String,
    pub csrf_token: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MeResponse {
    pub user: User,
    pub orgs: Vec<OrgMembership>,
    /// For a login session: the token to send as `X-CSRF-Token` on cookie-authenticated
    /// writes (so a reloaded web app can recover it).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub csrf_token: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTokenRequest {
    pub name: String,
    pub scopes: Vec<Scope>,
    /// Lifetime in days; without it the token lives until revoked.
    pub expires_in_days: Option<u32>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ApiToken {
    pub id: TokenId,
    pub name: String,
    pub scopes: Vec<Scope>,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CreatedToken {
    #[serde(flatten)]
    pub token: ApiToken,
    /// The secret, shown only in this response; Sunday keeps only its hash.
    pub secret: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Member {
    pub user: User,
    pub role: Role,
    pub joined_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMemberRequest {
    pub role: Role,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateInviteRequest {
    pub email: String,
    pub role: Role,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Invite {
    pub id: InviteId,
    pub org_id: OrgId,
    pub email: String,
    pub role: Role,
    /// Shown once: pass to `POST /invites/{token}/accept` or as `invite_token` at signup.
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AcceptInviteResponse {
    pub org: Org,
    pub role: Role,
}

/// Open workspaces are visible to every member of the organization (guests excepted);
/// closed ones only to their members and the organization's owners and admins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WorkspaceKind {
    Open,
    Closed,
}

impl WorkspaceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            WorkspaceKind::Open => "open",
            WorkspaceKind::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "open" => Some(Self::Open),
            "closed" => Some(Self::Closed),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Workspace {
    pub id: WorkspaceId,
    pub org_id: OrgId,
    pub name: String,
    pub description: String,
    pub kind: WorkspaceKind,
    pub version: i64,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWorkspaceRequest {
    pub name: String,
    pub description: Option<String>,
    pub kind: Option<WorkspaceKind>,
    /// The organization; defaults to the first one you joined.
    pub org_id: Option<OrgId>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWorkspaceRequest {
    pub name: Option<String>,
    pub description: Option<String>,
    pub kind: Option<WorkspaceKind>,
    /// Make the write conditional (same as `If-Match`).
    pub expected_version: Option<i64>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct WorkspaceMember {
    pub user: User,
    pub added_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddWorkspaceMemberRequest {
    pub user_id: UserId,
}

/// One page of a list. `next_cursor` is `null` on the last page.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    pub data: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// A list small enough to come whole (a board's views or members, an item's updates, the
    /// templates): one page, no cursor.
    pub fn whole(data: Vec<T>) -> Page<T> {
        Page { data, next_cursor: None }
    }
}

/// Liveness / readiness answer.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct HealthStatus {
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checks: Option<serde_json::Value>,
}

/// `GET /api/v1/admin/status`: this node at a glance, for instance admins.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct AdminStatus {
    /// Sunday's version.
    pub version: String,
    /// The roles this node runs.
    pub roles: Vec<String>,
    pub store: StoreStatus,
    pub engine: EngineStatus,
    /// The service level objectives, as this node measured them since it started.
    pub slo: SloReport,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct StoreStatus {
    /// `sqlite` or `postgres`.
    pub backend: String,
    pub schema_version: i64,
    pub expected_schema_version: i64,
    pub pool_size: usize,
    pub pool_available: usize,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct EngineStatus {
    pub boards: usize,
    pub items: usize,
    /// Estimated bytes the in-memory board engine holds.
    pub bytes: usize,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SloReport {
    /// Seconds since the node started: the window of every figure here.
    pub window_secs: u64,
    /// Requests counted (probes and scrapes are not).
    pub requests: u64,
    /// Those answered with a 5xx.
    pub server_errors: u64,
    /// Share of requests without a 5xx.
    pub availability: f64,
    pub availability_objective: f64,
    pub availability_met: bool,
    /// Per route class: read, write, auth, bulk, realtime, web.
    pub classes: Vec<ClassSlo>,
    /// Events handed to WebSockets.
    pub ws_deliveries: u64,
    /// From an event's commit to its send on a socket.
    pub ws_delivery_lag: LatencySlo,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ClassSlo {
    pub class: String,
    pub requests: u64,
    pub server_errors: u64,
    pub latency: LatencySlo,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct LatencySlo {
    /// The 95th percentile (the histogram bucket's bound), absent without samples.
    pub p95_ms: Option<f64>,
    pub objective_ms: f64,
    pub met: bool,
}
