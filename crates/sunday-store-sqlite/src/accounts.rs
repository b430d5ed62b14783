//! Users, sessions and personal API tokens.

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use sunday_store::{
    scopes_from_text, scopes_to_text, ApiTokenRecord, NewUser, SessionRecord, StoreError, StoreResult, UserWithPassword,
};
use sunday_types::{
    dto::{Org, OrgMembership, Role, User},
    time::Millis,
    ErrorCode, TokenId, UserId,
};

use crate::rows::{self, db_err, is_unique_violation, org_cols, user_cols, USER_COLS};

pub fn insert_user(tx: &Transaction<'_>, user: &NewUser) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO users (id, email, name, password_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![user.id.to_string(), user.email, user.name, user.password_hash, user.created_at],
    )
    .map_err(|e| if is_unique_violation(&e) { StoreError::Rejected(ErrorCode::EmailTaken) } else { db_err(e) })?;
    Ok(())
}

pub fn insert_membership(tx: &Transaction<'_>, org: &str, user: &str, role: Role, now: Millis) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO org_members (org_id, user_id, role, joined_at) VALUES (?1, ?2, ?3, ?4)",
        params![org, user, role.as_str(), now],
    )
    .map_err(|e| if is_unique_violation(&e) { StoreError::Rejected(ErrorCode::AlreadyMember) } else { db_err(e) })?;
    Ok(())
}

pub fn create_account(tx: &Transaction<'_>, user: &NewUser, org: &Org) -> StoreResult<()> {
    insert_user(tx, user)?;
    tx.execute(
        "INSERT INTO orgs (id, name, created_at) VALUES (?1, ?2, ?3)",
        params![org.id.to_string(), org.name, org.created_at.timestamp_millis()],
    )
    .map_err(db_err)?;
    insert_membership(tx, &org.id.to_string(), &user.id.to_string(), Role::Owner, user.created_at)
}

pub fn user_by_email(c: &Connection, email: &str) -> StoreResult<Option<UserWithPassword>> {
    c.prepare_cached(&format!("SELECT {USER_COLS}, u.password_hash FROM users u WHERE u.email = ?1"))
        .and_then(|mut s| {
            s.query_row([email], |r| Ok(UserWithPassword { user: rows::user(r, 0)?, password_hash: r.get(4)? }))
                .optional()
        })
        .map_err(db_err)
}

pub fn user(c: &Connection, id: UserId) -> StoreResult<Option<sunday_types::dto::User>> {
    c.prepare_cached(concat!("SELECT ", user_cols!(), " FROM users u WHERE u.id = ?1"))
        .and_then(|mut s| s.query_row([id.to_string()], |r| rows::user(r, 0)).optional())
        .map_err(db_err)
}

/// One statement (one snapshot, one lock cycle) for the user and their organizations: the
/// hottest read of all, behind `GET /me`.
pub fn user_with_memberships(c: &Connection, id: UserId) -> StoreResult<Option<(User, Vec<OrgMembership>)>> {
    let mut stmt = c
        .prepare_cached(concat!(
            "SELECT ",
            user_cols!(),
            ", ",
            org_cols!(),
            ", m.role FROM users u LEFT JOIN org_members m ON m.user_id = u.id LEFT JOIN orgs o ON o.id = m.org_id
             WHERE u.id = ?1 ORDER BY m.joined_at, o.id"
        ))
        .map_err(db_err)?;
    let mut rows = stmt.query([id.to_string()]).map_err(db_err)?;
    let mut found: Option<(User, Vec<OrgMembership>)> = None;
    while let Some(r) = rows.next().map_err(db_err)? {
        let entry = match &mut found {
            Some(e) => e,
            None => found.insert((rows::user(r, 0).map_err(db_err)?, Vec::new())),
        };
        if r.get_ref(4).map_err(db_err)?.as_str_or_null().map_err(|e| db_err(e.into()))?.is_some() {
            entry
                .1
                .push(OrgMembership { org: rows::org(r, 4).map_err(db_err)?, role: rows::role(r, 7).map_err(db_err)? });
        }
    }
    Ok(found)
}

pub fn insert_session(c: &Connection, s: &SessionRecord) -> StoreResult<()> {
    c.execute(
        "INSERT INTO sessions (id, user_id, token_hash, csrf_token, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![s.id.to_string(), s.user_id.to_string(), s.token_hash, s.csrf_token, s.created_at, s.expires_at],
    )
    .map_err(db_err)?;
    Ok(())
}

pub fn session_by_hash(c: &Connection, hash: &str, now: Millis) -> StoreResult<Option<SessionRecord>> {
    c.prepare_cached(
        "SELECT id, user_id, token_hash, csrf_token, created_at, expires_at FROM sessions
         WHERE token_hash = ?1 AND expires_at > ?2",
    )
    .and_then(|mut s| {
        s.query_row(params![hash, now], |r| {
            Ok(SessionRecord {
                id: rows::parse(r, 0)?,
                user_id: rows::parse(r, 1)?,
                token_hash: r.get(2)?,
                csrf_token: r.get(3)?,
                created_at: r.get(4)?,
                expires_at: r.get(5)?,
            })
        })
        .optional()
    })
    .map_err(db_err)
}

pub fn delete_session(c: &Connection, hash: &str) -> StoreResult<bool> {
    c.execute("DELETE FROM sessions WHERE token_hash = ?1", [hash]).map(|n| n > 0).map_err(db_err)
}

const TOKEN_COLS: &str = "id, user_id, name, token_hash, scopes, created_at, expires_at, last_used_at";

fn token(r: &rusqlite::Row<'_>) -> rusqlite::Result<ApiTokenRecord> {
    let scopes: String = r.get(4)?;
    Ok(ApiTokenRecord {
        id: rows::parse(r, 0)?,
        user_id: rows::parse(r, 1)?,
        name: r.get(2)?,
        token_hash: r.get(3)?,
        scopes: scopes_from_text(&scopes),
        created_at: r.get(5)?,
        expires_at: r.get(6)?,
        last_used_at: r.get(7)?,
    })
}

pub fn insert_api_token(c: &Connection, t: &ApiTokenRecord) -> StoreResult<()> {
    c.execute(
        &format!("INSERT INTO api_tokens ({TOKEN_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
        params![
            t.id.to_string(),
            t.user_id.to_string(),
            t.name,
            t.token_hash,
            scopes_to_text(&t.scopes),
            t.created_at,
            t.expires_at,
            t.last_used_at
        ],
    )
    .map_err(db_err)?;
    Ok(())
}

pub fn api_token_by_hash(c: &Connection, hash: &str, now: Millis) -> StoreResult<Option<ApiTokenRecord>> {
    c.prepare_cached(&format!(
        "SELECT {TOKEN_COLS} FROM api_tokens
         WHERE token_hash = ?1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?2)"
    ))
    .and_then(|mut s| s.query_row(params![hash, now], token).optional())
    .map_err(db_err)
}

pub fn api_tokens(c: &Connection, user: UserId) -> StoreResult<Vec<ApiTokenRecord>> {
    c.prepare_cached(&format!(
        "SELECT {TOKEN_COLS} FROM api_tokens WHERE user_id = ?1 AND revoked_at IS NULL ORDER BY created_at DESC, id DESC"
    ))
    .and_then(|mut s| s.query_map([user.to_string()], token)?.collect())
    .map_err(db_err)
}

pub fn revoke_api_token(c: &Connection, user: UserId, id: TokenId, now: Millis) -> StoreResult<bool> {
    c.execute(
        "UPDATE api_tokens SET revoked_at = ?3 WHERE id = ?1 AND user_id = ?2 AND revoked_at IS NULL",
        params![id.to_string(), user.to_string(), now],
    )
    .map(|n| n > 0)
    .map_err(db_err)
}

pub fn touch_api_token(c: &Connection, id: TokenId, now: Millis) -> StoreResult<()> {
    c.execute("UPDATE api_tokens SET last_used_at = ?2 WHERE id = ?1", params![id.to_string(), now]).map_err(db_err)?;
    Ok(())
}
