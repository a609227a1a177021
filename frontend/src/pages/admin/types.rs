//! Admin › Ticket types: add, rename and translate, retire, and choose the default.

use ayuda_types::{CreateTicketType, TicketType, TypeText, TypeTranslations, UpdateTicketType};
use leptos::prelude::*;

use super::{RenameForm, Texts, TextsFields, save_then};
use crate::api::{self, ApiError};
use crate::components::common::{ErrorAlert, FormError, Loading};
use crate::i18n::{T, t, tr};
use crate::load::Load;

fn type_text(name: String, description: String) -> TypeText {
    TypeText { name, description }
}

#[component]
pub(super) fn TypesAdmin() -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let types = Load::new(move || {
        reload.track();
        api::tickets::types(true)
    });
    let texts = Texts::empty();
    let error = RwSignal::new(None::<ApiError>);
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let request = CreateTicketType {
            name: texts.base_name(),
            description: texts.base_description(),
            translations: TypeTranslations {
                es: texts.es(type_text),
                en: texts.en(type_text),
            },
        };
        leptos::task::spawn_local(async move {
            match api::tickets::create_type(&request).await {
                Ok(_) => {
                    texts.clear();
                    reload.try_update(|r| *r += 1);
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    let list_error = RwSignal::new(None::<ApiError>);
    let update = move |id: i64, change: UpdateTicketType| {
        list_error.set(None);
        leptos::task::spawn_local(async move {
            if let Err(e) = api::tickets::update_type(id, &change).await {
                list_error.try_set(Some(e));
            }
            reload.try_update(|r| *r += 1);
        });
    };
    let editing = RwSignal::new(None::<TicketType>);
    view! {
        <h2>{t(T::TicketTypes)}</h2>
        <ErrorAlert error=list_error />
        {move || editing.get().map(|ty| view! {
            <TypeEditor ticket_type=ty on_done=Callback::new(move |_| { editing.set(None); reload.update(|r| *r += 1); }) />
        })}
        {move || match types.get() {
            None => view! { <Loading /> }.into_any(),
            Some(Err(e)) => view! { <ErrorAlert error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
            Some(Ok(list)) => view! {
                <table class="admin-table">
                    <thead><tr>
                        <th scope="col">{t(T::Name)}</th>
                        <th scope="col">"Español"</th>
                        <th scope="col">"English"</th>
                        <th scope="col">{t(T::Status)}</th>
                        <th scope="col"><span class="visually-hidden">{t(T::Actions)}</span></th>
                    </tr></thead>
                    <tbody>
                        {list.into_iter().map(|ty| {
                            let id = ty.id;
                            let active = ty.active;
                            let is_default = ty.is_default;
                            let label = ty.name.clone();
                            let rename_label = ty.name.clone();
                            let default_label = ty.name.clone();
                            let for_editor = ty.clone();
                            view! {
                                <tr class:inactive=!active>
                                    <td>
                                        {ty.base_name.clone()}
                                        {is_default.then(|| view! { " " <span class="badge replied" title=move || tr(T::DefaultTypeHint)>{t(T::DefaultType)}</span> })}
                                    </td>
                                    <td>{ty.translations.es.as_ref().map(|t| t.name.clone())}</td>
                                    <td>{ty.translations.en.as_ref().map(|t| t.name.clone())}</td>
                                    <td>{if active { t(T::Active) } else { t(T::Inactive) }}</td>
                                    <td class="row-actions">
                                        <button class="button subtle small" aria-label=move || format!("{} {}", tr(T::Rename), rename_label)
                                            on:click=move |_| editing.set(Some(for_editor.clone()))>
                                            {t(T::Rename)}
                                        </button>
                                        {(!is_default).then(|| view! {
                                            <button class="button subtle small" aria-label=move || format!("{} {}", tr(if active { T::Deactivate } else { T::Activate }), label)
                                                on:click=move |_| update(id, UpdateTicketType { active: Some(!active), ..Default::default() })>
                                                {if active { t(T::Deactivate) } else { t(T::Activate) }}
                                            </button>
                                        })}
                                        {(active && !is_default).then(|| view! {
                                            <button class="button subtle small" aria-label=move || format!("{}: {}", tr(T::MakeDefaultType), default_label)
                                                on:click=move |_| update(id, UpdateTicketType { is_default: Some(true), ..Default::default() })>
                                                {t(T::MakeDefaultType)}
                                            </button>
                                        })}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any(),
        }}
        <h3>{t(T::NewTicketType)}</h3>
        <form class="stack inline-form" on:submit=create novalidate=true>
            <FormError error=error />
            <TextsFields texts=texts error=error ids=["name", "description", "translations.es.name",
                "translations.es.description", "translations.en.name", "translations.en.description"] />
            <div class="actions"><button class="button primary" type="submit">{t(T::Create)}</button></div>
        </form>
    }
}

/// Renames a ticket type and its translations; every text is sent as it stands in the
/// form (filled in with what is stored), so what is not touched is kept.
#[component]
fn TypeEditor(ticket_type: TicketType, on_done: Callback<()>) -> impl IntoView {
    let id = ticket_type.id;
    fn pair(t: &TypeText) -> (&str, &str) {
        (&t.name, &t.description)
    }
    let translations = &ticket_type.translations;
    let texts = Texts::new(
        (&ticket_type.base_name, &ticket_type.base_description),
        translations.es.as_ref().map(pair),
        translations.en.as_ref().map(pair),
    );
    let error = RwSignal::new(None::<ApiError>);
    let save = move |_| {
        error.set(None);
        let change = UpdateTicketType {
            name: Some(texts.base_name()),
            description: Some(texts.base_description()),
            translations: Some(TypeTranslations {
                es: texts.es(type_text),
                en: texts.en(type_text),
            }),
            ..Default::default()
        };
        save_then(
            async move { api::tickets::update_type(id, &change).await },
            error,
            on_done,
        );
    };
    view! {
        <RenameForm title=ticket_type.name.clone() error=error on_save=Callback::new(save) on_cancel=on_done>
            <TextsFields texts=texts error=error ids=["edit-name", "edit-description", "edit-name-es",
                "edit-description-es", "edit-name-en", "edit-description-en"] />
        </RenameForm>
    }
}
