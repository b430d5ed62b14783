//! Memberships and invitations.
//!
//! Role changes count owners inside the transaction that changes the role. On PostgreSQL they
//! first lock the organization's owner rows and the target's row (`FOR UPDATE`, in user-id
//! order so concurrent callers cannot deadlock): a second concurrent demotion waits for the
//! first to commit, then counts one owner fewer. SQLite's single writer serializes them
//! already. Either way an organization can never be left ownerless. Invitations are read
//! under a row lock for the same reason: two accepts of one invitation cannot both succeed.

use sunday_store::{InviteRecord, StoreError, StoreResult};
use sunday_types::{
    dto::{Member, Org, OrgMembership, Role},
    time::Millis,
    ErrorCode, InviteId, OrgId, UserId,
};

use crate::{
    accounts::{insert_membership, org, org_cols, role, user, user_cols},
    args, stmt, Exec, Plan, Query, Refusal, SqlRow, Step, Stmt, Value,
};

static MEMBERSHIPS: Stmt = stmt!(
    "SELECT ",
    org_cols!(),
    ", m.role FROM org_members m JOIN orgs o ON o.id = m.org_id WHERE m.user_id = $1 ORDER BY m.joined_at, o.id"
);

pub fn memberships(user: UserId) -> Query<OrgMembership, Vec<OrgMembership>> {
    Query::all(&MEMBERSHIPS, args![user], |r| Ok(OrgMembership { org: org(r, 0)?, role: role(r, 3)? }))
}

static ROLE_IN: Stmt = stmt!("SELECT role FROM org_members WHERE org_id = $1 AND user_id = $2");

pub fn role_in(org: OrgId, user: UserId) -> Query<Role, Option<Role>> {
    Query::opt(&ROLE_IN, args![org, user], |r| role(r, 0))
}

fn member_row(r: &dyn SqlRow) -> StoreResult<Member> {
    Ok(Member { user: user(r, 0)?, role: role(r, 4)?, joined_at: r.time(5)? })
}

static MEMBERS: Stmt = stmt!(
    "SELECT ",
    user_cols!(),
    ", m.role, m.joined_at FROM org_members m JOIN users u ON u.id = m.user_id
     WHERE m.org_id = $1 AND m.user_id > $2 ORDER BY m.user_id LIMIT $3"
);

/// Members ordered by user id, after the cursor.
pub fn members(org: OrgId, after: Option<UserId>, limit: usize) -> Query<Member, Vec<Member>> {
    let after = after.map_or(Value::Str(""), Value::from);
    Query::all(&MEMBERS, args![org, after, Value::limit(limit)], member_row)
}

static MEMBER: Stmt = stmt!(
    "SELECT ",
    user_cols!(),
    ", m.role, m.joined_at FROM org_members m JOIN users u ON u.id = m.user_id
     WHERE m.org_id = $1 AND m.user_id = $2"
);

pub fn member(org: OrgId, user: UserId) -> Query<Member, Option<Member>> {
    Query::opt(&MEMBER, args![org, user], member_row)
}

pub fn add_member(org: OrgId, user: UserId, role: Role, now: Millis) -> Exec {
    insert_membership(org, user, role, now)
}

static LOCK_OWNERS: Stmt = stmt!(
    "{|SELECT 1 FROM org_members WHERE org_id = $1 AND (role = 'owner' OR user_id = $2)
      ORDER BY user_id FOR UPDATE}"
);
/// 1 when the member is the last owner and `$3` (the new role, NULL for removal) is not
/// `owner`; 0 when the change may go ahead; no row when `$2` is not a member.
static WOULD_LEAVE_NO_OWNER: Stmt = stmt!(
    "SELECT CASE WHEN m.role = 'owner' AND coalesce(CAST($3 AS TEXT), '') <> 'owner'
     AND (SELECT count(*) FROM org_members o WHERE o.org_id = $1 AND o.role = 'owner') <= 1 THEN 1 ELSE 0 END
     FROM org_members m WHERE m.org_id = $1 AND m.user_id = $2"
);

/// Refuses the plan with `LastOwner` when `user` is the only owner and is about to stop being
/// one (`MemberNotFound` when not a member).
fn guard_last_owner(plan: &mut Plan, org: OrgId, user: UserId, new_role: Option<Role>) {
    plan.push(Step::new(&LOCK_OWNERS, args![org, user]));
    let missing = Refusal::rejected(ErrorCode::MemberNotFound);
    let last_owner = Refusal::rejected(ErrorCode::LastOwner);
    let new_role = new_role.map(Role::as_str);
    plan.push(Step::equals(&WOULD_LEAVE_NO_OWNER, args![org, user, new_role], 0, missing, last_owner));
}

static SET_ROLE: Stmt = stmt!("UPDATE org_members SET role = $3 WHERE org_id = $1 AND user_id = $2");

pub fn set_member_role(org: OrgId, user: UserId, role: Role) -> Plan {
    let mut plan = Plan::new();
    guard_last_owner(&mut plan, org, user, Some(role));
    plan.push(Step::new(&SET_ROLE, args![org, user, role.as_str()]));
    plan
}

static LEAVE_WORKSPACES: Stmt = stmt!(
    "DELETE FROM workspace_members WHERE user_id = $2 AND workspace_id IN (SELECT id FROM workspaces WHERE org_id = $1)"
);
static REMOVE_MEMBER: Stmt = stmt!("DELETE FROM org_members WHERE org_id = $1 AND user_id = $2");
static LEAVE_BOARDS: Stmt = stmt!(
    "DELETE FROM board_members WHERE user_id = $2 AND board_id IN (SELECT b.id FROM boards b WHERE b.org_id = $1)"
);
static DROP_FOLLOWS: Stmt = stmt!(
    "DELETE FROM item_subscriptions WHERE user_id = $2 AND item_id IN
     (SELECT i.id FROM items i JOIN boards b ON b.id = i.board_id WHERE b.org_id = $1)"
);

/// Removes the membership and, in that organization, the user's workspace memberships,
/// board grants and follows: nothing of theirs keeps pointing into an organization they left.
pub fn remove_member(org: OrgId, user: UserId) -> Plan {
    let mut plan = Plan::new();
    guard_last_owner(&mut plan, org, user, None);
    plan.push(Step::new(&LEAVE_WORKSPACES, args![org, user]));
    plan.push(Step::new(&LEAVE_BOARDS, args![org, user]));
    plan.push(Step::new(&DROP_FOLLOWS, args![org, user]));
    plan.push(Step::new(&REMOVE_MEMBER, args![org, user]));
    plan
}

static INSERT_INVITE: Stmt = stmt!(
    "INSERT INTO invites (id, org_id, email, role, token_hash, invited_by, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
);

pub fn insert_invite(i: &InviteRecord) -> Exec {
    let params =
        args![i.id, i.org_id, &i.email, i.role.as_str(), &i.token_hash, i.invited_by, i.created_at, i.expires_at];
    Exec::new(&INSERT_INVITE, params)
}

/// An invitation as read for accepting it.
pub struct Invite {
    id: InviteId,
    email: String,
    role: Role,
    expires_at: Millis,
    accepted: bool,
    org: Org,
}

static INVITE: Stmt = stmt!(
    "SELECT i.id, i.email, i.role, i.expires_at, i.accepted_at, ",
    org_cols!(),
    " FROM invites i JOIN orgs o ON o.id = i.org_id WHERE i.token_hash = $1{| FOR UPDATE OF i}"
);

/// The invitation with this token hash, locked until the transaction ends; read it in the
/// transaction that then runs [`accept_invite`]'s plan.
pub fn invite(token_hash: &str) -> Query<Invite, Option<Invite>> {
    Query::opt(&INVITE, args![token_hash.to_owned()], |r| {
        Ok(Invite {
            id: r.id(0)?,
            email: r.string(1)?,
            role: role(r, 2)?,
            expires_at: r.int(3)?,
            accepted: r.opt_int(4)?.is_some(),
            org: org(r, 5)?,
        })
    })
}

static CONSUME_INVITE: Stmt = stmt!("UPDATE invites SET accepted_at = $2, accepted_by = $3 WHERE id = $1");

/// Consumes the invitation for `user` (whose email must match it): the plan marking it used
/// and adding the membership, and the organization and role joined. `InviteNotFound`,
/// `InviteInvalid` (used, expired, another email).
pub fn accept_invite(
    found: Option<Invite>,
    user: UserId,
    email: &str,
    now: Millis,
) -> StoreResult<(Plan, (Org, Role))> {
    let invite = found.ok_or(StoreError::Rejected(ErrorCode::InviteNotFound))?;
    if invite.accepted || invite.expires_at <= now || !invite.email.eq_ignore_ascii_case(email) {
        return Err(StoreError::Rejected(ErrorCode::InviteInvalid));
    }
    let mut plan = Plan::new();
    plan.push(Step::new(&CONSUME_INVITE, args![invite.id, now, user]));
    plan.push(insert_membership(invite.org.id, user, invite.role, now).into());
    Ok((plan, (invite.org, invite.role)))
}
