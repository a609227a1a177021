//! Ticket lists: filters, keyset pagination under concurrent inserts, ranked search, and
//! the query plans behind them.

use std::collections::HashSet;

use ayuda_db::tickets::{AssigneeFilter, TicketFilter, list_statement};
use ayuda_db::{ConnectionTrait, DbBackend, Statement, TransactionTrait};
use ayuda_types::{Page, Role, Ticket, TicketSort, TicketStatus};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::app::assert_problem;
use crate::helpers::spawn_app;

#[tokio::test]
async fn pages_never_skip_or_repeat_while_tickets_are_being_opened() {
    let app = spawn_app().await;
    let customer = app.user(Role::Customer).await;
    let agent = app.user(Role::Agent).await;
    let c = customer.access_token.clone();
    let mut before = HashSet::new();
    for i in 0..30 {
        before.insert(app.open_ticket(&c, &format!("antes {i}"), "x").await.number);
    }
    // Keep opening tickets while an agent pages through.
    let writer = {
        let app_api = app.api.clone();
        let url = app.url("/api/v1/tickets");
        let type_id = app.ticket_types(&c).await[0].id;
        let c = c.clone();
        tokio::spawn(async move {
            for i in 0..20 {
                app_api
                    .post(&url)
                    .bearer_auth(&c)
                    .json(&json!({"title": format!("durante {i}"), "type_id": type_id, "description": "x"}))
                    .send()
                    .await
                    .unwrap();
            }
        })
    };
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/tickets?limit=7&cursor={c}"),
            None => "/api/v1/tickets?limit=7".to_owned(),
        };
        let page: Page<Ticket> = app
            .get_as(&agent.access_token, &path)
            .await
            .json()
            .await
            .unwrap();
        seen.extend(page.items.iter().map(|t| t.number));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    writer.await.unwrap();
    let unique: HashSet<i64> = seen.iter().copied().collect();
    assert_eq!(unique.len(), seen.len(), "no ticket twice: {seen:?}");
    assert!(before.is_subset(&unique), "every earlier ticket was listed");
    assert!(
        seen.windows(2).all(|w| w[0] > w[1]),
        "newest first: {seen:?}"
    );
}

/// Every page of `path` (which has a query already), in order.
async fn all_pages(app: &crate::helpers::TestApp, token: &str, path: &str) -> Vec<Ticket> {
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(c) => format!("{path}&limit=2&cursor={c}"),
            None => format!("{path}&limit=2"),
        };
        let res = app.get_as(token, &url).await;
        assert_eq!(res.status(), StatusCode::OK, "{url}");
        let page: Page<Ticket> = res.json().await.unwrap();
        all.extend(page.items);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return all,
        }
    }
}

#[tokio::test]
async fn the_queue_sorts_by_waiting_time_priority_or_update_and_shows_the_last_message() {
    let app = spawn_app().await;
    let customer = app.user(Role::Customer).await;
    let agent = app.user(Role::Agent).await;
    let (c, a) = (&customer.access_token, &agent.access_token);
    let first = app
        .open_ticket(c, "Primero", "Lleva **más** esperando")
        .await;
    let answered = app.open_ticket(c, "Contestado", "x").await;
    let urgent = app.open_ticket(c, "Urgente", "y").await;
    let last = app.open_ticket(c, "Último", "z").await;
    // An agent answers one (the customer no longer waits); a note changes nothing for her.
    app.reply(a, answered.number, "Hola, ya está", false).await;
    app.reply(a, first.number, "nota interna", true).await;
    let res = app
        .patch_as(
            a,
            &format!("/api/v1/tickets/{}", urgent.number),
            &json!({"priority": "urgent"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    let numbers = |list: &[Ticket]| list.iter().map(|t| t.number).collect::<Vec<_>>();
    let waiting = all_pages(&app, a, "/api/v1/tickets?sort=oldest_waiting").await;
    assert_eq!(
        numbers(&waiting),
        vec![first.number, urgent.number, last.number, answered.number]
    );
    let by_priority = all_pages(&app, a, "/api/v1/tickets?sort=priority").await;
    assert_eq!(
        numbers(&by_priority),
        vec![urgent.number, first.number, last.number, answered.number]
    );
    let updated = all_pages(&app, a, "/api/v1/tickets?sort=updated").await;
    assert_eq!(
        numbers(&updated)[0],
        urgent.number,
        "the priority change is the newest update"
    );

    // What a row shows: since when the customer waits, and the last public message.
    let row = |n: i64| waiting.iter().find(|t| t.number == n).unwrap().clone();
    let first_row = row(first.number);
    assert_eq!(first_row.waiting_since, Some(first.created_at));
    let message = first_row.last_message.unwrap();
    assert_eq!(message.excerpt, "Lleva más esperando");
    assert!(!message.from_staff);
    let answered_row = row(answered.number);
    assert_eq!(answered_row.waiting_since, None);
    let message = answered_row.last_message.unwrap();
    assert_eq!(message.excerpt, "Hola, ya está");
    assert!(message.from_staff);
    // The customer sees the same marker: the agent replied.
    let mine: Page<Ticket> = app.get_as(c, "/api/v1/tickets").await.json().await.unwrap();
    let theirs = mine
        .items
        .iter()
        .find(|t| t.number == answered.number)
        .unwrap();
    assert!(theirs.last_message.as_ref().unwrap().from_staff);
    // The customer writes again: waiting from now; resolving ends the wait.
    app.reply(c, answered.number, "No funciona", false).await;
    let again = app.ticket(a, answered.number).await;
    assert!(again.waiting_since.is_some());
    assert!(!again.last_message.unwrap().from_staff);
    let res = app
        .post_as(
            c,
            &format!("/api/v1/tickets/{}/resolve", answered.number),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(app.ticket(a, answered.number).await.waiting_since, None);

    // A cursor of one order is refused by another, and an unknown order is a 400.
    let page: Page<Ticket> = app
        .get_as(a, "/api/v1/tickets?sort=priority&limit=1")
        .await
        .json()
        .await
        .unwrap();
    let cursor = page.next_cursor.unwrap();
    assert_problem(
        app.get_as(a, &format!("/api/v1/tickets?limit=1&cursor={cursor}"))
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_problem(
        app.get_as(a, "/api/v1/tickets?sort=random").await,
        StatusCode::BAD_REQUEST,
    )
    .await;
}

#[tokio::test]
async fn filters_narrow_the_list_and_bad_ones_are_refused() {
    let app = spawn_app().await;
    let customer = app.user(Role::Customer).await;
    let agent = app.user(Role::Agent).await;
    let (c, a) = (&customer.access_token, &agent.access_token);
    let billing = app.type_id(c, "Billing").await;
    let t1 = app
        .open_ticket_with(
            c,
            &json!({"title": "uno", "type_id": billing, "description": "x"}),
        )
        .await
        .number;
    let t2 = app.open_ticket(c, "dos", "x").await.number;
    let t3 = app.open_ticket(c, "tres", "x").await.number;
    app.patch_as(
        a,
        &format!("/api/v1/tickets/{t2}"),
        &json!({"assignee_id": agent.user.id}),
    )
    .await;
    app.reply(a, t3, "respuesta", false).await;

    let numbers = |query: &'static str| {
        let app = &app;
        async move {
            let res = app.get_as(a, &format!("/api/v1/tickets{query}")).await;
            assert_eq!(res.status(), StatusCode::OK, "{query}");
            res.json::<Page<Ticket>>()
                .await
                .unwrap()
                .items
                .into_iter()
                .map(|t| t.number)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(numbers("").await, vec![t3, t2, t1]);
    assert_eq!(numbers("?status=pending").await, vec![t3]);
    assert_eq!(numbers("?status=new").await, vec![t1]);
    assert_eq!(numbers("?assignee_id=none").await, vec![t3, t1]);
    let mine = app
        .get_as(a, &format!("/api/v1/tickets?assignee_id={}", agent.user.id))
        .await
        .json::<Page<Ticket>>()
        .await
        .unwrap();
    assert_eq!(mine.items.len(), 1);
    assert_eq!(mine.items[0].number, t2);
    let typed = app
        .get_as(a, &format!("/api/v1/tickets?type_id={billing}&status=new"))
        .await
        .json::<Page<Ticket>>()
        .await
        .unwrap();
    assert_eq!(
        typed.items.iter().map(|t| t.number).collect::<Vec<_>>(),
        vec![t1]
    );

    for query in ["?assignee_id=bob", "?limit=0", "?limit=101"] {
        assert_problem(
            app.get_as(a, &format!("/api/v1/tickets{query}")).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    for query in [
        "?status=lost",
        "?cursor=%%%",
        "?cursor=bm90IGpzb24",
        "?type_id=x",
    ] {
        let res = app.get_as(a, &format!("/api/v1/tickets{query}")).await;
        assert!(
            res.status() == StatusCode::BAD_REQUEST
                || res.status() == StatusCode::UNPROCESSABLE_ENTITY,
            "{query}: {}",
            res.status()
        );
    }
}

#[tokio::test]
async fn search_ranks_titles_and_conversations_and_pages_through_results() {
    let app = spawn_app().await;
    let customer = app.user(Role::Customer).await;
    let agent = app.user(Role::Agent).await;
    let c = &customer.access_token;
    let in_title = app
        .open_ticket(
            c,
            "Facturación duplicada en noviembre",
            "Me llegó dos veces",
        )
        .await
        .number;
    let in_body = app
        .open_ticket(c, "Consulta", "Creo que hay un problema de facturacion")
        .await
        .number;
    let in_reply = app.open_ticket(c, "Otra cosa", "nada que ver").await.number;
    app.reply(
        &agent.access_token,
        in_reply,
        "Revisamos la FACTURACIÓN",
        false,
    )
    .await;
    app.open_ticket(c, "Sin relación", "contraseña olvidada")
        .await;

    let search = |q: &'static str, token: String| {
        let app = &app;
        async move {
            let res = app.get_as(&token, &format!("/api/v1/tickets?q={q}")).await;
            assert_eq!(res.status(), StatusCode::OK);
            res.json::<Page<Ticket>>()
                .await
                .unwrap()
                .items
                .into_iter()
                .map(|t| t.number)
                .collect::<Vec<_>>()
        }
    };
    let found = search("facturación", c.clone()).await;
    let set: HashSet<i64> = found.iter().copied().collect();
    assert_eq!(
        set,
        HashSet::from([in_title, in_body, in_reply]),
        "{found:?}"
    );
    assert_eq!(found[0], in_title, "a title match ranks first");
    // Prefix of the last word, several words, operators and quotes as plain text.
    assert_eq!(search("factura", c.clone()).await.len(), 3);
    assert_eq!(
        search("duplicada%20noviem", c.clone()).await,
        vec![in_title]
    );
    assert!(search("%22%20OR%20*%20--", c.clone()).await.is_empty());
    // Paging through ranked results gives each once.
    let mut seen = Vec::new();
    let mut path = "/api/v1/tickets?q=factura&limit=1".to_owned();
    loop {
        let page: Page<Ticket> = app.get_as(c, &path).await.json().await.unwrap();
        seen.extend(page.items.iter().map(|t| t.number));
        let Some(next) = page.next_cursor else { break };
        path = format!("/api/v1/tickets?q=factura&limit=1&cursor={next}");
    }
    assert_eq!(seen, found);
}

/// A search over the whole desk ranks only the newest `SEARCH_CANDIDATES` matches (ranking
/// every match of a common word costs seconds at a large desk); a narrower query, a
/// customer's own search and an agent's search within one requester reach older tickets.
#[tokio::test]
async fn a_broad_search_ranks_the_newest_matches_and_narrower_ones_reach_older_tickets() {
    let app = spawn_app().await;
    let agent = app.user(Role::Agent).await;
    let old_owner = app.user(Role::Customer).await;
    let other = app.user(Role::Customer).await;
    let old = app
        .open_ticket(
            &old_owner.access_token,
            "Zanahoria vieja",
            "El nabo no llega",
        )
        .await
        .number;
    let template = app
        .open_ticket(&other.access_token, "Zanahoria 0", "otra cosa")
        .await
        .number;
    let newer = ayuda_db::tickets::SEARCH_CANDIDATES;
    app.db
        .execute_unprepared(&format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {newer}) \
             INSERT INTO tickets (title, type_id, status, priority, channel, requester_id, \
             created_at, updated_at, waiting_since, last_message_at, last_message_excerpt, \
             last_message_staff) \
             SELECT 'Zanahoria ' || n.i, type_id, status, priority, channel, requester_id, \
             created_at, updated_at, waiting_since, last_message_at, last_message_excerpt, \
             last_message_staff FROM tickets CROSS JOIN n WHERE tickets.id = {template}"
        ))
        .await
        .unwrap();

    let all_pages = |query: String, token: String| {
        let app = &app;
        async move {
            let mut found = Vec::new();
            let mut path = format!("/api/v1/tickets?{query}&limit=100");
            loop {
                let res = app.get_as(&token, &path).await;
                assert_eq!(res.status(), StatusCode::OK);
                let page: Page<Ticket> = res.json().await.unwrap();
                found.extend(page.items.iter().map(|t| t.number));
                let Some(next) = page.next_cursor else { break };
                path = format!("/api/v1/tickets?{query}&limit=100&cursor={next}");
            }
            found
        }
    };
    let a = agent.access_token.clone();
    let broad = all_pages("q=zanahoria".into(), a.clone()).await;
    assert_eq!(
        broad.len(),
        usize::try_from(newer).unwrap(),
        "the newest matches, each once"
    );
    assert_eq!(broad.iter().collect::<HashSet<_>>().len(), broad.len());
    assert!(
        !broad.contains(&old) && !broad.contains(&template),
        "older than the newest matches"
    );

    assert_eq!(all_pages("q=nabo".into(), a.clone()).await, vec![old]);
    assert_eq!(
        all_pages("q=zanahoria".into(), old_owner.access_token.clone()).await,
        vec![old],
        "a customer's search ranks all of their tickets"
    );
    assert_eq!(
        all_pages(format!("q=zanahoria&requester_id={}", old_owner.user.id), a).await,
        vec![old]
    );
    // The other customer has more matches than a broad search ranks: all of them count.
    let theirs = all_pages("q=zanahoria".into(), other.access_token.clone()).await;
    assert_eq!(theirs.len(), usize::try_from(newer).unwrap() + 1);
}

/// Plans of the list queries: every filter is served by an index that also gives the order,
/// so no query reads the table through or sorts in a temporary structure.
#[tokio::test]
async fn every_list_query_uses_an_index_and_no_sort() {
    let app = spawn_app().await;
    let customer = app.user(Role::Customer).await;
    app.open_ticket(&customer.access_token, "plan", "x").await;
    let backend = app.db.get_database_backend();
    let filters = [
        TicketFilter::default(),
        TicketFilter {
            statuses: vec![TicketStatus::Open],
            ..Default::default()
        },
        TicketFilter {
            requester_id: Some(1),
            ..Default::default()
        },
        TicketFilter {
            requester_id: Some(1),
            statuses: vec![TicketStatus::Pending],
            ..Default::default()
        },
        TicketFilter {
            assignee: Some(AssigneeFilter::User(1)),
            ..Default::default()
        },
        TicketFilter {
            assignee: Some(AssigneeFilter::Nobody),
            statuses: vec![TicketStatus::New],
            ..Default::default()
        },
        TicketFilter {
            type_id: Some(1),
            ..Default::default()
        },
        TicketFilter {
            type_id: Some(1),
            statuses: vec![TicketStatus::Resolved],
            ..Default::default()
        },
    ];
    for filter in &filters {
        for before in [None, Some(5000)] {
            let stmt = list_statement(backend, filter, TicketSort::Newest, before, 25);
            let plan = explain(&app.db, stmt).await;
            let what = format!("{filter:?} before {before:?}");
            if filter != &TicketFilter::default() {
                assert!(!plan.contains("SCAN t\n"), "{what}: no index used\n{plan}");
            }
            assert_plan_is_indexed(backend, &plan, &what, "t");
        }
    }
}

pub async fn explain(db: &ayuda_db::DatabaseConnection, stmt: Statement) -> String {
    let backend = db.get_database_backend();
    let txn = db.begin().await.unwrap();
    let prefix = match backend {
        DbBackend::Postgres => {
            // With no data the planner would rightly prefer a scan; forbidding scans and
            // sorts shows whether an index can serve the query at all.
            txn.execute_unprepared("SET LOCAL enable_seqscan = off; SET LOCAL enable_sort = off")
                .await
                .unwrap();
            "EXPLAIN "
        }
        _ => "EXPLAIN QUERY PLAN ",
    };
    let explained = Statement::from_sql_and_values(
        backend,
        format!("{prefix}{}", stmt.sql),
        stmt.values.map(|v| v.0).unwrap_or_default(),
    );
    let rows = txn.query_all_raw(explained).await.unwrap();
    let mut plan = String::new();
    for row in rows {
        let line: String = match backend {
            DbBackend::Postgres => row.try_get_by_index(0).unwrap(),
            _ => row.try_get("", "detail").unwrap(),
        };
        plan.push_str(&line);
        plan.push('\n');
    }
    txn.rollback().await.unwrap();
    plan
}

/// Fails unless `plan` reads `table_alias` through an index, with no temporary sort.
pub fn assert_plan_is_indexed(backend: DbBackend, plan: &str, what: &str, table_alias: &str) {
    match backend {
        DbBackend::Postgres => {
            assert!(!plan.contains("Seq Scan"), "{what}: full scan\n{plan}");
            assert!(!plan.contains("Sort"), "{what}: sort\n{plan}");
        }
        _ => {
            assert!(
                !plan.contains("TEMP B-TREE"),
                "{what}: temporary sort\n{plan}"
            );
            for line in plan.lines() {
                // Only the listed table may be walked, and only along the primary key (for
                // "newest first" without filters, stopping at the limit); a scan of any
                // other table, or a scan with a filter, would read a whole table.
                let scan = line.starts_with("SCAN ");
                assert!(
                    !scan || line == format!("SCAN {table_alias}"),
                    "{what}: full scan: {line}\n{plan}"
                );
            }
        }
    }
}

#[tokio::test]
async fn the_workspace_views_are_counted_for_each_agent() {
    let app = spawn_app().await;
    let customer = app.user(Role::Customer).await;
    let agent = app.user(Role::Agent).await;
    let other = app.user(Role::Agent).await;
    let c = &customer.access_token;
    let a = &agent.access_token;
    let numbers: Vec<i64> = {
        let mut v = Vec::new();
        for i in 0..5 {
            v.push(app.open_ticket(c, &format!("cuenta {i}"), "x").await.number);
        }
        v
    };
    for (n, body) in [
        (numbers[0], json!({"assignee_id": agent.user.id})), // mine, open
        (numbers[1], json!({"assignee_id": other.user.id})), // someone else's
        (numbers[2], json!({"status": "pending"})),          // unassigned, pending
    ] {
        let res = app
            .patch_as(a, &format!("/api/v1/tickets/{n}"), &body)
            .await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    let res = app
        .post_as(
            a,
            &format!("/api/v1/tickets/{}/resolve", numbers[3]),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    let counts: ayuda_types::TicketCounts = app
        .get_as(a, "/api/v1/tickets/counts")
        .await
        .json()
        .await
        .expect("counts");
    assert_eq!(
        counts,
        ayuda_types::TicketCounts {
            unassigned: 2, // numbers[2] (pending) and numbers[4] (new)
            mine: 1,
            open: 3, // numbers[0], [1] (open after assignment) and [4] (new)
            pending: 1,
            resolved: 1,
        }
    );
    let theirs: ayuda_types::TicketCounts = app
        .get_as(&other.access_token, "/api/v1/tickets/counts")
        .await
        .json()
        .await
        .expect("counts");
    assert_eq!(theirs.mine, 1);
    assert_problem(
        app.get_as(c, "/api/v1/tickets/counts").await,
        StatusCode::FORBIDDEN,
    )
    .await;
}
