//! Organization membership and invitations. A caller who is not a member of the organization
//! gets `org_not_found`, exactly as if it did not exist; a member without the right role gets
//! `forbidden`.

use std::sync::Arc;

use sunday_domain::{permissions, Email};
use sunday_store::{InviteRecord, Store};
use sunday_types::{
    dto::{AcceptInviteResponse, CreateInviteRequest, Invite, Member, Page, Role, Scope},
    time::{now_millis, to_datetime},
    ApiError, ErrorCode, InviteId, OrgId, UserId,
};

use crate::{
    crypto::{self, INVITE_PREFIX},
    cursor,
    directory::Directory,
    org_archive, Actor, AppSettings,
};

#[derive(Clone)]
pub struct OrgService {
    store: Arc<dyn Store>,
    directory: Directory,
    settings: AppSettings,
}

impl OrgService {
    pub fn new(store: Arc<dyn Store>, directory: Directory, settings: AppSettings) -> Self {
        OrgService { store, directory, settings }
    }

    /// The organization as an archive (`crate::org_archive`) in a temporary file, for its
    /// owners to download: every workspace, board, item, update, view, permission and the
    /// event log, the members without their password hashes.
    pub async fn export_archive(&self, actor: &Actor, org: OrgId) -> Result<tempfile::NamedTempFile, ApiError> {
        let role = self.role_of(actor, org).await?;
        actor.require_scope(Scope::Admin)?;
        if role != Role::Owner {
            return Err(ApiError::new(ErrorCode::Forbidden, "only the organization's owners export it"));
        }
        let file = tempfile::NamedTempFile::new().map_err(ApiError::internal)?;
        org_archive::export(self.store.as_ref(), org, file.path(), org_archive::Secrets::Leave)
            .await
            .map_err(|e| ApiError::internal(std::io::Error::other(format!("{e:#}"))))?;
        Ok(file)
    }

    /// The actor's role in `org`, or `org_not_found` when they are not a member.
    pub async fn role_of(&self, actor: &Actor, org: OrgId) -> Result<Role, ApiError> {
        self.directory.role_in(org, actor.user_id).await?.ok_or_else(|| ApiError::of(ErrorCode::OrgNotFound))
    }

    /// The role of an administrator of `org` (owner or admin) with an admin-scoped credential.
    async fn admin_role(&self, actor: &Actor, org: OrgId) -> Result<Role, ApiError> {
        let role = self.role_of(actor, org).await?;
        actor.require_scope(Scope::Admin)?;
        if !permissions::can_administer(role) {
            return Err(ApiError::new(ErrorCode::Forbidden, "only owners and admins manage members"));
        }
        Ok(role)
    }

    fn assignable(actor_role: Role, target: Role) -> Result<(), ApiError> {
        if permissions::can_assign_role(actor_role, target) {
            Ok(())
        } else {
            Err(ApiError::new(ErrorCode::Forbidden, "only owners grant or revoke the owner role"))
        }
    }

    pub async fn members(
        &self,
        actor: &Actor,
        org: OrgId,
        after: Option<&str>,
        limit: Option<u32>,
    ) -> Result<Page<Member>, ApiError> {
        self.role_of(actor, org).await?;
        let limit = cursor::limit(limit)?;
        let after: Option<UserId> = cursor::decode(after)?;
        let rows = self.store.members(org, after, limit + 1).await?;
        let (data, next_cursor) = cursor::page(rows, limit, |m| m.user.id);
        Ok(Page { data, next_cursor })
    }

    pub async fn update_member(
        &self,
        actor: &Actor,
        org: OrgId,
        user: UserId,
        new_role: Role,
    ) -> Result<Member, ApiError> {
        let role = self.admin_role(actor, org).await?;
        let current = self.store.role_in(org, user).await?.ok_or_else(|| ApiError::of(ErrorCode::MemberNotFound))?;
        Self::assignable(role, new_role)?;
        Self::assignable(role, current)?;
        self.store.set_member_role(org, user, new_role).await?;
        self.directory.forget(user);
        self.member(org, user).await
    }

    /// Removes a member; anyone may remove themselves (leave).
    pub async fn remove_member(&self, actor: &Actor, org: OrgId, user: UserId) -> Result<(), ApiError> {
        if user == actor.user_id {
            self.role_of(actor, org).await?;
            actor.require_scope(Scope::Write)?;
        } else {
            let role = self.admin_role(actor, org).await?;
            let current =
                self.store.role_in(org, user).await?.ok_or_else(|| ApiError::of(ErrorCode::MemberNotFound))?;
            Self::assignable(role, current)?;
        }
        self.store.remove_member(org, user).await?;
        self.directory.forget(user);
        Ok(())
    }

    async fn member(&self, org: OrgId, user: UserId) -> Result<Member, ApiError> {
        self.store.member(org, user).await?.ok_or_else(|| ApiError::of(ErrorCode::MemberNotFound))
    }

    pub async fn create_invite(&self, actor: &Actor, org: OrgId, req: CreateInviteRequest) -> Result<Invite, ApiError> {
        let role = self.admin_role(actor, org).await?;
        Self::assignable(role, req.role)?;
        let email = Email::parse(&req.email)?;
        let token = crypto::new_token(INVITE_PREFIX);
        let now = now_millis();
        let record = InviteRecord {
            id: InviteId::new(),
            org_id: org,
            email: email.as_str().to_owned(),
            role: req.role,
            token_hash: crypto::hash_token(&token),
            invited_by: actor.user_id,
            created_at: now,
            expires_at: now + self.settings.invite_ttl_ms,
        };
        self.store.insert_invite(&record).await?;
        Ok(Invite {
            id: record.id,
            org_id: org,
            email: record.email,
            role: record.role,
            token,
            expires_at: to_datetime(record.expires_at),
        })
    }

    pub async fn accept_invite(&self, actor: &Actor, token: &str) -> Result<AcceptInviteResponse, ApiError> {
        actor.require_scope(Scope::Write)?;
        let user = self.store.user(actor.user_id).await?.ok_or_else(|| ApiError::of(ErrorCode::InvalidSession))?;
        let (org, role) =
            self.store.accept_invite(&crypto::hash_token(token), user.id, &user.email, now_millis()).await?;
        self.directory.forget(user.id);
        Ok(AcceptInviteResponse { org, role })
    }
}
