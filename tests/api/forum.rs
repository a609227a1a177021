//! The forum: agents write, everyone reads and searches, logged-in users comment.

use ayuda_db::forum::{ArticleFilter, list_statement};
use ayuda_types::{Article, ArticleSummary, Comment, ForumCategory, Locale, Page, Role};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::app::{assert_problem, error_fields};
use crate::helpers::{TestApp, spawn_app, spawn_app_with};
use crate::ticket_lists::{assert_plan_is_indexed, explain};

pub(crate) async fn category(app: &TestApp, token: &str, name: &str) -> ForumCategory {
    let res = app
        .post_as(token, "/api/v1/forum/categories", &json!({"name": name}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json().await.unwrap()
}

async fn category_list(app: &TestApp) -> Vec<ForumCategory> {
    let res = app.get("/api/v1/forum/categories").await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

pub(crate) async fn write(app: &TestApp, token: &str, body: &Value) -> Article {
    let res = app.post_as(token, "/api/v1/forum/articles", body).await;
    assert_eq!(res.status(), StatusCode::CREATED, "{:?}", res.text().await);
    res.json().await.unwrap()
}

async fn public_list(app: &TestApp, query: &str) -> Page<ArticleSummary> {
    let res = app.get(&format!("/api/v1/forum/articles{query}")).await;
    assert_eq!(res.status(), StatusCode::OK, "{query}");
    res.json().await.unwrap()
}

#[tokio::test]
async fn agents_write_drafts_and_publish_and_everyone_reads() {
    let app = spawn_app().await;
    let agent = app.user(Role::Agent).await;
    let customer = app.user(Role::Customer).await;
    let a = &agent.access_token;
    let cat = category(&app, a, "Cuenta y acceso").await;
    assert_eq!(cat.slug, "cuenta-y-acceso");

    let draft = write(
        &app,
        a,
        &json!({"title": "¿Cómo cambio mi contraseña?", "category_id": cat.id,
                "body": "Ve a **Perfil** y pulsa *Cambiar contraseña*.\n\n<script>alert(1)</script>"}),
    )
    .await;
    let slug = draft.summary.slug.clone();
    assert_eq!(slug, "como-cambio-mi-contrasena");
    assert!(draft.body_html.contains("<strong>Perfil</strong>"));
    assert!(!draft.body_html.contains("<script"));
    // A draft is invisible outside the staff.
    assert!(public_list(&app, "").await.items.is_empty());
    assert_problem(
        app.get(&format!("/api/v1/forum/articles/{slug}")).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_problem(
        app.get_as(
            &customer.access_token,
            "/api/v1/forum/articles?status=draft",
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let drafts: Page<ArticleSummary> = app
        .get_as(a, "/api/v1/forum/articles?status=draft")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(drafts.items.len(), 1);

    // Customers and strangers cannot write.
    let body = json!({"title": "x", "category_id": cat.id, "body": "y"});
    assert_problem(
        app.post_as(&customer.access_token, "/api/v1/forum/articles", &body)
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_problem(
        app.post("/api/v1/forum/articles", &body).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;

    let res = app
        .patch_as(
            a,
            &format!("/api/v1/forum/articles/{slug}"),
            &json!({"status": "published"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let published: Article = res.json().await.unwrap();
    assert!(published.summary.published_at.is_some());
    let list = public_list(&app, "").await;
    assert_eq!(list.items.len(), 1);
    assert_eq!(
        list.items[0].excerpt,
        "Ve a Perfil y pulsa Cambiar contraseña."
    );
    let read: Article = app
        .get(&format!("/api/v1/forum/articles/{slug}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(read.summary.views, 1);
    // A reload by the same reader does not count again; another reader does.
    let read: Article = app
        .get(&format!("/api/v1/forum/articles/{slug}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(read.summary.views, 1);
    let read: Article = app
        .get_as(
            &customer.access_token,
            &format!("/api/v1/forum/articles/{slug}"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(read.summary.views, 2);
    // Counted in memory, written by the background flush.
    ayuda_server::view_counts::flush(&app.state).await;
    let stored = ayuda_db::forum::find_by_slug(&app.db, &slug)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.views, 2);
    let cats = category_list(&app).await;
    assert_eq!(
        cats.iter().find(|c| c.id == cat.id).unwrap().article_count,
        1
    );
    assert_eq!(
        public_list(&app, "?category=cuenta-y-acceso")
            .await
            .items
            .len(),
        1
    );
    assert!(public_list(&app, "?category=nope").await.items.is_empty());
    assert!(public_list(&app, "?locale=en").await.items.is_empty());

    // Same title again: a numbered slug; a taken slug asked for: conflict; a bad one: 422.
    let again = write(
        &app,
        a,
        &json!({"title": "¿Cómo cambio mi contraseña?", "category_id": cat.id, "body": "otra"}),
    )
    .await;
    assert_eq!(again.summary.slug, "como-cambio-mi-contrasena-2");
    assert_problem(
        app.post_as(
            a,
            "/api/v1/forum/articles",
            &json!({"title": "t", "category_id": cat.id, "body": "b", "slug": slug}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    let problem = assert_problem(
        app.post_as(
            a,
            "/api/v1/forum/articles",
            &json!({"title": "t", "category_id": 99999, "body": "b", "slug": "Bad Slug"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["slug"]);

    let res = app
        .api
        .delete(app.url(&format!("/api/v1/forum/articles/{}", again.summary.slug)))
        .bearer_auth(a)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = app
        .api
        .delete(app.url(&format!("/api/v1/forum/articles/{slug}")))
        .bearer_auth(&customer.access_token)
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn search_ranks_titles_first_and_highlights_safely() {
    let app = spawn_app().await;
    let agent = app.user(Role::Agent).await;
    let a = &agent.access_token;
    let cat = category(&app, a, "Facturación").await;
    let publish = |title: &str, body: &str| json!({"title": title, "body": body, "category_id": cat.id, "status": "published"});
    let in_title = write(&app, a, &publish("Descargar la factura", "Desde el panel.")).await;
    let in_body = write(
        &app,
        a,
        &publish("Pagos", "La <b>factura</b> llega por correo cada mes."),
    )
    .await;
    write(&app, a, &publish("Contraseñas", "Nada que ver.")).await;
    let hidden = json!({"title": "Factura interna", "body": "factura", "category_id": cat.id});
    write(&app, a, &hidden).await;

    let found = public_list(&app, "?q=FACTURA").await;
    let slugs: Vec<&str> = found.items.iter().map(|s| s.slug.as_str()).collect();
    assert_eq!(
        slugs,
        vec![
            in_title.summary.slug.as_str(),
            in_body.summary.slug.as_str()
        ],
        "title match first, drafts never"
    );
    let snippet = found.items[1].snippet_html.as_deref().unwrap();
    assert!(snippet.contains("<mark>factura</mark>"), "{snippet}");
    // Markup in the text never reaches the snippet as markup (escaped, or dropped).
    assert!(!snippet.contains("<b>"), "{snippet}");
    // Accents and prefixes, as someone types.
    assert_eq!(public_list(&app, "?q=facturaci").await.items.len(), 0);
    assert_eq!(public_list(&app, "?q=contrasenas").await.items.len(), 1);
    assert_eq!(public_list(&app, "?q=descar").await.items.len(), 1);
    // Pages of ranked results give each once.
    let first = public_list(&app, "?q=factura&limit=1").await;
    let cursor = first.next_cursor.unwrap();
    let second = public_list(&app, &format!("?q=factura&limit=1&cursor={cursor}")).await;
    assert_eq!(second.items[0].slug, in_body.summary.slug);
    assert!(second.next_cursor.is_none());
}

#[tokio::test]
async fn comments_need_a_login_and_feedback_is_counted_once_per_reader_and_limited() {
    let app = spawn_app_with(|s| {
        s.rate_feedback = ayuda_server::config::SettingValue::read("5/3600").unwrap()
    })
    .await;
    let agent = app.user(Role::Agent).await;
    let customer = app.user(Role::Customer).await;
    let a = &agent.access_token;
    let cat = category(&app, a, "General").await;
    let article = write(
        &app,
        a,
        &json!({"title": "Horario", "body": "9 a 18", "category_id": cat.id, "status": "published"}),
    )
    .await;
    let base = format!("/api/v1/forum/articles/{}", article.summary.slug);

    assert_problem(
        app.post(&format!("{base}/comments"), &json!({"body": "hola"}))
            .await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let res = app
        .post_as(
            &customer.access_token,
            &format!("{base}/comments"),
            &json!({"body": "¡Gracias! <img src=x onerror=alert(1)>"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let comment: Comment = res.json().await.unwrap();
    assert!(
        !comment.body_html.contains("onerror"),
        "{}",
        comment.body_html
    );
    assert_eq!(comment.author.id, customer.user.id);
    let page: Page<Comment> = app
        .get(&format!("{base}/comments"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    let problem = assert_problem(
        app.post_as(
            &customer.access_token,
            &format!("{base}/comments"),
            &json!({"body": " "}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["body"]);

    // One vote per reader, changeable: this browser (the client keeps the voter cookie)
    // votes yes twice, then changes its mind. Before, each vote counted again.
    let vote = |token: Option<String>, helpful: bool| {
        let app = &app;
        let base = base.clone();
        async move {
            let url = format!("{base}/feedback");
            let res = match token {
                Some(t) => app.post_as(&t, &url, &json!({"helpful": helpful})).await,
                None => app.post(&url, &json!({"helpful": helpful})).await,
            };
            assert_eq!(res.status(), StatusCode::OK);
            let counts: Value = res.json().await.unwrap();
            (
                counts["helpful_yes"].as_i64().unwrap(),
                counts["helpful_no"].as_i64().unwrap(),
            )
        }
    };
    assert_eq!(vote(None, true).await, (1, 0));
    assert_eq!(vote(None, true).await, (1, 0));
    assert_eq!(vote(None, false).await, (0, 1));
    let seen: Article = app.get(&base).await.json().await.unwrap();
    assert_eq!(seen.my_vote, Some(false));
    assert_eq!((seen.summary.helpful_yes, seen.summary.helpful_no), (0, 1));
    // A signed-in reader's vote is theirs, in any browser, and counted once.
    let t = customer.access_token.clone();
    assert_eq!(vote(Some(t.clone()), true).await, (1, 1));
    assert_eq!(vote(Some(t.clone()), true).await, (1, 1));
    let theirs: Article = app.get_as(&t, &base).await.json().await.unwrap();
    assert_eq!(theirs.my_vote, Some(true));
    // Another browser has not voted; a made-up cookie is just another browser.
    let other = reqwest::Client::new();
    let fresh: Article = other
        .get(app.url(&base))
        .header("Cookie", "ayuda_voter=<script>")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(fresh.my_vote, None);
    // Votes are limited per address too (5 given): a sixth is refused.
    let res = app
        .post(&format!("{base}/feedback"), &json!({"helpful": true}))
        .await;
    assert!(res.headers().contains_key("retry-after"));
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS).await;
    assert_problem(
        app.post(
            "/api/v1/forum/articles/nope/comments",
            &json!({"body": "x"}),
        )
        .await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_problem(
        app.get("/api/v1/forum/articles/nope/comments").await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn article_lists_use_an_index_and_no_sort() {
    let app = spawn_app().await;
    let backend = app.db.get_database_backend();
    for filter in [
        ArticleFilter {
            status: "published",
            category_id: None,
            locale: None,
            shown_in: None,
        },
        ArticleFilter {
            status: "draft",
            category_id: Some(1),
            locale: None,
            shown_in: None,
        },
        ArticleFilter {
            status: "published",
            category_id: Some(1),
            locale: Some("es"),
            shown_in: None,
        },
        ArticleFilter {
            status: "published",
            category_id: None,
            locale: None,
            shown_in: Some("en"),
        },
    ] {
        for before in [None, Some(100)] {
            let plan = explain(&app.db, list_statement(backend, &filter, before, 25)).await;
            assert_plan_is_indexed(backend, &plan, &format!("{filter:?} {before:?}"), "a");
        }
    }
}

#[tokio::test]
async fn agents_rename_categories_and_delete_empty_ones() {
    let app = spawn_app().await;
    let agent = app.user(Role::Agent).await;
    let customer = app.user(Role::Customer).await;
    let a = &agent.access_token;
    let cat = category(&app, a, "Facturas").await;
    let path = format!("/api/v1/forum/categories/{}", cat.id);

    // A rename keeps the slug, so links to the category keep working.
    let res = app
        .patch_as(
            a,
            &path,
            &json!({"name": "  Facturación y pagos ", "description": "Cobros, facturas, reembolsos."}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let renamed: ForumCategory = res.json().await.unwrap();
    assert_eq!(renamed.name, "Facturación y pagos");
    assert_eq!(renamed.slug, "facturas");
    assert_eq!(renamed.description, "Cobros, facturas, reembolsos.");
    let article = write(
        &app,
        a,
        &json!({"title": "Descargar una factura", "category_id": cat.id, "body": "Desde *Mis facturas*."}),
    )
    .await;
    assert_eq!(article.summary.category.name, "Facturación y pagos");

    // Bad input, strangers, customers, a missing category.
    for bad in [
        json!({"name": ""}),
        json!({"name": "dos\nlíneas"}),
        json!({"name": "x".repeat(81)}),
    ] {
        let problem = assert_problem(
            app.patch_as(a, &path, &bad).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert_eq!(error_fields(&problem), ["name"], "{bad}");
    }
    assert_problem(
        app.patch_as(&customer.access_token, &path, &json!({"name": "Mía"}))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_problem(
        app.api
            .patch(app.url(&path))
            .json(&json!({"name": "Mía"}))
            .send()
            .await
            .unwrap(),
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_problem(
        app.patch_as(
            a,
            "/api/v1/forum/categories/999999",
            &json!({"name": "Nada"}),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let cats = category_list(&app).await;
    assert_eq!(
        cats.iter().find(|c| c.id == cat.id).unwrap().name,
        "Facturación y pagos"
    );

    // A category that holds an article (a draft counts too) is not deleted.
    let problem = assert_problem(app.delete_as(a, &path).await, StatusCode::CONFLICT).await;
    assert_eq!(
        problem["detail"],
        "the category still holds 1 article(s), drafts included; move or delete them first"
    );
    assert_problem(
        app.delete_as(&customer.access_token, &path).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let article_path = format!("/api/v1/forum/articles/{}", article.summary.slug);
    let res = app.delete_as(a, &article_path).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = app.delete_as(a, &path).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_problem(app.delete_as(a, &path).await, StatusCode::NOT_FOUND).await;
    let cats = category_list(&app).await;
    assert!(cats.iter().all(|c| c.id != cat.id));
}

/// What customers type, and the demo article they are looking for (issue 12, item 5):
/// before, every word had to match, and each of these found nothing.
#[tokio::test]
async fn search_finds_what_customers_type_in_either_language() {
    let app = spawn_app().await;
    ayuda_server::demo::load(&app.state)
        .await
        .expect("demo data");
    let table = [
        (
            "no puedo cambiar la contraseña",
            "¿Cómo cambio mi contraseña?",
        ),
        (
            "me cobraron dos veces",
            "¿Por qué me habéis cobrado dos veces?",
        ),
        ("I was charged twice this month", "Why was I charged twice?"),
        ("forgot my password", "How do I reset a forgotten password?"),
        (
            "la aplicación va muy lenta",
            "La aplicación va lenta: qué revisar",
        ),
        (
            "cannot log in on my phone",
            "Troubleshooting login problems on mobile",
        ),
        ("quiero descargar mis facturas", "Descargar tus facturas"),
    ];
    let mut misses = Vec::new();
    for (typed, wanted) in table {
        let page = public_list(&app, &format!("?q={}", urlencoding(typed))).await;
        let found: Vec<&str> = page.items.iter().map(|a| a.title.as_str()).collect();
        if found.first() != Some(&wanted) {
            misses.push(format!("{typed:?} -> {found:?}, wanted {wanted:?} first"));
        }
    }
    assert!(misses.is_empty(), "{misses:#?}");
}

fn urlencoding(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Issue 12, item 6: readers get the knowledge base in their language, and where an
/// article has no version in it, the other language's, marked by its `locale`.
#[tokio::test]
async fn the_knowledge_base_speaks_the_readers_language_with_a_marked_fallback() {
    let app = spawn_app().await;
    ayuda_server::demo::load(&app.state)
        .await
        .expect("demo data");
    let titles = |page: &Page<ArticleSummary>| -> Vec<(String, Locale)> {
        page.items
            .iter()
            .map(|a| (a.title.clone(), a.locale))
            .collect()
    };
    let english = titles(&public_list(&app, "?lang=en&limit=100").await);
    let spanish = titles(&public_list(&app, "?lang=es&limit=100").await);
    let all = public_list(&app, "?limit=100").await;
    assert_eq!(
        all.items.len(),
        10,
        "every published article without `lang`"
    );
    // English readers: the English versions, and the one article that exists only in
    // Spanish, marked as Spanish; none of the Spanish versions of translated articles.
    assert!(english.contains(&("Why was I charged twice?".into(), Locale::En)));
    assert!(english.contains(&("La aplicación va lenta: qué revisar".into(), Locale::Es)));
    assert!(
        !english
            .iter()
            .any(|(t, _)| t == "¿Por qué me habéis cobrado dos veces?")
    );
    assert!(!english.iter().any(|(t, _)| t == "Descargar tus facturas"));
    assert_eq!(english.len(), 6, "{english:?}");
    assert_eq!(
        english.iter().filter(|(_, l)| *l == Locale::Es).count(),
        1,
        "{english:?}"
    );
    // And the reverse.
    assert!(spanish.contains(&(
        "Troubleshooting login problems on mobile".into(),
        Locale::En
    )));
    assert!(
        !spanish
            .iter()
            .any(|(t, _)| t == "How do I change my password?")
    );
    assert_eq!(spanish.len(), 6, "{spanish:?}");

    // Search in the reader's language: the English question finds the English article,
    // and the Spanish twin is not offered beside it.
    let found = public_list(&app, "?lang=en&q=charged+twice").await;
    assert_eq!(found.items[0].title, "Why was I charged twice?");
    assert!(found.items.iter().all(|a| a.locale == Locale::En));
    // Each list's category names are in the reader's language.
    assert_eq!(found.items[0].category.name, "Billing");

    // Categories: names and descriptions per language, and counts of what that reader
    // is shown.
    let res = app.get("/api/v1/forum/categories?lang=en").await;
    assert_eq!(res.status(), StatusCode::OK);
    let cats: Vec<ForumCategory> = res.json().await.unwrap();
    let names: Vec<(&str, &str, Option<Locale>)> = cats
        .iter()
        .map(|c| (c.name.as_str(), c.description.as_str(), c.locale))
        .collect();
    assert_eq!(
        names,
        [
            (
                "Account and access",
                "Passwords, signing in and your account details",
                Some(Locale::En)
            ),
            (
                "Billing",
                "Invoices, payments and subscriptions",
                Some(Locale::En)
            ),
            (
                "Technical problems",
                "Errors, slowness and compatibility",
                Some(Locale::En)
            ),
        ]
    );
    let counts: i64 = cats.iter().map(|c| c.article_count).sum();
    assert_eq!(counts, 6);
    let res = app.get("/api/v1/forum/categories?lang=es").await;
    let cats: Vec<ForumCategory> = res.json().await.unwrap();
    assert_eq!(cats[1].name, "Facturación");
    assert_eq!(cats[1].description, "Facturas, pagos y suscripciones");
    // Without `lang`, an anonymous reader gets the site's language (Spanish here) and a
    // signed-in one their own.
    let res = app.get("/api/v1/forum/categories").await;
    let cats: Vec<ForumCategory> = res.json().await.unwrap();
    assert_eq!(cats[1].name, "Facturación");
    let reader = app.user(Role::Customer).await;
    let res = app
        .patch_as(&reader.access_token, "/api/v1/me", &json!({"locale": "en"}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .get_as(&reader.access_token, "/api/v1/forum/categories")
        .await;
    let cats: Vec<ForumCategory> = res.json().await.unwrap();
    assert_eq!(cats[1].name, "Billing");

    // An article names its other-language versions, so the page can link to them.
    let res = app
        .get("/api/v1/forum/articles/why-was-i-charged-twice")
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let article: Article = res.json().await.unwrap();
    assert_eq!(article.translations.len(), 1);
    assert_eq!(article.translations[0].locale, Locale::Es);
    assert_eq!(
        article.translations[0].title,
        "¿Por qué me habéis cobrado dos veces?"
    );
    let twin: Article = app
        .get(&format!(
            "/api/v1/forum/articles/{}",
            article.translations[0].slug
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(twin.summary.translation_of, Some(article.summary.id));
    assert_eq!(twin.translations[0].slug, article.summary.slug);
    assert_eq!(twin.summary.category.name, "Facturación");
}

/// A group of translations holds one article per language; links are checked.
#[tokio::test]
async fn translations_are_linked_one_per_language() {
    let app = spawn_app().await;
    let agent = app.user(Role::Agent).await;
    let a = &agent.access_token;
    let cat = category(&app, a, "Cuenta").await;
    let write = |title: &str, locale: &str, translation_of: Option<i64>| {
        json!({"title": title, "body": "Texto.", "category_id": cat.id, "locale": locale,
               "status": "published", "translation_of": translation_of})
    };
    let res = app
        .post_as(a, "/api/v1/forum/articles", &write("Original", "es", None))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let original: Article = res.json().await.unwrap();
    let id = original.summary.id;
    let res = app
        .post_as(
            a,
            "/api/v1/forum/articles",
            &write("English", "en", Some(id)),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let english: Article = res.json().await.unwrap();
    assert_eq!(english.summary.translation_of, Some(id));
    // A second English version of the same article is a conflict, whichever member of the
    // group it names.
    for target in [id, english.summary.id] {
        let res = app
            .post_as(
                a,
                "/api/v1/forum/articles",
                &write("Again", "en", Some(target)),
            )
            .await;
        assert_problem(res, StatusCode::CONFLICT).await;
    }
    // So is moving the translation into the original's language.
    let path = format!("/api/v1/forum/articles/{}", english.summary.slug);
    assert_problem(
        app.patch_as(a, &path, &json!({"locale": "es"})).await,
        StatusCode::CONFLICT,
    )
    .await;
    // An unknown article is a field error.
    let res = app
        .post_as(
            a,
            "/api/v1/forum/articles",
            &write("Lost", "en", Some(999_999)),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(problem.to_string().contains("translation_of"), "{problem}");
    // `null` unlinks; the original no longer lists it.
    let res = app
        .patch_as(a, &path, &json!({"translation_of": null}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let unlinked: Article = res.json().await.unwrap();
    assert_eq!(unlinked.summary.translation_of, None);
    let path_original = format!("/api/v1/forum/articles/{}", original.summary.slug);
    let read: Article = app.get(&path_original).await.json().await.unwrap();
    assert!(read.translations.is_empty());
    // Relinked, then the original deleted: the translation stands on its own.
    let res = app.patch_as(a, &path, &json!({"translation_of": id})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app.delete_as(a, &path_original).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let read: Article = app.get(&path).await.json().await.unwrap();
    assert_eq!(read.summary.translation_of, None);
    assert!(read.translations.is_empty());
    // Customers cannot link anything.
    let customer = app.user(Role::Customer).await;
    assert_problem(
        app.patch_as(
            &customer.access_token,
            &path,
            &json!({"translation_of": null}),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
}
