//! Who may do what, as the README's matrix says (the suite reads it from there): every App API
//! route called as every kind of caller — admin, the room's owner, its moderator, a moderator
//! of another room, a viewer, a banned and a timed-out viewer, and no identity at all — through
//! chat-local over real HTTP, each expecting exactly the status in its cell.

mod common;

use common::{Client, http, sign_in, start};
use serde_json::{Value, json};

const ROLES: [&str; 8] = [
    "admin",
    "owner",
    "moderator",
    "moderator elsewhere",
    "viewer",
    "banned",
    "timed out",
    "no identity",
];

/// The README's matrix: (route key, variant) → status per role, in [`ROLES`] order. A row's
/// first cell is `` `METHOD /path` `` and, for the hostile variants of a route, a variant in
/// words after it: `` `POST /rooms/{roomId}/events` with an app: name ``.
fn matrix() -> Vec<(String, String, Vec<u16>)> {
    let readme = include_str!("../../README.md");
    let start = readme
        .find("<!-- authority-matrix:start -->")
        .expect("the matrix");
    let end = readme
        .find("<!-- authority-matrix:end -->")
        .expect("its end");
    let mut rows = readme[start..end].lines().filter(|l| l.starts_with('|'));
    let header: Vec<&str> = rows.next().unwrap().split('|').map(str::trim).collect();
    assert_eq!(&header[2..10], ROLES, "the matrix's columns");
    rows.skip(1)
        .map(|row| {
            let cells: Vec<&str> = row.split('|').map(str::trim).collect();
            let mut quoted = cells[1].splitn(3, '`');
            let (_, route, variant) = (quoted.next(), quoted.next(), quoted.next());
            let statuses = cells[2..10].iter().map(|c| c.parse().unwrap()).collect();
            (
                route.unwrap_or_default().to_owned(),
                variant.unwrap_or_default().trim().to_owned(),
                statuses,
            )
        })
        .collect()
}

/// The cast, signed in; `owner` created the room as an admin and acts here without the group.
struct Cast {
    admin: Client,
    owner_as_admin: Client,
    callers: Vec<Option<Client>>,
}

async fn cast(addr: std::net::SocketAddr) -> Cast {
    let owner = sign_in(addr, "olga", "Olga", &[]).await;
    let callers = vec![
        Some(sign_in(addr, "alice", "Alice", &["admin"]).await),
        Some(owner),
        Some(sign_in(addr, "mia", "Mia", &[]).await),
        Some(sign_in(addr, "max", "Max", &[]).await),
        Some(sign_in(addr, "vic", "Vic", &[]).await),
        Some(sign_in(addr, "ben", "Ben", &[]).await),
        Some(sign_in(addr, "tim", "Tim", &[]).await),
        None,
    ];
    // Cam is appointed and removed by the moderator routes: someone who has signed in.
    sign_in(addr, "cam", "Cam", &[]).await;
    Cast {
        admin: sign_in(addr, "alice", "Alice", &["admin"]).await,
        owner_as_admin: sign_in(addr, "olga", "Olga", &["admin"]).await,
        callers,
    }
}

async fn ok(client: &Client, method: &str, path: &str, body: Option<Value>) -> Value {
    let r = client.call(method, path, body).await;
    assert!(r.status < 300, "{method} {path}: {}", r.text);
    r.body
}

/// A room owned by Olga, moderated by Mia, with Ben banned and Tim timed out (by the admin).
async fn room(cast: &Cast) -> String {
    let r = ok(&cast.owner_as_admin, "POST", "/rooms", Some(json!({}))).await;
    let room = r["id"].as_str().unwrap().to_owned();
    ok(
        &cast.admin,
        "PUT",
        &format!("/rooms/{room}/moderators/mia"),
        None,
    )
    .await;
    let bans = format!("/rooms/{room}/bans");
    ok(&cast.admin, "POST", &bans, Some(json!({"userId": "ben"}))).await;
    let timeout = json!({"userId": "tim", "durationSeconds": 3600});
    ok(&cast.admin, "POST", &bans, Some(timeout)).await;
    room
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_as_every_caller_answers_as_the_readme_says() {
    let dir = tempfile::tempdir().unwrap();
    let stack = start(dir.path()).await;
    let addr = stack.app_addr;
    let cast = cast(addr).await;
    let shared_room = room(&cast).await;
    // Max moderates another room.
    let elsewhere = ok(&cast.admin, "POST", "/rooms", Some(json!({}))).await;
    let elsewhere = elsewhere["id"].as_str().unwrap().to_owned();
    ok(
        &cast.admin,
        "PUT",
        &format!("/rooms/{elsewhere}/moderators/max"),
        None,
    )
    .await;
    let logging = json!({"destination": {"s3": {"bucketName": "chat-archive"}}});
    let new_config = || async {
        let r = ok(
            &cast.admin,
            "POST",
            "/logging-configurations",
            Some(logging.clone()),
        )
        .await;
        r["id"].as_str().unwrap().to_owned()
    };
    let shared_config = new_config().await;

    let table = matrix();
    let plain = table.iter().filter(|(_, variant, _)| variant.is_empty());
    assert_eq!(
        plain.count(),
        chat_local::routes::all_routes().count(),
        "a row per route"
    );
    let mut failures = Vec::new();
    for (route, variant, statuses) in &table {
        for (role, (caller, expected)) in ROLES.iter().zip(cast.callers.iter().zip(statuses)) {
            // Routes that change what others rely on get their own fresh resources.
            let room = match route.as_str() {
                "DELETE /rooms/{roomId}" => room(&cast).await,
                _ => shared_room.clone(),
            };
            let config_id = match route.as_str() {
                "DELETE /logging-configurations/{id}" => new_config().await,
                _ => shared_config.clone(),
            };
            if route == "DELETE /rooms/{roomId}/bans/{userId}" {
                // A ban Mia placed, which everyone from moderator up may lift.
                let mia = cast.callers[2].as_ref().unwrap();
                ok(
                    mia,
                    "POST",
                    &format!("/rooms/{room}/bans"),
                    Some(json!({"userId": "tara"})),
                )
                .await;
            }
            let (method, template) = route.split_once(' ').unwrap();
            let path = template
                .replace("{roomId}", &room)
                .replace("{messageId}", "M2YcHkgffEvU")
                .replace("{heldId}", "001795003100000-M2YcHkgffEvU")
                .replace("{id}", &config_id)
                .replace(
                    "{userId}",
                    if route.contains("/moderators/") {
                        "cam"
                    } else {
                        "tara"
                    },
                );
            let path = match (route.as_str(), variant.as_str()) {
                ("DELETE /rooms/{roomId}/tags", _) => format!("{path}?keys=team"),
                (_, "with a forged cursor") => {
                    format!("{path}?before=0.001795003100000.M2YcHkgffEvU")
                }
                (_, "newest first") => format!("{path}?order=newest"),
                (_, "" | "with an app: name") => path,
                (_, other) => panic!("{route}: no such variant {other:?}"),
            };
            let body = match (route.as_str(), variant.as_str()) {
                ("POST /rooms/{roomId}/events", "with an app: name") => Some(
                    json!({"eventName": "app:held-approved", "attributes": {"userId": "alice"}}),
                ),
                (route, _) => match route {
                    "POST /rooms" => Some(json!({})),
                    "PATCH /rooms/{roomId}" => Some(json!({"name": "renamed"})),
                    "POST /rooms/{roomId}/tags" => Some(json!({"tags": {"team": "live"}})),
                    "POST /rooms/{roomId}/events" => Some(json!({"eventName": "poll"})),
                    "POST /rooms/{roomId}/bans" | "POST /rooms/{roomId}/disconnects" => {
                        Some(json!({"userId": "tara"}))
                    }
                    "POST /logging-configurations" => Some(logging.clone()),
                    "PATCH /logging-configurations/{id}" => Some(json!({"name": "renamed"})),
                    _ => None,
                },
            };
            let reply = match caller {
                Some(client) => client.call(method, &path, body).await,
                None => {
                    let body = body.map(|b| b.to_string());
                    http(addr, method, &path, &[], body.as_deref()).await
                }
            };
            // Stay under IVS's quota of logging configurations.
            if let Some(created) = reply.body["id"]
                .as_str()
                .filter(|_| route == "POST /logging-configurations")
            {
                ok(
                    &cast.admin,
                    "DELETE",
                    &format!("/logging-configurations/{created}"),
                    None,
                )
                .await;
            }
            if route == "DELETE /logging-configurations/{id}" && reply.status != 204 {
                ok(
                    &cast.admin,
                    "DELETE",
                    &format!("/logging-configurations/{config_id}"),
                    None,
                )
                .await;
            }
            if reply.status != *expected {
                failures.push(format!(
                    "{route} {variant} as {role}: {} (expected {expected}) {}",
                    reply.status, reply.text
                ));
            } else if reply.status >= 400 && caller.is_some() {
                assert!(
                    reply.body["error"]["message"].is_string(),
                    "{route}: {}",
                    reply.text
                );
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} cells differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
