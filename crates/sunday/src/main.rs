//! `sunday`: one binary for every role. `serve` runs the product (by default everything, on
//! an embedded SQLite store under `./data`); `migrate` applies schema migrations;
//! `backup`/`restore` copy the embedded store; `org export`/`org import` move one
//! organization between instances; `config print-default` shows every setting with its default; `openapi` prints the API
//! specification.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use sunday_config::Config;

#[derive(Parser)]
#[command(name = "sunday", version, about = "Sunday: the self-hostable Work OS")]
struct Cli {
    /// Configuration file (default: ./sunday.toml when present).
    #[arg(long, global = true, env = "SUNDAY_CONFIG")]
    config: Option<PathBuf>,
    /// Address to listen on, e.g. 127.0.0.1:8080 (port 0 picks a free one).
    #[arg(long, global = true)]
    listen: Option<String>,
    /// Directory for the embedded store and local files.
    #[arg(long, global = true)]
    data_dir: Option<String>,
    /// Roles to run: all, or a comma list of api, realtime, worker, scheduler.
    #[arg(long, global = true)]
    roles: Option<String>,
    /// Log format: pretty or json.
    #[arg(long, global = true)]
    log_format: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run Sunday.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate {
        /// Print the migrations that would be applied, with their SQL, and change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Configuration helpers.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Print the OpenAPI specification (JSON).
    Openapi,
    /// Write a consistent backup of the store (SQLite or PostgreSQL) to FILE, while Sunday
    /// runs or not.
    Backup {
        #[arg(long = "to", value_name = "FILE")]
        to: PathBuf,
    },
    /// Restore a backup into the configured store (empty, unless --force replaces what it
    /// holds). Stop Sunday first.
    Restore {
        #[arg(long = "from", value_name = "FILE")]
        from: PathBuf,
        /// Replace the database already in the data directory.
        #[arg(long)]
        force: bool,
    },
    /// Size a deployment for a target load from the costs measured in BENCHMARKS.md.
    Capacity(CapacityArgs),
    /// Move an organization between instances (and between SQLite and PostgreSQL).
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
}

/// The target load (`sunday capacity --help`); unset flags take the planner's defaults.
#[derive(clap::Args)]
struct CapacityArgs {
    /// Registered users.
    #[arg(long)]
    users: Option<u64>,
    /// Share of users active at peak (0–1).
    #[arg(long)]
    active_ratio: Option<f64>,
    /// Total API requests per second at peak (default: from users and activity).
    #[arg(long)]
    rps: Option<f64>,
    /// Share of requests that are writes (0–1).
    #[arg(long)]
    write_share: Option<f64>,
    /// Concurrent WebSockets (default: one per active user).
    #[arg(long)]
    sockets: Option<u64>,
    /// Boards (default: from users).
    #[arg(long)]
    boards: Option<u64>,
    /// Average items per board.
    #[arg(long)]
    items_per_board: Option<u64>,
    /// Cores per node.
    #[arg(long)]
    node_cores: Option<u32>,
    /// Memory per node, GiB.
    #[arg(long)]
    node_memory_gib: Option<f64>,
}

impl CapacityArgs {
    fn load(&self) -> sunday_capacity::Load {
        let d = sunday_capacity::Load::default();
        sunday_capacity::Load {
            users: self.users.unwrap_or(d.users),
            active_ratio: self.active_ratio.unwrap_or(d.active_ratio),
            rps: self.rps.or(d.rps),
            write_share: self.write_share.unwrap_or(d.write_share),
            sockets: self.sockets.or(d.sockets),
            boards: self.boards.or(d.boards),
            items_per_board: self.items_per_board.unwrap_or(d.items_per_board),
            node_cores: self.node_cores.unwrap_or(d.node_cores),
            node_memory_gib: self.node_memory_gib.unwrap_or(d.node_memory_gib),
            ..d
        }
    }
}

#[derive(Subcommand)]
enum OrgCommand {
    /// Write organization ORG (its id) with its members, workspaces, boards, items, updates,
    /// views, permissions and event log to FILE.
    Export {
        org: String,
        #[arg(long = "to", value_name = "FILE")]
        to: PathBuf,
    },
    /// Load an organization archive into this instance: all of it or nothing; an
    /// organization that is already here is refused.
    Import {
        #[arg(long = "from", value_name = "FILE")]
        from: PathBuf,
    },
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Print every setting with its default value, as TOML.
    PrintDefault,
}

impl Cli {
    fn overrides(&self) -> Vec<(String, toml::Value)> {
        let mut out = Vec::new();
        let mut set = |key: &str, v: &Option<String>| {
            if let Some(v) = v {
                out.push((key.to_owned(), toml::Value::String(v.clone())));
            }
        };
        set("listen", &self.listen);
        set("data_dir", &self.data_dir);
        set("roles", &self.roles);
        set("log.format", &self.log_format);
        out
    }
}

/// mimalloc in place of the system allocator: the server's work is copying and dropping many
/// small values (items, cells, events), where glibc's allocator took about a quarter of a
/// formula's first computation (BENCHMARKS.md, "Formulas at size"). The `system-allocator`
/// feature builds without it, for comparison.
#[cfg(not(feature = "system-allocator"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Config { command: ConfigCommand::PrintDefault } => {
            print!("{}", Config::default_toml());
            return Ok(());
        }
        Command::Openapi => {
            println!("{}", serde_json::to_string_pretty(&sunday_http::openapi_spec())?);
            return Ok(());
        }
        Command::Capacity(args) => {
            let load = args.load();
            load.check().map_err(|e| anyhow::anyhow!("{}", e.0))?;
            print!("{}", sunday_capacity::plan(&load, &sunday_capacity::Costs::measured()));
            return Ok(());
        }
        _ => {}
    }
    let config = Config::load(cli.config.as_deref(), std::env::vars(), &cli.overrides())?;
    sunday_server::init_logging(&config);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        match cli.command {
            Command::Backup { to } => {
                let m = sunday_server::backup::backup(&config, &to).await?;
                let bytes: u64 = m.files.iter().map(|f| f.bytes).sum();
                println!(
                    "backed up the {} store at schema version {} ({bytes} bytes) to {}",
                    m.store,
                    m.schema_version,
                    to.display()
                );
                Ok(())
            }
            Command::Restore { from, force } => {
                let m = sunday_server::backup::restore(&config, &from, force).await?;
                println!("restored the backup of {} (schema version {})", m.created_at, m.schema_version);
                Ok(())
            }
            Command::Migrate { dry_run: true } => {
                print!("{}", sunday_server::migration_plan(&config).await?);
                Ok(())
            }
            Command::Org { command: OrgCommand::Export { org, to } } => {
                let org = org.parse().map_err(|_| anyhow::anyhow!("`{org}` is not an organization id"))?;
                let store = sunday_server::open_store(&config, false).await?;
                let m = sunday_server::org_archive::export(
                    store.as_ref(),
                    org,
                    &to,
                    sunday_server::org_archive::Secrets::Keep,
                )
                .await?;
                println!(
                    "exported {} ({}): {} members, {} boards, {} items, {} events to {}",
                    m.org_name,
                    m.org_id,
                    m.rows("org_members"),
                    m.rows("boards"),
                    m.rows("items"),
                    m.rows("board_events"),
                    to.display()
                );
                Ok(())
            }
            Command::Org { command: OrgCommand::Import { from } } => {
                let store = sunday_server::open_store(&config, false).await?;
                let m = sunday_server::org_archive::import(store.as_ref(), &from).await?;
                println!(
                    "imported {} ({}): {} members, {} boards, {} items, {} events",
                    m.org_name,
                    m.org_id,
                    m.rows("org_members"),
                    m.rows("boards"),
                    m.rows("items"),
                    m.rows("board_events")
                );
                Ok(())
            }
            Command::Migrate { dry_run: false } => {
                let version = sunday_server::migrate(&config).await?;
                tracing::info!(version, "migrations applied");
                println!("schema at version {version}");
                Ok(())
            }
            _ => sunday_server::serve(config).await,
        }
    })
}
