//! The planner's arithmetic, on small hand-checkable loads.

use sunday_capacity::{plan, Bound, Costs, Load};

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

#[track_caller]
fn close(a: f64, b: f64) {
    assert!((a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0), "{a} != {b}");
}

/// A load of nothing but light calls.
fn light_only(rps: f64) -> Load {
    Load { rps: Some(rps), write_share: 0.0, page_share: 0.0, query_share: 0.0, get_share: 0.0, ..Load::default() }
}

#[test]
fn doubling_users_doubles_the_api_cores_and_the_engine() {
    let costs = Costs::measured();
    let one = plan(&Load { users: 1_000_000, ..Load::default() }, &costs);
    let two = plan(&Load { users: 2_000_000, ..Load::default() }, &costs);
    close(two.traffic.rps, 2.0 * one.traffic.rps);
    close(two.api.busy_cores, 2.0 * one.api.busy_cores);
    close(two.api.cores_needed, 2.0 * one.api.cores_needed);
    close(two.traffic.engine_hot_bytes, 2.0 * one.traffic.engine_hot_bytes);
    close(two.traffic.sockets, 2.0 * one.traffic.sockets);
    close(two.postgres.total_bytes, 2.0 * one.postgres.total_bytes);
    assert!(two.api.nodes >= one.api.nodes);
}

#[test]
fn zero_load_keeps_two_nodes_per_role() {
    let load = Load { users: 0, ..Load::default() };
    load.check().expect("valid");
    let p = plan(&load, &Costs::measured());
    for (name, r) in [("api", &p.api), ("realtime", &p.realtime), ("worker", &p.worker)] {
        assert_eq!((r.nodes, r.bound), (2, Bound::Availability), "{name}");
        assert_eq!(r.busy_cores, 0.0, "{name}");
    }
    assert_eq!((p.postgres.shards, p.postgres.replicas), (1, 0));
    assert_eq!(p.nats.deliver_per_s, 0.0);
    let text = p.to_string();
    assert!(!text.contains("NaN") && !text.contains("inf"), "{text}");
}

#[test]
fn api_nodes_follow_cpu_exactly() {
    let c = Costs::measured();
    // Ten nodes' worth of light calls: 8 cores × 80% scaling × 60% use each.
    let per_node = 8.0 * c.core_scaling * 0.6 * 1e6 / c.light_read_us;
    let p = plan(&light_only(10.0 * per_node), &c);
    assert_eq!((p.api.nodes, p.api.bound), (10, Bound::Cpu));
    close(p.api.cores_needed, 80.0);
    let p = plan(&light_only(10.0 * per_node + 1.0), &c);
    assert_eq!(p.api.nodes, 11);
    // Bigger nodes, fewer of them.
    let p = plan(&Load { node_cores: 16, ..light_only(10.0 * per_node) }, &c);
    assert_eq!(p.api.nodes, 5);
}

#[test]
fn each_request_class_costs_its_benchmark() {
    let c = Costs::measured();
    let only = |w: f64, p: f64, q: f64, g: f64| {
        let load = Load {
            rps: Some(1000.0),
            write_share: w,
            page_share: p,
            query_share: q,
            get_share: g,
            items_per_board: c.query_board_items as u64,
            ..Load::default()
        };
        plan(&load, &c).api.busy_cores
    };
    close(only(1.0, 0.0, 0.0, 0.0), 1000.0 * c.write_us / 1e6);
    close(only(0.0, 1.0, 0.0, 0.0), 1000.0 * c.page_us / 1e6);
    close(only(0.0, 0.0, 1.0, 0.0), 1000.0 * c.query_us / 1e6);
    close(only(0.0, 0.0, 0.0, 1.0), 1000.0 * c.get_us / 1e6);
    close(only(0.0, 0.0, 0.0, 0.0), 1000.0 * c.light_read_us / 1e6);
}

#[test]
fn a_query_costs_a_page_plus_a_scan_that_grows_with_the_board() {
    let c = Costs::measured();
    let q = |items: u64| plan(&Load { items_per_board: items, ..Load::default() }, &c).traffic.query_us;
    close(q(0), c.page_us);
    close(q(10_000), c.query_us);
    close(q(100_000) - c.page_us, 10.0 * (c.query_us - c.page_us));
}

#[test]
fn realtime_nodes_by_sockets_memory_and_cap() {
    let c = Costs::measured();
    let sockets = 1_000_000_u64;
    // The cap: 100,000 sockets per node.
    let p = plan(&Load { sockets: Some(sockets), ..light_only(0.0) }, &c);
    assert_eq!((p.realtime.nodes, p.realtime.bound), (10, Bound::Sockets));
    // Memory: small nodes, no cap.
    let load = Load { sockets: Some(sockets), node_memory_gib: 4.0, max_sockets_per_node: u64::MAX, ..light_only(0.0) };
    let p = plan(&load, &c);
    let usable = 4.0 * GIB * 0.6 - c.base_process_bytes;
    let want = (sockets as f64 * (c.socket_bytes + c.socket_kernel_bytes) / usable).ceil() as u64;
    assert_eq!((p.realtime.nodes, p.realtime.bound), (want, Bound::Memory));
    assert!(p.realtime.memory_per_node <= 4.0 * GIB * 0.6 + 1.0);
    // Idle sockets cost W7's CPU.
    close(p.realtime.busy_cores, sockets as f64 * c.socket_idle_us_per_s / 1e6);
}

#[test]
fn fan_out_follows_subscribers() {
    let c = Costs::measured();
    let load = Load { rps: Some(10_000.0), sockets: Some(0), subscribers_per_event: Some(100.0), ..Load::default() };
    let p = plan(&load, &c);
    close(p.traffic.events_per_s, 500.0);
    close(p.traffic.deliveries_per_s, 50_000.0);
    close(p.realtime.busy_cores, 50_000.0 * c.delivery_us / 1e6);
    // Two realtime nodes, a hundred subscribers: both nodes take a copy, plus the engine and
    // the four worker consumers.
    assert_eq!(p.realtime.nodes, 2);
    close(p.nats.deliveries_per_event, 2.0 * (1.0 - 0.5_f64.powi(100)) + 1.0 + c.worker_consumers);
}

#[test]
fn storage_keeps_items_and_the_retained_event_log() {
    let c = Costs::measured();
    let load = Load { users: 1000, boards: Some(10), items_per_board: 1000, rps: Some(300.0), ..Load::default() };
    let p = plan(&load, &c);
    // 15 writes/s at peak, 5/s on average, kept 90 days.
    close(p.postgres.retained_events, 5.0 * 90.0 * 86_400.0);
    close(p.postgres.item_bytes, 10_000.0 * c.item_row_bytes);
    let events = 5.0 * 90.0 * 86_400.0 * (c.event_row_bytes + c.event_index_bytes);
    close(p.postgres.total_bytes, 10_000.0 * (c.item_row_bytes + c.item_index_bytes) + events);
    close(p.postgres.disk_bytes, p.postgres.total_bytes / 0.6);
    close(p.postgres.growth_per_month_retained, 200.0 * (c.item_row_bytes + c.item_index_bytes));
    close(p.postgres.write_tps, 15.0);
    close(p.postgres.row_writes_per_s, 30.0);
}

#[test]
fn check_names_the_bad_field() {
    assert_eq!(Load::default().check(), Ok(()));
    let err = |l: Load| l.check().expect_err("invalid").to_string();
    assert!(err(Load { write_share: 1.5, ..Load::default() }).contains("write_share"));
    assert!(err(Load { write_share: 0.5, page_share: 0.6, ..Load::default() }).contains("add up"));
    assert!(err(Load { node_cores: 0, ..Load::default() }).contains("node_cores"));
    assert!(err(Load { rps: Some(-1.0), ..Load::default() }).contains("rps"));
    assert!(err(Load { target_utilisation: 0.0, ..Load::default() }).contains("target_utilisation"));
    // plan clamps what check refuses, and stays finite.
    let p = plan(&Load { write_share: 5.0, page_share: 5.0, ..Load::default() }, &Costs::measured());
    assert!(p.api.busy_cores.is_finite());
}
