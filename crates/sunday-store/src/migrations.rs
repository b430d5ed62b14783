//! What both stores share about schema migrations: a migration is a name and its SQL, its
//! version is its position in the store's list (1-based), and a plan is the pending tail of
//! that list after the database's current version. A database whose version is beyond the
//! list was written by a newer Sunday: nothing is applied to it and the server does not start
//! on it, since this binary cannot know what the newer schema means.

use crate::{StoreError, StoreResult};

/// One schema migration of a store.
#[derive(Clone, Copy, Debug)]
pub struct Migration {
    pub name: &'static str,
    pub sql: &'static str,
}

/// A migration with its version.
#[derive(Clone, Copy, Debug)]
pub struct Step {
    pub version: i64,
    pub migration: &'static Migration,
}

/// The migrations a database still needs, in order.
#[derive(Clone, Debug)]
pub struct MigrationPlan {
    /// The database's version now (0: empty).
    pub current: i64,
    /// The newest version this binary knows.
    pub latest: i64,
    pub pending: Vec<Step>,
}

impl MigrationPlan {
    /// The plan for a database at `current` given a store's migrations; `SchemaTooNew` when
    /// the database is beyond them.
    pub fn new(current: i64, all: &'static [Migration]) -> StoreResult<MigrationPlan> {
        let latest = all.len() as i64;
        if current > latest {
            return Err(StoreError::SchemaTooNew { found: current, known: latest });
        }
        let pending = all
            .iter()
            .zip(1i64..)
            .filter(|(_, v)| *v > current)
            .map(|(migration, version)| Step { version, migration });
        Ok(MigrationPlan { current, latest, pending: pending.collect() })
    }

    /// The steps up to and including `target` (tests build databases at old versions).
    pub fn up_to(mut self, target: i64) -> MigrationPlan {
        self.pending.retain(|s| s.version <= target);
        self
    }

    pub fn is_current(&self) -> bool {
        self.pending.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static ALL: [Migration; 3] =
        [Migration { name: "a", sql: "" }, Migration { name: "b", sql: "" }, Migration { name: "c", sql: "" }];

    #[test]
    fn plans_the_pending_tail_and_refuses_a_newer_schema() {
        let plan = MigrationPlan::new(1, &ALL).unwrap();
        assert_eq!(
            plan.pending.iter().map(|s| (s.version, s.migration.name)).collect::<Vec<_>>(),
            [(2, "b"), (3, "c")]
        );
        assert_eq!(plan.clone().up_to(2).pending.len(), 1);
        assert!(MigrationPlan::new(3, &ALL).unwrap().is_current());
        assert!(matches!(MigrationPlan::new(4, &ALL), Err(StoreError::SchemaTooNew { found: 4, known: 3 })));
    }
}
