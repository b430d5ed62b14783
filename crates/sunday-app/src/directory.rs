//! Who belongs to which organization, cached per user.
//!
//! Nearly every request asks "what is this user's role in that organization?". The answer
//! changes rarely, so a node keeps each user's profile and memberships for `auth_cache_secs`
//! and forgets them the moment a membership changes: the node that changes it tells every
//! node over the bus ([`Invalidation::User`]); should that message be lost (the broker is
//! away), the copy expires within `auth_cache_secs`.
//! Writes that depend on someone else's current role read the store, not this cache.

use std::sync::Arc;

use sunday_bus::{DynBus, Invalidation};
use sunday_store::Store;
use sunday_types::{
    dto::{OrgMembership, Role, User},
    ApiError, OrgId, UserId,
};

pub struct Profile {
    pub user: User,
    pub orgs: Vec<OrgMembership>,
}

#[derive(Clone)]
pub struct Directory {
    store: Arc<dyn Store>,
    bus: DynBus,
    cache: Option<moka::sync::Cache<UserId, Arc<Profile>>>,
}

impl Directory {
    pub fn new(store: Arc<dyn Store>, bus: DynBus, ttl_secs: u64) -> Directory {
        let cache = (ttl_secs > 0).then(|| {
            moka::sync::Cache::builder()
                .max_capacity(100_000)
                .time_to_live(std::time::Duration::from_secs(ttl_secs))
                .build()
        });
        Directory { store, bus, cache }
    }

    pub async fn profile(&self, user: UserId) -> Result<Option<Arc<Profile>>, ApiError> {
        if let Some(hit) = self.cache.as_ref().and_then(|c| c.get(&user)) {
            return Ok(Some(hit));
        }
        let Some((u, orgs)) = self.store.user_with_memberships(user).await? else { return Ok(None) };
        let profile = Arc::new(Profile { user: u, orgs });
        if let Some(cache) = &self.cache {
            cache.insert(user, profile.clone());
        }
        Ok(Some(profile))
    }

    pub async fn role_in(&self, org: OrgId, user: UserId) -> Result<Option<Role>, ApiError> {
        Ok(self.profile(user).await?.and_then(|p| p.orgs.iter().find(|m| m.org.id == org).map(|m| m.role)))
    }

    /// The organization the user joined first, with their role there.
    pub async fn first_org(&self, user: UserId) -> Result<Option<(OrgId, Role)>, ApiError> {
        Ok(self.profile(user).await?.and_then(|p| p.orgs.first().map(|m| (m.org.id, m.role))))
    }

    /// Call after changing any of the user's memberships: every node forgets them.
    pub fn forget(&self, user: UserId) {
        self.forget_here(user);
        self.bus.publish_invalidation(Invalidation::User { user_id: user });
    }

    /// Forgets the user on this node (another node changed them).
    pub fn forget_here(&self, user: UserId) {
        if let Some(cache) = &self.cache {
            cache.invalidate(&user);
        }
    }

    /// Forgets everyone on this node (invalidations were missed).
    pub fn forget_everyone_here(&self) {
        if let Some(cache) = &self.cache {
            cache.invalidate_all();
        }
    }
}
