use super::*;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[test]
fn defaults_are_valid_and_embedded() {
    let c = Config::load(None, env(&[]), &[]).unwrap();
    assert_eq!(c.listen.port(), 8080);
    assert_eq!(c.store_url().unwrap(), StoreUrl::Sqlite(PathBuf::from("./data/sunday.db")));
    assert!(c.has_role(NodeRole::Api) && c.has_role(NodeRole::Worker));
}

#[test]
fn layers_override_in_order() {
    let dir = std::env::temp_dir().join(format!("sunday-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("sunday.toml");
    std::fs::write(
        &file,
        "listen = \"127.0.0.1:9000\"\n[gateway]\nbody_limit_bytes = 4096\nrate_limit_ip_per_sec = 7\n",
    )
    .unwrap();
    let c = Config::load(
        Some(&file),
        env(&[
            ("SUNDAY_LISTEN", "127.0.0.1:9100"),
            ("SUNDAY_GATEWAY__BODY_LIMIT_BYTES", "8192"),
            ("SUNDAY_ROLES", "api,worker"),
            ("PATH", "/bin"),
        ]),
        &[("listen".into(), toml::Value::String("127.0.0.1:9200".into()))],
    )
    .unwrap();
    assert_eq!(c.listen.port(), 9200, "flag beats env");
    assert_eq!(c.gateway.body_limit_bytes, 8192, "env beats file");
    assert_eq!(c.gateway.rate_limit_ip_per_sec, 7, "file beats default");
    assert_eq!(c.roles, vec![NodeRole::Api, NodeRole::Worker]);
    assert!(!c.has_role(NodeRole::Realtime));
}

#[test]
fn errors_name_the_key() {
    let e = Config::load(None, env(&[("SUNDAY_GATEWAY__BODY_LIMIT_BYTES", "lots")]), &[]).unwrap_err();
    assert!(e.to_string().contains("gateway.body_limit_bytes"), "{e}");
    let e = Config::load(None, env(&[("SUNDAY_GATEWAY__NOPE", "1")]), &[]).unwrap_err();
    assert!(e.to_string().contains("gateway.nope"), "{e}");
    let e = Config::load(None, env(&[("SUNDAY_STORE__URL", "mysql://x")]), &[]).unwrap_err();
    assert!(e.to_string().contains("store.url") && e.to_string().contains("mysql"), "{e}");
    let e = Config::load(None, env(&[("SUNDAY_ROLES", "api,cook")]), &[]).unwrap_err();
    assert!(e.to_string().contains("roles") && e.to_string().contains("cook"), "{e}");
    let e = Config::load(None, env(&[("SUNDAY_LISTEN", "nowhere")]), &[]).unwrap_err();
    assert!(e.to_string().contains("listen"), "{e}");
}

#[test]
fn unknown_keys_in_the_file_are_refused() {
    let dir = std::env::temp_dir().join(format!("sunday-config-u-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.toml");
    std::fs::write(&file, "[auth]\nsession_ttl_hourz = 3\n").unwrap();
    let e = Config::load(Some(&file), env(&[]), &[]).unwrap_err();
    assert!(e.to_string().contains("session_ttl_hourz"), "{e}");
}

#[test]
fn secrets_are_redacted_in_debug() {
    let c = Config::load(None, env(&[("SUNDAY_STORE__URL", "postgres://sunday:hunter2@db/sunday")]), &[]).unwrap();
    assert!(!format!("{c:?}").contains("hunter2"));
    assert_eq!(c.store_url().unwrap(), StoreUrl::Postgres("postgres://sunday:hunter2@db/sunday".into()));
}

#[test]
fn print_default_round_trips() {
    let text = Config::default_toml();
    let dir = std::env::temp_dir().join(format!("sunday-config-d-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("default.toml");
    std::fs::write(&file, text).unwrap();
    Config::load(Some(&file), env(&[]), &[]).unwrap();
}
