//! Files through the API, on both stores with the local file storage: who may read and attach
//! a file (the uploader; readers of a board holding it, through a cell or an update; nobody
//! after access is revoked or the item deleted), uploads refused before anything is kept (over
//! the limit, a refused type, a client that hangs up), names made safe, ranges, signed links,
//! thumbnails, and the sweep that deletes what no item holds. `files_s3.rs` runs the storage
//! against an S3-compatible server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/raw.rs"]
mod raw;

use std::{path::PathBuf, time::Duration};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use sunday_testkit::{backend_tests, board, expect_error, expect_json, Backend, Session, TestApp};

backend_tests!(files_are_read_through_the_boards_that_hold_them, downloads_serve_ranges_links_and_previews);

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

pub async fn upload(app: &TestApp, s: &Session, name: &str, ty: &str, bytes: Vec<u8>) -> Value {
    let r = app
        .client()
        .post(app.url("/api/v1/files"))
        .query(&[("filename", name)])
        .bearer_auth(&s.token)
        .header("content-type", ty)
        .body(bytes)
        .send()
        .await
        .unwrap();
    expect_json(r, 201).await
}

async fn bytes_of(app: &TestApp, s: &Session, file: &str) -> (u16, Vec<u8>) {
    let r = app.get(&format!("/api/v1/files/{file}"), &s.token).send().await.unwrap();
    (r.status().as_u16(), r.bytes().await.unwrap().to_vec())
}

async fn status(app: &TestApp, s: &Session, path: &str) -> u16 {
    app.get(path, &s.token).send().await.unwrap().status().as_u16()
}

/// A board with a file column; returns (board id, column id, first group id).
async fn file_board(app: &TestApp, s: &Session) -> (String, String) {
    let b = board(app, s, None).await;
    let col = json!({"title": "Attachments", "type": "file"});
    let c =
        expect_json(app.post(&format!("/api/v1/boards/{}/columns", id(&b)), &s.token, col).send().await.unwrap(), 201)
            .await;
    (id(&b), id(&c))
}

async fn create(app: &TestApp, s: &Session, board: &str, values: Value) -> reqwest::Response {
    app.post(&format!("/api/v1/boards/{board}/items"), &s.token, json!({"name": "Brief", "values": values}))
        .send()
        .await
        .unwrap()
}

pub fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// Every object kept under the local file storage (parts of unfinished uploads included).
pub fn objects(app: &TestApp) -> Vec<PathBuf> {
    fn walk(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries.flatten() {
            if e.path().is_dir() {
                walk(&e.path(), out);
            } else {
                out.push(e.path());
            }
        }
    }
    let mut out = vec![];
    walk(&app.data_dir().join("files"), &mut out);
    out.sort();
    out
}

async fn files_are_read_through_the_boards_that_hold_them(app: TestApp) {
    let owner = app.signup("owner@files.test").await;
    let member = app.signup("member@files.test").await;
    app.join(&owner, &member, "member").await;
    let outsider = app.signup("outsider@files.test").await;
    let (b, col) = file_board(&app, &owner).await;

    let brief = upload(&app, &owner, "brief.txt", "text/plain", b"the brief".to_vec()).await;
    let f = id(&brief);
    assert_eq!(brief["size"], 9);
    assert_eq!(brief["content_type"], "text/plain");
    assert_eq!(brief["sha256"], format!("{:x}", Sha256::digest(b"the brief")));
    // Not attached yet: only its uploader reads it.
    assert_eq!(status(&app, &owner, &format!("/api/v1/files/{f}/info")).await, 200);
    expect_error(
        app.get(&format!("/api/v1/files/{f}/info"), &member.token).send().await.unwrap(),
        404,
        "file_not_found",
    )
    .await;

    let item = expect_json(create(&app, &owner, &b, json!({&col: [f.clone()]})).await, 201).await;
    assert_eq!(item["values"][&col], json!({"files": [{"file_id": f}]}), "stored canonical: {item}");
    let it = id(&item);
    expect_json(create(&app, &owner, &b, json!({})).await, 201).await;
    // File cells filter like a dropdown: by the files they hold, or whether they hold any.
    for filter in [json!({"column": col, "op": "any_of", "value": [f]}), json!({"column": col, "op": "is_not_empty"})] {
        let q = app.post(&format!("/api/v1/boards/{b}/items/query"), &owner.token, json!({"filter": filter}));
        let found = expect_json(q.send().await.unwrap(), 200).await;
        assert_eq!((found["total"].as_i64(), found["data"][0]["id"].as_str()), (Some(1), Some(it.as_str())), "{found}");
    }
    // Whoever reads the board reads the file; nobody else does.
    assert_eq!(bytes_of(&app, &member, &f).await, (200, b"the brief".to_vec()));
    for path in
        [format!("/api/v1/files/{f}"), format!("/api/v1/files/{f}/info"), format!("/api/v1/files/{f}/thumbnail")]
    {
        expect_error(app.get(&path, &outsider.token).send().await.unwrap(), 404, "file_not_found").await;
    }
    let r = app.post(&format!("/api/v1/files/{f}/link"), &outsider.token, json!({})).send().await.unwrap();
    expect_error(r, 404, "file_not_found").await;

    // A file id learnt elsewhere cannot be attached to reach the bytes.
    let (their_board, their_col) = file_board(&app, &outsider).await;
    let r = create(&app, &outsider, &their_board, json!({&their_col: {"files": [{"file_id": f}]}})).await;
    let err = expect_error(r, 400, "validation_failed").await;
    assert_eq!(err["details"]["rule"], "unknown_file", "{err}");
    let theirs = id(&upload(&app, &outsider, "theirs.txt", "text/plain", b"theirs".to_vec()).await);
    let r =
        app.patch(&format!("/api/v1/items/{it}"), &owner.token, json!({"values": {&col: [f.clone(), theirs.clone()]}}));
    expect_error(r.send().await.unwrap(), 400, "validation_failed").await;
    let r = app.patch(&format!("/api/v1/items/{it}"), &owner.token, json!({"values": {&col: [{"nope": 1}]}}));
    expect_error(r.send().await.unwrap(), 400, "validation_failed").await;
    // Only the visible ones are described.
    let listed =
        expect_json(app.get(&format!("/api/v1/files?ids={f},{theirs}"), &owner.token).send().await.unwrap(), 200).await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(listed["data"][0]["id"], f.as_str());

    // A private board: the member loses the file until they are added, and again when removed.
    let r = app.patch(&format!("/api/v1/boards/{b}"), &owner.token, json!({"kind": "private"}));
    expect_json(r.send().await.unwrap(), 200).await;
    assert_eq!(bytes_of(&app, &member, &f).await.0, 404);
    let put = app.client().put(app.url(&format!("/api/v1/boards/{b}/members/{}", member.user_id)));
    let r = put.bearer_auth(&owner.token).json(&json!({"permission": "view"})).send().await.unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    assert_eq!(bytes_of(&app, &member, &f).await.0, 200);

    // Files on an update are read like the item's.
    let shot = id(&upload(&app, &owner, "shot.png", "image/png", png(40, 20)).await);
    let body = json!({"body": "see attached", "files": [shot]});
    let posted =
        expect_json(app.post(&format!("/api/v1/items/{it}/updates"), &owner.token, body).send().await.unwrap(), 201)
            .await;
    assert_eq!(posted["files"], json!([shot]));
    let listed =
        expect_json(app.get(&format!("/api/v1/items/{it}/updates"), &member.token).send().await.unwrap(), 200).await;
    assert_eq!(listed["data"][0]["files"], json!([shot]), "{listed}");
    assert_eq!(status(&app, &member, &format!("/api/v1/files/{shot}/info")).await, 200);
    let body = json!({"body": "again", "files": [theirs]});
    let r = app.post(&format!("/api/v1/items/{it}/updates"), &owner.token, body).send().await.unwrap();
    expect_error(r, 400, "validation_failed").await;

    let del = app.client().delete(app.url(&format!("/api/v1/boards/{b}/members/{}", member.user_id)));
    assert!(del.bearer_auth(&owner.token).send().await.unwrap().status().is_success());
    assert_eq!(bytes_of(&app, &member, &f).await.0, 404);
    assert_eq!(status(&app, &member, &format!("/api/v1/files/{shot}/info")).await, 404);

    // An item deleted for good no longer holds its files (the uploader still reads theirs).
    let r = app.client().delete(app.url(&format!("/api/v1/items/{it}?permanent=true"))).bearer_auth(&owner.token);
    assert_eq!(r.send().await.unwrap().status(), 204);
    let r = app.patch(&format!("/api/v1/boards/{b}"), &owner.token, json!({"kind": "public"}));
    expect_json(r.send().await.unwrap(), 200).await;
    assert_eq!(status(&app, &member, &format!("/api/v1/files/{f}/info")).await, 404);
    assert_eq!(status(&app, &owner, &format!("/api/v1/files/{f}/info")).await, 200);
}

async fn downloads_serve_ranges_links_and_previews(app: TestApp) {
    let owner = app.signup("ranges@files.test").await;
    let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    let f = id(&upload(&app, &owner, "data.bin", "application/x-anything", data.clone()).await);
    let get = |range: &str| app.get(&format!("/api/v1/files/{f}"), &owner.token).header("range", range.to_owned());

    let r = get("bytes=1000-1999").send().await.unwrap();
    assert_eq!(r.status(), 206);
    assert_eq!(r.headers()["content-range"], "bytes 1000-1999/100000");
    assert_eq!(r.headers()["content-type"], "application/octet-stream", "sniffed, not the claim");
    assert!(r.headers()["content-disposition"].to_str().unwrap().starts_with("attachment;"));
    assert_eq!(r.bytes().await.unwrap().to_vec(), data[1000..2000].to_vec());
    let r = get("bytes=-10").send().await.unwrap();
    assert_eq!(r.bytes().await.unwrap().to_vec(), data[99_990..].to_vec());
    expect_error(get("bytes=100000-").send().await.unwrap(), 416, "range_not_satisfiable").await;
    let r = get("bytes=0-1,5-9").send().await.unwrap();
    assert_eq!((r.status().as_u16(), r.bytes().await.unwrap().len()), (200, 100_000), "several ranges: all");

    // A signed link works without signing in, and only as signed.
    let link =
        expect_json(app.post(&format!("/api/v1/files/{f}/link"), &owner.token, json!({})).send().await.unwrap(), 201)
            .await;
    let url = link["url"].as_str().unwrap().to_owned();
    let r = app.client().get(app.url(&url)).header("range", "bytes=0-99").send().await.unwrap();
    assert_eq!(r.status(), 206);
    assert_eq!(r.bytes().await.unwrap().to_vec(), data[..100].to_vec());
    let tampered = url.replace("signature=", "signature=0").chars().take(url.len()).collect::<String>();
    expect_error(app.client().get(app.url(&tampered)).send().await.unwrap(), 404, "file_not_found").await;
    let other_file = url.replace(&f, &id(&upload(&app, &owner, "x.txt", "text/plain", b"x".to_vec()).await));
    expect_error(app.client().get(app.url(&other_file)).send().await.unwrap(), 404, "file_not_found").await;

    // Previews: a scaled PNG of an image, an icon otherwise.
    let pic = upload(&app, &owner, "wide.png", "application/octet-stream", png(800, 400)).await;
    assert_eq!((pic["content_type"].as_str(), pic["preview"].as_str()), (Some("image/png"), Some("image")));
    let r = app.get(&format!("/api/v1/files/{}/thumbnail", id(&pic)), &owner.token).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "image/png");
    let thumb = image::load_from_memory(&r.bytes().await.unwrap()).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (320, 160));
    let r = app.get(&format!("/api/v1/files/{f}/thumbnail"), &owner.token).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "image/svg+xml");
    assert!(r.text().await.unwrap().contains(">BIN<"));
    let r = app.get(&format!("/api/v1/files/{}", id(&pic)), &owner.token).send().await.unwrap();
    assert!(r.headers()["content-disposition"].to_str().unwrap().starts_with("inline;"), "images show inline");
}

/// Limits: 8 MiB uploads, images and plain text only.
fn limited(c: &mut sunday_config::Config) {
    c.files.max_upload_bytes = 8 << 20;
    c.files.allowed_types = vec!["image/*".into(), "text/plain".into()];
}

async fn uploads_refuse_what_they_must_and_keep_nothing(app: TestApp) {
    let s = app.signup("limits@files.test").await;
    let before = objects(&app);
    // Announced too large: refused before the body is read.
    let (status, body) =
        raw::send(&app, &s.token, "big.txt", Some(9 << 20), &[b"x".repeat(1024)], false, Duration::ZERO).await;
    assert_eq!(status, 413, "{body}");
    // Not announced (chunked), refused once past the limit.
    let chunks = vec![b"y".repeat(1 << 20); 9];
    let (status, body) = raw::send(&app, &s.token, "big.txt", None, &chunks, false, Duration::ZERO).await;
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("payload_too_large"), "{body}");
    // A refused type.
    let r = app
        .client()
        .post(app.url("/api/v1/files?filename=a.pdf"))
        .bearer_auth(&s.token)
        .body(b"%PDF-1.7\n...".to_vec());
    let err = expect_error(r.send().await.unwrap(), 415, "unsupported_file_type").await;
    assert_eq!(err["details"]["content_type"], "application/pdf");
    // A client that hangs up half-way, after several parts were written.
    let chunks = vec![b"z".repeat(1 << 20); 4];
    raw::send(&app, &s.token, "cut.txt", Some(6 << 20), &chunks, true, Duration::from_millis(50)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(objects(&app), before, "nothing is left of refused or broken uploads");

    // Names are kept safe and served safely.
    let evil = format!("../../etc/\u{1}pass\nwd{}.txt", "é".repeat(600));
    let f = upload(&app, &s, &evil, "text/plain", b"ok".to_vec()).await;
    let name = f["name"].as_str().unwrap();
    assert!(name.starts_with("passwd") && name.ends_with(".txt") && name.chars().count() == 255, "{name}");
    let r = app.get(&format!("/api/v1/files/{}", id(&f)), &s.token).send().await.unwrap();
    let disposition = r.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"passwd____") && !disposition.contains(".."),
        "{disposition}"
    );
    expect_error(app.get("/api/v1/files?ids=nope", &s.token).send().await.unwrap(), 400, "invalid_parameter").await;
}

/// Unattached uploads are deleted after two seconds, sweeps run every second.
fn sweeping(c: &mut sunday_config::Config) {
    c.files.orphan_grace_secs = 2;
    c.files.sweep_secs = 1;
}

async fn the_sweep_deletes_what_no_item_holds(app: TestApp) {
    let s = app.signup("sweep@files.test").await;
    let (b, col) = file_board(&app, &s).await;
    let loose = id(&upload(&app, &s, "loose.txt", "text/plain", b"loose".to_vec()).await);
    let kept = upload(&app, &s, "kept.txt", "text/plain", b"kept".to_vec()).await;
    let twin = upload(&app, &s, "twin.txt", "text/plain", b"kept".to_vec()).await;
    assert_eq!(kept["sha256"], twin["sha256"]);
    let it = id(&expect_json(create(&app, &s, &b, json!({&col: [id(&kept)]})).await, 201).await);
    let on_update = id(&upload(&app, &s, "note.txt", "text/plain", b"note".to_vec()).await);
    let body = json!({"body": "with a file", "files": [on_update]});
    expect_json(app.post(&format!("/api/v1/items/{it}/updates"), &s.token, body).send().await.unwrap(), 201).await;

    let mut waited = 0;
    while status(&app, &s, &format!("/api/v1/files/{loose}/info")).await == 200
        || status(&app, &s, &format!("/api/v1/files/{}/info", id(&twin))).await == 200
    {
        waited += 1;
        assert!(waited < 150, "the sweep deletes unattached uploads");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The twin's bytes are the kept file's, which stays.
    assert_eq!(bytes_of(&app, &s, &id(&kept)).await, (200, b"kept".to_vec()));
    assert_eq!(bytes_of(&app, &s, &on_update).await, (200, b"note".to_vec()));
    assert_eq!(objects(&app).len(), 2, "kept and the update's: {:?}", objects(&app));

    // Deleting the item lets both go.
    let r = app.client().delete(app.url(&format!("/api/v1/items/{it}?permanent=true"))).bearer_auth(&s.token);
    assert_eq!(r.send().await.unwrap().status(), 204);
    let mut waited = 0;
    while !objects(&app).is_empty() {
        waited += 1;
        assert!(waited < 150, "the sweep deletes the objects of a deleted item: {:?}", objects(&app));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

mod limits {
    use super::*;

    #[tokio::test]
    async fn sqlite() {
        uploads_refuse_what_they_must_and_keep_nothing(TestApp::spawn_with(Backend::Sqlite, limited).await).await
    }

    #[tokio::test]
    async fn postgres() {
        uploads_refuse_what_they_must_and_keep_nothing(TestApp::spawn_with(Backend::Postgres, limited).await).await
    }
}

mod sweep {
    use super::*;

    #[tokio::test]
    async fn sqlite() {
        the_sweep_deletes_what_no_item_holds(TestApp::spawn_with(Backend::Sqlite, sweeping).await).await
    }

    #[tokio::test]
    async fn postgres() {
        the_sweep_deletes_what_no_item_holds(TestApp::spawn_with(Backend::Postgres, sweeping).await).await
    }
}
