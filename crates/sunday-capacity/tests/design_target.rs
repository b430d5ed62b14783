//! The design's fleet target: 10M users, 1M concurrent sockets, 1M requests/s.

use sunday_capacity::{plan, Bound, Costs, Load};

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

#[test]
fn design_target_is_sane() {
    let load = Load { users: 10_000_000, sockets: Some(1_000_000), rps: Some(1_000_000.0), ..Load::default() };
    load.check().expect("the design target is a valid load");
    let costs = Costs::measured();
    let p = plan(&load, &costs);
    println!("{p}");
    let util = load.target_utilisation;

    // Realtime: at least the sockets' memory over the nodes' usable memory, and the cap.
    let node_mem = load.node_memory_gib * GIB * util;
    let by_memory = (1e6 * costs.socket_bytes / node_mem).ceil() as u64;
    assert!(p.realtime.nodes >= by_memory.max(2), "{} realtime nodes", p.realtime.nodes);
    assert!(p.realtime.nodes >= 1_000_000 / load.max_sockets_per_node);
    assert!(p.realtime.memory_per_node <= load.node_memory_gib * GIB);

    // Api: at least the cheapest request class's CPU for every request, at most the dearest's.
    let cheapest = costs.light_read_us;
    let dearest = costs.write_us.max(p.traffic.query_us);
    let rps = 1e6;
    assert!(p.api.busy_cores >= rps * cheapest / 1e6 && p.api.busy_cores <= rps * dearest / 1e6);
    let cores = f64::from(load.node_cores) * costs.core_scaling * util;
    assert!(p.api.nodes as f64 >= p.api.busy_cores / cores);
    assert!((10..=40).contains(&p.api.nodes), "{} api nodes", p.api.nodes);
    assert!(p.api.memory_per_node <= load.node_memory_gib * GIB * util + 1.0);

    // Workers, PostgreSQL, NATS follow the writes.
    assert_eq!(p.traffic.writes_per_s, 50_000.0);
    assert_eq!(p.nats.publish_per_s, 50_000.0);
    assert!(p.nats.deliver_per_s > p.nats.publish_per_s);
    assert!(p.worker.nodes >= 2);
    assert!(p.postgres.shards >= 1 && p.postgres.replicas >= 1);
    assert!(p.postgres.total_bytes > p.postgres.item_bytes + p.postgres.event_bytes);
    assert!(p.postgres.growth_per_month > p.postgres.growth_per_month_retained);
    for r in [&p.api, &p.realtime, &p.worker] {
        assert!(r.busy_cores.is_finite() && r.memory_per_node.is_finite());
    }
    assert_ne!(p.api.bound, Bound::Availability);
    let text = p.to_string();
    for needle in ["api", "realtime", "worker", "PostgreSQL", "NATS", "Assumptions", "measured", "estimated"] {
        assert!(text.contains(needle), "the plan's text lacks `{needle}`");
    }
}
