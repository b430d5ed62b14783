//! Memberships and invitations.
//!
//! Role changes lock the organization's owner rows and the target's row (`FOR UPDATE`, in
//! user-id order so concurrent callers cannot deadlock) before counting owners: a second
//! concurrent demotion waits for the first to commit, then sees one owner fewer, so an
//! organization can never be left ownerless. Invitations are consumed under a row lock for
//! the same reason: two accepts of one invitation cannot both succeed.

use deadpool_postgres::GenericClient;
use sunday_store::{InviteRecord, NewUser, StoreError, StoreResult};
use sunday_types::{
    dto::{Member, Org, OrgMembership, Role},
    time::{to_datetime, Millis},
    ErrorCode, OrgId, UserId,
};

use crate::{
    accounts::{insert_membership, insert_user},
    rows::{self, db_err, get, ORG_COLS, USER_COLS},
};

pub async fn memberships<C: GenericClient>(c: &C, user: UserId) -> StoreResult<Vec<OrgMembership>> {
    let sql = format!(
        "SELECT {ORG_COLS}, m.role FROM org_members m JOIN orgs o ON o.id = m.org_id
         WHERE m.user_id = $1 ORDER BY m.joined_at, o.id"
    );
    rows::query(c, &sql, &[&user.to_string()])
        .await?
        .iter()
        .map(|r| Ok(OrgMembership { org: rows::org(r, 0)?, role: rows::role(r, 3)? }))
        .collect()
}

pub async fn role_in<C: GenericClient>(c: &C, org: OrgId, user: UserId) -> StoreResult<Option<Role>> {
    let sql = "SELECT role FROM org_members WHERE org_id = $1 AND user_id = $2";
    rows::query_opt(c, sql, &[&org.to_string(), &user.to_string()]).await?.map(|r| rows::role(&r, 0)).transpose()
}

pub async fn members<C: GenericClient>(
    c: &C,
    org: OrgId,
    after: Option<UserId>,
    limit: usize,
) -> StoreResult<Vec<Member>> {
    let after = after.map(|u| u.to_string()).unwrap_or_default();
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let sql = format!(
        "SELECT {USER_COLS}, m.role, m.joined_at FROM org_members m JOIN users u ON u.id = m.user_id
         WHERE m.org_id = $1 AND m.user_id > $2 ORDER BY m.user_id LIMIT $3"
    );
    rows::query(c, &sql, &[&org.to_string(), &after, &limit])
        .await?
        .iter()
        .map(|r| Ok(Member { user: rows::user(r, 0)?, role: rows::role(r, 4)?, joined_at: to_datetime(get(r, 5)?) }))
        .collect()
}

pub async fn member<C: GenericClient>(c: &C, org: OrgId, user: UserId) -> StoreResult<Option<Member>> {
    let sql = format!(
        "SELECT {USER_COLS}, m.role, m.joined_at FROM org_members m JOIN users u ON u.id = m.user_id
         WHERE m.org_id = $1 AND m.user_id = $2"
    );
    rows::query_opt(c, &sql, &[&org.to_string(), &user.to_string()])
        .await?
        .map(|r| Ok(Member { user: rows::user(&r, 0)?, role: rows::role(&r, 4)?, joined_at: to_datetime(get(&r, 5)?) }))
        .transpose()
}

pub async fn add_member<C: GenericClient>(c: &C, org: OrgId, user: UserId, role: Role, now: Millis) -> StoreResult<()> {
    insert_membership(c, &org.to_string(), &user.to_string(), role, now).await
}

/// Fails with `LastOwner` when `user` is the only owner and is about to stop being one
/// (`MemberNotFound` when not a member). Must run inside the transaction that then changes
/// the membership: the rows it reads stay locked until that transaction ends.
async fn guard_last_owner<C: GenericClient>(
    tx: &C,
    org: OrgId,
    user: UserId,
    new_role: Option<Role>,
) -> StoreResult<()> {
    let user = user.to_string();
    let locked = rows::query(
        tx,
        "SELECT user_id, role FROM org_members
         WHERE org_id = $1 AND (role = 'owner' OR user_id = $2) ORDER BY user_id FOR UPDATE",
        &[&org.to_string(), &user],
    )
    .await?;
    let mut current = None;
    let mut owners = 0usize;
    for r in &locked {
        let role = rows::role(r, 1)?;
        if role == Role::Owner {
            owners += 1;
        }
        if get::<&str>(r, 0)? == user {
            current = Some(role);
        }
    }
    let current = current.ok_or(StoreError::Rejected(ErrorCode::MemberNotFound))?;
    if current == Role::Owner && new_role != Some(Role::Owner) && owners <= 1 {
        return Err(StoreError::Rejected(ErrorCode::LastOwner));
    }
    Ok(())
}

pub async fn set_member_role<C: GenericClient>(tx: &C, org: OrgId, user: UserId, role: Role) -> StoreResult<()> {
    guard_last_owner(tx, org, user, Some(role)).await?;
    rows::execute(
        tx,
        "UPDATE org_members SET role = $3 WHERE org_id = $1 AND user_id = $2",
        &[&org.to_string(), &user.to_string(), &role.as_str()],
    )
    .await
    .map_err(db_err)?;
    Ok(())
}

pub async fn remove_member<C: GenericClient>(tx: &C, org: OrgId, user: UserId) -> StoreResult<()> {
    guard_last_owner(tx, org, user, None).await?;
    let (org, user) = (org.to_string(), user.to_string());
    rows::execute(
        tx,
        "DELETE FROM workspace_members WHERE user_id = $2
         AND workspace_id IN (SELECT id FROM workspaces WHERE org_id = $1)",
        &[&org, &user],
    )
    .await
    .map_err(db_err)?;
    rows::execute(tx, "DELETE FROM org_members WHERE org_id = $1 AND user_id = $2", &[&org, &user])
        .await
        .map_err(db_err)?;
    Ok(())
}

pub async fn insert_invite<C: GenericClient>(c: &C, i: &InviteRecord) -> StoreResult<()> {
    rows::execute(
        c,
        "INSERT INTO invites (id, org_id, email, role, token_hash, invited_by, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &[
            &i.id.to_string(),
            &i.org_id.to_string(),
            &i.email,
            &i.role.as_str(),
            &i.token_hash,
            &i.invited_by.to_string(),
            &i.created_at,
            &i.expires_at,
        ],
    )
    .await
    .map_err(db_err)?;
    Ok(())
}

/// Marks the invitation used by `user` (whose email must match) and returns its org and role.
async fn consume_invite<C: GenericClient>(
    tx: &C,
    hash: &str,
    user: UserId,
    email: &str,
    now: Millis,
) -> StoreResult<(Org, Role)> {
    let sql = format!(
        "SELECT i.id, i.email, i.role, i.expires_at, i.accepted_at, {ORG_COLS}
         FROM invites i JOIN orgs o ON o.id = i.org_id WHERE i.token_hash = $1 FOR UPDATE OF i"
    );
    let r = rows::query_opt(tx, &sql, &[&hash]).await?.ok_or(StoreError::Rejected(ErrorCode::InviteNotFound))?;
    let id: &str = get(&r, 0)?;
    let invited_email: &str = get(&r, 1)?;
    let role = rows::role(&r, 2)?;
    let expires_at: Millis = get(&r, 3)?;
    let accepted_at: Option<Millis> = get(&r, 4)?;
    let org = rows::org(&r, 5)?;
    if accepted_at.is_some() || expires_at <= now || !invited_email.eq_ignore_ascii_case(email) {
        return Err(StoreError::Rejected(ErrorCode::InviteInvalid));
    }
    rows::execute(
        tx,
        "UPDATE invites SET accepted_at = $2, accepted_by = $3 WHERE id = $1",
        &[&id, &now, &user.to_string()],
    )
    .await
    .map_err(db_err)?;
    insert_membership(tx, &org.id.to_string(), &user.to_string(), role, now).await?;
    Ok((org, role))
}

pub async fn accept_invite<C: GenericClient>(
    tx: &C,
    hash: &str,
    user: UserId,
    email: &str,
    now: Millis,
) -> StoreResult<(Org, Role)> {
    consume_invite(tx, hash, user, email, now).await
}

pub async fn create_invited_account<C: GenericClient>(
    tx: &C,
    user: &NewUser,
    hash: &str,
    now: Millis,
) -> StoreResult<(Org, Role)> {
    insert_user(tx, user).await?;
    consume_invite(tx, hash, user.id, &user.email, now).await
}
