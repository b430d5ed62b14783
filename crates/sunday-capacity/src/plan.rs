//! The arithmetic: a [`Load`] and [`Costs`] in, a [`Plan`] out.

use serde::Serialize;

use crate::costs::{Assumption, Costs};
use crate::load::Load;

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;
const DAY_S: f64 = 86_400.0;
const MONTH_S: f64 = 30.0 * DAY_S;
/// JetStream stream replicas (R3), for the bus's storage.
pub const BUS_REPLICAS: f64 = 3.0;

/// What the fleet must carry at peak, derived from the load.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Traffic {
    pub active_users: f64,
    pub sockets: f64,
    pub boards: f64,
    pub items: f64,
    pub hot_boards: f64,
    pub rps: f64,
    pub writes_per_s: f64,
    pub pages_per_s: f64,
    pub queries_per_s: f64,
    pub gets_per_s: f64,
    pub light_per_s: f64,
    /// CPU of one filtered query at this load's board size, µs.
    pub query_us: f64,
    pub events_per_s: f64,
    /// Events per second averaged over a month (peak ÷ `peak_to_average`).
    pub average_events_per_s: f64,
    pub subscribers_per_event: f64,
    pub deliveries_per_s: f64,
    /// Memory of the hot boards in the board engine, over all api nodes, bytes.
    pub engine_hot_bytes: f64,
    /// Memory of the sockets, process and kernel, over all realtime nodes, bytes.
    pub socket_bytes: f64,
}

/// What decided a role's node count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// The minimum per role.
    Availability,
    Cpu,
    Memory,
    /// The most sockets per realtime node.
    Sockets,
}

/// One role's nodes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RolePlan {
    pub nodes: u64,
    pub cores_per_node: u32,
    /// Cores busy at peak, counted as the benchmark's single pinned core.
    pub busy_cores: f64,
    /// Cores to provision: busy ÷ (per-core scaling × target utilisation).
    pub cores_needed: f64,
    /// Memory the role uses per node at peak (process base plus its share of the load), bytes.
    pub memory_per_node: f64,
    pub bound: Bound,
}

/// The PostgreSQL deployment.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PostgresPlan {
    pub write_tps: f64,
    pub row_writes_per_s: f64,
    /// Reads that must see the latest writes (before a write), on the primary.
    pub primary_reads_per_s: f64,
    /// Access-check reads of engine-served reads, on replicas.
    pub replica_reads_per_s: f64,
    /// Primary cores to provision over all shards.
    pub primary_cores: f64,
    /// Write shards (by organization range), each one primary of `pg_node_cores`.
    pub shards: u64,
    pub replica_cores: f64,
    pub replicas: u64,
    pub item_bytes: f64,
    pub item_index_bytes: f64,
    pub retained_events: f64,
    pub event_bytes: f64,
    pub event_index_bytes: f64,
    pub total_bytes: f64,
    /// Disk to provision: total ÷ target utilisation.
    pub disk_bytes: f64,
    /// Growth per month while the event log fills up to its retention.
    pub growth_per_month: f64,
    /// Growth per month once old events are archived as fast as new ones arrive.
    pub growth_per_month_retained: f64,
    /// RAM to keep the hot boards' items and the last hour of events (at the peak rate, what
    /// resuming clients and consumers read) cached, over all shards.
    pub hot_set_bytes: f64,
}

/// The NATS JetStream event bus.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NatsPlan {
    pub publish_per_s: f64,
    /// Realtime nodes with a subscriber, the board's engine owner, and the worker consumers.
    pub deliveries_per_event: f64,
    pub deliver_per_s: f64,
    pub mb_in_per_s: f64,
    pub mb_out_per_s: f64,
    /// Stream storage over its replicas (at the peak rate), bytes.
    pub stream_bytes: f64,
}

/// A fleet for a load; `Display` renders it with every assumption.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Plan {
    pub load: Load,
    pub costs: Costs,
    pub traffic: Traffic,
    pub api: RolePlan,
    pub realtime: RolePlan,
    pub worker: RolePlan,
    pub postgres: PostgresPlan,
    pub nats: NatsPlan,
    /// The load's inputs, then the costs (measured or estimated).
    pub assumptions: Vec<Assumption>,
}

fn share(v: f64) -> f64 {
    if v.is_finite() {
        v.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

fn non_negative(v: f64) -> f64 {
    if v.is_finite() {
        v.max(0.0)
    } else {
        0.0
    }
}

fn ceil(v: f64) -> u64 {
    // Shave float noise so that exactly 4.0 busy nodes stays 4, not 5.
    (v - 1e-9).ceil().max(0.0) as u64
}

/// Sizes the fleet for `load` at `costs`. Out-of-range fields are clamped (shares to [0, 1],
/// negative rates to 0); [`Load::check`] reports them instead.
pub fn plan(load: &Load, costs: &Costs) -> Plan {
    let traffic = traffic(load, costs);
    let t = &traffic;
    let c = costs;

    let api_busy = (t.light_per_s * c.light_read_us
        + t.gets_per_s * c.get_us
        + t.pages_per_s * c.page_us
        + t.queries_per_s * t.query_us
        + t.writes_per_s * c.write_us)
        / 1e6;
    let api = role(load, costs, api_busy, t.engine_hot_bytes, 0);

    let rt_busy = (t.deliveries_per_s * c.delivery_us + t.sockets * c.socket_idle_us_per_s) / 1e6;
    let socket_nodes = ceil(t.sockets / load.max_sockets_per_node.max(1) as f64);
    let realtime = role(load, costs, rt_busy, t.socket_bytes, socket_nodes);

    let worker_busy = t.events_per_s * c.worker_us_per_event / 1e6;
    let worker = role(load, costs, worker_busy, 0.0, 0);

    let postgres = postgres(load, costs, t);
    let nats = nats(load, costs, t, realtime.nodes);

    let mut assumptions = load.assumptions();
    assumptions.extend(costs.assumptions());
    Plan { load: load.clone(), costs: costs.clone(), traffic, api, realtime, worker, postgres, nats, assumptions }
}

fn traffic(load: &Load, c: &Costs) -> Traffic {
    let users = load.users as f64;
    let active_users = users * share(load.active_ratio);
    let rps = non_negative(load.rps.unwrap_or(active_users * non_negative(load.requests_per_active_user)));
    let (w, p, q, g) =
        (share(load.write_share), share(load.page_share), share(load.query_share), share(load.get_share));
    // Scale the four shares down together if they exceed the whole.
    let sum = w + p + q + g;
    let k = if sum > 1.0 { 1.0 / sum } else { 1.0 };
    let (w, p, q, g) = (w * k, p * k, q * k, g * k);
    let light = (1.0 - w - p - q - g).max(0.0);

    let sockets = load.sockets.map_or(active_users, |s| s as f64);
    let boards = load.boards.map_or(users * non_negative(load.boards_per_user), |b| b as f64).round();
    let items_per_board = load.items_per_board as f64;
    let items = boards * items_per_board;
    let hot_boards = boards * share(load.hot_board_share);

    // A query costs a page plus a scan of the board; the scan part was measured at
    // `query_board_items` items and grows with the board.
    let scan_us = (c.query_us - c.page_us).max(0.0) * items_per_board / c.query_board_items.max(1.0);
    let query_us = c.page_us + scan_us;

    let writes_per_s = rps * w;
    let events_per_s = writes_per_s * non_negative(load.events_per_write);
    let subscribers_per_event = non_negative(match load.subscribers_per_event {
        Some(s) => s,
        None if hot_boards >= 1.0 => sockets / hot_boards,
        None => sockets,
    });
    Traffic {
        active_users,
        sockets,
        boards,
        items,
        hot_boards,
        rps,
        writes_per_s,
        pages_per_s: rps * p,
        queries_per_s: rps * q,
        gets_per_s: rps * g,
        light_per_s: rps * light,
        query_us,
        events_per_s,
        average_events_per_s: events_per_s / load.peak_to_average.max(1.0),
        subscribers_per_event,
        deliveries_per_s: events_per_s * subscribers_per_event,
        engine_hot_bytes: hot_boards * items_per_board * c.engine_bytes_per_item,
        socket_bytes: sockets * (c.socket_bytes + c.socket_kernel_bytes),
    }
}

/// Nodes for a role: enough cores, enough memory for `memory` (spread over the nodes), at
/// least `floor` nodes and the availability minimum.
fn role(load: &Load, c: &Costs, busy: f64, memory: f64, floor: u64) -> RolePlan {
    let util = load.target_utilisation.clamp(0.01, 1.0);
    let cores = load.node_cores.max(1);
    let cores_needed = busy / (c.core_scaling.clamp(0.01, 1.0) * util);
    let usable = (load.node_memory_gib.max(0.0) * GIB * util - c.base_process_bytes).max(GIB / 16.0);
    let candidates = [
        (ceil(cores_needed / cores as f64), Bound::Cpu),
        (ceil(memory / usable), Bound::Memory),
        (floor, Bound::Sockets),
    ];
    let (mut nodes, mut bound) = (u64::from(load.min_nodes_per_role.max(1)), Bound::Availability);
    for (n, b) in candidates {
        if n > nodes {
            (nodes, bound) = (n, b);
        }
    }
    RolePlan {
        nodes,
        cores_per_node: cores,
        busy_cores: busy,
        cores_needed,
        memory_per_node: c.base_process_bytes + memory / nodes as f64,
        bound,
    }
}

fn postgres(load: &Load, c: &Costs, t: &Traffic) -> PostgresPlan {
    let util = load.target_utilisation.clamp(0.01, 1.0);
    let pg_cores = f64::from(load.pg_node_cores.max(1));
    let write_tps = t.writes_per_s;
    let primary_reads_per_s = t.writes_per_s * c.store_reads_per_write;
    let replica_reads_per_s = (t.pages_per_s + t.queries_per_s + t.gets_per_s) * c.store_reads_per_read;
    let primary_cores = (write_tps * c.pg_write_tx_us + primary_reads_per_s * c.pg_read_us) / 1e6 / util;
    let replica_cores = replica_reads_per_s * c.pg_read_us / 1e6 / util;

    let per_event = c.event_row_bytes + c.event_index_bytes;
    let per_item = c.item_row_bytes + c.item_index_bytes;
    let retained_events = t.average_events_per_s * f64::from(load.event_retention_days) * DAY_S;
    let (item_bytes, item_index_bytes) = (t.items * c.item_row_bytes, t.items * c.item_index_bytes);
    let (event_bytes, event_index_bytes) = (retained_events * c.event_row_bytes, retained_events * c.event_index_bytes);
    let total_bytes = item_bytes + item_index_bytes + event_bytes + event_index_bytes;
    let item_growth = t.items * non_negative(load.item_growth_per_month) * per_item;
    let hot_items = t.hot_boards * load.items_per_board as f64;
    PostgresPlan {
        write_tps,
        row_writes_per_s: t.writes_per_s * c.store_rows_per_change,
        primary_reads_per_s,
        replica_reads_per_s,
        primary_cores,
        shards: ceil(primary_cores / pg_cores).max(1),
        replica_cores,
        replicas: ceil(replica_cores / pg_cores),
        item_bytes,
        item_index_bytes,
        retained_events,
        event_bytes,
        event_index_bytes,
        total_bytes,
        disk_bytes: total_bytes / util,
        growth_per_month: t.average_events_per_s * MONTH_S * per_event + item_growth,
        growth_per_month_retained: item_growth,
        hot_set_bytes: hot_items * per_item + t.events_per_s * 3600.0 * per_event,
    }
}

fn nats(load: &Load, c: &Costs, t: &Traffic, realtime_nodes: u64) -> NatsPlan {
    // Sockets are not routed by board, so an event's k subscribers sit on
    // n × (1 − (1 − 1/n)^k) distinct realtime nodes on average, each taking one copy.
    let n = realtime_nodes.max(1) as f64;
    let k = t.subscribers_per_event;
    let realtime_copies = if k > 0.0 { n * (1.0 - (1.0 - 1.0 / n).powf(k)) } else { 0.0 };
    let engine_copies = if t.hot_boards > 0.0 { 1.0 } else { 0.0 };
    let deliveries_per_event = realtime_copies + engine_copies + c.worker_consumers;
    let deliver_per_s = t.events_per_s * deliveries_per_event;
    NatsPlan {
        publish_per_s: t.events_per_s,
        deliveries_per_event,
        deliver_per_s,
        mb_in_per_s: t.events_per_s * c.bus_message_bytes / 1e6,
        mb_out_per_s: deliver_per_s * c.bus_message_bytes / 1e6,
        // The busy hours fill the stream: counted at the peak rate.
        stream_bytes: t.events_per_s
            * f64::from(load.bus_retention_hours)
            * 3600.0
            * c.bus_message_bytes
            * BUS_REPLICAS,
    }
}
