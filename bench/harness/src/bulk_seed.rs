//! W10: builds one board the way a user would, through the public API of a running server:
//! `bulk-seed BASE_URL TOTAL [CHUNK]` signs up, creates a workspace, a board and four typed
//! columns (text, number, status, date), then creates TOTAL items with
//! `POST /boards/{id}/items/bulk` in chunks of CHUNK (default 1,000), one request at a time.
//! It prints the rate of each tenth of the run and of the first and last chunks, so a rate
//! that falls as the board grows shows at once. The last line is machine-readable:
//! `W10 total=… secs=… rate=… first=… last=…`.

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

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (base, total) = match args.as_slice() {
        [base, total, ..] => (base.trim_end_matches('/').to_owned(), total.parse::<usize>()?),
        _ => return Err("usage: bulk-seed BASE_URL TOTAL [CHUNK]".into()),
    };
    let chunk: usize = args.get(2).map(|c| c.parse()).transpose()?.unwrap_or(1000);
    let http = reqwest::Client::new();
    let signup: Value = http
        .post(format!("{base}/api/v1/auth/signup"))
        .json(&json!({"email": "w10@example.com", "password": "benchmark password", "name": "W10"}))
        .send()
        .await?
        .json()
        .await?;
    let token = signup["token"].as_str().ok_or_else(|| format!("signup failed: {signup}"))?.to_owned();
    let client = Client { http, base, token };
    let ws = id(&client.post("/workspaces", json!({"name": "W10"})).await?)?;
    let board = client.post("/boards", json!({"name": "Big board", "workspace_id": ws})).await?;
    let board_id = id(&board)?;
    let mut columns = vec![];
    for (title, ty) in [("Notes", "text"), ("Amount", "number"), ("State", "status"), ("Due", "date")] {
        columns.push(client.post(&format!("/boards/{board_id}/columns"), json!({"title": title, "type": ty})).await?);
    }
    let ids: Vec<String> = columns.iter().map(id).collect::<Result<_, _>>()?;
    let labels: Vec<String> = columns[2]["settings"]["labels"]
        .as_array()
        .map(|ls| ls.iter().filter_map(|l| l["id"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    if labels.is_empty() {
        return Err(format!("the status column has no labels: {}", columns[2]).into());
    }

    let started = Instant::now();
    let (mut done, mut tenth_start, mut tenth_done) = (0usize, Instant::now(), 0usize);
    let (mut first_rate, mut last_rate) = (0.0, 0.0);
    while done < total {
        let n = chunk.min(total - done);
        let items: Vec<Value> = (done..done + n)
            .map(|i| {
                json!({
                    "name": format!("Item {i}"),
                    "values": {
                        ids[0].as_str(): format!("note {i}"),
                        ids[1].as_str(): i % 1000,
                        ids[2].as_str(): labels[i % labels.len()],
                        ids[3].as_str(): format!("2026-{:02}-{:02}", 1 + i % 12, 1 + i % 28),
                    }
                })
            })
            .collect();
        let t = Instant::now();
        client.post(&format!("/boards/{board_id}/items/bulk"), json!({"items": items})).await?;
        let rate = n as f64 / t.elapsed().as_secs_f64();
        if done == 0 {
            first_rate = rate;
        }
        last_rate = rate;
        done += n;
        if done - tenth_done >= total.div_ceil(10) || done == total {
            let r = (done - tenth_done) as f64 / tenth_start.elapsed().as_secs_f64();
            println!("{done:>9} items  {r:>9.0} items/s over the last {}", done - tenth_done);
            (tenth_start, tenth_done) = (Instant::now(), done);
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "W10 total={total} secs={secs:.1} rate={:.0} first={first_rate:.0} last={last_rate:.0}",
        total as f64 / secs
    );
    Ok(())
}
