//! Live chat (`CHAT.md`) through its REST paths and a real WebSocket client: the journey of
//! the source document, the queue, accept races, tickets and email, lossless resume, and
//! the socket's refusals and limits.

use std::time::Duration;

use ayuda_types::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::app::{assert_problem, error_fields};
use crate::helpers::chat::{Dial, body, choice_ids, choice_labels, dial};
use crate::helpers::{spawn_app, spawn_app_with};

fn id_of(snapshot: &Value) -> i64 {
    snapshot["id"].as_i64().expect("chat id")
}

fn last_seq(snapshot: &Value) -> i64 {
    snapshot["last_seq"].as_i64().expect("last_seq")
}

/// The messages of a snapshot's events, as `(author kind, body)`.
fn messages(snapshot: &Value) -> Vec<(String, String)> {
    snapshot["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["type"] == "message.created")
        .map(|e| {
            (
                e["data"]["author"]["kind"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                body(e).to_owned(),
            )
        })
        .collect()
}

fn last_bot_message(snapshot: &Value) -> Value {
    snapshot["events"]
        .as_array()
        .expect("events")
        .iter()
        .rev()
        .find(|e| e["type"] == "message.created" && e["data"]["author"]["kind"] == "bot")
        .cloned()
        .expect("a bot message")
}

/// The events a snapshot holds are numbered 1..=last_seq without a gap.
fn assert_gapless(snapshot: &Value) {
    let seqs: Vec<i64> = snapshot["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["seq"].as_i64().expect("seq"))
        .collect();
    let expected: Vec<i64> = (1..=last_seq(snapshot)).collect();
    assert_eq!(seqs, expected);
}

#[tokio::test]
async fn the_whole_journey_of_the_source_document() {
    let app = spawn_app().await;
    let (agent, mut desk) = app.online_agent().await;
    let maria = app.customer("es").await;
    let pedro = app.customer("es").await;

    // Log in, open Chat Support: the bot greets with its palabras clave.
    let chat = app.open_chat(&maria.access_token).await;
    assert_eq!(chat["state"], "bot");
    assert_eq!(chat["bot_active"], true);
    let greeting = last_bot_message(&chat);
    let labels = choice_labels(&greeting);
    for keyword in [
        "Contraseña",
        "Facturación",
        "Problema técnico",
        "Chatear con un humano",
    ] {
        assert!(labels.iter().any(|l| l == keyword), "{labels:?}");
    }
    let id = id_of(&chat);
    assert_gapless(&chat);
    let mut maria_ws = app
        .chat_socket(&maria.access_token, id, last_seq(&chat))
        .await;

    // A keyword typed loosely gets its answer, then Live Agent Request / Resume Chat With Bot.
    let (status, sent) = app.say(&maria.access_token, id, "FACTURAS!", "m-1").await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    let answer = maria_ws
        .until("message.created", |d| d["author"]["kind"] == "bot")
        .await;
    assert!(body(&answer).contains("facturación"), "{answer}");
    let labels = choice_labels(&answer);
    assert!(
        labels.contains(&"Live Agent Request".to_owned()),
        "{labels:?}"
    );
    assert!(
        labels.contains(&"Resume Chat With Bot".to_owned()),
        "{labels:?}"
    );

    // Live Agent Request: first in line; a second customer is second.
    app.choose(&maria.access_token, id, "live_agent").await;
    let queued = maria_ws
        .until("state.changed", |d| d["state"] == "waiting")
        .await;
    assert_eq!(queued["data"]["state"], "waiting");
    let now = app.chat(&maria.access_token, id, 0).await;
    assert_eq!(now["queue"]["position"], 1, "{now}");
    desk.until("queue.added", |d| d["chat_id"] == id).await;

    let pedro_id = app.waiting_chat(&pedro.access_token).await;
    let pedro_chat = app.chat(&pedro.access_token, pedro_id, 0).await;
    assert_eq!(pedro_chat["queue"]["position"], 2);
    assert_eq!(pedro_chat["queue"]["queue_len"], 2);
    maria_ws
        .until("queue.updated", |d| {
            d["position"] == 1 && d["queue_len"] == 2
        })
        .await;

    // Resume Chat With Bot keeps the place; the bot answers again at once.
    let resumed = app
        .chat_move_ok(&maria.access_token, id, "resume-bot")
        .await;
    assert_eq!(resumed["state"], "waiting");
    assert_eq!(resumed["bot_active"], true);
    assert_eq!(resumed["queue"]["position"], 1);
    app.say(&maria.access_token, id, "contraseña", "m-2").await;
    let answer = maria_ws
        .until("message.created", |d| {
            d["author"]["kind"] == "bot"
                && d["body"].as_str().unwrap_or_default().contains("Mi perfil")
        })
        .await;
    assert!(choice_ids(&answer).contains(&"restart".to_owned()));
    assert_eq!(
        app.chat(&maria.access_token, id, 0).await["queue"]["position"],
        1
    );

    // "Chatear con un humano", typed: still waiting, still first.
    app.say(&maria.access_token, id, "Chatear con un humano", "m-3")
        .await;
    let now = app.chat(&maria.access_token, id, 0).await;
    assert_eq!(now["state"], "waiting");
    assert_eq!(now["queue"]["position"], 1);

    // The agent accepts: "X joined", and Pedro moves up.
    let accepted = app.chat_move_ok(&agent.access_token, id, "accept").await;
    assert_eq!(accepted["state"], "active");
    assert_eq!(accepted["assignee"]["id"], agent.user.id);
    let joined = maria_ws.until("agent.joined", |_| true).await;
    assert_eq!(joined["data"]["agent"]["id"], agent.user.id);
    assert_eq!(
        app.chat(&pedro.access_token, pedro_id, 0).await["queue"]["position"],
        1
    );

    // Messages both ways: the agent over REST, María over her socket (ack, then the agent sees it).
    let mut agent_ws = app
        .chat_socket(&agent.access_token, id, last_seq(&accepted))
        .await;
    let (status, _) = app
        .say(&agent.access_token, id, "Hola María, ¿qué factura?", "a-1")
        .await;
    assert_eq!(status, StatusCode::CREATED);
    maria_ws
        .until("message.created", |d| {
            d["body"] == "Hola María, ¿qué factura?" && d["author"]["kind"] == "agent"
        })
        .await;
    maria_ws
        .send(json!({"op": "send", "client_msg_id": "m-4", "body": "La F-2024-001 😊"}))
        .await;
    let ack = maria_ws.until("ack", |d| d["client_msg_id"] == "m-4").await;
    let seq = ack["data"]["seq"].as_i64().expect("acked seq");
    let seen = agent_ws
        .until("message.created", |d| d["body"] == "La F-2024-001 😊")
        .await;
    assert_eq!(seen["seq"], seq);

    // The agent closes; María's socket hears it and the transcript is emailed in Spanish.
    let closed = app.chat_move_ok(&agent.access_token, id, "close").await;
    assert_eq!(closed["state"], "closed");
    assert_eq!(closed["close_reason"], "resolved");
    maria_ws.until("chat.closed", |_| true).await;
    let mail = app
        .wait_for_email(&maria.user.email, |m| m.text.contains("La F-2024-001"))
        .await;
    assert!(
        mail.text.contains("Hola María, ¿qué factura?"),
        "{}",
        mail.text
    );
    assert!(
        mail.subject.to_lowercase().contains("chat"),
        "{}",
        mail.subject
    );

    // Rated afterwards; a closed chat refuses writes with 409 naming the state.
    let res = app
        .post_as(
            &maria.access_token,
            &format!("/api/v1/chats/{id}/rating"),
            &json!({"score": 5, "comment": "¡Genial!"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let problem = assert_problem(
        app.send_message(&maria.access_token, id, "¿sigues?", "m-5")
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(problem["state"], "closed");
    let stored = app.chat(&maria.access_token, id, 0).await;
    assert_gapless(&stored);
    assert_eq!(stored["rating"], 5);
}

#[tokio::test]
async fn two_agents_accepting_at_once_give_the_chat_one_owner() {
    let app = spawn_app().await;
    let (tom, _tom_ws) = app.online_agent().await;
    let (lucia, _lucia_ws) = app.online_agent().await;
    let customer = app.customer("en").await;
    let id = app.waiting_chat(&customer.access_token).await;

    let (a, b) = tokio::join!(
        app.chat_move(&tom.access_token, id, "accept", json!({})),
        app.chat_move(&lucia.access_token, id, "accept", json!({})),
    );
    let mut statuses = [a.status(), b.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
    let loser = if a.status() == StatusCode::CONFLICT {
        a
    } else {
        b
    };
    let problem = assert_problem(loser, StatusCode::CONFLICT).await;
    assert_eq!(problem["code"], "already_taken", "{problem}");
    let chat = app.chat(&customer.access_token, id, 0).await;
    let joined = chat["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["type"] == "agent.joined")
        .count();
    assert_eq!(joined, 1);
}

#[tokio::test]
async fn an_agent_at_capacity_cannot_accept_a_fourth_chat() {
    let app = spawn_app().await;
    let (agent, _ws) = app.online_agent().await;
    let mut ids = Vec::new();
    for _ in 0..4 {
        let customer = app.customer("en").await;
        ids.push(app.waiting_chat(&customer.access_token).await);
    }
    for id in &ids[..3] {
        app.chat_move_ok(&agent.access_token, *id, "accept").await;
    }
    let res = app
        .chat_move(&agent.access_token, ids[3], "accept", json!({}))
        .await;
    let problem = assert_problem(res, StatusCode::CONFLICT).await;
    assert_eq!(problem["code"], "at_capacity");
    // An admin raises the capacity; now it fits.
    let admin = app.user(Role::Admin).await;
    let res = app
        .api
        .put(app.url("/api/v1/agent/presence"))
        .bearer_auth(&admin.access_token)
        .json(&json!({"status": "online", "agent_id": agent.user.id, "max_chats": 4}))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .get_as(&agent.access_token, "/api/v1/agent/presence")
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let list: Value = res.json().await.expect("json");
    let me = list
        .as_array()
        .expect("list")
        .iter()
        .find(|p| p["agent"]["id"] == agent.user.id)
        .cloned()
        .expect("the agent's presence");
    assert_eq!(me["max_chats"], 4);
    assert_eq!(me["active_chats"], 3);
    app.chat_move_ok(&agent.access_token, ids[3], "accept")
        .await;
    // Operations see the chat side on /metrics.
    let metrics = app.get("/metrics").await.text().await.expect("metrics");
    for name in [
        "ayuda_chat_waiting",
        "ayuda_chat_wait_seconds",
        "ayuda_chat_sockets_open",
        "ayuda_chat_messages_total",
    ] {
        assert!(metrics.contains(name), "{name} missing:\n{metrics}");
    }
}

#[tokio::test]
async fn restart_leaves_the_queue_and_the_others_move_up() {
    let app = spawn_app().await;
    let (_agent, _ws) = app.online_agent().await;
    let first = app.customer("en").await;
    let second = app.customer("en").await;
    let first_id = app.waiting_chat(&first.access_token).await;
    let second_id = app.waiting_chat(&second.access_token).await;
    let snapshot = app.chat(&second.access_token, second_id, 0).await;
    assert_eq!(snapshot["queue"]["position"], 2);
    let mut second_ws = app
        .chat_socket(&second.access_token, second_id, last_seq(&snapshot))
        .await;

    let after = app
        .chat_move_ok(&first.access_token, first_id, "restart")
        .await;
    assert_eq!(after["state"], "bot");
    assert!(after["queue"].is_null());
    let greeting = last_bot_message(&after);
    assert!(choice_labels(&greeting).contains(&"Billing".to_owned()));
    second_ws
        .until("queue.updated", |d| {
            d["position"] == 1 && d["queue_len"] == 1
        })
        .await;
    // Going back to the bot giving the place up does the same.
    let again = app
        .chat_move_ok(&first.access_token, first_id, "live-agent")
        .await;
    assert_eq!(again["queue"]["position"], 2);
    let res = app
        .chat_move(
            &first.access_token,
            first_id,
            "resume-bot",
            json!({"leave_queue": true}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let after: Value = res.json().await.expect("json");
    assert_eq!(after["state"], "bot");
    // Illegal moves name the state and the allowed ones: in the bot there is no queue to
    // keep a place in.
    let problem = assert_problem(
        app.chat_move(&first.access_token, first_id, "resume-bot", json!({}))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(problem["state"], "bot");
    assert_eq!(problem["code"], "illegal_move");
    let allowed: Vec<&str> = problem["allowed"]
        .as_array()
        .expect("allowed")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(allowed.contains(&"live-agent"), "{problem}");
}

#[tokio::test]
async fn without_an_agent_the_customer_leaves_a_ticket_and_gets_its_number_by_email() {
    let app = spawn_app().await;
    let customer = app.customer("en").await;
    let availability: Value = app
        .get_as(&customer.access_token, "/api/v1/chat/availability")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(availability["available"], false);
    assert_eq!(availability["reason"], "no_agents");

    let chat = app.open_chat(&customer.access_token).await;
    let id = id_of(&chat);
    app.say(&customer.access_token, id, "My invoice is wrong", "c-1")
        .await;
    let after = app
        .chat_move_ok(&customer.access_token, id, "live-agent")
        .await;
    assert_eq!(after["state"], "bot");
    let offer = last_bot_message(&after);
    assert!(
        choice_ids(&offer).contains(&"leave_ticket".to_owned()),
        "{offer}"
    );

    let res = app
        .chat_move(&customer.access_token, id, "leave-ticket", json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.expect("json");
    let number = created["ticket"]["number"].as_i64().expect("number");

    let chat = app.chat(&customer.access_token, id, 0).await;
    assert_eq!(chat["state"], "closed");
    assert_eq!(chat["close_reason"], "no_agent");
    assert_eq!(chat["ticket"]["number"], number);
    assert!(
        chat["events"]
            .as_array()
            .expect("events")
            .iter()
            .any(|e| e["type"] == "ticket.created")
    );
    let ticket: Value = app
        .get_as(&customer.access_token, &format!("/api/v1/tickets/{number}"))
        .await
        .json()
        .await
        .expect("ticket");
    assert_eq!(ticket["channel"], "chat");
    let mail = app
        .wait_for_email(&customer.user.email, |m| {
            m.subject.contains(&number.to_string())
        })
        .await;
    assert!(mail.subject.contains(&number.to_string()));
    // The description is the transcript.
    let replies: Value = app
        .get_as(
            &customer.access_token,
            &format!("/api/v1/tickets/{number}/replies"),
        )
        .await
        .json()
        .await
        .expect("replies");
    assert!(
        replies.to_string().contains("My invoice is wrong")
            || ticket.to_string().contains("My invoice is wrong"),
        "{ticket} {replies}"
    );
    // It appears in the customer's own ticket list.
    let list: Value = app
        .get_as(&customer.access_token, "/api/v1/tickets")
        .await
        .json()
        .await
        .expect("tickets");
    assert!(
        list.to_string().contains(&format!("\"number\":{number}")),
        "{list}"
    );
}

#[tokio::test]
async fn a_chat_whose_agent_is_gone_goes_back_to_the_front_of_the_queue() {
    let app = spawn_app_with(|s| {
        s.chat_agent_gone_secs = 1;
        s.chat_timer_interval_ms = 200;
    })
    .await;
    let (agent, agent_ws) = app.online_agent().await;
    let early = app.customer("en").await;
    let late = app.customer("en").await;
    let early_id = app.waiting_chat(&early.access_token).await;
    let late_id = app.waiting_chat(&late.access_token).await;
    // The agent takes the later chat, so the earlier one is still waiting in front of it.
    let accepted = app
        .chat_move_ok(&agent.access_token, late_id, "accept")
        .await;
    let mut late_ws = app
        .chat_socket(&late.access_token, late_id, last_seq(&accepted))
        .await;
    agent_ws.drop_connection();

    let back = late_ws
        .until("state.changed", |d| d["state"] == "waiting")
        .await;
    assert_eq!(back["data"]["state"], "waiting");
    let late_chat = app.chat(&late.access_token, late_id, 0).await;
    assert_eq!(late_chat["queue"]["position"], 1, "{late_chat}");
    assert!(late_chat["assignee"].is_null());
    assert_eq!(
        app.chat(&early.access_token, early_id, 0).await["queue"]["position"],
        2
    );
    assert!(
        late_chat["events"]
            .as_array()
            .expect("events")
            .iter()
            .any(|e| e["type"] == "agent.left")
    );
}

#[tokio::test]
async fn the_same_client_msg_id_twice_stores_one_message() {
    let app = spawn_app().await;
    let customer = app.customer("en").await;
    let id = id_of(&app.open_chat(&customer.access_token).await);

    let (first, original) = app
        .say(&customer.access_token, id, "hello there", "dup-1")
        .await;
    assert_eq!(first, StatusCode::CREATED);
    let (again, repeated) = app
        .say(&customer.access_token, id, "hello there", "dup-1")
        .await;
    assert_eq!(again, StatusCode::OK);
    assert_eq!(original["event"]["seq"], repeated["event"]["seq"]);

    // Over the socket, twice more: two acks with the same seq.
    let mut ws = app.chat_socket(&customer.access_token, id, 0).await;
    for _ in 0..2 {
        ws.send(json!({"op": "send", "client_msg_id": "dup-1", "body": "hello there"}))
            .await;
        let ack = ws.until("ack", |d| d["client_msg_id"] == "dup-1").await;
        assert_eq!(ack["data"]["seq"], original["event"]["seq"]);
    }
    let chat = app.chat(&customer.access_token, id, 0).await;
    let stored = chat["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["data"]["client_msg_id"] == "dup-1")
        .count();
    assert_eq!(stored, 1);
    assert_gapless(&chat);
}

#[tokio::test]
async fn a_reconnect_after_seq_replays_exactly_the_missed_events_in_order() {
    let app = spawn_app().await;
    let (agent, _desk) = app.online_agent().await;
    let customer = app.customer("en").await;
    let id = app.waiting_chat(&customer.access_token).await;
    app.chat_move_ok(&agent.access_token, id, "accept").await;
    let mut ws = app.chat_socket(&customer.access_token, id, 0).await;
    let had = app.chat(&customer.access_token, id, 0).await;
    let had_seq = last_seq(&had);
    // Everything so far arrived, in order, once.
    while ws.seqs().last().copied().unwrap_or(0) < had_seq {
        ws.next_within(Duration::from_secs(5))
            .await
            .expect("replayed frame");
    }
    assert_eq!(ws.seqs(), (1..=had_seq).collect::<Vec<_>>());
    ws.drop_connection();

    for n in 0..5 {
        app.say(
            &agent.access_token,
            id,
            &format!("while away {n}"),
            &format!("away-{n}"),
        )
        .await;
    }
    let mut back = app.chat_socket(&customer.access_token, id, had_seq).await;
    let mut got = Vec::new();
    while got.len() < 5 {
        let frame = back
            .next_within(Duration::from_secs(5))
            .await
            .expect("missed event");
        if frame["seq"].is_i64() {
            got.push(frame);
        }
    }
    let seqs: Vec<i64> = got
        .iter()
        .map(|f| f["seq"].as_i64().unwrap_or_default())
        .collect();
    assert_eq!(seqs, (had_seq + 1..=had_seq + 5).collect::<Vec<_>>());
    let bodies: Vec<&str> = got.iter().map(body).collect();
    assert_eq!(
        bodies,
        [
            "while away 0",
            "while away 1",
            "while away 2",
            "while away 3",
            "while away 4"
        ]
    );
    // Nothing more (no duplicate) once live; a new message comes next in line.
    app.say(&agent.access_token, id, "live again", "live-1")
        .await;
    let next = back.until("message.created", |_| true).await;
    assert_eq!(next["seq"], had_seq + 6);
    assert_eq!(body(&next), "live again");
    // `resume` on the open socket replays from where it asks.
    back.send(json!({"op": "resume", "after_seq": had_seq + 4}))
        .await;
    let replayed = back.until("message.created", |_| true).await;
    assert_eq!(replayed["seq"], had_seq + 5);
}

#[tokio::test]
async fn another_customers_chat_is_not_found_and_its_socket_refused() {
    let app = spawn_app().await;
    let owner = app.customer("en").await;
    let other = app.customer("en").await;
    let id = id_of(&app.open_chat(&owner.access_token).await);
    let own = id_of(&app.open_chat(&other.access_token).await);

    for res in [
        app.get_as(&other.access_token, &format!("/api/v1/chats/{id}"))
            .await,
        app.post_as(
            &other.access_token,
            &format!("/api/v1/chats/{id}/ws-ticket"),
            &json!({}),
        )
        .await,
        app.send_message(&other.access_token, id, "hi", "x-1").await,
        app.chat_move(&other.access_token, id, "live-agent", json!({}))
            .await,
        app.chat_move(&other.access_token, id, "close", json!({}))
            .await,
        app.post_as(
            &other.access_token,
            &format!("/api/v1/chats/{id}/read"),
            &json!({"up_to_seq": 1}),
        )
        .await,
    ] {
        assert_problem(res, StatusCode::NOT_FOUND).await;
    }
    let list: Value = app
        .get_as(&other.access_token, "/api/v1/chats")
        .await
        .json()
        .await
        .expect("json");
    let ids: Vec<i64> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|c| c["id"].as_i64())
        .collect();
    assert_eq!(ids, [own]);

    // A ticket for one's own chat does not open another's: 4403.
    let ticket = app.ws_ticket(&other.access_token, Some(own)).await;
    let mut ws = dial(
        &app.ws_url(&format!("/api/v1/chats/{id}/ws?ticket={ticket}")),
        None,
    )
    .await
    .open();
    assert_eq!(ws.close_code().await, 4403);
    // A chat that does not exist: 4404.
    let (agent, _desk) = app.online_agent().await;
    let ticket = app.ws_ticket(&agent.access_token, None).await;
    let mut ws = dial(
        &app.ws_url(&format!("/api/v1/chats/999999/ws?ticket={ticket}")),
        None,
    )
    .await
    .open();
    assert_eq!(ws.close_code().await, 4404);
    // Customers have no console.
    let res = app
        .post_as(&other.access_token, "/api/v1/agent/ws-ticket", &json!({}))
        .await;
    assert_problem(res, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn a_socket_from_a_foreign_origin_is_refused() {
    let app = spawn_app().await;
    let customer = app.customer("en").await;
    let id = id_of(&app.open_chat(&customer.access_token).await);
    let ticket = app.ws_ticket(&customer.access_token, Some(id)).await;
    let url = app.ws_url(&format!("/api/v1/chats/{id}/ws?ticket={ticket}"));
    match dial(&url, Some("https://evil.example")).await {
        Dial::Refused(status) => assert_eq!(status, 403),
        Dial::Open(_) => panic!("a foreign origin was let in"),
    }
    // The refusal did not spend the ticket; the app's own origin is let in.
    let mut ws = dial(&url, Some(&app.address)).await.open();
    ws.until("hello", |_| true).await;
}

#[tokio::test]
async fn a_used_unknown_or_expired_ticket_closes_with_4401() {
    let app = spawn_app().await;
    let customer = app.customer("en").await;
    let id = id_of(&app.open_chat(&customer.access_token).await);
    let ticket = app.ws_ticket(&customer.access_token, Some(id)).await;
    let url = app.ws_url(&format!("/api/v1/chats/{id}/ws?ticket={ticket}"));
    let mut first = dial(&url, None).await.open();
    first.until("hello", |_| true).await;
    let mut reused = dial(&url, None).await.open();
    assert_eq!(reused.close_code().await, 4401);
    let mut unknown = dial(
        &app.ws_url(&format!("/api/v1/chats/{id}/ws?ticket=nonsense")),
        None,
    )
    .await
    .open();
    assert_eq!(unknown.close_code().await, 4401);
    let mut none = dial(&app.ws_url(&format!("/api/v1/chats/{id}/ws")), None)
        .await
        .open();
    assert_eq!(none.close_code().await, 4401);
    // One a minute old.
    let stale = "a-ticket-issued-long-ago";
    ayuda_db::chats::insert_ws_ticket(
        &app.state.writer,
        &ayuda_server::auth::secret::token_hash(stale),
        customer.user.id,
        Some(id),
        chrono::Utc::now() - chrono::Duration::seconds(1),
    )
    .await
    .expect("ticket");
    let mut expired = dial(
        &app.ws_url(&format!("/api/v1/chats/{id}/ws?ticket={stale}")),
        None,
    )
    .await
    .open();
    assert_eq!(expired.close_code().await, 4401);
}

#[tokio::test]
async fn a_message_over_4000_characters_is_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    let customer = app.customer("en").await;
    let chat = app.open_chat(&customer.access_token).await;
    let id = id_of(&chat);
    let long = "ñ".repeat(5000);
    let res = app
        .send_message(&customer.access_token, id, &long, "long-1")
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&problem), ["body"]);
    // Exactly 4,000 characters (not bytes) is fine.
    let (status, _) = app
        .say(&customer.access_token, id, &"ñ".repeat(4000), "long-2")
        .await;
    assert_eq!(status, StatusCode::CREATED);
    // Over the socket: an error frame naming the message, the socket stays open.
    let mut ws = app
        .chat_socket(&customer.access_token, id, last_seq(&chat))
        .await;
    ws.send(json!({"op": "send", "client_msg_id": "long-3", "body": long}))
        .await;
    let error = ws.until("error", |d| d["client_msg_id"] == "long-3").await;
    assert_eq!(error["data"]["status"], 422, "{error}");
    ws.send(json!({"op": "ping"})).await;
    ws.until("pong", |_| true).await;
    let stored = app.chat(&customer.access_token, id, 0).await;
    assert!(!stored.to_string().contains(&"ñ".repeat(4001)));
    // Malformed JSON and a wrong media type over REST.
    let res = app
        .api
        .post(app.url(&format!("/api/v1/chats/{id}/messages")))
        .bearer_auth(&customer.access_token)
        .header("content-type", "application/json")
        .body("{\"body\": ")
        .send()
        .await
        .expect("request");
    assert_problem(res, StatusCode::BAD_REQUEST).await;
    let res = app
        .api
        .post(app.url(&format!("/api/v1/chats/{id}/resume-bot")))
        .bearer_auth(&customer.access_token)
        .header("content-type", "text/plain")
        .body("leave")
        .send()
        .await
        .expect("request");
    assert_problem(res, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
}

#[tokio::test]
async fn fifty_messages_in_a_second_close_the_socket_with_4029() {
    let app = spawn_app().await;
    let customer = app.customer("en").await;
    let id = id_of(&app.open_chat(&customer.access_token).await);
    let mut ws = app.chat_socket(&customer.access_token, id, 0).await;
    for n in 0..50 {
        if !ws
            .send_text(json!({"op": "send", "client_msg_id": format!("flood-{n}"), "body": format!("flood {n}")}).to_string())
            .await
        {
            break;
        }
    }
    assert_eq!(ws.close_code().await, 4029);
    let stored = app.chat(&customer.access_token, id, 0).await;
    let floods = messages(&stored)
        .iter()
        .filter(|(_, b)| b.starts_with("flood"))
        .count();
    assert!(
        floods <= 6,
        "{floods} messages got through the limit of 5/s"
    );
    assert_gapless(&stored);
}

#[tokio::test]
async fn a_frame_over_64_kib_closes_the_socket_with_1009() {
    let app = spawn_app().await;
    let customer = app.customer("en").await;
    let id = id_of(&app.open_chat(&customer.access_token).await);
    let mut ws = app.chat_socket(&customer.access_token, id, 0).await;
    ws.send_text(format!(
        "{{\"op\":\"ping\",\"pad\":\"{}\"}}",
        "x".repeat(70 * 1024)
    ))
    .await;
    assert_eq!(ws.close_code().await, 1009);
}

#[tokio::test]
async fn an_internal_note_never_reaches_the_customer() {
    let app = spawn_app().await;
    let (agent, _desk) = app.online_agent().await;
    let customer = app.customer("en").await;
    let id = app.waiting_chat(&customer.access_token).await;
    app.chat_move_ok(&agent.access_token, id, "accept").await;
    let mut ws = app.chat_socket(&customer.access_token, id, 0).await;
    let res = app
        .post_as(
            &agent.access_token,
            &format!("/api/v1/chats/{id}/messages"),
            &json!({"body": "SECRET: customer seems upset", "client_msg_id": "note-1", "internal": true}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    app.say(&agent.access_token, id, "How can I help?", "pub-1")
        .await;
    ws.until("message.created", |d| d["body"] == "How can I help?")
        .await;
    assert!(!ws.seen.iter().any(|f| f.to_string().contains("SECRET")));
    // The note's seq is there, as a `hidden` event, so the customer sees no gap.
    assert!(ws.seen.iter().any(|f| f["type"] == "hidden"));
    let theirs = app.chat(&customer.access_token, id, 0).await;
    assert!(!theirs.to_string().contains("SECRET"));
    assert_gapless(&theirs);
    let staff = app.chat(&agent.access_token, id, 0).await;
    assert!(staff.to_string().contains("SECRET"));
    // A customer cannot write one.
    let res = app
        .post_as(
            &customer.access_token,
            &format!("/api/v1/chats/{id}/messages"),
            &json!({"body": "me too", "client_msg_id": "c-note", "internal": true}),
        )
        .await;
    assert!(res.status().is_client_error());
    // Nor is it in the transcript email.
    app.chat_move_ok(&agent.access_token, id, "close").await;
    let mail = app
        .wait_for_email(&customer.user.email, |m| m.text.contains("How can I help?"))
        .await;
    assert!(!mail.text.contains("SECRET") && !mail.html.contains("SECRET"));
}

#[tokio::test]
async fn an_agent_turns_a_chat_into_a_ticket_linked_both_ways() {
    let app = spawn_app().await;
    let (agent, _desk) = app.online_agent().await;
    let customer = app.customer("es").await;
    let id = app.waiting_chat(&customer.access_token).await;
    app.chat_move_ok(&agent.access_token, id, "accept").await;
    app.say(&customer.access_token, id, "La impresora no imprime", "c-1")
        .await;
    // Customers may not.
    let res = app
        .chat_move(&customer.access_token, id, "ticket", json!({}))
        .await;
    assert_problem(res, StatusCode::FORBIDDEN).await;
    let res = app
        .chat_move(
            &agent.access_token,
            id,
            "ticket",
            json!({"title": "Impresora", "close_chat": false}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.expect("json");
    let number = created["ticket"]["number"].as_i64().expect("number");
    let chat = app.chat(&agent.access_token, id, 0).await;
    assert_eq!(chat["state"], "active", "close_chat: false keeps it open");
    assert_eq!(chat["ticket"]["number"], number);
    let ticket: Value = app
        .get_as(&agent.access_token, &format!("/api/v1/tickets/{number}"))
        .await
        .json()
        .await
        .expect("ticket");
    assert_eq!(ticket["channel"], "chat");
    assert_eq!(ticket["title"], "Impresora");
    assert_eq!(ticket["chat_id"], id, "{ticket}");
    app.wait_for_email(&customer.user.email, |m| {
        m.subject.contains(&number.to_string())
    })
    .await;
    // Closing it now emails the transcript.
    app.chat_move_ok(&agent.access_token, id, "close").await;
    app.wait_for_email(&customer.user.email, |m| {
        m.text.contains("La impresora no imprime")
    })
    .await;
}

#[tokio::test]
async fn transfer_and_handback_move_the_chat_between_agents_and_the_bot() {
    let app = spawn_app().await;
    let (tom, _tom_ws) = app.online_agent().await;
    let (lucia, _lucia_ws) = app.online_agent().await;
    let customer = app.customer("en").await;
    let id = app.waiting_chat(&customer.access_token).await;
    app.chat_move_ok(&tom.access_token, id, "accept").await;
    // Lucía is not its agent: no messages to the customer, no handback.
    let problem = assert_problem(
        app.send_message(&lucia.access_token, id, "hi", "l-1").await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(problem["code"], "not_assignee");
    let res = app
        .chat_move(
            &tom.access_token,
            id,
            "transfer",
            json!({"agent_id": lucia.user.id}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let after: Value = res.json().await.expect("json");
    assert_eq!(after["assignee"]["id"], lucia.user.id);
    let (status, _) = app.say(&lucia.access_token, id, "Lucía here", "l-2").await;
    assert_eq!(status, StatusCode::CREATED);
    // Back to the queue keeps the original place.
    let queued_at = app.chat(&customer.access_token, id, 0).await;
    let res = app
        .chat_move(&lucia.access_token, id, "transfer", json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let waiting: Value = res.json().await.expect("json");
    assert_eq!(waiting["state"], "waiting");
    assert_eq!(waiting["queue"]["position"], 1);
    let _ = queued_at;
    app.chat_move_ok(&tom.access_token, id, "accept").await;
    let bot = app.chat_move_ok(&tom.access_token, id, "handback").await;
    assert_eq!(bot["state"], "bot");
    assert!(bot["assignee"].is_null());
}

#[tokio::test]
async fn admins_edit_the_keyword_tree_and_new_chats_greet_with_it() {
    let app = spawn_app().await;
    let admin = app.user(Role::Admin).await;
    let agent = app.user(Role::Agent).await;
    let customer = app.customer("en").await;

    let res = app
        .post_as(
            &admin.access_token,
            "/api/v1/bot/keywords",
            &json!({
                "keyword": "Shipping", "aliases": ["delivery", "parcel"], "locale": "en",
                "response": "Parcels leave within **two days**. <script>alert(1)</script>",
            }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let shipping: Value = res.json().await.expect("json");
    assert!(
        !shipping["response_html"]
            .as_str()
            .unwrap_or_default()
            .contains("<script")
    );
    let res = app
        .post_as(
            &admin.access_token,
            "/api/v1/bot/keywords",
            &json!({
                "keyword": "Tracking", "locale": "en", "parent_id": shipping["id"],
                "response": "Your tracking number is in the shipping email.",
            }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let tracking: Value = res.json().await.expect("json");
    // Agents read it, customers do not; only admins write it.
    assert_eq!(
        app.get_as(&agent.access_token, "/api/v1/bot/keywords")
            .await
            .status(),
        StatusCode::OK
    );
    assert_problem(
        app.get_as(&customer.access_token, "/api/v1/bot/keywords")
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let res = app
        .post_as(
            &agent.access_token,
            "/api/v1/bot/keywords",
            &json!({"keyword": "X", "locale": "en", "response": "y"}),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN).await;
    let res = app
        .post_as(
            &admin.access_token,
            "/api/v1/bot/keywords",
            &json!({"keyword": "", "locale": "en", "response": ""}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(error_fields(&problem).contains(&"keyword".to_owned()));
    // A node cannot become its own descendant's child.
    let res = app
        .patch_as(
            &admin.access_token,
            &format!("/api/v1/bot/keywords/{}", shipping["id"]),
            &json!({"parent_id": tracking["id"]}),
        )
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;

    let chat = app.open_chat(&customer.access_token).await;
    let greeting = last_bot_message(&chat);
    assert!(
        choice_labels(&greeting).contains(&"Shipping".to_owned()),
        "{greeting}"
    );
    let id = id_of(&chat);
    // A one-letter typo of an alias still finds it; the follow-up is offered as a button.
    app.say(&customer.access_token, id, "delivrey", "c-1").await;
    let after = app.chat(&customer.access_token, id, 0).await;
    let answer = last_bot_message(&after);
    assert!(body(&answer).contains("two days"), "{answer}");
    assert!(choice_labels(&answer).contains(&"Tracking".to_owned()));
    let tracking_id = tracking["id"].as_i64().expect("id").to_string();
    app.choose(&customer.access_token, id, &tracking_id).await;
    let after = app.chat(&customer.access_token, id, 0).await;
    assert!(body(&last_bot_message(&after)).contains("tracking number"));

    // Deleting it: gone from the next greeting.
    let res = app
        .delete_as(
            &admin.access_token,
            &format!("/api/v1/bot/keywords/{}", shipping["id"]),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    app.chat_move_ok(&customer.access_token, id, "close").await;
    let next = app.open_chat(&customer.access_token).await;
    assert!(!choice_labels(&last_bot_message(&next)).contains(&"Shipping".to_owned()));
}

#[tokio::test]
async fn when_no_keyword_matches_the_bot_cites_forum_articles_then_offers_a_human() {
    let app = spawn_app().await;
    let agent = app.user(Role::Agent).await;
    let category = crate::forum::category(&app, &agent.access_token, "Printers").await;
    let article = crate::forum::write(
        &app,
        &agent.access_token,
        &json!({
            "title": "Printer shows error 42",
            "body": "Error 42 on the printer means the paper tray is open. Close the tray.",
            "category_id": category.id,
            "status": "published",
        }),
    )
    .await;
    let customer = app.customer("en").await;
    let id = id_of(&app.open_chat(&customer.access_token).await);
    app.say(
        &customer.access_token,
        id,
        "the printer tray shows 42",
        "c-1",
    )
    .await;
    let after = app.chat(&customer.access_token, id, 0).await;
    let answer = last_bot_message(&after);
    let links = answer["data"]["links"].as_array().expect("links");
    assert!(
        links.iter().any(|l| l["title"] == "Printer shows error 42"),
        "{answer}"
    );
    assert!(body(&answer).contains(&format!("/forum/{}", article.summary.slug)));
    app.say(&customer.access_token, id, "qwertyuiop zxcv", "c-2")
        .await;
    let after = app.chat(&customer.access_token, id, 0).await;
    let answer = last_bot_message(&after);
    assert!(
        choice_ids(&answer).contains(&"live_agent".to_owned()),
        "{answer}"
    );
}

/// Two instances on one PostgreSQL database: what happens on one reaches sockets on the
/// other, and accept races across both never give a chat two owners or an agent more
/// chats than their capacity.
#[tokio::test]
async fn two_instances_on_one_postgresql_deliver_across_and_never_double_assign() {
    if std::env::var("TEST_DATABASE_URL").is_err() {
        eprintln!("skipped: several instances need PostgreSQL (TEST_DATABASE_URL)");
        return;
    }
    let a = spawn_app().await;
    let b = a.sibling().await;
    let (agent, mut desk_on_b) = b.online_agent().await;
    let first = a.customer("en").await;
    let second = a.customer("en").await;

    // The customer on A asks for an agent; the agent's console on B hears of it.
    let first_id = a.waiting_chat(&first.access_token).await;
    desk_on_b
        .until("queue.added", |d| d["chat_id"] == first_id)
        .await;
    // The second customer's socket is on B; the first's on A.
    let second_id = a.waiting_chat(&second.access_token).await;
    let second_chat = b.chat(&second.access_token, second_id, 0).await;
    assert_eq!(second_chat["queue"]["position"], 2);
    let mut second_on_b = b
        .chat_socket(&second.access_token, second_id, last_seq(&second_chat))
        .await;
    let first_chat = a.chat(&first.access_token, first_id, 0).await;
    let mut first_on_a = a
        .chat_socket(&first.access_token, first_id, last_seq(&first_chat))
        .await;

    // Accepted on B: the customer on A hears it; the queue position crosses to B's socket.
    let accepted = b
        .chat_move_ok(&agent.access_token, first_id, "accept")
        .await;
    first_on_a.until("agent.joined", |_| true).await;
    second_on_b
        .until("queue.updated", |d| d["position"] == 1)
        .await;
    // Messages both ways across the instances.
    let mut agent_on_b = b
        .chat_socket(&agent.access_token, first_id, last_seq(&accepted))
        .await;
    b.say(&agent.access_token, first_id, "Hello from B", "b-1")
        .await;
    first_on_a
        .until("message.created", |d| d["body"] == "Hello from B")
        .await;
    first_on_a
        .send(json!({"op": "send", "client_msg_id": "a-1", "body": "Hello from A"}))
        .await;
    let ack = first_on_a
        .until("ack", |d| d["client_msg_id"] == "a-1")
        .await;
    let heard = agent_on_b
        .until("message.created", |d| d["body"] == "Hello from A")
        .await;
    assert_eq!(heard["seq"], ack["data"]["seq"]);
    // Each socket saw each stored event once, in order.
    for ws in [&first_on_a, &agent_on_b] {
        let seqs = ws.seqs();
        let mut sorted = seqs.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(seqs, sorted, "duplicates or disorder: {seqs:?}");
    }
    b.chat_move_ok(&agent.access_token, first_id, "close").await;
    a.chat_move_ok(&second.access_token, second_id, "close")
        .await;
    drop((first_on_a, second_on_b, agent_on_b));

    // 200 races: 20 customers wait at once, four agents (two per instance, capacity 3 each,
    // so 12 places) each try to accept every chat at the same moment; ten rounds.
    let mut agents = vec![(agent, desk_on_b)];
    agents.push(b.online_agent().await);
    agents.push(a.online_agent().await);
    agents.push(a.online_agent().await);
    let mut customers = Vec::new();
    for _ in 0..20 {
        customers.push(a.customer("en").await);
    }
    for round in 0..10 {
        let mut chats = Vec::new();
        for (n, customer) in customers.iter().enumerate() {
            let app = if n % 2 == 0 { &a } else { &b };
            chats.push(app.waiting_chat(&customer.access_token).await);
        }
        let (a, b) = (&a, &b);
        let mut attempts = Vec::new();
        for chat in &chats {
            for (n, (agent, _)) in agents.iter().enumerate() {
                let app = if n < 2 { b } else { a };
                let chat = *chat;
                attempts.push(async move {
                    let res = app
                        .chat_move(&agent.access_token, chat, "accept", json!({}))
                        .await;
                    (chat, agent.user.id, res.status())
                });
            }
        }
        let results = futures_util::future::join_all(attempts).await;
        let mut owners: std::collections::HashMap<i64, Vec<i64>> = Default::default();
        let mut per_agent: std::collections::HashMap<i64, usize> = Default::default();
        for (chat, agent, status) in &results {
            assert!(
                *status == StatusCode::OK || *status == StatusCode::CONFLICT,
                "round {round}: accept answered {status}"
            );
            if *status == StatusCode::OK {
                owners.entry(*chat).or_default().push(*agent);
                *per_agent.entry(*agent).or_default() += 1;
            }
        }
        assert!(
            owners.values().all(|o| o.len() == 1),
            "round {round}: {owners:?}"
        );
        assert!(
            per_agent.values().all(|n| *n <= 3),
            "round {round}: {per_agent:?}"
        );
        assert_eq!(owners.len(), 12, "round {round}: every place filled");
        // What is stored agrees: one agent.joined per accepted chat, nobody over capacity.
        let presence: Value = a
            .get_as(&agents[0].0.access_token, "/api/v1/agent/presence")
            .await
            .json()
            .await
            .expect("presence");
        for p in presence.as_array().expect("list") {
            assert!(p["active_chats"].as_u64().unwrap_or(0) <= 3, "{p}");
        }
        for (n, chat) in chats.iter().enumerate() {
            let customer = &customers[n];
            let stored = a.chat(&customer.access_token, *chat, 0).await;
            let joined = stored["events"]
                .as_array()
                .expect("events")
                .iter()
                .filter(|e| e["type"] == "agent.joined")
                .count();
            assert_eq!(
                joined,
                usize::from(owners.contains_key(chat)),
                "chat {chat}"
            );
            a.chat_move_ok(&customer.access_token, *chat, "close").await;
        }
    }
}

#[tokio::test]
async fn the_demo_seeds_a_keyword_tree_with_follow_ups_and_past_chats() {
    let app = spawn_app().await;
    let report = ayuda_server::demo::load(&app.state)
        .await
        .expect("demo data");
    assert!(report.contains("Demo chats"), "{report}");
    // Loading again changes nothing.
    let again = ayuda_server::demo::load(&app.state)
        .await
        .expect("demo again");
    assert!(!again.contains("Demo chats"), "{again}");

    let jorge = app
        .login("jorge@demo.ayuda", ayuda_server::demo::DEMO_PASSWORD)
        .await;
    let list: Value = app
        .get_as(&jorge.access_token, "/api/v1/chats")
        .await
        .json()
        .await
        .expect("json");
    let past = &list["items"][0];
    assert_eq!(past["state"], "closed");
    assert_eq!(past["close_reason"], "no_agent");
    assert!(past["ticket"]["number"].is_i64(), "{past}");
    let emma = app
        .login("emma@demo.ayuda", ayuda_server::demo::DEMO_PASSWORD)
        .await;
    let list: Value = app
        .get_as(&emma.access_token, "/api/v1/chats")
        .await
        .json()
        .await
        .expect("json");
    let id = list["items"][0]["id"].as_i64().expect("id");
    let served = app.chat(&emma.access_token, id, 0).await;
    assert!(
        messages(&served).iter().any(|(kind, _)| kind == "agent"),
        "{served}"
    );
    // A new chat greets with the demo tree, whose topics have follow-ups.
    let maria = app
        .login("maria@demo.ayuda", ayuda_server::demo::DEMO_PASSWORD)
        .await;
    let chat = app.open_chat(&maria.access_token).await;
    assert!(choice_labels(&last_bot_message(&chat)).contains(&"Envíos".to_owned()));
    app.say(&maria.access_token, id_of(&chat), "facturación", "m-1")
        .await;
    let after = app.chat(&maria.access_token, id_of(&chat), 0).await;
    assert!(choice_labels(&last_bot_message(&after)).contains(&"Cobro duplicado".to_owned()));
}

#[tokio::test]
async fn files_in_a_chat_reach_its_people_and_nobody_else() {
    let app = spawn_app().await;
    let (agent, _desk) = app.online_agent().await;
    let customer = app.customer("es").await;
    let stranger = app.customer("es").await;
    let c = &customer.access_token;
    let id = app.waiting_chat(c).await;
    app.chat_move_ok(&agent.access_token, id, "accept").await;

    // A screenshot alone, no words: stored with the message, listed in its event.
    let file_id = app.upload_png(c, "captura.png").await;
    let res = app
        .post_as(
            c,
            &format!("/api/v1/chats/{id}/messages"),
            &json!({"body": "", "client_msg_id": "shot-1", "attachment_ids": [file_id]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let sent: Value = res.json().await.unwrap();
    let attached = &sent["event"]["data"]["attachments"];
    assert_eq!(attached[0]["id"], file_id);
    assert_eq!(attached[0]["filename"], "captura.png");
    // The agent of the chat downloads it; another customer gets a 404.
    let path = format!("/api/v1/attachments/{file_id}");
    assert_eq!(
        app.get_as(&agent.access_token, &path).await.status(),
        StatusCode::OK
    );
    assert_eq!(app.get_as(c, &path).await.status(), StatusCode::OK);
    assert_problem(
        app.get_as(&stranger.access_token, &path).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    // A file goes with one message only, and only its uploader sends it.
    let again = app
        .post_as(
            c,
            &format!("/api/v1/chats/{id}/messages"),
            &json!({"body": "otra vez", "client_msg_id": "shot-2", "attachment_ids": [file_id]}),
        )
        .await;
    let problem = assert_problem(again, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&problem), vec!["attachment_ids"]);
    let theirs = app.upload_png(&stranger.access_token, "suya.png").await;
    let res = app
        .post_as(
            c,
            &format!("/api/v1/chats/{id}/messages"),
            &json!({"body": "", "client_msg_id": "shot-3", "attachment_ids": [theirs]}),
        )
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    // A file with an internal note stays with the staff.
    let note_file = app.upload_png(&agent.access_token, "nota.png").await;
    let res = app
        .post_as(
            &agent.access_token,
            &format!("/api/v1/chats/{id}/messages"),
            &json!({"body": "para el equipo", "client_msg_id": "note-f", "internal": true, "attachment_ids": [note_file]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_problem(
        app.get_as(c, &format!("/api/v1/attachments/{note_file}"))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    // An agent sending one file to two chats at once: one message takes it, the other is
    // refused, and only the stored message lists it.
    let other = app.customer("es").await;
    let id2 = app.waiting_chat(&other.access_token).await;
    app.chat_move_ok(&agent.access_token, id2, "accept").await;
    let raced = app.upload_png(&agent.access_token, "carrera.png").await;
    let body = |n: &str| json!({"body": n, "client_msg_id": format!("race-{n}"), "attachment_ids": [raced]});
    let (to_first, to_second) = (body("a"), body("b"));
    let (path_a, path_b) = (
        format!("/api/v1/chats/{id}/messages"),
        format!("/api/v1/chats/{id2}/messages"),
    );
    let (a, b) = tokio::join!(
        app.post_as(&agent.access_token, &path_a, &to_first),
        app.post_as(&agent.access_token, &path_b, &to_second),
    );
    let mut statuses = vec![a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, vec![201, 422]);
    let mut holders = 0;
    for chat_id in [id, id2] {
        let chat = app.chat(&agent.access_token, chat_id, 0).await;
        holders += chat["events"]
            .as_array()
            .expect("events")
            .iter()
            .filter(|e| {
                e["data"]["attachments"]
                    .as_array()
                    .is_some_and(|files| files.iter().any(|f| f["id"] == raced))
            })
            .count();
    }
    assert_eq!(holders, 1);
}

/// Polls `path` as `token` until `check` holds on its JSON (or fails after 10 s).
async fn eventually(
    app: &crate::helpers::TestApp,
    token: &str,
    path: &str,
    check: impl Fn(&Value) -> bool,
) -> Value {
    let mut last = Value::Null;
    for _ in 0..100 {
        last = app.get_as(token, path).await.json().await.expect("json");
        if check(&last) {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{path} never got there; last: {last}");
}

#[tokio::test]
async fn admins_change_routing_and_the_queue_limit_at_run_time_on_every_instance() {
    let a = spawn_app().await;
    let on_pg = std::env::var("TEST_DATABASE_URL").is_ok();
    // On PostgreSQL a second instance already running hears of the change.
    let running = if on_pg { Some(a.sibling().await) } else { None };
    let admin = a.user(Role::Admin).await;
    let (agent, _desk) = a.online_agent().await;
    let customer = a.customer("es").await;

    // Everyone staff reads them; the configuration's until an admin saves any.
    let res = a.get_as(&agent.access_token, "/api/v1/chat/settings").await;
    assert_eq!(res.status(), StatusCode::OK);
    let configured: Value = res.json().await.expect("json");
    assert_eq!(configured["routing"], "manual");
    assert_eq!(configured["queue_limit"], 20);
    let res = a
        .get_as(&customer.access_token, "/api/v1/chat/settings")
        .await;
    assert_problem(res, StatusCode::FORBIDDEN).await;
    let put = |token: &str, body: Value| {
        a.api
            .put(a.url("/api/v1/chat/settings"))
            .bearer_auth(token.to_owned())
            .json(&body)
            .send()
    };
    let good =
        json!({"routing": "auto", "queue_limit": 1, "soft_wait_secs": 300, "hard_wait_secs": 900});
    let res = put(&agent.access_token, good.clone()).await.expect("put");
    assert_problem(res, StatusCode::FORBIDDEN).await;

    // Bad values are refused, each on its field, and nothing changes.
    let res = put(
        &admin.access_token,
        json!({"routing": "auto", "queue_limit": 0, "soft_wait_secs": 300, "hard_wait_secs": 900}),
    )
    .await
    .expect("put");
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&problem), vec!["queue_limit"]);
    assert_eq!(problem["errors"][0]["code"], "out_of_range");
    let res = put(
        &admin.access_token,
        json!({"routing": "auto", "queue_limit": 5, "soft_wait_secs": 900, "hard_wait_secs": 600}),
    )
    .await
    .expect("put");
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(error_fields(&problem), vec!["hard_wait_secs"]);
    assert_eq!(problem["errors"][0]["params"]["min"], 901);
    let res = put(&admin.access_token, json!({"routing": "sometimes", "queue_limit": 5, "soft_wait_secs": 300, "hard_wait_secs": 900}))
        .await
        .expect("put");
    assert!(res.status().is_client_error(), "{}", res.status());
    let unchanged: Value = a
        .get_as(&admin.access_token, "/api/v1/chat/settings")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(unchanged, configured);

    // Saved: in force at once.
    let res = put(&admin.access_token, good.clone()).await.expect("put");
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.expect("json"), good);

    // Auto routing: the waiting chat goes to the online agent without anyone accepting.
    let id = a.waiting_chat(&customer.access_token).await;
    let chat = eventually(
        &a,
        &customer.access_token,
        &format!("/api/v1/chats/{id}"),
        |c| c["state"] == "active",
    )
    .await;
    assert_eq!(chat["assignee"]["id"], agent.user.id);

    // The queue limit, with routing back to manual: one chat waiting fills the queue of
    // one, and the customer after it is told so.
    let manual = json!({"routing": "manual", "queue_limit": 1, "soft_wait_secs": 300, "hard_wait_secs": 900});
    let res = put(&admin.access_token, manual).await.expect("put");
    assert_eq!(res.status(), StatusCode::OK);
    let second = a.customer("es").await;
    a.waiting_chat(&second.access_token).await;
    let third = a.customer("es").await;
    let full = eventually(&a, &third.access_token, "/api/v1/chat/availability", |v| {
        v["available"] == false
    })
    .await;
    assert_eq!(full["reason"], "queue_full");
    // Asking anyway leaves the third customer with the bot, not in the queue.
    let third_id = id_of(&a.open_chat(&third.access_token).await);
    let after = a
        .chat_move_ok(&third.access_token, third_id, "live-agent")
        .await;
    assert_eq!(after["state"], "bot", "{after}");

    // Every instance: one running beside it (PostgreSQL), and one started afterwards
    // (the stored settings outlive a restart).
    let now: Value = a
        .get_as(&admin.access_token, "/api/v1/chat/settings")
        .await
        .json()
        .await
        .expect("json");
    if let Some(b) = &running {
        eventually(b, &admin.access_token, "/api/v1/chat/settings", |v| {
            *v == now
        })
        .await;
    }
    let later = a.sibling().await;
    let res = later
        .get_as(&admin.access_token, "/api/v1/chat/settings")
        .await;
    assert_eq!(res.json::<Value>().await.expect("json"), now);
}
