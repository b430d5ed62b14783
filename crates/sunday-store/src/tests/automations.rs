//! Conformance cases for automations (see `conformance.rs` for the runner): recipes and the
//! log of their runs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use sunday_types::{time::to_datetime, ErrorCode};

use super::conformance::DynStore;
use crate::conformance_boards::{fixture, seeded, T0};
use crate::*;

/// Recipes are versioned, a run is recorded once (the same run id again changes nothing, a run
/// of a deleted recipe is dropped), health updates move the version, and the upkeep purges runs
/// past their retention.
pub async fn automations_and_their_runs(store: DynStore) {
    use sunday_types::automations::*;
    let f = fixture(&store, "auto@example.com").await;
    let (b, _, _) = seeded(&store, &f).await;
    let t = to_datetime(T0);
    let recipe = Recipe { trigger: Trigger::ItemCreated, conditions: None, actions: vec![Action::Archive] };
    let a = Automation {
        id: sunday_types::AutomationId::new(),
        board_id: b.id,
        name: "R".into(),
        recipe,
        enabled: true,
        state: AutomationState::Active,
        paused_reason: None,
        failures: 0,
        version: 1,
        created_by: f.user,
        created_at: t,
        updated_at: t,
    };
    store.commit(b.id, vec![BoardWrite::InsertAutomation(a.clone())], vec![], T0).await.unwrap();
    assert_eq!(store.automations(b.id).await.unwrap(), vec![a.clone()]);
    let run = AutomationRun {
        id: sunday_types::RunId::new(),
        automation_id: a.id,
        board_id: b.id,
        item_id: None,
        event_seq: 1,
        trigger_kind: "item_created".into(),
        triggered_by: f.user,
        status: RunStatus::Succeeded,
        conditions_met: None,
        steps: vec![],
        chain: vec![a.id],
        reason: None,
        replay: false,
        retry_of: None,
        started_at: t,
        duration_ms: 3,
    };
    for _ in 0..2 {
        store.commit(b.id, vec![BoardWrite::RecordRun(Box::new(run.clone()))], vec![], T0).await.unwrap();
    }
    let runs = store.automation_runs(RunsOf::Automation(a.id), None, 10).await.unwrap();
    assert_eq!(runs, vec![run.clone()], "recorded once");
    assert_eq!(store.automation_run(run.id).await.unwrap(), Some(run.clone()));

    // The runner's pause moves the version: an edit made from the old one is refused.
    let pause = BoardWrite::SetAutomationHealth { automation: a.id, failures: 3, paused_reason: Some("why".into()) };
    store.commit(b.id, vec![pause], vec![], T0).await.unwrap();
    let paused = store.automation(a.id).await.unwrap().unwrap();
    assert_eq!((paused.state, paused.failures, paused.version), (AutomationState::Paused, 3, 2));
    let stale =
        BoardWrite::UpdateAutomation { automation: Automation { name: "S".into(), ..a.clone() }, expected_version: 1 };
    assert!(matches!(store.commit(b.id, vec![stale], vec![], T0).await, Err(StoreError::VersionConflict(_))));

    // Runs past the retention go with the upkeep; a recipe's deletion takes its runs.
    let old_run = AutomationRun { id: sunday_types::RunId::new(), ..run.clone() };
    store.commit(b.id, vec![BoardWrite::RecordRun(Box::new(old_run))], vec![], T0).await.unwrap();
    let later = T0 + 31 * 24 * 3_600_000;
    store.purge_expired(later, later).await.unwrap();
    assert!(store.automation_runs(RunsOf::Automation(a.id), None, 10).await.unwrap().is_empty());
    store.commit(b.id, vec![BoardWrite::DeleteAutomation(a.id)], vec![], T0).await.unwrap();
    let gone = BoardWrite::RecordRun(Box::new(AutomationRun { id: sunday_types::RunId::new(), ..run }));
    store.commit(b.id, vec![gone], vec![], T0).await.unwrap();
    assert!(store.automations(b.id).await.unwrap().is_empty());
    let missing = store.commit(b.id, vec![BoardWrite::DeleteAutomation(a.id)], vec![], T0).await;
    assert!(matches!(missing, Err(StoreError::Rejected(ErrorCode::AutomationNotFound))), "{missing:?}");
}
