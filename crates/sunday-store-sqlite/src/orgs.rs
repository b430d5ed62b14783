//! Memberships and invitations. Role changes count owners inside the same immediate
//! transaction, so two concurrent demotions can never leave an organization ownerless.

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use sunday_store::{InviteRecord, NewUser, StoreError, StoreResult};
use sunday_types::{
    dto::{Member, Org, OrgMembership, Role},
    time::{to_datetime, Millis},
    ErrorCode, OrgId, UserId,
};

use crate::{
    accounts::{insert_membership, insert_user},
    rows::{self, db_err, org_cols, ORG_COLS, USER_COLS},
};

pub fn memberships(c: &Connection, user: UserId) -> StoreResult<Vec<OrgMembership>> {
    c.prepare_cached(concat!(
        "SELECT ",
        org_cols!(),
        ", m.role FROM org_members m JOIN orgs o ON o.id = m.org_id WHERE m.user_id = ?1 ORDER BY m.joined_at, o.id"
    ))
    .and_then(|mut s| {
        s.query_map([user.to_string()], |r| Ok(OrgMembership { org: rows::org(r, 0)?, role: rows::role(r, 3)? }))?
            .collect()
    })
    .map_err(db_err)
}

pub fn role_in(c: &Connection, org: OrgId, user: UserId) -> StoreResult<Option<Role>> {
    c.prepare_cached("SELECT role FROM org_members WHERE org_id = ?1 AND user_id = ?2")
        .and_then(|mut s| s.query_row([org.to_string(), user.to_string()], |r| rows::role(r, 0)).optional())
        .map_err(db_err)
}

pub fn members(c: &Connection, org: OrgId, after: Option<UserId>, limit: usize) -> StoreResult<Vec<Member>> {
    let after = after.map(|u| u.to_string()).unwrap_or_default();
    c.prepare_cached(&format!(
        "SELECT {USER_COLS}, m.role, m.joined_at FROM org_members m JOIN users u ON u.id = m.user_id
         WHERE m.org_id = ?1 AND m.user_id > ?2 ORDER BY m.user_id LIMIT ?3"
    ))
    .and_then(|mut s| {
        s.query_map(params![org.to_string(), after, limit as i64], |r| {
            Ok(Member { user: rows::user(r, 0)?, role: rows::role(r, 4)?, joined_at: to_datetime(r.get(5)?) })
        })?
        .collect()
    })
    .map_err(db_err)
}

pub fn member(c: &Connection, org: OrgId, user: UserId) -> StoreResult<Option<Member>> {
    c.prepare_cached(&format!(
        "SELECT {USER_COLS}, m.role, m.joined_at FROM org_members m JOIN users u ON u.id = m.user_id
         WHERE m.org_id = ?1 AND m.user_id = ?2"
    ))
    .and_then(|mut s| {
        s.query_row(params![org.to_string(), user.to_string()], |r| {
            Ok(Member { user: rows::user(r, 0)?, role: rows::role(r, 4)?, joined_at: to_datetime(r.get(5)?) })
        })
        .optional()
    })
    .map_err(db_err)
}

pub fn add_member(tx: &Transaction<'_>, org: OrgId, user: UserId, role: Role, now: Millis) -> StoreResult<()> {
    insert_membership(tx, &org.to_string(), &user.to_string(), role, now)
}

/// Fails with `LastOwner` when `user` is the only owner and is about to stop being one.
fn guard_last_owner(tx: &Transaction<'_>, org: OrgId, user: UserId, new_role: Option<Role>) -> StoreResult<()> {
    let current = role_in(tx, org, user)?.ok_or(StoreError::Rejected(ErrorCode::MemberNotFound))?;
    if current == Role::Owner && new_role != Some(Role::Owner) {
        let owners: i64 = tx
            .query_row(
                "SELECT count(*) FROM org_members WHERE org_id = ?1 AND role = 'owner'",
                [org.to_string()],
                |r| r.get(0),
            )
            .map_err(db_err)?;
        if owners <= 1 {
            return Err(StoreError::Rejected(ErrorCode::LastOwner));
        }
    }
    Ok(())
}

pub fn set_member_role(tx: &Transaction<'_>, org: OrgId, user: UserId, role: Role) -> StoreResult<()> {
    guard_last_owner(tx, org, user, Some(role))?;
    tx.execute(
        "UPDATE org_members SET role = ?3 WHERE org_id = ?1 AND user_id = ?2",
        params![org.to_string(), user.to_string(), role.as_str()],
    )
    .map_err(db_err)?;
    Ok(())
}

pub fn remove_member(tx: &Transaction<'_>, org: OrgId, user: UserId) -> StoreResult<()> {
    guard_last_owner(tx, org, user, None)?;
    let (org, user) = (org.to_string(), user.to_string());
    tx.execute(
        "DELETE FROM workspace_members WHERE user_id = ?2
         AND workspace_id IN (SELECT id FROM workspaces WHERE org_id = ?1)",
        params![org, user],
    )
    .map_err(db_err)?;
    tx.execute("DELETE FROM org_members WHERE org_id = ?1 AND user_id = ?2", params![org, user]).map_err(db_err)?;
    Ok(())
}

pub fn insert_invite(c: &Connection, i: &InviteRecord) -> StoreResult<()> {
    c.execute(
        "INSERT INTO invites (id, org_id, email, role, token_hash, invited_by, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            i.id.to_string(),
            i.org_id.to_string(),
            i.email,
            i.role.as_str(),
            i.token_hash,
            i.invited_by.to_string(),
            i.created_at,
            i.expires_at
        ],
    )
    .map_err(db_err)?;
    Ok(())
}

/// Marks the invitation used by `user` (whose email must match) and returns its org and role.
fn consume_invite(
    tx: &Transaction<'_>,
    hash: &str,
    user: UserId,
    email: &str,
    now: Millis,
) -> StoreResult<(Org, Role)> {
    let found = tx
        .query_row(
            &format!(
                "SELECT i.id, i.email, i.role, i.expires_at, i.accepted_at, {ORG_COLS}
                 FROM invites i JOIN orgs o ON o.id = i.org_id WHERE i.token_hash = ?1"
            ),
            [hash],
            |r| {
                let id: String = r.get(0)?;
                let email: String = r.get(1)?;
                let role = rows::role(r, 2)?;
                let expires_at: Millis = r.get(3)?;
                let accepted_at: Option<Millis> = r.get(4)?;
                Ok((id, email, role, expires_at, accepted_at, rows::org(r, 5)?))
            },
        )
        .optional()
        .map_err(db_err)?;
    let (id, invited_email, role, expires_at, accepted_at, org) =
        found.ok_or(StoreError::Rejected(ErrorCode::InviteNotFound))?;
    if accepted_at.is_some() || expires_at <= now || !invited_email.eq_ignore_ascii_case(email) {
        return Err(StoreError::Rejected(ErrorCode::InviteInvalid));
    }
    tx.execute(
        "UPDATE invites SET accepted_at = ?2, accepted_by = ?3 WHERE id = ?1",
        params![id, now, user.to_string()],
    )
    .map_err(db_err)?;
    insert_membership(tx, &org.id.to_string(), &user.to_string(), role, now)?;
    Ok((org, role))
}

pub fn accept_invite(
    tx: &Transaction<'_>,
    hash: &str,
    user: UserId,
    email: &str,
    now: Millis,
) -> StoreResult<(Org, Role)> {
    consume_invite(tx, hash, user, email, now)
}

pub fn create_invited_account(
    tx: &Transaction<'_>,
    user: &NewUser,
    hash: &str,
    now: Millis,
) -> StoreResult<(Org, Role)> {
    insert_user(tx, user)?;
    consume_invite(tx, hash, user.id, &user.email, now)
}
