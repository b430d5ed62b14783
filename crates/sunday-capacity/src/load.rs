//! The load to plan for, and the shape of the nodes to run it on. Every field is public and
//! has a default, so a command line maps its flags onto fields one to one.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::costs::{a, Assumption, Basis};
use crate::fmt::{int, pct};

/// A target load at peak. Shares are fractions (0.05 = 5%).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Load {
    /// Registered users (`--users`). Default 10,000.
    pub users: u64,
    /// Share of users active at the peak hour (`--active-ratio`). Default 0.1.
    pub active_ratio: f64,
    /// API requests per second per active user, at peak. Default 0.2 (one every 5 s: a web
    /// app polling nothing, since changes arrive over the WebSocket).
    pub requests_per_active_user: f64,
    /// Total API requests per second at peak (`--rps`); `None` derives it as users ×
    /// active ratio × requests per active user.
    pub rps: Option<f64>,
    /// Share of requests that are writes, priced as a durable one-cell PATCH (`--write-share`).
    /// Default 0.05.
    pub write_share: f64,
    /// Share of requests that are 50-item pages. Default 0.30.
    pub page_share: f64,
    /// Share of requests that are filtered queries (count + first page). Default 0.10.
    pub query_share: f64,
    /// Share of requests that get one item by id. Default 0.25. What the four shares leave
    /// (30% by default) are light calls answered from caches (`GET /me`, metadata).
    pub get_share: f64,
    /// Concurrent WebSockets at peak (`--sockets`); `None` = one per active user.
    pub sockets: Option<u64>,
    /// Boards (`--boards`); `None` = users × `boards_per_user`.
    pub boards: Option<u64>,
    /// Boards per user when `boards` is not set. Default 0.5.
    pub boards_per_user: f64,
    /// Average items per board (`--items-per-board`). Default 500.
    pub items_per_board: u64,
    /// Share of boards open at peak: in the board engine, with subscribers, receiving the
    /// writes. Default 0.05.
    pub hot_board_share: f64,
    /// Sockets that receive each event; `None` = sockets ÷ hot boards (every socket watches
    /// one hot board, writes spread evenly over hot boards).
    pub subscribers_per_event: Option<f64>,
    /// Events appended (and published) per write. Default 1 (one event per change).
    pub events_per_write: f64,
    /// Peak rate ÷ the month's average rate, for storage growth. Default 3.
    pub peak_to_average: f64,
    /// Days of the event log kept in PostgreSQL (the activity log; older events archived
    /// elsewhere). Default 90.
    pub event_retention_days: u32,
    /// Hours of events kept in the NATS JetStream stream (consumers further behind read the
    /// event log). Default 6.
    pub bus_retention_hours: u32,
    /// Monthly growth of the item count, for storage growth. Default 0.02.
    pub item_growth_per_month: f64,
    /// Cores per node (`--node-cores`). Default 8.
    pub node_cores: u32,
    /// Memory per node in GiB (`--node-memory-gib`). Default 32.
    pub node_memory_gib: f64,
    /// Share of a node's cores and memory the plan fills at peak. Default 0.6.
    pub target_utilisation: f64,
    /// Most sockets one realtime node carries, whatever its memory allows: a node lost means
    /// this many reconnects, and W7 has measured up to 18,000 only. Default 100,000.
    pub max_sockets_per_node: u64,
    /// Fewest nodes per role, for availability. Default 2.
    pub min_nodes_per_role: u32,
    /// Cores per PostgreSQL server (primary or replica). Default 32.
    pub pg_node_cores: u32,
}

impl Default for Load {
    fn default() -> Load {
        Load {
            users: 10_000,
            active_ratio: 0.1,
            requests_per_active_user: 0.2,
            rps: None,
            write_share: 0.05,
            page_share: 0.30,
            query_share: 0.10,
            get_share: 0.25,
            sockets: None,
            boards: None,
            boards_per_user: 0.5,
            items_per_board: 500,
            hot_board_share: 0.05,
            subscribers_per_event: None,
            events_per_write: 1.0,
            peak_to_average: 3.0,
            event_retention_days: 90,
            bus_retention_hours: 6,
            item_growth_per_month: 0.02,
            node_cores: 8,
            node_memory_gib: 32.0,
            target_utilisation: 0.6,
            max_sockets_per_node: 100_000,
            min_nodes_per_role: 2,
            pg_node_cores: 32,
        }
    }
}

/// A load field out of range; names the field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError(pub String);

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LoadError {}

impl Load {
    /// Checks every field's range. [`plan()`](crate::plan()) clamps what is out of range instead; call
    /// this first to tell the operator.
    pub fn check(&self) -> Result<(), LoadError> {
        let err = |m: String| Err(LoadError(m));
        let shares = [
            ("active_ratio", self.active_ratio),
            ("write_share", self.write_share),
            ("page_share", self.page_share),
            ("query_share", self.query_share),
            ("get_share", self.get_share),
            ("hot_board_share", self.hot_board_share),
        ];
        for (name, v) in shares {
            if !(0.0..=1.0).contains(&v) {
                return err(format!("{name} must be between 0 and 1, not {v}"));
            }
        }
        let sum = self.write_share + self.page_share + self.query_share + self.get_share;
        if sum > 1.0 + 1e-9 {
            return err(format!("write, page, query and get shares add up to {sum}, more than 1"));
        }
        let non_negative = [
            ("requests_per_active_user", self.requests_per_active_user),
            ("rps", self.rps.unwrap_or(0.0)),
            ("boards_per_user", self.boards_per_user),
            ("subscribers_per_event", self.subscribers_per_event.unwrap_or(0.0)),
            ("events_per_write", self.events_per_write),
            ("item_growth_per_month", self.item_growth_per_month),
        ];
        for (name, v) in non_negative {
            if !v.is_finite() || v < 0.0 {
                return err(format!("{name} must be a number ≥ 0, not {v}"));
            }
        }
        if self.peak_to_average.is_nan() || self.peak_to_average < 1.0 {
            return err(format!("peak_to_average must be ≥ 1, not {}", self.peak_to_average));
        }
        if !(self.target_utilisation > 0.0 && self.target_utilisation <= 1.0) {
            return err(format!("target_utilisation must be in (0, 1], not {}", self.target_utilisation));
        }
        if self.node_cores == 0 || self.pg_node_cores == 0 || self.max_sockets_per_node == 0 {
            return err("node_cores, pg_node_cores and max_sockets_per_node must be at least 1".into());
        }
        if !self.node_memory_gib.is_finite() || self.node_memory_gib < 1.0 {
            return err(format!("node_memory_gib must be at least 1, not {}", self.node_memory_gib));
        }
        Ok(())
    }

    /// The load's inputs, as the plan prints them.
    pub fn assumptions(&self) -> Vec<Assumption> {
        let i = Basis::Input;
        let light = 1.0 - self.write_share - self.page_share - self.query_share - self.get_share;
        let or = |v: Option<f64>, default: &str| v.map_or_else(|| default.to_owned(), int);
        vec![
            a("users", int(self.users as f64), i, "--users".into()),
            a("active at peak", pct(self.active_ratio), i, "--active-ratio".into()),
            a("requests per active user", format!("{}/s", self.requests_per_active_user), i, "default 0.2".into()),
            a("requests/s", or(self.rps, "users × active × per user"), i, "--rps".into()),
            a("writes", pct(self.write_share), i, "--write-share; a durable one-cell PATCH".into()),
            a("pages", pct(self.page_share), i, "of requests; 50 items each".into()),
            a("filtered queries", pct(self.query_share), i, "of requests; count + first page".into()),
            a("gets by id", pct(self.get_share), i, "of requests".into()),
            a("light calls", pct(light.max(0.0)), i, "the rest: GET /me, metadata, from caches".into()),
            a("sockets", or(self.sockets.map(|s| s as f64), "one per active user"), i, "--sockets".into()),
            a(
                "boards",
                or(self.boards.map(|b| b as f64), &format!("{} per user", self.boards_per_user)),
                i,
                "--boards".into(),
            ),
            a("items per board", int(self.items_per_board as f64), i, "--items-per-board".into()),
            a("hot boards", pct(self.hot_board_share), i, "open at peak: in the engine, subscribed, written".into()),
            a("events per write", format!("{}", self.events_per_write), i, "one event per change".into()),
            a("peak ÷ average", format!("{}", self.peak_to_average), i, "for storage growth".into()),
            a("event log kept", format!("{} days", self.event_retention_days), i, "in PostgreSQL".into()),
            a("bus stream kept", format!("{} h", self.bus_retention_hours), i, "in JetStream, 3 replicas".into()),
            a("item growth", format!("{}/month", pct(self.item_growth_per_month)), i, "for storage growth".into()),
            a(
                "node",
                format!("{} cores, {} GiB", self.node_cores, self.node_memory_gib),
                i,
                "--node-cores, --node-memory-gib".into(),
            ),
            a("target utilisation", pct(self.target_utilisation), i, "headroom for bursts and a lost node".into()),
            a("sockets per realtime node", int(self.max_sockets_per_node as f64), i, "at most".into()),
            a("nodes per role", format!("≥ {}", self.min_nodes_per_role), i, "availability".into()),
            a("PostgreSQL server", format!("{} cores", self.pg_node_cores), i, "primary or replica".into()),
        ]
    }
}
