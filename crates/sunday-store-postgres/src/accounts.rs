//! Users, sessions and personal API tokens.

use deadpool_postgres::GenericClient;
use sunday_store::{
    scopes_from_text, scopes_to_text, ApiTokenRecord, NewUser, SessionRecord, StoreResult, UserWithPassword,
};
use sunday_types::{
    dto::{Org, Role, User},
    time::Millis,
    ErrorCode, TokenId, UserId,
};
use tokio_postgres::Row;

use crate::rows::{self, db_err, get, parse, unique_as, USER_COLS};

pub async fn insert_user<C: GenericClient>(tx: &C, user: &NewUser) -> StoreResult<()> {
    rows::execute(
        tx,
        "INSERT INTO users (id, email, name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
        &[&user.id.to_string(), &user.email, &user.name, &user.password_hash, &user.created_at],
    )
    .await
    .map_err(unique_as(ErrorCode::EmailTaken))?;
    Ok(())
}

pub async fn insert_membership<C: GenericClient>(
    tx: &C,
    org: &str,
    user: &str,
    role: Role,
    now: Millis,
) -> StoreResult<()> {
    rows::execute(
        tx,
        "INSERT INTO org_members (org_id, user_id, role, joined_at) VALUES ($1, $2, $3, $4)",
        &[&org, &user, &role.as_str(), &now],
    )
    .await
    .map_err(unique_as(ErrorCode::AlreadyMember))?;
    Ok(())
}

pub async fn create_account<C: GenericClient>(tx: &C, user: &NewUser, org: &Org) -> StoreResult<()> {
    insert_user(tx, user).await?;
    rows::execute(
        tx,
        "INSERT INTO orgs (id, name, created_at) VALUES ($1, $2, $3)",
        &[&org.id.to_string(), &org.name, &org.created_at.timestamp_millis()],
    )
    .await
    .map_err(db_err)?;
    insert_membership(tx, &org.id.to_string(), &user.id.to_string(), Role::Owner, user.created_at).await
}

pub async fn user_by_email<C: GenericClient>(c: &C, email: &str) -> StoreResult<Option<UserWithPassword>> {
    let sql = format!("SELECT {USER_COLS}, u.password_hash FROM users u WHERE u.email = $1");
    rows::query_opt(c, &sql, &[&email])
        .await?
        .map(|r| Ok(UserWithPassword { user: rows::user(&r, 0)?, password_hash: get(&r, 4)? }))
        .transpose()
}

pub async fn user<C: GenericClient>(c: &C, id: UserId) -> StoreResult<Option<User>> {
    let sql = format!("SELECT {USER_COLS} FROM users u WHERE u.id = $1");
    rows::query_opt(c, &sql, &[&id.to_string()]).await?.map(|r| rows::user(&r, 0)).transpose()
}

pub async fn insert_session<C: GenericClient>(c: &C, s: &SessionRecord) -> StoreResult<()> {
    rows::execute(
        c,
        "INSERT INTO sessions (id, user_id, token_hash, csrf_token, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[&s.id.to_string(), &s.user_id.to_string(), &s.token_hash, &s.csrf_token, &s.created_at, &s.expires_at],
    )
    .await
    .map_err(db_err)?;
    Ok(())
}

pub async fn session_by_hash<C: GenericClient>(c: &C, hash: &str, now: Millis) -> StoreResult<Option<SessionRecord>> {
    let sql = "SELECT id, user_id, token_hash, csrf_token, created_at, expires_at FROM sessions
               WHERE token_hash = $1 AND expires_at > $2";
    let Some(r) = rows::query_opt(c, sql, &[&hash, &now]).await? else {
        return Ok(None);
    };
    Ok(Some(SessionRecord {
        id: parse(&r, 0)?,
        user_id: parse(&r, 1)?,
        token_hash: get(&r, 2)?,
        csrf_token: get(&r, 3)?,
        created_at: get(&r, 4)?,
        expires_at: get(&r, 5)?,
    }))
}

pub async fn delete_session<C: GenericClient>(c: &C, hash: &str) -> StoreResult<bool> {
    rows::execute(c, "DELETE FROM sessions WHERE token_hash = $1", &[&hash]).await.map(|n| n > 0).map_err(db_err)
}

const TOKEN_COLS: &str = "id, user_id, name, token_hash, scopes, created_at, expires_at, last_used_at";

fn token(r: &Row) -> StoreResult<ApiTokenRecord> {
    Ok(ApiTokenRecord {
        id: parse(r, 0)?,
        user_id: parse(r, 1)?,
        name: get(r, 2)?,
        token_hash: get(r, 3)?,
        scopes: scopes_from_text(get(r, 4)?),
        created_at: get(r, 5)?,
        expires_at: get(r, 6)?,
        last_used_at: get(r, 7)?,
    })
}

pub async fn insert_api_token<C: GenericClient>(c: &C, t: &ApiTokenRecord) -> StoreResult<()> {
    let sql = format!("INSERT INTO api_tokens ({TOKEN_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
    rows::execute(
        c,
        &sql,
        &[
            &t.id.to_string(),
            &t.user_id.to_string(),
            &t.name,
            &t.token_hash,
            &scopes_to_text(&t.scopes),
            &t.created_at,
            &t.expires_at,
            &t.last_used_at,
        ],
    )
    .await
    .map_err(db_err)?;
    Ok(())
}

pub async fn api_token_by_hash<C: GenericClient>(
    c: &C,
    hash: &str,
    now: Millis,
) -> StoreResult<Option<ApiTokenRecord>> {
    let sql = format!(
        "SELECT {TOKEN_COLS} FROM api_tokens
         WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)"
    );
    rows::query_opt(c, &sql, &[&hash, &now]).await?.map(|r| token(&r)).transpose()
}

pub async fn api_tokens<C: GenericClient>(c: &C, user: UserId) -> StoreResult<Vec<ApiTokenRecord>> {
    let sql = format!(
        "SELECT {TOKEN_COLS} FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL
         ORDER BY created_at DESC, id DESC"
    );
    rows::query(c, &sql, &[&user.to_string()]).await?.iter().map(token).collect()
}

pub async fn revoke_api_token<C: GenericClient>(c: &C, user: UserId, id: TokenId, now: Millis) -> StoreResult<bool> {
    rows::execute(
        c,
        "UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL",
        &[&id.to_string(), &user.to_string(), &now],
    )
    .await
    .map(|n| n > 0)
    .map_err(db_err)
}

pub async fn touch_api_token<C: GenericClient>(c: &C, id: TokenId, now: Millis) -> StoreResult<()> {
    rows::execute(c, "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1", &[&id.to_string(), &now])
        .await
        .map_err(db_err)?;
    Ok(())
}
