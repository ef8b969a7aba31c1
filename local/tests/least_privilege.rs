//! Least privilege, proven both ways, for each function of template.yaml:
//!
//! 1. its scenario — every path of its handler that calls AWS, in process — passes under its
//!    own policy, the emulator and a moto proxy both enforcing it, with nothing refused;
//! 2. every pair of an action and a resource its policy names was used by some call (an
//!    unused grant is a finding: take it out of the template);
//! 3. for each statement, each action of a statement and each resource of a statement, a run
//!    with only that removed sees a call refused with `AccessDeniedException`.
//!
//! The table of what needs what is docs/ARCHITECTURE.md's "Least privilege, proven", held
//! equal to what these runs find.

use std::collections::BTreeSet;

use chat_core::domain::policy::ModerationPolicy;
use chat_core::domain::records::{Ban, Moderator as ModeratorRecord, Profile, RoomRecord};
use chat_core::domain::role::Role;
use chat_core::ivs::review::{ReviewRequest, ReviewSender};
use chat_core::store::{ChatStore, DynamoStore};
use chat_core::testing::{
    DynamoProxy, MotoServer, api_request, emulator_with_iam, function_ivs_client, iam_policy,
    ivs_client, status_and_json,
};
use futures_util::future::BoxFuture;
use ivschat_emulator::RunningEmulator;
use ivschat_emulator::iam::{Elements, Policy, PolicyFile, Refusal, action_matches, arn_matches};
use serde_json::{Value, json};

const TABLE: &str = "chat";
const ADMIN: &[(&str, &str)] = &[("sub", "admin-1"), ("cognito:groups", "[admin]")];
const OWNER: &[(&str, &str)] = &[("sub", "owner-1")];
const MOD: &[(&str, &str)] = &[("sub", "mod-1")];
const VIEWER: &[(&str, &str)] = &[("sub", "viewer-1"), ("name", "Vee")];

/// One function under one policy: the emulator and a moto proxy enforcing it, and what each
/// step of the scenario saw.
struct Lab {
    emu: RunningEmulator,
    dynamo: DynamoProxy,
    /// The harness's store (allowed everything), for setting up.
    setup: ChatStore<DynamoStore>,
    /// Each step: its name, whether it answered as expected, what IAM refused during it.
    steps: Vec<(String, bool, Vec<Refusal>)>,
}

impl Lab {
    async fn open(moto: &MotoServer, policy: &PolicyFile) -> Self {
        let reset = ivschat_emulator::testing::raw(
            moto.endpoint.trim_start_matches("http://").parse().unwrap(),
            "POST",
            "/moto-api/reset",
            "",
        )
        .await;
        assert_eq!(reset.status, 200, "moto resets");
        let emu = emulator_with_iam(policy.clone()).await;
        let dynamo = moto.behind_iam(policy).await;
        let setup = ChatStore::new(dynamo.table(TABLE).await);
        Self {
            emu,
            dynamo,
            setup,
            steps: Vec::new(),
        }
    }

    fn ivs(&self, function: &str) -> aws_sdk_ivschat::Client {
        function_ivs_client(&self.emu.endpoint(), function)
    }

    fn store(&self, function: &str) -> ChatStore<DynamoStore> {
        ChatStore::new(self.dynamo.function_store(function, TABLE))
    }

    fn harness_ivs(&self) -> aws_sdk_ivschat::Client {
        ivs_client(&self.emu.endpoint())
    }

    /// Ends a step: what IAM refused since the previous one is this step's.
    fn step(&mut self, name: &str, as_expected: bool) {
        let mut refused = self.emu.iam().expect("IAM on").take_denials();
        refused.extend(self.dynamo.iam().take_denials());
        self.steps.push((name.to_owned(), as_expected, refused));
    }

    /// A room in IVS (made by the harness) and in the store, owned by `owner-1`, with `mod-1`
    /// as its moderator and a profile for each of them; its id and ARN.
    async fn room(&self, policy: Option<Value>) -> (String, String) {
        let room = self.harness_ivs().create_room().send().await.unwrap();
        let (id, arn) = (
            room.id().unwrap().to_owned(),
            room.arn().unwrap().to_owned(),
        );
        let mut record = RoomRecord::new(&id, &arn, "owner-1", "stage");
        record.policy = policy.map(|p| serde_json::from_value(p).unwrap());
        self.setup.create_room(&record).await.unwrap();
        self.setup
            .add_moderator(
                &id,
                &ModeratorRecord {
                    user_id: "mod-1".into(),
                    added_by: "owner-1".into(),
                    added_at: 0,
                },
            )
            .await
            .unwrap();
        for user in ["mod-1", "viewer-1", "viewer-2"] {
            self.setup
                .put_profile(&Profile {
                    user_id: user.into(),
                    display_name: user.into(),
                    admin: false,
                    seen_at: 0,
                })
                .await
                .unwrap();
        }
        (id, arn)
    }
}

type Scenario = for<'a> fn(&'a mut Lab) -> BoxFuture<'a, ()>;

/// A policy with one grant removed: what was removed, the policy, and which refusals are
/// for it.
type Removal = (String, PolicyFile, Box<dyn Fn(&Refusal) -> bool>);

/// An API call to a function's handler: the step is as expected if the status is `want`.
macro_rules! call {
    ($lab:expr, $handle:expr, $want:expr, $route:expr, $params:expr, $query:expr, $who:expr, $body:expr) => {{
        let req = api_request($route, $params, $query, Some($who), $body);
        let (status, body) = status_and_json($handle(req).await.unwrap());
        $lab.step($route, status == $want);
        body
    }};
}

fn token_issuer(lab: &mut Lab) -> BoxFuture<'_, ()> {
    Box::pin(async move {
        let (room, _) = lab.room(None).await;
        let now = chat_core::time::now_millis();
        lab.setup
            .put_ban(
                &room,
                &Ban {
                    user_id: "viewer-2".into(),
                    until: Some(now + 60_000),
                    reason: None,
                    by: "mod-1".into(),
                    by_role: Role::Moderator,
                    at: now,
                },
            )
            .await
            .unwrap();
        let f = token_issuer::TokenIssuer {
            ivs: lab.ivs("token-issuer"),
            store: lab.store("token-issuer"),
        };
        let handle = |req| token_issuer::handle(req, &f);
        let route = "POST /rooms/{roomId}/tokens";
        for who in [VIEWER, MOD, OWNER, &[("sub", "viewer-2")]] {
            call!(
                lab,
                handle,
                200,
                route,
                &[("roomId", &room)],
                &[],
                who,
                None
            );
        }
    })
}

fn room_provisioner(lab: &mut Lab) -> BoxFuture<'_, ()> {
    Box::pin(async move {
        lab.setup
            .put_profile(&Profile {
                user_id: "mod-1".into(),
                display_name: "Mo".into(),
                admin: false,
                seen_at: 0,
            })
            .await
            .unwrap();
        let f = room_provisioner::Provisioner {
            ivs: lab.ivs("room-provisioner"),
            store: lab.store("room-provisioner"),
            review_handler_arn: Some(
                "arn:aws:lambda:us-east-1:123456789012:function:message-review".into(),
            ),
            region: "us-east-1".into(),
        };
        let handle = |req| room_provisioner::handle(req, &f);
        let room = call!(
            lab,
            handle,
            201,
            "POST /rooms",
            &[],
            &[],
            ADMIN,
            Some(
                json!({"name": "stage", "tags": {"team": "live"}, "policy": {"profanity": "strict"}})
            )
        );
        let id = room["id"].as_str().unwrap_or_default().to_owned();
        let p: &[(&str, &str)] = &[("roomId", &id)];
        call!(lab, handle, 200, "GET /rooms", &[], &[], ADMIN, None);
        call!(lab, handle, 200, "GET /rooms/{roomId}", p, &[], ADMIN, None);
        call!(
            lab,
            handle,
            200,
            "PATCH /rooms/{roomId}",
            p,
            &[],
            ADMIN,
            Some(json!({"name": "stage-2", "policy": {"profanity": "moderate"}}))
        );
        let m: &[(&str, &str)] = &[("roomId", &id), ("userId", "mod-1")];
        call!(
            lab,
            handle,
            200,
            "PUT /rooms/{roomId}/moderators/{userId}",
            m,
            &[],
            ADMIN,
            None
        );
        call!(
            lab,
            handle,
            204,
            "DELETE /rooms/{roomId}/moderators/{userId}",
            m,
            &[],
            ADMIN,
            None
        );
        call!(
            lab,
            handle,
            200,
            "POST /rooms/{roomId}/tags",
            p,
            &[],
            ADMIN,
            Some(json!({"tags": {"topic": "news"}}))
        );
        call!(
            lab,
            handle,
            204,
            "DELETE /rooms/{roomId}/tags",
            p,
            &[("keys", "topic")],
            ADMIN,
            None
        );
        let mut configs = Vec::new();
        for destination in [
            json!({"s3": {"bucketName": "chat-logs"}}),
            json!({"cloudWatchLogs": {"logGroupName": "chat"}}),
            json!({"firehose": {"deliveryStreamName": "chat"}}),
        ] {
            let made = call!(
                lab,
                handle,
                201,
                "POST /logging-configurations",
                &[],
                &[],
                ADMIN,
                Some(json!({"name": "logs", "destination": destination, "tags": {"team": "live"}}))
            );
            configs.push(made["id"].as_str().unwrap_or_default().to_owned());
        }
        call!(
            lab,
            handle,
            200,
            "GET /logging-configurations",
            &[],
            &[],
            ADMIN,
            None
        );
        let c: &[(&str, &str)] = &[("id", &configs[0])];
        call!(
            lab,
            handle,
            200,
            "GET /logging-configurations/{id}",
            c,
            &[],
            ADMIN,
            None
        );
        call!(
            lab,
            handle,
            200,
            "PATCH /logging-configurations/{id}",
            c,
            &[],
            ADMIN,
            Some(json!({"destination": {"s3": {"bucketName": "other-logs"}}}))
        );
        call!(
            lab,
            handle,
            204,
            "DELETE /logging-configurations/{id}",
            c,
            &[],
            ADMIN,
            None
        );
        call!(
            lab,
            handle,
            204,
            "DELETE /rooms/{roomId}",
            p,
            &[],
            ADMIN,
            None
        );
    })
}

/// A message as IVS sends it for review.
fn message(room_arn: &str, user: &str, role: &str, content: &str) -> ReviewRequest {
    ReviewRequest {
        content: content.into(),
        message_id: uuid::Uuid::new_v4().simple().to_string()[..12].to_owned(),
        room_arn: room_arn.into(),
        attributes: Default::default(),
        sender: ReviewSender {
            user_id: user.into(),
            attributes: [("displayName", user), ("role", role)]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            ip: "203.0.113.10".into(),
        },
    }
}

fn held_policy() -> Value {
    json!({"profanity": "moderate", "actions": {"borderline": "hold"}, "historyMessages": 5})
}

fn moderator(lab: &mut Lab) -> BoxFuture<'_, ()> {
    Box::pin(async move {
        let (room, arn) = lab.room(Some(held_policy())).await;
        // What message-review records, made by a review handler with the harness's rights.
        let reviewer =
            message_review::Reviewer::new(lab.setup.clone(), ModerationPolicy::default())
                .with_events(lab.harness_ivs());
        let sent = message(&arn, "viewer-1", "viewer", "hello everyone");
        message_review::review_message(sent.clone(), &reviewer).await;
        for n in 0..2 {
            let user = format!("viewer-{}", n + 1);
            message_review::review_message(
                message(&arn, &user, "viewer", "damn that was close"),
                &reviewer,
            )
            .await;
        }
        let f = moderator::Moderator {
            ivs: lab.ivs("moderator"),
            store: lab.store("moderator"),
        };
        let handle = |req| moderator::handle(req, &f);
        let p: &[(&str, &str)] = &[("roomId", &room)];
        call!(
            lab,
            handle,
            200,
            "POST /rooms/{roomId}/events",
            p,
            &[],
            MOD,
            Some(json!({"eventName": "cheer"}))
        );
        call!(
            lab,
            handle,
            200,
            "GET /rooms/{roomId}/messages",
            p,
            &[],
            VIEWER,
            None
        );
        let d: &[(&str, &str)] = &[("roomId", &room), ("messageId", &sent.message_id)];
        call!(
            lab,
            handle,
            200,
            "DELETE /rooms/{roomId}/messages/{messageId}",
            d,
            &[],
            MOD,
            None
        );
        let held = call!(
            lab,
            handle,
            200,
            "GET /rooms/{roomId}/held",
            p,
            &[],
            MOD,
            None
        );
        let ids: Vec<String> = held["held"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|h| h["heldId"].as_str().map(str::to_owned))
            .collect();
        let first = ids.first().cloned().unwrap_or_default();
        let second = ids.get(1).cloned().unwrap_or_default();
        let h: &[(&str, &str)] = &[("roomId", &room), ("heldId", &first)];
        call!(
            lab,
            handle,
            200,
            "POST /rooms/{roomId}/held/{heldId}/approve",
            h,
            &[],
            MOD,
            None
        );
        let h: &[(&str, &str)] = &[("roomId", &room), ("heldId", &second)];
        call!(
            lab,
            handle,
            200,
            "POST /rooms/{roomId}/held/{heldId}/reject",
            h,
            &[],
            MOD,
            None
        );
        call!(
            lab,
            handle,
            201,
            "POST /rooms/{roomId}/bans",
            p,
            &[],
            MOD,
            Some(json!({"userId": "viewer-2", "durationSeconds": 60, "purgeMessages": true}))
        );
        call!(
            lab,
            handle,
            200,
            "GET /rooms/{roomId}/bans",
            p,
            &[],
            MOD,
            None
        );
        let u: &[(&str, &str)] = &[("roomId", &room), ("userId", "viewer-2")];
        call!(
            lab,
            handle,
            204,
            "DELETE /rooms/{roomId}/bans/{userId}",
            u,
            &[],
            MOD,
            None
        );
        call!(
            lab,
            handle,
            200,
            "POST /rooms/{roomId}/disconnects",
            p,
            &[],
            MOD,
            Some(json!({"userId": "viewer-1"}))
        );
        call!(
            lab,
            handle,
            200,
            "GET /rooms/{roomId}/audit",
            p,
            &[],
            MOD,
            None
        );
    })
}

fn message_review(lab: &mut Lab) -> BoxFuture<'_, ()> {
    Box::pin(async move {
        let mut policy = held_policy();
        policy["blockedTerms"] = json!(["spoiler*"]);
        policy["slowModeSeconds"] = json!(1);
        let (room, arn) = lab.room(Some(policy)).await;
        let now = chat_core::time::now_millis();
        lab.setup
            .put_ban(
                &room,
                &Ban {
                    user_id: "banned-1".into(),
                    until: None,
                    reason: None,
                    by: "owner-1".into(),
                    by_role: Role::Owner,
                    at: now,
                },
            )
            .await
            .unwrap();
        let reviewer =
            message_review::Reviewer::new(lab.store("message-review"), ModerationPolicy::default())
                .with_events(lab.ivs("message-review"));
        let review =
            async |lab: &mut Lab, name: &str, user: &str, content: &str, want: Option<&str>| {
                let out = message_review::review_message(
                    message(&arn, user, "viewer", content),
                    &reviewer,
                )
                .await;
                lab.step(name, out.reason() == want);
            };
        review(lab, "review: delivered", "viewer-1", "hello everyone", None).await;
        review(
            lab,
            "review: refused (blocked term)",
            "viewer-2",
            "spoilers ahead",
            Some("BLOCKED_TERM"),
        )
        .await;
        review(
            lab,
            "review: held for the moderators",
            "viewer-3",
            "damn that was close",
            Some("HELD"),
        )
        .await;
        review(
            lab,
            "review: banned sender",
            "banned-1",
            "let me in",
            Some("BANNED"),
        )
        .await;
        // Enough delivered messages for a history trim (every 25 an instance records), which
        // runs in the background: one step, waited out, whenever the trim's calls land.
        let mut delivered = true;
        for n in 0..30 {
            let sent = message(
                &arn,
                &format!("crowd-{n}"),
                "viewer",
                &format!("message number {n}"),
            );
            delivered &= message_review::review_message(sent, &reviewer)
                .await
                .reason()
                .is_none();
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        lab.step("30 more reviews and the history trim they start", delivered);
    })
}

/// A statement's grants, named for the table.
fn describe(policy: &Policy, statement: usize) -> String {
    let s = &policy.statements[statement];
    let list = |e: &Elements| {
        let (Elements::Only(items) | Elements::AllBut(items)) = e;
        items
            .iter()
            .map(|i| short(i))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match &s.sid {
        Some(sid) => sid.clone(),
        None => format!("{} on {}", list(&s.actions), list(&s.resources)),
    }
}

/// An ARN without the account's prefix (`room/*`, `table/chat`).
fn short(arn: &str) -> String {
    arn.splitn(6, ':').nth(5).unwrap_or(arn).to_owned()
}

/// The policy with one statement changed (`None`: removed).
fn changed(
    base: &PolicyFile,
    key: &str,
    policy: usize,
    statement: usize,
    change: impl FnOnce(&mut Value) -> bool,
) -> PolicyFile {
    let mut file = base.clone();
    let principal = file.principal_mut(key).unwrap();
    let statements = principal.policies[policy]["Statement"]
        .as_array_mut()
        .unwrap();
    if !change(&mut statements[statement]) {
        statements.remove(statement);
    }
    file
}

/// Removes entry `index` of a statement element (`Action`, `Resource`), as a list.
fn without(statement: &mut Value, element: &str, index: usize) -> bool {
    let list = match statement[element].take() {
        Value::Array(items) => items,
        one => vec![one],
    };
    let rest: Vec<Value> = list
        .into_iter()
        .enumerate()
        .filter(|(i, _)| *i != index)
        .map(|(_, v)| v)
        .collect();
    statement[element] = Value::Array(rest);
    true
}

async fn run(moto: &MotoServer, policy: &PolicyFile, scenario: Scenario) -> Lab {
    let mut lab = Lab::open(moto, policy).await;
    scenario(&mut lab).await;
    lab
}

/// The proof for one function: the rows of the table, or the findings.
async fn prove(function: &str, scenario: Scenario) -> Vec<String> {
    let started = std::time::Instant::now();
    let moto = MotoServer::start();
    let base = iam_policy();
    let key = iam_policies::access_key(function);
    let principal = base.principal(&key).unwrap().clone();
    let policies: Vec<Policy> = principal
        .policies
        .iter()
        .map(|d| Policy::parse(d).unwrap())
        .collect();

    // 1. Under its own policy, everything answers as expected and nothing is refused.
    let lab = run(&moto, &base, scenario).await;
    let mut findings = Vec::new();
    for (name, as_expected, refused) in &lab.steps {
        if !as_expected || !refused.is_empty() {
            findings.push(format!("{function}: step {name:?} under the full policy: as expected {as_expected}, refused {refused:?}"));
        }
    }
    // 2. Every action × resource of every statement was used.
    let mut used: BTreeSet<_> = lab.emu.iam().unwrap().used_grants(&key);
    used.extend(lab.dynamo.iam().used_grants(&key));
    let mut runs = 1;
    let mut rows = Vec::new();
    for (p, policy) in policies.iter().enumerate() {
        for (s, statement) in policy.statements.iter().enumerate() {
            let (Elements::Only(actions), Elements::Only(resources)) =
                (&statement.actions, &statement.resources)
            else {
                continue;
            };
            for (a, action) in actions.iter().enumerate() {
                for (r, resource) in resources.iter().enumerate() {
                    let grant = ivschat_emulator::iam::Grant {
                        policy: p,
                        statement: s,
                        action: Some(a),
                        resource: Some(r),
                    };
                    if !used.contains(&grant) {
                        findings.push(format!("{function}: {action} on {resource} ({}) is never used: take it out of template.yaml", describe(policy, s)));
                    }
                }
            }
            // 3. Without it, something is refused.
            let mut removals: Vec<Removal> = Vec::new();
            let statement_actions = actions.clone();
            removals.push((
                "the statement".into(),
                changed(&base, &key, p, s, |_| false),
                Box::new(move |r: &Refusal| {
                    statement_actions
                        .iter()
                        .any(|a| action_matches(a, &r.action))
                }),
            ));
            if actions.len() > 1 {
                for (a, action) in actions.iter().enumerate() {
                    let action = action.clone();
                    removals.push((
                        format!("`{action}`"),
                        changed(&base, &key, p, s, |st| without(st, "Action", a)),
                        Box::new(move |r: &Refusal| action_matches(&action, &r.action)),
                    ));
                }
            }
            if resources.len() > 1 {
                for (i, resource) in resources.iter().enumerate() {
                    let resource = resource.clone();
                    removals.push((
                        format!("`{}`", short(&resource)),
                        changed(&base, &key, p, s, |st| without(st, "Resource", i)),
                        Box::new(move |r: &Refusal| arn_matches(&resource, &r.resource)),
                    ));
                }
            }
            for (removed, reduced, refused_for_it) in removals {
                runs += 1;
                let lab = run(&moto, &reduced, scenario).await;
                let mut needed_by: Vec<String> = Vec::new();
                for (step, _, refused) in &lab.steps {
                    for r in refused
                        .iter()
                        .filter(|r| r.access_key_id == key && refused_for_it(r))
                    {
                        let what = format!("{} in {step}", r.action);
                        if !needed_by.contains(&what) {
                            needed_by.push(what);
                        }
                    }
                }
                if needed_by.is_empty() {
                    findings.push(format!(
                        "{function}: without {removed} of {} nothing is refused: it is not needed",
                        describe(policy, s)
                    ));
                    continue;
                }
                let shown: Vec<&str> = needed_by.iter().take(2).map(String::as_str).collect();
                let more = if needed_by.len() > 2 {
                    format!(" (+{})", needed_by.len() - 2)
                } else {
                    String::new()
                };
                rows.push(format!(
                    "| {function} | {} | {removed} | {}{more} |",
                    describe(policy, s),
                    shown.join("; ")
                ));
            }
        }
    }
    eprintln!(
        "{function}: {runs} runs of its scenario in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(findings.is_empty(), "{}", findings.join("\n"));
    check_table(function, &rows);
    rows
}

/// The rows of docs/ARCHITECTURE.md's table for this function are the ones proven here.
fn check_table(function: &str, rows: &[String]) {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/ARCHITECTURE.md"
    ))
    .unwrap();
    let prefix = format!("| {function} |");
    let documented: Vec<&str> = doc.lines().filter(|l| l.starts_with(&prefix)).collect();
    assert_eq!(
        documented,
        rows.iter().map(String::as_str).collect::<Vec<_>>(),
        "docs/ARCHITECTURE.md, \"Least privilege, proven\": the rows for {function} should read:\n{}",
        rows.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_issuer_needs_every_grant_it_has() {
    prove("token-issuer", token_issuer).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn room_provisioner_needs_every_grant_it_has() {
    prove("room-provisioner", room_provisioner).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moderator_needs_every_grant_it_has() {
    prove("moderator", moderator).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn message_review_needs_every_grant_it_has() {
    prove("message-review", message_review).await;
}
