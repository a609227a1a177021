//! Admin › Bot: the keyword tree in Spanish and English (add, edit, reorder, delete,
//! follow-ups, linked forum articles) with a preview of the greeting, the chat settings
//! (routing, queue limit, wait limits) and each agent's chat capacity.

use ayuda_types::{
    AgentPresence, ArticleSummary, BotKeyword, CHAT_QUEUE_LIMIT_MAX, CHAT_WAIT_MAX_SECS,
    ChatRouting, ChatSettings, CreateBotKeyword, FieldError, Locale, SetPresence, UpdateBotKeyword,
};
use leptos::prelude::*;

use super::confirm;
use crate::api::{self, ApiError};
use crate::components::common::{ErrorAlert, FormError, Loading, TextField};
use crate::components::markdown::MarkdownEditor;
use crate::i18n::{T, t, tr};
use crate::load::{Load, watch};

/// What the form edits: a new keyword (under `parent`) or an existing one.
#[derive(Debug, Clone, PartialEq)]
enum Editing {
    New { parent: Option<i64> },
    Existing(BotKeyword),
}

#[component]
pub(super) fn BotAdmin() -> impl IntoView {
    let locale = RwSignal::new(Locale::Es);
    let reload = RwSignal::new(0u32);
    let keywords = Load::new(move || {
        reload.track();
        api::chat::keywords()
    });
    let articles = Load::new(move || {
        let lang = locale.get();
        async move {
            let filters = [
                ("status", Some("published".to_owned())),
                ("lang", Some(lang.as_str().to_owned())),
                ("limit", Some("100".to_owned())),
            ];
            api::forum::articles(&filters)
                .await
                .map(|p| p.items)
                .unwrap_or_default()
        }
    });
    let editing = RwSignal::new(None::<Editing>);
    let error = RwSignal::new(None::<ApiError>);
    let done = Callback::new(move |()| {
        editing.set(None);
        reload.update(|r| *r += 1);
    });
    let of_locale = move || -> Vec<BotKeyword> {
        keywords
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .filter(|k| k.locale == locale.get())
            .collect()
    };
    view! {
        <h2>{t(T::BotKeywords)}</h2>
        <p class="muted">{t(T::BotKeywordsHint)}</p>
        <div class="tabs small" role="group" aria-label=t(T::Language)>
            {[(Locale::Es, "Español"), (Locale::En, "English")].into_iter().map(|(l, label)| view! {
                <button type="button" aria-pressed=move || (locale.get() == l).to_string()
                    aria-current=move || (locale.get() == l).then_some("page")
                    on:click=move |_| { locale.set(l); editing.set(None); }>{label}</button>
            }).collect_view()}
        </div>
        <ErrorAlert error=error />
        <GreetingPreview keywords=Signal::derive(of_locale) locale=locale />
        {move || match keywords.get() {
            None => view! { <Loading /> }.into_any(),
            Some(Err(e)) => view! { <ErrorAlert error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
            Some(Ok(_)) => view! {
                <KeywordTree all=of_locale() parent=None editing=editing error=error reload=reload />
            }.into_any(),
        }}
        <button type="button" class="button" on:click=move |_| editing.set(Some(Editing::New { parent: None }))>
            {t(T::AddKeyword)}
        </button>
        {move || editing.get().map(|e| view! {
            <KeywordForm editing=e locale=locale.get_untracked() articles=articles on_done=done on_cancel=Callback::new(move |()| editing.set(None)) />
        })}
        <ChatSettingsForm />
        <Capacities />
    }
}

/// The greeting a new chat gets, with the top-level keywords as its buttons.
#[component]
fn GreetingPreview(keywords: Signal<Vec<BotKeyword>>, locale: RwSignal<Locale>) -> impl IntoView {
    view! {
        <section class="greeting-preview" aria-labelledby="greeting-title">
            <h3 id="greeting-title">{t(T::GreetingPreview)}</h3>
            <p class="bubble from-bot">{move || match locale.get() {
                Locale::Es => "¡Hola! Soy el asistente de Ayuda. Elige una de estas palabras clave o escribe tu pregunta:",
                Locale::En => "Hello! I am Ayuda's assistant. Pick one of these keywords or type your question:",
            }}</p>
            <div class="bot-choices">
                {move || {
                    let mut top: Vec<BotKeyword> = keywords.get().into_iter().filter(|k| k.parent_id.is_none()).collect();
                    top.sort_by_key(|k| (k.position, k.id));
                    top.into_iter().map(|k| view! { <span class="button choice">{k.keyword}</span> }).collect_view()
                }}
            </div>
        </section>
    }
}

/// The keywords under `parent`, in order, each with its own follow-ups below it.
#[component]
fn KeywordTree(
    all: Vec<BotKeyword>,
    parent: Option<i64>,
    editing: RwSignal<Option<Editing>>,
    error: RwSignal<Option<ApiError>>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let mut level: Vec<BotKeyword> = all
        .iter()
        .filter(|k| k.parent_id == parent)
        .cloned()
        .collect();
    level.sort_by_key(|k| (k.position, k.id));
    let order: Vec<i64> = level.iter().map(|k| k.id).collect();
    let count = level.len();
    (!level.is_empty()).then(|| {
        view! {
            <ol class="keyword-tree">
                {level.into_iter().enumerate().map(|(index, keyword)| {
                    let id = keyword.id;
                    let edit = keyword.clone();
                    let order = order.clone();
                    let order_down = order.clone();
                    let name = keyword.keyword.clone();
                    view! {
                        <li class="keyword">
                            <div class="keyword-row">
                                <strong>{keyword.keyword.clone()}</strong>
                                {(!keyword.aliases.is_empty()).then(|| view! {
                                    <span class="muted">" (" {keyword.aliases.join(", ")} ")"</span>
                                })}
                                <span class="keyword-actions">
                                    <button type="button" class="button subtle small" disabled=index == 0
                                        aria-label=move || tr(T::MoveUp).replace("{name}", &name)
                                        on:click=move |_| reorder(order.clone(), index, index - 1, error, reload)>"↑"</button>
                                    <button type="button" class="button subtle small" disabled=index + 1 == count
                                        aria-label=move || tr(T::MoveDown).replace("{name}", &keyword.keyword)
                                        on:click=move |_| reorder(order_down.clone(), index, index + 1, error, reload)>"↓"</button>
                                    <button type="button" class="button subtle small" on:click=move |_| editing.set(Some(Editing::Existing(edit.clone())))>{t(T::Edit)}</button>
                                    <button type="button" class="button subtle small" on:click=move |_| editing.set(Some(Editing::New { parent: Some(id) }))>{t(T::AddFollowUp)}</button>
                                    <button type="button" class="button danger small" on:click=move |_| {
                                        if !confirm(T::ConfirmDeleteKeyword) {
                                            return;
                                        }
                                        leptos::task::spawn_local(async move {
                                            if let Err(e) = api::chat::delete_keyword(id).await {
                                                error.try_set(Some(e));
                                            }
                                            reload.try_update(|r| *r += 1);
                                        });
                                    }>{t(T::Delete)}</button>
                                </span>
                            </div>
                            <div class="prose muted" inner_html=keyword.response_html.clone()></div>
                            <KeywordTree all=all.clone() parent=Some(id) editing=editing error=error reload=reload />
                        </li>
                    }
                }).collect_view()}
            </ol>
        }
    })
}

/// Moves the sibling at `from` to `to` and stores the new order (positions 0, 1, 2...).
fn reorder(
    mut order: Vec<i64>,
    from: usize,
    to: usize,
    error: RwSignal<Option<ApiError>>,
    reload: RwSignal<u32>,
) {
    let id = order.remove(from);
    order.insert(to, id);
    leptos::task::spawn_local(async move {
        for (position, id) in order.into_iter().enumerate() {
            let change = UpdateBotKeyword {
                position: Some(position as i32),
                ..Default::default()
            };
            if let Err(e) = api::chat::update_keyword(id, &change).await {
                error.try_set(Some(e));
                break;
            }
        }
        reload.try_update(|r| *r += 1);
    });
}

/// Adds or edits one keyword: the word, its aliases, the answer (Markdown) and up to five
/// linked forum articles.
#[component]
fn KeywordForm(
    editing: Editing,
    locale: Locale,
    articles: Load<Vec<ArticleSummary>>,
    on_done: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let existing = match &editing {
        Editing::Existing(k) => Some(k.clone()),
        Editing::New { .. } => None,
    };
    let parent = match &editing {
        Editing::New { parent } => *parent,
        Editing::Existing(k) => k.parent_id,
    };
    let keyword = RwSignal::new(
        existing
            .as_ref()
            .map(|k| k.keyword.clone())
            .unwrap_or_default(),
    );
    let aliases = RwSignal::new(
        existing
            .as_ref()
            .map(|k| k.aliases.join(", "))
            .unwrap_or_default(),
    );
    let response = RwSignal::new(
        existing
            .as_ref()
            .map(|k| k.response.clone())
            .unwrap_or_default(),
    );
    let linked = RwSignal::new(
        existing
            .as_ref()
            .map(|k| k.article_ids.clone())
            .unwrap_or_default(),
    );
    let error = RwSignal::new(None::<ApiError>);
    let id = existing.as_ref().map(|k| k.id);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let alias_list: Vec<String> = aliases
            .get_untracked()
            .split(',')
            .map(|a| a.trim().to_owned())
            .filter(|a| !a.is_empty())
            .collect();
        leptos::task::spawn_local(async move {
            let result = match id {
                None => api::chat::create_keyword(&CreateBotKeyword {
                    keyword: keyword.get_untracked().trim().to_owned(),
                    aliases: alias_list,
                    response: response.get_untracked(),
                    follow_ups: Vec::new(),
                    parent_id: parent,
                    locale,
                    article_ids: linked.get_untracked(),
                    position: None,
                })
                .await
                .map(|_| ()),
                Some(id) => api::chat::update_keyword(
                    id,
                    &UpdateBotKeyword {
                        keyword: Some(keyword.get_untracked().trim().to_owned()),
                        aliases: Some(alias_list),
                        response: Some(response.get_untracked()),
                        article_ids: Some(linked.get_untracked()),
                        ..Default::default()
                    },
                )
                .await
                .map(|_| ()),
            };
            match result {
                Ok(()) => on_done.run(()),
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    let heading = if existing.is_some() {
        T::EditKeyword
    } else {
        T::AddKeyword
    };
    view! {
        <form class="stack editor keyword-form" on:submit=save novalidate=true>
            <h3>{t(heading)}</h3>
            <FormError error=error />
            <TextField id="keyword" label=T::Keyword value=keyword error=error required=true maxlength=80 />
            <TextField id="aliases" label=T::Aliases hint=T::AliasesHint value=aliases error=error />
            <MarkdownEditor id="response" label=T::BotAnswer value=response error=error rows=5 required=true />
            <fieldset class="linked-articles">
                <legend>{t(T::LinkedArticles)}</legend>
                {move || articles.get().unwrap_or_default().into_iter().map(|a| {
                    let article = a.id;
                    view! {
                        <label class="check">
                            <input type="checkbox"
                                prop:checked=move || linked.with(|l| l.contains(&article))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    linked.update(|l| {
                                        l.retain(|x| *x != article);
                                        if on {
                                            l.push(article);
                                        }
                                    });
                                } />
                            " " {a.title}
                        </label>
                    }
                }).collect_view()}
                <p class="field-error" aria-live="polite">{move || error.with(|e| e.as_ref().and_then(|e| e.field("article_ids")))}</p>
            </fieldset>
            <div class="actions">
                <button class="button primary" type="submit">{t(T::Save)}</button>
                <button class="button subtle" type="button" on:click=move |_| on_cancel.run(())>{t(T::Cancel)}</button>
            </div>
        </form>
    }
}

/// Longest wait limit, in minutes, as the server allows.
const WAIT_MAX_MINUTES: i64 = (CHAT_WAIT_MAX_SECS / 60) as i64;

/// Routing, the queue limit and the wait limits; in force on every instance once saved.
#[component]
fn ChatSettingsForm() -> impl IntoView {
    let routing = RwSignal::new(ChatRouting::Manual);
    let queue_limit = RwSignal::new(String::new());
    let soft = RwSignal::new(String::new());
    let hard = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(false);
    let show = move |s: ChatSettings| {
        routing.set(s.routing);
        queue_limit.set(s.queue_limit.to_string());
        soft.set((s.soft_wait_secs / 60).to_string());
        hard.set((s.hard_wait_secs / 60).to_string());
    };
    let stored = Load::new(api::chat::settings);
    watch(move || match stored.get() {
        Some(Ok(s)) => show(s),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let number = |text: RwSignal<String>| text.get_untracked().trim().parse::<i64>().ok();
        let mut problems = Vec::new();
        let mut check = |field: &str, value: Option<i64>, min: i64, max: i64| -> u32 {
            match value.filter(|v| (min..=max).contains(v)) {
                Some(v) => u32::try_from(v).unwrap_or_default(),
                None => {
                    problems.push(
                        FieldError::new(field, "out_of_range", "")
                            .with("min", min)
                            .with("max", max),
                    );
                    0
                }
            }
        };
        let limit = check(
            "queue_limit",
            number(queue_limit),
            1,
            i64::from(CHAT_QUEUE_LIMIT_MAX),
        );
        let soft_minutes = check("soft_wait_secs", number(soft), 1, WAIT_MAX_MINUTES - 1);
        let hard_minutes = check(
            "hard_wait_secs",
            number(hard),
            i64::from(soft_minutes) + 1,
            WAIT_MAX_MINUTES,
        );
        if !problems.is_empty() {
            error.set(Some(ApiError::fields(problems)));
            return;
        }
        let request = ChatSettings {
            routing: routing.get_untracked(),
            queue_limit: limit,
            soft_wait_secs: soft_minutes * 60,
            hard_wait_secs: hard_minutes * 60,
        };
        error.set(None);
        leptos::task::spawn_local(async move {
            match api::chat::save_settings(&request).await {
                Ok(s) => {
                    show(s);
                    saved.try_set(true);
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    view! {
        <section aria-labelledby="chat-settings-title">
            <h2 id="chat-settings-title">{t(T::ChatSettings)}</h2>
            <form class="chat-settings" on:submit=submit novalidate>
                <fieldset>
                    <legend>{t(T::Routing)}</legend>
                    {[(ChatRouting::Manual, T::RoutingManual), (ChatRouting::Auto, T::RoutingAuto)].into_iter().map(|(mode, label)| view! {
                        <label class="check">
                            <input type="radio" name="routing" value=mode.as_str()
                                prop:checked=move || routing.get() == mode
                                on:change=move |_| routing.set(mode) />
                            {t(label)}
                        </label>
                    }).collect_view()}
                </fieldset>
                <TextField id="queue-limit" field="queue_limit" label=T::QueueLimit hint=T::QueueLimitHint value=queue_limit error=error kind="number" />
                <TextField id="soft-wait" field="soft_wait_secs" label=T::SoftWaitMinutes value=soft error=error kind="number" />
                <TextField id="hard-wait" field="hard_wait_secs" label=T::HardWaitMinutes value=hard error=error kind="number" />
                <FormError error=error />
                <button class="button primary" type="submit">{t(T::SaveChatSettings)}</button>
                {move || saved.get().then(|| view! { <p class="alert success" role="status">{t(T::ChatSettingsSaved)}</p> })}
            </form>
        </section>
    }
}

/// Chats each agent takes at once.
#[component]
fn Capacities() -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let presences = Load::new(move || {
        reload.track();
        api::chat::presences()
    });
    let error = RwSignal::new(None::<ApiError>);
    view! {
        <section aria-labelledby="capacity-title">
            <h2 id="capacity-title">{t(T::ChatCapacity)}</h2>
            <p class="muted">{t(T::ChatCapacityHint)}</p>
            <ErrorAlert error=error />
            <ul class="capacities">
                {move || presences.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|p: AgentPresence| {
                    let agent = p.agent.id;
                    let input_id = format!("capacity-{agent}");
                    let save = move |ev: leptos::ev::Event| {
                        let Ok(max) = event_target_value(&ev).parse::<u32>() else { return };
                        let request = SetPresence { status: p.status, max_chats: Some(max), agent_id: Some(agent) };
                        leptos::task::spawn_local(async move {
                            match api::chat::set_presence(&request).await {
                                Ok(_) => reload.try_update(|r| *r += 1),
                                Err(e) => error.try_set(Some(e)).map(|_| ()),
                            };
                        });
                    };
                    view! {
                        <li>
                            <label for=input_id.clone()>{p.agent.name.clone()}</label>
                            " "
                            <input id=input_id type="number" min="1" max="20" value=p.max_chats.to_string() on:change=save />
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}
