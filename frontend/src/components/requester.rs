//! The customer beside an agent's ticket or chat: who they are and their other tickets.

use ayuda_types::Ticket;
use leptos::prelude::*;

use crate::api;
use crate::components::common::StatusBadge;
use crate::format;
use crate::i18n::{self, T, t};
use crate::load::Load;
use crate::route::Route;

/// Who asked: their details, and their tickets (newest first, a link each).
#[component]
pub fn RequesterPanel(
    requester_id: i64,
    /// The ticket on screen, left out of the list.
    #[prop(optional)]
    except: Option<i64>,
) -> impl IntoView {
    let locale = i18n::locale();
    let person = Load::new(move || async move { api::users::one(requester_id).await.ok() });
    let tickets = Load::new(move || async move {
        let filters = [
            ("requester_id", Some(requester_id.to_string())),
            ("limit", Some("6".to_owned())),
        ];
        api::tickets::list(&filters)
            .await
            .map(|p| p.items)
            .unwrap_or_default()
    });
    view! {
        <section class="requester" aria-labelledby="requester-title">
            <h2 id="requester-title">{t(T::Requester)}</h2>
            {move || person.get().flatten().map(|u| {
                let since = u.created_at;
                view! {
                    <p class="requester-name"><strong>{u.name.clone()}</strong></p>
                    <p><a href=format!("mailto:{}", u.email)>{u.email.clone()}</a></p>
                    {u.phone.clone().map(|p| view! { <p>{p}</p> })}
                    <p class="muted">{t(T::CustomerSince)} " " <time datetime=format::iso(&since)>{move || format::datetime(&since, locale.get())}</time></p>
                }
            })}
            <h3>{t(T::OtherTickets)}</h3>
            {move || {
                let list: Vec<Ticket> = tickets.get().unwrap_or_default().into_iter().filter(|t| Some(t.number) != except).collect();
                if list.is_empty() {
                    view! { <p class="muted">{t(T::NoOtherTickets)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="other-tickets">
                            {list.into_iter().map(|t| view! {
                                <li>
                                    <a href=Route::Ticket(t.number).href()>{format!("#{} {}", t.number, t.title)}</a>
                                    " " <StatusBadge status=t.status />
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
        </section>
    }
}
