//! The file storage on an S3-compatible server (moto, started per test from
//! `SUNDAY_TEST_MOTO_SERVER`, see scripts/moto), on both stores: multipart and single-request
//! uploads, downloads and ranges, thumbnails kept in the bucket, one copy of identical bytes;
//! and the server stopped during an upload, which is a clear `503` that keeps nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/raw.rs"]
mod raw;

use std::{
    process::{Child, Command, Stdio},
    time::Duration,
};

use rand::RngCore;
use serde_json::Value;
use sha2::{Digest, Sha256};
use sunday_testkit::{backend_tests, expect_error, expect_json, TestApp};

backend_tests!(files_round_trip_through_s3_and_a_stopped_server_is_a_clear_503);

const BUCKET: &str = "sunday-files";

/// A moto server on a free port, stopped when dropped.
struct Moto {
    child: Child,
    url: String,
}

impl Moto {
    async fn start() -> Moto {
        let default = format!("{}/.cache/sunday-moto-5.1.18/bin/moto_server", std::env::var("HOME").unwrap());
        let bin = std::env::var("SUNDAY_TEST_MOTO_SERVER").unwrap_or(default);
        assert!(std::path::Path::new(&bin).exists(), "no moto_server at {bin}: run scripts/moto (scripts/test does)");
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(bin)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let moto = Moto { child, url: format!("http://127.0.0.1:{port}") };
        for _ in 0..300 {
            if reqwest::get(format!("{}/moto-api/", moto.url)).await.is_ok() {
                let made = reqwest::Client::new().put(format!("{}/{BUCKET}", moto.url)).send().await.unwrap();
                assert!(made.status().is_success(), "bucket: {}", made.status());
                return moto;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("moto did not start at {}", moto.url);
    }

    /// The keys in the bucket.
    async fn keys(&self) -> Vec<String> {
        let xml = reqwest::get(format!("{}/{BUCKET}?list-type=2", self.url)).await.unwrap().text().await.unwrap();
        xml.split("<Key>").skip(1).filter_map(|k| k.split("</Key>").next()).map(str::to_owned).collect()
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn files_round_trip_through_s3_and_a_stopped_server_is_a_clear_503(app: TestApp) {
    let mut moto = Moto::start().await;
    let url = moto.url.clone();
    let backend = app.backend;
    app.shutdown().await;
    let app = TestApp::spawn_with(backend, |c| {
        c.files.url = format!("s3://{BUCKET}/team");
        c.files.s3_endpoint = url;
        c.files.s3_access_key_id = "test".into();
        c.files.s3_secret_access_key = sunday_config::Secret::new("test");
    })
    .await;
    let s = app.signup("s3@files.test").await;
    let send = |name: &str, bytes: Vec<u8>| {
        app.client().post(app.url(&format!("/api/v1/files?filename={name}"))).bearer_auth(&s.token).body(bytes).send()
    };

    // 12 MiB: three parts of a multipart upload.
    let mut big = vec![0u8; 12 << 20];
    rand::thread_rng().fill_bytes(&mut big);
    let f = expect_json(send("big.bin", big.clone()).await.unwrap(), 201).await;
    assert_eq!(f["sha256"], format!("{:x}", Sha256::digest(&big)));
    let id = f["id"].as_str().unwrap().to_owned();
    let whole = app.get(&format!("/api/v1/files/{id}"), &s.token).send().await.unwrap().bytes().await.unwrap();
    assert!(whole == big, "the bytes come back as sent");
    let r = app.get(&format!("/api/v1/files/{id}"), &s.token).header("range", "bytes=5000000-5000099").send().await;
    let r = r.unwrap();
    assert_eq!(r.status(), 206);
    assert!(r.bytes().await.unwrap() == big[5_000_000..5_000_100]);
    let keys = moto.keys().await;
    assert!(keys.len() == 1 && keys[0].starts_with("team/orgs/"), "{keys:?}");

    // The same bytes again: one object.
    expect_json(send("again.bin", big.clone()).await.unwrap(), 201).await;
    assert_eq!(moto.keys().await.len(), 1);

    // A small image: one request, and its thumbnail kept beside it.
    let mut png = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_pixel(64, 64, image::Rgb([200, 10, 10])).write_to(&mut png, image::ImageFormat::Png).unwrap();
    let pic: Value = expect_json(send("red.png", png.into_inner()).await.unwrap(), 201).await;
    let r =
        app.get(&format!("/api/v1/files/{}/thumbnail", pic["id"].as_str().unwrap()), &s.token).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "image/png");
    assert!(moto.keys().await.iter().any(|k| k.ends_with(".thumb.png")));

    // The server stops while an upload streams in: a clear 503, nothing kept.
    let token = s.token.clone();
    let chunks = vec![vec![7u8; 1 << 20]; 12];
    let uploading = {
        let app = &app;
        async move { raw::send(app, &token, "cut.bin", Some(12 << 20), &chunks, false, Duration::from_millis(150)).await }
    };
    let stopping = async {
        tokio::time::sleep(Duration::from_millis(700)).await;
        moto.stop();
    };
    let ((status, body), ()) = tokio::join!(uploading, stopping);
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("storage_unavailable"), "{body}");
    let r = send("after.txt", b"after".to_vec()).await.unwrap();
    expect_error(r, 503, "storage_unavailable").await;
    expect_error(app.get(&format!("/api/v1/files/{id}"), &s.token).send().await.unwrap(), 503, "storage_unavailable")
        .await;
}
