//! What the stores persist beyond the public DTOs: secrets as hashes, expiries, cursors.

use sunday_types::{
    dto::{Role, Scope, User, WorkspaceKind},
    time::Millis,
    InviteId, OrgId, SessionId, TokenId, UserId,
};

#[derive(Clone, Debug)]
pub struct NewUser {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub created_at: Millis,
}

#[derive(Clone, Debug)]
pub struct UserWithPassword {
    pub user: User,
    pub password_hash: String,
}

/// A login session. Only the SHA-256 of the bearer token is stored.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionRecord {
    pub id: SessionId,
    pub user_id: UserId,
    pub token_hash: String,
    pub csrf_token: String,
    pub created_at: Millis,
    pub expires_at: Millis,
}

/// A personal API token. Only the SHA-256 of the secret is stored.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiTokenRecord {
    pub id: TokenId,
    pub user_id: UserId,
    pub name: String,
    pub token_hash: String,
    pub scopes: Vec<Scope>,
    pub created_at: Millis,
    pub expires_at: Option<Millis>,
    pub last_used_at: Option<Millis>,
}

/// Scopes as stored: a comma-separated list.
pub fn scopes_to_text(scopes: &[Scope]) -> String {
    scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",")
}

pub fn scopes_from_text(text: &str) -> Vec<Scope> {
    text.split(',').filter_map(Scope::parse).collect()
}

#[derive(Clone, Debug)]
pub struct InviteRecord {
    pub id: InviteId,
    pub org_id: OrgId,
    pub email: String,
    pub role: Role,
    pub token_hash: String,
    pub invited_by: UserId,
    pub created_at: Millis,
    pub expires_at: Millis,
}

/// Which workspaces of an organization a listing shows.
#[derive(Clone, Copy, Debug)]
pub enum WorkspaceFilter {
    /// Every workspace (owners and admins).
    All,
    /// Open workspaces and the closed ones the user belongs to (members, viewers).
    OpenOrMemberOf(UserId),
    /// Only those the user belongs to (guests).
    MemberOf(UserId),
}

#[derive(Clone, Debug, Default)]
pub struct WorkspacePatch {
    pub name: Option<String>,
    pub description: Option<String>,
    pub kind: Option<WorkspaceKind>,
    pub expected_version: Option<i64>,
}

/// One table's rows of an organization archive, each row a JSON object of its columns (text,
/// integers and nulls, as both stores hold them).
#[derive(Clone, Debug, PartialEq)]
pub struct TableRows {
    pub table: String,
    pub rows: Vec<serde_json::Map<String, serde_json::Value>>,
}
