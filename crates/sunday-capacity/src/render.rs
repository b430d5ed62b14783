//! The plan as text: the load, the nodes, PostgreSQL, NATS, then every assumption.

use std::fmt::{self, Display, Formatter};

use crate::costs::Basis;
use crate::fmt::{bytes, int, num, pct};
use crate::plan::{Bound, Plan, RolePlan, BUS_REPLICAS};

/// What the arithmetic takes for granted, printed with every plan.
const MODEL: [&str; 6] = [
    "each request class costs, per core, what its benchmark measured on one pinned core",
    "a write's whole cost stays on the api node (with PostgreSQL, its SQLite half moves to the database)",
    "requests for a board reach the api node whose engine holds it (routing by board)",
    "every socket watches one hot board; writes spread evenly over the hot boards",
    "TLS ends at the load balancer; connection set-up and reconnect storms are not counted",
    "workers run automations, notifications, search and analytics; the scheduler is a lease on one of them",
];

impl Display for Bound {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Bound::Availability => "availability",
            Bound::Cpu => "CPU",
            Bound::Memory => "memory",
            Bound::Sockets => "sockets/node",
        })
    }
}

impl Display for Basis {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Basis::Measured => "measured",
            Basis::Estimated => "estimated",
            Basis::Input => "input",
        })
    }
}

impl Display for Plan {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.fmt_load(f)?;
        self.fmt_nodes(f)?;
        self.fmt_postgres(f)?;
        self.fmt_nats(f)?;
        self.fmt_assumptions(f)
    }
}

impl Plan {
    fn fmt_load(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let (t, c, l) = (&self.traffic, &self.costs, &self.load);
        writeln!(f, "Sunday capacity plan")?;
        writeln!(f)?;
        let rps_from = match l.rps {
            Some(_) => "--rps",
            None => "users × active × requests per active user",
        };
        writeln!(
            f,
            "Peak load: {} requests/s ({rps_from}), {} active users ({} of {}), {} WebSockets",
            int(t.rps),
            int(t.active_users),
            pct(l.active_ratio),
            int(l.users as f64),
            int(t.sockets)
        )?;
        let row = |f: &mut Formatter<'_>, name: &str, rate: f64, us: f64, note: &str| {
            let share = if t.rps > 0.0 { pct(rate / t.rps) } else { "-".into() };
            writeln!(f, "  {name:<22}{:>12}/s {share:>6}  {us:>8.2} µs each{note}", int(rate))
        };
        row(f, "writes (one-cell)", t.writes_per_s, c.write_us, "")?;
        row(f, "pages of 50 items", t.pages_per_s, c.page_us, "")?;
        let q_note = format!(" (boards of {} items)", int(l.items_per_board as f64));
        row(f, "filtered queries", t.queries_per_s, t.query_us, &q_note)?;
        row(f, "gets by id", t.gets_per_s, c.get_us, "")?;
        row(f, "light calls", t.light_per_s, c.light_read_us, "")?;
        writeln!(
            f,
            "Data: {} boards × {} items = {} items; {} hot boards ({}) in the engine: {}",
            int(t.boards),
            int(l.items_per_board as f64),
            int(t.items),
            int(t.hot_boards),
            pct(l.hot_board_share),
            bytes(t.engine_hot_bytes)
        )?;
        writeln!(
            f,
            "Events: {}/s at peak ({}/s on average); {} subscribers each → {} deliveries/s",
            int(t.events_per_s),
            int(t.average_events_per_s),
            num(t.subscribers_per_event),
            int(t.deliveries_per_s)
        )?;
        writeln!(f)
    }

    fn fmt_nodes(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let (t, l) = (&self.traffic, &self.load);
        writeln!(
            f,
            "Nodes: {} cores and {} GiB each, filled to {} at peak ({} per-core scaling)",
            l.node_cores,
            l.node_memory_gib,
            pct(l.target_utilisation),
            pct(self.costs.core_scaling)
        )?;
        writeln!(
            f,
            "  {:<10}{:>6}{:>12}{:>14}  {:<14}memory per node",
            "role", "nodes", "busy cores", "cores needed", "bound by"
        )?;
        let row = |f: &mut Formatter<'_>, name: &str, r: &RolePlan, note: String| {
            writeln!(
                f,
                "  {name:<10}{:>6}{:>12.1}{:>14.1}  {:<14}{}{note}",
                r.nodes,
                r.busy_cores,
                r.cores_needed,
                r.bound,
                bytes(r.memory_per_node)
            )
        };
        writeln!(
            f,
            "  (busy cores: at one pinned core's measured speed; cores needed: busy ÷ (scaling × utilisation))"
        )?;
        let engine = format!(" (its share of the engine's {})", bytes(t.engine_hot_bytes));
        row(f, "api", &self.api, engine)?;
        let per_node = t.sockets / self.realtime.nodes as f64;
        row(f, "realtime", &self.realtime, format!(" ({} sockets)", int(per_node)))?;
        row(f, "worker", &self.worker, String::new())?;
        writeln!(f, "  scheduler runs on the worker nodes (one holds the lease)")?;
        writeln!(f)
    }

    fn fmt_postgres(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let (p, l) = (&self.postgres, &self.load);
        writeln!(f, "PostgreSQL ({}-core servers, filled to {} at peak)", l.pg_node_cores, pct(l.target_utilisation))?;
        writeln!(f, "  writes      {} transactions/s, {} rows/s", int(p.write_tps), int(p.row_writes_per_s))?;
        writeln!(
            f,
            "  primary     {} cores for the writes and their {} reads/s → {} shard(s) by organization\n\
             \x20             (each a primary and a standby)",
            num(p.primary_cores),
            int(p.primary_reads_per_s),
            p.shards
        )?;
        writeln!(
            f,
            "  replicas    {} access-check reads/s → {} cores → {} read replica(s)",
            int(p.replica_reads_per_s),
            num(p.replica_cores),
            p.replicas
        )?;
        writeln!(
            f,
            "  storage     items {} + indexes {}; {} events ({} days) {} + indexes {}",
            bytes(p.item_bytes),
            bytes(p.item_index_bytes),
            int(p.retained_events),
            l.event_retention_days,
            bytes(p.event_bytes),
            bytes(p.event_index_bytes)
        )?;
        writeln!(f, "              = {}; provision {} of disk", bytes(p.total_bytes), bytes(p.disk_bytes))?;
        writeln!(
            f,
            "  growth      {}/month while the event log fills, then {}/month (items)",
            bytes(p.growth_per_month),
            bytes(p.growth_per_month_retained)
        )?;
        writeln!(
            f,
            "  memory      {} of hot data (hot boards' items, the last hour of events) across the shards",
            bytes(p.hot_set_bytes)
        )?;
        writeln!(f)
    }

    fn fmt_nats(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let (n, l) = (&self.nats, &self.load);
        writeln!(f, "NATS JetStream (3 nodes, {BUS_REPLICAS} replicas, one subject per board)")?;
        writeln!(f, "  in          {} messages/s, {:.1} MB/s", int(n.publish_per_s), n.mb_in_per_s)?;
        writeln!(
            f,
            "  out         {} copies each (realtime nodes with a subscriber, the engine, the workers)\n\
             \x20             → {} messages/s, {:.1} MB/s",
            num(n.deliveries_per_event),
            int(n.deliver_per_s),
            n.mb_out_per_s
        )?;
        writeln!(
            f,
            "  stream      {} h at the peak rate × {BUS_REPLICAS} replicas = {}",
            l.bus_retention_hours,
            bytes(n.stream_bytes)
        )?;
        writeln!(f)
    }

    fn fmt_assumptions(&self, f: &mut Formatter<'_>) -> fmt::Result {
        writeln!(f, "Assumptions")?;
        for a in &self.assumptions {
            writeln!(f, "  {:<11}{:<26}{:<24} {}", a.basis, a.name, a.value, a.source)?;
        }
        for line in MODEL {
            writeln!(f, "  {:<11}{line}", "model")?;
        }
        Ok(())
    }
}
