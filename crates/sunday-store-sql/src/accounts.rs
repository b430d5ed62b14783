//! Users, sessions and personal API tokens, and the user and organization rows other areas
//! join to.

use sunday_store::{
    scopes_from_text, scopes_to_text, ApiTokenRecord, NewUser, SessionRecord, StoreResult, UserWithPassword,
};
use sunday_types::{
    dto::{Org, OrgMembership, Role, User},
    time::Millis,
    ErrorCode, OrgId, TokenId, UserId,
};

use crate::{args, row::corrupt, stmt, Exec, Fail, Plan, Query, Rows, SqlRow, Stmt};

/// `id, email, name, created_at` of `users u`.
macro_rules! user_cols {
    () => {
        "u.id, u.email, u.name, u.created_at"
    };
}
pub(crate) use user_cols;

/// A user from the four [`user_cols!`] columns starting at `at`.
pub(crate) fn user(r: &dyn SqlRow, at: usize) -> StoreResult<User> {
    Ok(User { id: r.id(at)?, email: r.string(at + 1)?, name: r.string(at + 2)?, created_at: r.time(at + 3)? })
}

/// `id, name, created_at` of `orgs o`.
macro_rules! org_cols {
    () => {
        "o.id, o.name, o.created_at"
    };
}
pub(crate) use org_cols;

pub(crate) fn org(r: &dyn SqlRow, at: usize) -> StoreResult<Org> {
    Ok(Org { id: r.id(at)?, name: r.string(at + 1)?, created_at: r.time(at + 2)? })
}

pub(crate) fn role(r: &dyn SqlRow, idx: usize) -> StoreResult<Role> {
    Role::parse(r.text(idx)?).ok_or_else(|| corrupt(idx, "role"))
}

static INSERT_USER: Stmt =
    stmt!("INSERT INTO users (id, email, name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)");

pub fn insert_user(user: &NewUser) -> Exec {
    let params = args![user.id, &user.email, &user.name, &user.password_hash, user.created_at];
    Exec::new(&INSERT_USER, params).unique_means(Fail::Rejected(ErrorCode::EmailTaken))
}

static INSERT_MEMBERSHIP: Stmt =
    stmt!("INSERT INTO org_members (org_id, user_id, role, joined_at) VALUES ($1, $2, $3, $4)");

pub fn insert_membership(org: OrgId, user: UserId, role: Role, now: Millis) -> Exec {
    Exec::new(&INSERT_MEMBERSHIP, args![org, user, role.as_str(), now])
        .unique_means(Fail::Rejected(ErrorCode::AlreadyMember))
}

static INSERT_ORG: Stmt = stmt!("INSERT INTO orgs (id, name, created_at) VALUES ($1, $2, $3)");

/// The user, a new organization and the user's owner membership, in one transaction.
pub fn create_account(user: &NewUser, org: &Org) -> Plan {
    let mut plan = Plan::new();
    plan.push(insert_user(user).into());
    plan.push(Exec::new(&INSERT_ORG, args![org.id, &org.name, org.created_at.timestamp_millis()]).into());
    plan.push(insert_membership(org.id, user.id, Role::Owner, user.created_at).into());
    plan
}

static USER_BY_EMAIL: Stmt = stmt!("SELECT ", user_cols!(), ", u.password_hash FROM users u WHERE u.email = $1");

pub fn user_by_email(email: &str) -> Query<UserWithPassword, Option<UserWithPassword>> {
    Query::opt(&USER_BY_EMAIL, args![email.to_owned()], |r| {
        Ok(UserWithPassword { user: user(r, 0)?, password_hash: r.string(4)? })
    })
}

static USER: Stmt = stmt!("SELECT ", user_cols!(), " FROM users u WHERE u.id = $1");

pub fn user_by_id(id: UserId) -> Query<User, Option<User>> {
    Query::opt(&USER, args![id], |r| user(r, 0))
}

/// One statement (one snapshot, and on SQLite one lock cycle) for the user and their
/// organizations: the hottest read of all, behind `GET /me`.
static USER_WITH_MEMBERSHIPS: Stmt = stmt!(
    "SELECT ",
    user_cols!(),
    ", ",
    org_cols!(),
    ", m.role FROM users u LEFT JOIN org_members m ON m.user_id = u.id LEFT JOIN orgs o ON o.id = m.org_id
     WHERE u.id = $1 ORDER BY m.joined_at, o.id"
);

type UserRow = (User, Option<OrgMembership>);

fn user_membership(r: &dyn SqlRow) -> StoreResult<UserRow> {
    let membership = match r.opt_text(4)? {
        Some(_) => Some(OrgMembership { org: org(r, 4)?, role: role(r, 7)? }),
        None => None,
    };
    Ok((user(r, 0)?, membership))
}

fn with_memberships(rows: Rows<'_, UserRow>) -> StoreResult<Option<(User, Vec<OrgMembership>)>> {
    let mut found: Option<(User, Vec<OrgMembership>)> = None;
    for row in rows {
        let (user, membership) = row?;
        let entry = found.get_or_insert_with(|| (user, Vec::new()));
        entry.1.extend(membership);
    }
    Ok(found)
}

pub fn user_with_memberships(id: UserId) -> Query<UserRow, Option<(User, Vec<OrgMembership>)>> {
    Query::new(&USER_WITH_MEMBERSHIPS, args![id], user_membership, with_memberships)
}

static INSERT_SESSION: Stmt = stmt!(
    "INSERT INTO sessions (id, user_id, token_hash, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)"
);

pub fn insert_session(s: &SessionRecord) -> Exec {
    Exec::new(&INSERT_SESSION, args![s.id, s.user_id, &s.token_hash, &s.csrf_token, s.created_at, s.expires_at])
}

static SESSION_BY_HASH: Stmt = stmt!(
    "SELECT id, user_id, token_hash, csrf_token, created_at, expires_at FROM sessions
     WHERE token_hash = $1 AND expires_at > $2"
);

/// The unexpired session with this token hash.
pub fn session_by_hash(hash: &str, now: Millis) -> Query<SessionRecord, Option<SessionRecord>> {
    Query::opt(&SESSION_BY_HASH, args![hash.to_owned(), now], |r| {
        Ok(SessionRecord {
            id: r.id(0)?,
            user_id: r.id(1)?,
            token_hash: r.string(2)?,
            csrf_token: r.string(3)?,
            created_at: r.int(4)?,
            expires_at: r.int(5)?,
        })
    })
}

static DELETE_SESSION: Stmt = stmt!("DELETE FROM sessions WHERE token_hash = $1");

pub fn delete_session(hash: &str) -> Exec {
    Exec::new(&DELETE_SESSION, args![hash.to_owned()])
}

macro_rules! token_cols {
    () => {
        "id, user_id, name, token_hash, scopes, created_at, expires_at, last_used_at"
    };
}

fn token(r: &dyn SqlRow) -> StoreResult<ApiTokenRecord> {
    Ok(ApiTokenRecord {
        id: r.id(0)?,
        user_id: r.id(1)?,
        name: r.string(2)?,
        token_hash: r.string(3)?,
        scopes: scopes_from_text(r.text(4)?),
        created_at: r.int(5)?,
        expires_at: r.opt_int(6)?,
        last_used_at: r.opt_int(7)?,
    })
}

static INSERT_API_TOKEN: Stmt =
    stmt!("INSERT INTO api_tokens (", token_cols!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");

pub fn insert_api_token(t: &ApiTokenRecord) -> Exec {
    let params = args![
        t.id,
        t.user_id,
        &t.name,
        &t.token_hash,
        scopes_to_text(&t.scopes),
        t.created_at,
        t.expires_at,
        t.last_used_at
    ];
    Exec::new(&INSERT_API_TOKEN, params)
}

static API_TOKEN_BY_HASH: Stmt = stmt!(
    "SELECT ",
    token_cols!(),
    " FROM api_tokens
     WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)"
);

/// The unrevoked, unexpired token with this hash.
pub fn api_token_by_hash(hash: &str, now: Millis) -> Query<ApiTokenRecord, Option<ApiTokenRecord>> {
    Query::opt(&API_TOKEN_BY_HASH, args![hash.to_owned(), now], token)
}

static API_TOKENS: Stmt = stmt!(
    "SELECT ",
    token_cols!(),
    " FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC, id DESC"
);

/// The user's unrevoked tokens, newest first.
pub fn api_tokens(user: UserId) -> Query<ApiTokenRecord, Vec<ApiTokenRecord>> {
    Query::all(&API_TOKENS, args![user], token)
}

static REVOKE_API_TOKEN: Stmt =
    stmt!("UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL");

pub fn revoke_api_token(user: UserId, id: TokenId, now: Millis) -> Exec {
    Exec::new(&REVOKE_API_TOKEN, args![id, user, now])
}

static TOUCH_API_TOKEN: Stmt = stmt!("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1");

pub fn touch_api_token(id: TokenId, now: Millis) -> Exec {
    Exec::new(&TOUCH_API_TOKEN, args![id, now])
}
