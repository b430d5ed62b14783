//! Forms through the API, on both backends: settings checked and typed, the public link
//! (published or not, replaced), answers checked field by field, the Form actor, a password,
//! the honeypot and the rate limit.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{json, Value};
use sunday_testkit::{backend_tests, board, expect_error, expect_json, TestApp};

backend_tests!(forms_publish_check_and_create_items);

const FORM_ACTOR: &str = "00000000-0000-7000-8000-0000a0700005";

async fn column(app: &TestApp, token: &str, board: &str, title: &str, kind: &str) -> String {
    let r = app.post(&format!("/api/v1/boards/{board}/columns"), token, json!({"title": title, "type": kind}));
    expect_json(r.send().await.unwrap(), 201).await["id"].as_str().unwrap().to_owned()
}

/// The public token of a form view's link (`/forms/{token}`).
fn token_of(view: &Value) -> String {
    view["settings"]["link"].as_str().expect("a form has a link").trim_start_matches("/forms/").to_owned()
}

async fn items(app: &TestApp, token: &str, board: &str) -> Vec<Value> {
    let r = app.get(&format!("/api/v1/boards/{board}/items?limit=500"), token).send().await.unwrap();
    expect_json(r, 200).await["data"].as_array().unwrap().clone()
}

async fn forms_publish_check_and_create_items(app: TestApp) {
    let u = app.signup("forms@example.com").await;
    let b = board(&app, &u, None).await;
    let bid = b["id"].as_str().unwrap();
    let email = column(&app, &u.token, bid, "Email", "email").await;
    let status = column(&app, &u.token, bid, "Priority", "status").await;
    let notes = column(&app, &u.token, bid, "Notes", "long_text").await;
    let people = column(&app, &u.token, bid, "Owner", "people").await;
    let views = format!("/api/v1/boards/{bid}/views");

    // Settings are checked: columns of the board, of a kind a stranger can answer, once each.
    for (settings, field) in [
        (json!({"fields": [{"column_id": people}]}), "settings.fields[0].column_id"),
        (json!({"fields": [{"column_id": email}, {"column_id": email}]}), "settings.fields[1].column_id"),
        (json!({"fields": [{"column_id": "0190d0b4-0000-7000-8000-000000000000"}]}), "settings.fields[0].column_id"),
        (json!({"colour": "red"}), "settings"),
    ] {
        let r = app.post(&views, &u.token, json!({"name": "Bad", "type": "form", "settings": settings}));
        let e = expect_error(r.send().await.unwrap(), 400, "validation_failed").await;
        assert_eq!(e["details"]["field"], field, "{e}");
    }

    let settings = json!({"title": "Report a bug", "fields": [
        {"column_id": email, "label": "Your email", "required": true},
        {"column_id": status, "help": "How bad is it?"},
        {"column_id": notes}],
        "password_hash": "chosen by the client", "secret": "short"});
    let r = app.post(&views, &u.token, json!({"name": "Bugs", "type": "form", "settings": settings}));
    let view = expect_json(r.send().await.unwrap(), 201).await;
    let vid = view["id"].as_str().unwrap().to_owned();
    assert!(view["settings"].get("password_hash").is_none(), "a hash is never shown: {view}");
    assert_eq!(view["settings"]["has_password"], false);
    let token = token_of(&view);
    assert!(!token.ends_with(".short"), "Sunday makes the secret, not the client: {token}");

    // Not published yet: the link answers as if it did not exist; nor does a wrong secret.
    let public = |t: &str| app.client().get(app.url(&format!("/api/v1/forms/{t}"))).send();
    expect_error(public(&token).await.unwrap(), 404, "form_not_found").await;
    let mut published = view["settings"].clone();
    published["public"] = json!(true);
    let r = app.patch(&format!("/api/v1/views/{vid}"), &u.token, json!({"settings": published}));
    let view = expect_json(r.send().await.unwrap(), 200).await;
    assert_eq!(token_of(&view), token, "saving the settings keeps the link");
    expect_error(public(&format!("{vid}.wrong")).await.unwrap(), 404, "form_not_found").await;
    expect_error(public("not-a-token").await.unwrap(), 404, "form_not_found").await;
    let form = expect_json(public(&token).await.unwrap(), 200).await;
    assert_eq!((form["title"].as_str(), form["needs_password"].as_bool()), (Some("Report a bug"), Some(false)));
    let labels: Vec<&str> = form["fields"].as_array().unwrap().iter().map(|f| f["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["Your email", "Priority", "Notes"]);
    assert_eq!(form["fields"][1]["type"], "status");
    assert!(form["fields"][1]["settings"]["labels"].is_array(), "a status shows its labels: {form}");

    // Answers are checked, each error naming its field; nothing is created by a refused one.
    let submit = |body: Value| app.client().post(app.url(&format!("/api/v1/forms/{token}"))).json(&body).send();
    let cases = [
        (json!({"name": "Crash", "values": {notes.clone(): "no email"}}), format!("values.{email}")),
        (json!({"name": "Crash", "values": {email.clone(): "not an email"}}), format!("values.{email}")),
        (
            json!({"name": "Crash", "values": {email.clone(): "a@example.com", people.clone(): []}}),
            format!("values.{people}"),
        ),
        (json!({"name": "  ", "values": {email.clone(): "a@example.com"}}), "name".to_owned()),
    ];
    for (body, field) in cases {
        let e = expect_error(submit(body).await.unwrap(), 400, "validation_failed").await;
        assert_eq!(e["details"]["field"], field.as_str(), "{e}");
    }
    assert!(items(&app, &u.token, bid).await.is_empty());

    let ok = json!({"name": "Crash on save", "values": {email.clone(): "ann@example.com", status.clone(): "l2", notes.clone(): ""}});
    let done = expect_json(submit(ok).await.unwrap(), 201).await;
    assert_eq!(done["message"], "Thank you!");
    let made = items(&app, &u.token, bid).await;
    assert_eq!(made.len(), 1);
    assert_eq!(made[0]["name"], "Crash on save");
    assert_eq!(made[0]["created_by"], FORM_ACTOR, "created by the Form actor: {}", made[0]);
    assert_eq!((&made[0]["values"][&email], &made[0]["values"][&status]), (&json!("ann@example.com"), &json!("l2")));

    // A question whose column is deleted is no longer asked, nor needed.
    let gone = app.delete(&format!("/api/v1/boards/{bid}/columns/{notes}?force=true"), &u.token).send().await.unwrap();
    assert!(gone.status().is_success(), "{}", gone.status());
    let form = expect_json(public(&token).await.unwrap(), 200).await;
    assert_eq!(form["fields"].as_array().unwrap().len(), 2);
    let without = json!({"name": "No notes", "values": {email.clone(): "cy@example.com"}});
    expect_json(submit(without).await.unwrap(), 201).await;
    assert_eq!(items(&app, &u.token, bid).await.len(), 2);

    // The honeypot: answered as a success, dropped.
    let bot = json!({"name": "Buy now", "values": {email.clone(): "bot@example.com"}, "website": "http://spam"});
    expect_json(submit(bot).await.unwrap(), 201).await;
    assert_eq!(items(&app, &u.token, bid).await.len(), 2);

    // A password: the page shows only the title until it is given; submissions need it.
    let r = app.client().put(app.url(&format!("/api/v1/views/{vid}/form/password"))).bearer_auth(&u.token);
    let view = expect_json(r.json(&json!({"password": "open sesame"})).send().await.unwrap(), 200).await;
    assert_eq!(view["settings"]["has_password"], true);
    assert!(view["settings"].get("password_hash").is_none());
    let locked = expect_json(public(&token).await.unwrap(), 200).await;
    assert_eq!((locked["needs_password"].as_bool(), locked["fields"].as_array().map(Vec::len)), (Some(true), Some(0)));
    let r = app.client().get(app.url(&format!("/api/v1/forms/{token}"))).header("x-form-password", "open sesame");
    assert_eq!(expect_json(r.send().await.unwrap(), 200).await["fields"].as_array().unwrap().len(), 2);
    let answers = json!({"name": "Second", "values": {email.clone(): "bo@example.com"}});
    expect_error(submit(answers.clone()).await.unwrap(), 401, "form_password").await;
    let mut with_password = answers.clone();
    with_password["password"] = json!("open sesame");
    expect_json(submit(with_password).await.unwrap(), 201).await;
    // Saving the settings again (as the web app does, with what it was shown) keeps it.
    let r = app.patch(&format!("/api/v1/views/{vid}"), &u.token, json!({"settings": view["settings"]}));
    assert_eq!(expect_json(r.send().await.unwrap(), 200).await["settings"]["has_password"], true);
    let r = app.client().put(app.url(&format!("/api/v1/views/{vid}/form/password"))).bearer_auth(&u.token);
    expect_json(r.json(&json!({"password": null})).send().await.unwrap(), 200).await;

    // Only those who may change the board's structure set the password or a new link: a member
    // with content permission (the board's default here) may not, nor anyone outside the org.
    let member = app.signup("member@example.com").await;
    app.join(&u, &member, "member").await;
    let r = app.patch(&format!("/api/v1/boards/{bid}"), &u.token, json!({"default_permission": "edit_content"}));
    expect_json(r.send().await.unwrap(), 200).await;
    let outsider = app.signup("outsider@example.com").await;
    for (who, status, code) in [(&member, 403, "forbidden"), (&outsider, 404, "view_not_found")] {
        let r = app.client().put(app.url(&format!("/api/v1/views/{vid}/form/password"))).bearer_auth(&who.token);
        expect_error(r.json(&json!({"password": "mine now"})).send().await.unwrap(), status, code).await;
        let r = app.post(&format!("/api/v1/views/{vid}/form/link"), &who.token, json!({}));
        expect_error(r.send().await.unwrap(), status, code).await;
    }

    // A new link revokes the old one.
    let r = app.post(&format!("/api/v1/views/{vid}/form/link"), &u.token, json!({}));
    let view = expect_json(r.send().await.unwrap(), 200).await;
    let fresh = token_of(&view);
    assert_ne!(fresh, token);
    expect_error(public(&token).await.unwrap(), 404, "form_not_found").await;
    expect_json(public(&fresh).await.unwrap(), 200).await;

    // A flood from one address: `429` with `Retry-After` once the minute's budget is spent.
    let flood = |n: usize| json!({"name": format!("Flood {n}"), "values": {email.clone(): "f@example.com"}});
    let mut refused = None;
    for n in 0..12 {
        let r = app.client().post(app.url(&format!("/api/v1/forms/{fresh}"))).json(&flood(n)).send().await.unwrap();
        if r.status() == 429 {
            refused = Some(r);
            break;
        }
        assert_eq!(r.status(), 201);
    }
    let r = refused.expect("a flood is refused");
    assert!(r.headers().contains_key("retry-after"));
    expect_error(r, 429, "rate_limited").await;

    // Password guesses on the page count against the same budget (spent by the flood).
    let r = app.client().put(app.url(&format!("/api/v1/views/{vid}/form/password"))).bearer_auth(&u.token);
    expect_json(r.json(&json!({"password": "second secret"})).send().await.unwrap(), 200).await;
    let guess = app.client().get(app.url(&format!("/api/v1/forms/{fresh}"))).header("x-form-password", "guess");
    expect_error(guess.send().await.unwrap(), 429, "rate_limited").await;

    // A stale write's conflict shows the view as answers do: no hash.
    let stale = app.patch(&format!("/api/v1/views/{vid}"), &u.token, json!({"name": "Old", "expected_version": 1}));
    let e = expect_error(stale.send().await.unwrap(), 409, "version_conflict").await;
    assert!(
        !e.to_string().contains("password_hash") && e["details"]["current"]["settings"]["has_password"] == true,
        "{e}"
    );
    // A form turned into a table keeps nothing of its secrets.
    let r = app.patch(&format!("/api/v1/views/{vid}"), &u.token, json!({"type": "table"}));
    expect_json(r.send().await.unwrap(), 200).await;
    let listed = expect_json(app.get(&views, &u.token).send().await.unwrap(), 200).await;
    assert!(!listed.to_string().contains("password_hash"), "{listed}");
    expect_error(public(&fresh).await.unwrap(), 404, "form_not_found").await;
}
