//! Builds boards the way a user would, through the public API of a running server:
//! `bulk-seed BASE_URL ITEMS [CHUNK]` signs up (or uses `$TOKEN`), creates a workspace and
//! `$BOARDS` boards (default 1) with four typed columns (text, number, status, date; with
//! `WIDE=1` the ten of W2: text, number, status, date, people, checkbox, rating, tags, email,
//! long text), then creates ITEMS items per board with `POST /boards/{id}/items/bulk` in
//! chunks of CHUNK (default 1,000), one request at a time, spread over the board's groups.
//!
//! W10 (one board): it prints the rate of each tenth of the run and of the first and last
//! chunks, so a rate that falls as the board grows shows at once; the last line is
//! machine-readable: `W10 total=… secs=… rate=… first=… last=…`. W2: with `$PAIRS` set it
//! writes one `board_id group_id` line per group there, for `bench/pages.lua`. With `$INFO`
//! set it writes, for `bench/calls.lua`, a first line `board_id status_column_id label_id
//! text_column_id` (the first board) and then the ids of up to 10,000 of its items.

use std::time::Instant;

use serde_json::{json, Value};

type Error = Box<dyn std::error::Error>;

struct Client {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Client {
    async fn post(&self, path: &str, body: Value) -> Result<Value, Error> {
        let res =
            self.http.post(format!("{}/api/v1{path}", self.base)).bearer_auth(&self.token).json(&body).send().await?;
        let status = res.status();
        let body: Value = res.json().await?;
        if !status.is_success() {
            return Err(format!("POST {path}: {status} {body}").into());
        }
        Ok(body)
    }
}

fn id(v: &Value) -> Result<String, Error> {
    v["id"].as_str().map(str::to_owned).ok_or_else(|| format!("no id in {v}").into())
}

/// The typed columns of a benchmark board, as (title, type).
fn column_specs() -> &'static [(&'static str, &'static str)] {
    const FOUR: &[(&str, &str)] = &[("Notes", "text"), ("Amount", "number"), ("State", "status"), ("Due", "date")];
    const TEN: &[(&str, &str)] = &[
        ("Notes", "text"),
        ("Amount", "number"),
        ("State", "status"),
        ("Due", "date"),
        ("Owner", "people"),
        ("Done", "checkbox"),
        ("Score", "rating"),
        ("Tags", "tags"),
        ("Contact", "email"),
        ("Details", "long_text"),
    ];
    if std::env::var("WIDE").is_ok_and(|w| w == "1") {
        TEN
    } else {
        FOUR
    }
}

/// Item `i`'s value for a column of type `ty`.
fn value(ty: &str, i: usize, labels: &[String], user: &str) -> Value {
    match ty {
        "text" => json!(format!("note {i}")),
        "number" => json!(i % 1000),
        "status" => json!(labels[i % labels.len()]),
        "date" => json!(format!("2026-{:02}-{:02}", 1 + i % 12, 1 + i % 28)),
        "people" => json!([user]),
        "checkbox" => json!(i.is_multiple_of(2)),
        "rating" => json!(i % 5 + 1),
        "tags" => json!(["a", "b"]),
        "email" => json!(format!("user{i}@example.com")),
        _ => json!("A longer description of the item."),
    }
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (base, total) = match args.as_slice() {
        [base, total, ..] => (base.trim_end_matches('/').to_owned(), total.parse::<usize>()?),
        _ => return Err("usage: bulk-seed BASE_URL ITEMS [CHUNK]".into()),
    };
    let chunk: usize = args.get(2).map(|c| c.parse()).transpose()?.unwrap_or(1000);
    let boards: usize = std::env::var("BOARDS").ok().map(|b| b.parse()).transpose()?.unwrap_or(1);
    let http = reqwest::Client::new();
    let token = match std::env::var("TOKEN") {
        Ok(t) => t,
        Err(_) => {
            let signup: Value = http
                .post(format!("{base}/api/v1/auth/signup"))
                .json(&json!({"email": "w10@example.com", "password": "benchmark password", "name": "W10"}))
                .send()
                .await?
                .json()
                .await?;
            signup["token"].as_str().ok_or_else(|| format!("signup failed: {signup}"))?.to_owned()
        }
    };
    let client = Client { http, base, token };
    let me: Value =
        client.http.get(format!("{}/api/v1/me", client.base)).bearer_auth(&client.token).send().await?.json().await?;
    let user = me["user"]["id"].as_str().ok_or_else(|| format!("no user in {me}"))?.to_owned();
    let ws = id(&client.post("/workspaces", json!({"name": "Bench"})).await?)?;
    let mut pairs = String::new();
    let started = Instant::now();
    for b in 0..boards {
        let board = client.post("/boards", json!({"name": format!("Board {b}"), "workspace_id": ws})).await?;
        let board_id = id(&board)?;
        let groups: Vec<String> = board["groups"]
            .as_array()
            .map(|g| g.iter().filter_map(|g| g["id"].as_str().map(str::to_owned)).collect())
            .unwrap_or_default();
        for g in &groups {
            pairs.push_str(&format!("{board_id} {g}\n"));
        }
        let mut columns = vec![];
        for (title, ty) in column_specs() {
            let c = client.post(&format!("/boards/{board_id}/columns"), json!({"title": title, "type": ty})).await?;
            columns.push((id(&c)?, *ty, c));
        }
        let labels: Vec<String> = columns
            .iter()
            .find(|(_, ty, _)| *ty == "status")
            .and_then(|(_, _, c)| c["settings"]["labels"].as_array())
            .map(|ls| ls.iter().filter_map(|l| l["id"].as_str().map(str::to_owned)).collect())
            .unwrap_or_default();
        if labels.is_empty() {
            return Err("the status column has no labels".into());
        }
        let ids = seed_board(&client, &board_id, &groups, &columns, &labels, &user, total, chunk, boards == 1).await?;
        if let (0, Ok(path)) = (b, std::env::var("INFO")) {
            let col = |ty: &str| columns.iter().find(|c| c.1 == ty).map(|c| c.0.clone()).unwrap_or_default();
            let head = format!("{board_id} {} {} {}\n", col("status"), labels[0], col("text"));
            std::fs::write(path, head + &ids.join("\n"))?;
        }
    }
    if let Ok(path) = std::env::var("PAIRS") {
        std::fs::write(path, pairs)?;
    }
    if boards > 1 {
        let secs = started.elapsed().as_secs_f64();
        println!(
            "seeded {boards} boards x {total} items in {secs:.1} s ({:.0} items/s)",
            (boards * total) as f64 / secs
        );
    }
    Ok(())
}

/// Creates `total` items on one board, spread over its groups; with `report`, prints the
/// W10 progress lines.
#[allow(clippy::too_many_arguments)]
async fn seed_board(
    client: &Client,
    board_id: &str,
    groups: &[String],
    columns: &[(String, &str, Value)],
    labels: &[String],
    user: &str,
    total: usize,
    chunk: usize,
    report: bool,
) -> Result<Vec<String>, Error> {
    let mut ids = vec![];
    let started = Instant::now();
    let (mut done, mut tenth_start, mut tenth_done) = (0usize, Instant::now(), 0usize);
    let (mut first_rate, mut last_rate) = (0.0, 0.0);
    while done < total {
        let n = chunk.min(total - done);
        let items: Vec<Value> = (done..done + n)
            .map(|i| {
                let values: serde_json::Map<String, Value> =
                    columns.iter().map(|(id, ty, _)| (id.clone(), value(ty, i, labels, user))).collect();
                let mut item = json!({"name": format!("Item {i}"), "values": values});
                if !groups.is_empty() {
                    item["group_id"] = json!(groups[i % groups.len()]);
                }
                item
            })
            .collect();
        let t = Instant::now();
        let created = client.post(&format!("/boards/{board_id}/items/bulk"), json!({"items": items})).await?;
        if ids.len() < 10_000 {
            ids.extend(
                created["data"].as_array().into_iter().flatten().filter_map(|i| i["id"].as_str().map(str::to_owned)),
            );
        }
        let rate = n as f64 / t.elapsed().as_secs_f64();
        if done == 0 {
            first_rate = rate;
        }
        last_rate = rate;
        done += n;
        if report && (done - tenth_done >= total.div_ceil(10) || done == total) {
            let r = (done - tenth_done) as f64 / tenth_start.elapsed().as_secs_f64();
            println!("{done:>9} items  {r:>9.0} items/s over the last {}", done - tenth_done);
            (tenth_start, tenth_done) = (Instant::now(), done);
        }
    }
    if report {
        let secs = started.elapsed().as_secs_f64();
        println!(
            "W10 total={total} secs={secs:.1} rate={:.0} first={first_rate:.0} last={last_rate:.0}",
            total as f64 / secs
        );
    }
    Ok(ids)
}
