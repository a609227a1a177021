//! The ticket types a staff member is emailed about (their profile, or an admin's users
//! screen).

use ayuda_types::{Subscriptions, TicketType};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::common::{ErrorAlert, Loading};
use crate::components::ticket::ticket_types;
use crate::i18n::{T, t};
use crate::load::Load;

/// The ticket types a staff member is emailed about when a ticket is opened, as
/// checkboxes with a Save button.
#[component]
pub fn SubscriptionsEditor(user_id: i64) -> impl IntoView {
    let types = ticket_types();
    let current = Load::new(move || api::users::subscriptions(user_id));
    move || match current.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Err(e)) => {
            view! { <ErrorAlert error=Signal::derive(move || Some(e.clone())) /> }.into_any()
        }
        Some(Ok(subscriptions)) => view! {
            <SubscriptionsForm user_id=user_id types=types chosen=subscriptions.type_ids />
        }
        .into_any(),
    }
}

#[component]
fn SubscriptionsForm(
    user_id: i64,
    types: Load<Vec<TicketType>>,
    chosen: Vec<i64>,
) -> impl IntoView {
    let chosen = RwSignal::new(chosen);
    let error = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(false);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        saved.set(false);
        let request = Subscriptions {
            type_ids: chosen.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match api::users::set_subscriptions(user_id, &request).await {
                Ok(stored) => {
                    chosen.try_set(stored.type_ids);
                    saved.try_set(true);
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    let hint_id = format!("subscriptions-{user_id}-hint");
    view! {
        <form class="stack" on:submit=save novalidate=true>
            <fieldset class="checks" aria-describedby=hint_id.clone()>
                <legend>{t(T::NotifyAbout)}</legend>
                <p class="hint" id=hint_id.clone()>{t(T::NotificationsHint)}</p>
                {move || types.get().unwrap_or_default().into_iter().map(|ty| {
                    let id = ty.id;
                    view! {
                        <label class="check">
                            <input
                                type="checkbox"
                                prop:checked=move || chosen.with(|c| c.contains(&id))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    chosen.update(|c| {
                                        c.retain(|x| *x != id);
                                        if on {
                                            c.push(id);
                                        }
                                    });
                                    saved.set(false);
                                }
                            />
                            {ty.name}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            {move || saved.get().then(|| view! { <div class="alert success" role="status">{t(T::Saved)}</div> })}
            <ErrorAlert error=error />
            <div class="actions"><button class="button primary" type="submit">{t(T::SaveNotifications)}</button></div>
        </form>
    }
}
