//! What one operation costs: CPU time on one core, bytes of memory, bytes on disk, rows
//! written. [`Costs::measured`] derives them from the figures in `BENCHMARKS.md` (the
//! [`figures`] below, each naming the row it comes from, checked against the document by this
//! crate's tests) and fills the rest with estimates, which [`Costs::assumptions`] marks as such.
//!
//! Every benchmark ran the server pinned to ONE core (core 0; the load generator on core 1),
//! so a figure of N requests/s is 1e6 / N µs of one core per request.

use serde::{Deserialize, Serialize};

/// The figures of `BENCHMARKS.md` the measured costs derive from, as the document states them.
pub mod figures {
    /// W1 table, first row (2026-11-27): `GET /api/v1/me` (authenticated no-op), sunday
    /// **88,112 req/s** on one core.
    pub const W1_NOOP_REQ_S: f64 = 88_112.0;
    /// "Speed at size", the everyday calls table, row "get by id `GET /items/{id}`", after:
    /// **38,760 req/s** (from the board engine).
    pub const GET_BY_ID_REQ_S: f64 = 38_760.0;
    /// "Speed at size", the **W2** paragraph (`BOARDS=10 ITEMS=10000`, seeded through the API):
    /// **18,251 req/s** for a 50-item page served from the board engine.
    pub const W2_PAGE_REQ_S: f64 = 18_251.0;
    /// "Speed at size", the everyday calls table, row "status `any_of` query (a third of the
    /// board matches)", after: **2,814 req/s** ...
    pub const QUERY_REQ_S: f64 = 2_814.0;
    /// ... on "one **10,000**-item board" (the everyday calls' set-up).
    pub const QUERY_BOARD_ITEMS: f64 = 10_000.0;
    /// "Speed at size", the everyday calls table, row "one-cell `PATCH`, `full` (durable)",
    /// after: **4,451**–4,565 req/s (the lower end; group commit).
    pub const PATCH_DURABLE_REQ_S: f64 = 4_451.0;
    /// "The typed board core" table, row "W6 fan-out to 1,000 subscribers", after: **186,645**
    /// deliveries/s. The W6 row of the real-time table says 262,715; the later sitting on
    /// today's code measured less, and the planner takes the lower figure.
    pub const W6_DELIVERIES_S: f64 = 186_645.0;
    /// Real-time table, row "W7: 18,000 idle subscribed sockets": **11.3 KB per connection**
    /// (the larger of the two W7 rows; `rt-bench` reads VmRSS, whose "kB" are KiB).
    pub const W7_KIB_PER_SOCKET: f64 = 11.3;
    /// Same W7 row: idle CPU **4.0%** of a core ...
    pub const W7_IDLE_CPU_PERCENT: f64 = 4.0;
    /// ... for **18,000** sockets (25 s pings and access re-checks).
    pub const W7_SOCKETS: f64 = 18_000.0;
    /// "Speed at size", the engine's memory per item: "The board engine's memory per item:
    /// **527 B** with four values" (board-bench's growth of anonymous memory when a
    /// 1,000,000-item board loads: the engine alone, without the rest of a server's process).
    pub const ENGINE_BYTES_PER_ITEM: f64 = 527.0;
    /// "Speed at size", where the time goes, Pages: "the **three** store reads of the access
    /// check (board, membership, grant)".
    pub const STORE_READS_PER_READ: f64 = 3.0;
    /// "Speed at size", where the time goes, PATCH: "the **four** reads before the write
    /// (access, item, structure version, columns)".
    pub const STORE_READS_PER_WRITE: f64 = 4.0;
    /// "The SQLite driver", store-bench row "board commit: **item edit + event**": one item
    /// row and one event row per change.
    pub const STORE_ROWS_PER_CHANGE: f64 = 2.0;
}

/// The estimates: what `BENCHMARKS.md` does not measure yet. Each says what it rests on.
pub mod estimates {
    /// Kernel memory per idle TCP socket (socket structures, empty buffers): 4 KiB. W7 reads
    /// the process's RSS only, so this comes on top of it.
    pub const SOCKET_KERNEL_BYTES: f64 = 4096.0;
    /// PostgreSQL select-only ~56K tps on this 2-core box with pgbench on the same box
    /// (`ARCHITECTURE.md`, "Choices already measured"), i.e. 2e6 / 56,000 µs per point read.
    pub const PG_SELECT_TPS_2_CORES: f64 = 56_000.0;
    /// PostgreSQL TPC-B ~4K tps on the same box (`ARCHITECTURE.md`): 2e6 / 4,000 µs per write
    /// transaction. TPC-B's five statements resemble a Sunday commit (version-checked item
    /// update, event insert, board seq); fsync-bound here, so conservative.
    pub const PG_TPCB_TPS_2_CORES: f64 = 4_000.0;
    /// An item row in PostgreSQL (schema `0002_boards.sql`: text UUIDs for id, board, group
    /// and author, position, counters, ~300 B of values JSON, 24 B tuple header): ~600 B.
    pub const ITEM_ROW_BYTES: f64 = 600.0;
    /// An item's entries in `items_pkey`, `items_board_group_idx`, `items_board_position_idx`
    /// and `items_parent_idx` (text UUID keys): ~300 B.
    pub const ITEM_INDEX_BYTES: f64 = 300.0;
    /// An event row (`board_events`: board, seq, kind, actor, item, and a payload carrying the
    /// item's snapshot): ~700 B.
    pub const EVENT_ROW_BYTES: f64 = 700.0;
    /// An event's entries in `board_events_pkey` (board, seq) and `board_events_item_idx`
    /// (item, seq): ~120 B.
    pub const EVENT_INDEX_BYTES: f64 = 120.0;
    /// One event on NATS: its JSON payload (as stored) plus subject and headers: ~768 B.
    pub const BUS_MESSAGE_BYTES: f64 = 768.0;
    /// Durable consumers that each take every event on worker nodes (`ARCHITECTURE.md`:
    /// automations, notifications, search indexer, analytics).
    pub const WORKER_CONSUMERS: f64 = 4.0;
    /// Worker CPU per event over all its consumers: 100 µs (25 µs each). Not measured: W8, W9
    /// and W12 (search, automations, analytics) have not been run yet.
    pub const WORKER_US_PER_EVENT: f64 = 100.0;
    /// A node process's memory before load (runtime, caches, buffers): 256 MiB.
    pub const BASE_PROCESS_MIB: f64 = 256.0;
    /// Each core of a many-core node delivers 80% of one pinned core's measured throughput
    /// (shared caches, locks, memory bandwidth). Every benchmark ran on one core.
    pub const CORE_SCALING: f64 = 0.8;
}

/// The cost of each operation the planner counts. All CPU figures are µs of one core.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Costs {
    /// A light authenticated call answered from caches (`GET /me`, metadata), per request.
    pub light_read_us: f64,
    /// One item by id from the board engine, per request.
    pub get_us: f64,
    /// A page of 50 items from the board engine, per request.
    pub page_us: f64,
    /// A filtered query (count + first page) on a board of `query_board_items` items.
    pub query_us: f64,
    /// The board size `query_us` was measured on; the scan part scales with board size.
    pub query_board_items: f64,
    /// A durable one-cell write (auth, validation, one transaction with its event), per request.
    pub write_us: f64,
    /// Delivering one event frame to one subscribed socket.
    pub delivery_us: f64,
    /// Process memory per idle subscribed socket, bytes.
    pub socket_bytes: f64,
    /// Kernel memory per idle TCP socket (buffers, socket structures), bytes.
    pub socket_kernel_bytes: f64,
    /// CPU per idle socket per second (pings, access re-checks), µs per second.
    pub socket_idle_us_per_s: f64,
    /// Memory per item held in the board engine, bytes.
    pub engine_bytes_per_item: f64,
    /// Store reads per engine-served read (page, query, get): the access check.
    pub store_reads_per_read: f64,
    /// Store reads per write, before the write transaction.
    pub store_reads_per_write: f64,
    /// Rows written per change (the item and its event).
    pub store_rows_per_change: f64,
    /// PostgreSQL CPU per point read, µs.
    pub pg_read_us: f64,
    /// PostgreSQL CPU per write transaction (a few statements and a commit), µs.
    pub pg_write_tx_us: f64,
    /// PostgreSQL bytes per item row (heap, incl. tuple header and its values JSON).
    pub item_row_bytes: f64,
    /// PostgreSQL bytes per item in its indexes (primary key, board/group/position, parent).
    pub item_index_bytes: f64,
    /// PostgreSQL bytes per event row (heap, incl. the item snapshot it carries).
    pub event_row_bytes: f64,
    /// PostgreSQL bytes per event in its indexes (primary key, item/seq).
    pub event_index_bytes: f64,
    /// Bytes per event message on the bus (payload and headers).
    pub bus_message_bytes: f64,
    /// Durable consumers that each receive every event (automations, notifications, search,
    /// analytics), all on worker nodes.
    pub worker_consumers: f64,
    /// Worker CPU per event, all consumers together, µs.
    pub worker_us_per_event: f64,
    /// Memory of a node's process before load (runtime, caches, buffers), bytes.
    pub base_process_bytes: f64,
    /// Share of one core's measured throughput each core of a many-core node delivers.
    pub core_scaling: f64,
}

/// Whether a figure was measured on this machine or is an estimate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    Measured,
    Estimated,
    /// A property of the load, set by the operator or left at its default.
    Input,
}

/// One number the plan rests on, with where it comes from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Assumption {
    pub name: &'static str,
    pub value: String,
    pub basis: Basis,
    pub source: String,
}

const MIB: f64 = 1024.0 * 1024.0;

impl Costs {
    /// The costs measured on the 2-core benchmark machine (one core for the server, see
    /// [`figures`]), plus the [`estimates`] for what is not measured yet.
    pub fn measured() -> Costs {
        use estimates::*;
        use figures::*;
        Costs {
            light_read_us: 1e6 / W1_NOOP_REQ_S,
            get_us: 1e6 / GET_BY_ID_REQ_S,
            page_us: 1e6 / W2_PAGE_REQ_S,
            query_us: 1e6 / QUERY_REQ_S,
            query_board_items: QUERY_BOARD_ITEMS,
            write_us: 1e6 / PATCH_DURABLE_REQ_S,
            delivery_us: 1e6 / W6_DELIVERIES_S,
            socket_bytes: W7_KIB_PER_SOCKET * 1024.0,
            socket_kernel_bytes: SOCKET_KERNEL_BYTES,
            socket_idle_us_per_s: W7_IDLE_CPU_PERCENT / 100.0 * 1e6 / W7_SOCKETS,
            engine_bytes_per_item: ENGINE_BYTES_PER_ITEM,
            store_reads_per_read: STORE_READS_PER_READ,
            store_reads_per_write: STORE_READS_PER_WRITE,
            store_rows_per_change: STORE_ROWS_PER_CHANGE,
            pg_read_us: 2e6 / PG_SELECT_TPS_2_CORES,
            pg_write_tx_us: 2e6 / PG_TPCB_TPS_2_CORES,
            item_row_bytes: ITEM_ROW_BYTES,
            item_index_bytes: ITEM_INDEX_BYTES,
            event_row_bytes: EVENT_ROW_BYTES,
            event_index_bytes: EVENT_INDEX_BYTES,
            bus_message_bytes: BUS_MESSAGE_BYTES,
            worker_consumers: WORKER_CONSUMERS,
            worker_us_per_event: WORKER_US_PER_EVENT,
            base_process_bytes: BASE_PROCESS_MIB * MIB,
            core_scaling: CORE_SCALING,
        }
    }

    /// Every cost with its value, whether it is measured (and from which `BENCHMARKS.md` row)
    /// or estimated (and on what). The sources quote [`figures`], not these values: a cost
    /// changed by hand still shows what was measured.
    pub fn assumptions(&self) -> Vec<Assumption> {
        use estimates::*;
        use figures::*;
        use Basis::{Estimated as E, Measured as M};
        let us = |v: f64| format!("{v:.2} µs");
        let b = crate::fmt::bytes;
        let n = |v: f64| format!("{v}");
        let q = crate::fmt::int;
        vec![
            a("light call", us(self.light_read_us), M, format!("W1: GET /me {} req/s on one core", q(W1_NOOP_REQ_S))),
            a("get by id", us(self.get_us), M, format!("everyday calls: get by id {} req/s", q(GET_BY_ID_REQ_S))),
            a("page of 50 items", us(self.page_us), M, format!("Speed at size, W2: {} req/s", q(W2_PAGE_REQ_S))),
            a(
                "filtered query",
                format!("{} at {} items", us(self.query_us), q(self.query_board_items)),
                M,
                format!(
                    "everyday calls: status any_of {} req/s, {}-item board; above a page's cost, \
                     ∝ board size (W3, W16)",
                    q(QUERY_REQ_S),
                    q(QUERY_BOARD_ITEMS)
                ),
            ),
            a(
                "one-cell write",
                us(self.write_us),
                M,
                format!("everyday calls: durable PATCH {} req/s, SQLite in-process", q(PATCH_DURABLE_REQ_S)),
            ),
            a("fan-out delivery", us(self.delivery_us), M, format!("W6: {} deliveries/s", q(W6_DELIVERIES_S))),
            a(
                "socket, process",
                b(self.socket_bytes),
                M,
                format!("W7: {W7_KIB_PER_SOCKET} KiB per connection (RSS) at {} sockets", q(W7_SOCKETS)),
            ),
            a(
                "socket, idle CPU",
                format!("{:.2} µs/s", self.socket_idle_us_per_s),
                M,
                format!("W7: {W7_IDLE_CPU_PERCENT}% of a core for {} sockets", q(W7_SOCKETS)),
            ),
            a(
                "engine memory per item",
                b(self.engine_bytes_per_item),
                M,
                "W16: the engine's memory on a board of 1,000,000 items".into(),
            ),
            a("store reads per read", n(self.store_reads_per_read), M, "page profile: the access check".into()),
            a(
                "store reads per write",
                n(self.store_reads_per_write),
                M,
                "PATCH profile: reads before the write".into(),
            ),
            a(
                "rows per change",
                n(self.store_rows_per_change),
                M,
                "store-bench board commit: item edit + event".into(),
            ),
            a("socket, kernel", b(self.socket_kernel_bytes), E, "idle TCP socket; W7 counts RSS only".into()),
            a(
                "PG point read",
                us(self.pg_read_us),
                E,
                format!("ARCHITECTURE.md: select-only {} tps on 2 cores", q(PG_SELECT_TPS_2_CORES)),
            ),
            a(
                "PG write transaction",
                us(self.pg_write_tx_us),
                E,
                format!("ARCHITECTURE.md: TPC-B {} tps on 2 cores, fsync-bound", q(PG_TPCB_TPS_2_CORES)),
            ),
            a("PG item row", b(self.item_row_bytes), E, "schema: text UUIDs, ~300 B of values JSON".into()),
            a("PG item indexes", b(self.item_index_bytes), E, "pkey, board/group/position, board/position".into()),
            a("PG event row", b(self.event_row_bytes), E, "schema: the event carries the item snapshot".into()),
            a("PG event indexes", b(self.event_index_bytes), E, "pkey (board, seq), (item, seq)".into()),
            a("bus message", b(self.bus_message_bytes), E, "event JSON plus NATS subject and headers".into()),
            a("worker consumers", n(self.worker_consumers), E, "automations, notifications, search, analytics".into()),
            a("worker CPU per event", us(self.worker_us_per_event), E, "not measured: W8, W9, W12 not yet run".into()),
            a("process base memory", b(self.base_process_bytes), E, "runtime, caches, buffers".into()),
            a(
                "per-core scaling",
                format!("{:.0}%", self.core_scaling * 100.0),
                E,
                "every benchmark ran on one pinned core".into(),
            ),
        ]
    }
}

impl Default for Costs {
    fn default() -> Costs {
        Costs::measured()
    }
}

pub(crate) fn a(name: &'static str, value: String, basis: Basis, source: String) -> Assumption {
    Assumption { name, value, basis, source }
}
