//! The demo's live chat: a keyword tree with follow-ups in both languages (in place of a
//! fresh install's minimal one) and a few past chats made through the real moves — one the
//! bot answered, one an agent served, one that became a ticket because nobody was online.

use ayuda_db::bot_keywords;
use ayuda_db::users::UserRow;
use ayuda_types::{CreateChat, Locale, SendChatMessage};

use crate::chat::keywords::{Seed, seed};
use crate::chat::{messages, moves};
use crate::state::AppState;

/// The demo's Spanish tree.
const TREE_ES: &[Seed] = &[
    Seed {
        keyword: "Facturación",
        aliases: &["factura", "facturas", "pago", "cobro", "cargo"],
        response: "Puedo ayudarte con tus facturas y pagos. ¿Qué necesitas?",
        children: &[
            Seed {
                keyword: "Descargar una factura",
                aliases: &["descargar", "pdf", "copia"],
                response: "Entra en **Mi cuenta › Facturas** y pulsa **Descargar PDF** junto a la factura. Las facturas de los últimos 5 años están siempre disponibles.",
                children: &[],
            },
            Seed {
                keyword: "Cobro duplicado",
                aliases: &["duplicado", "dos veces", "doble cargo"],
                response: "Un segundo cargo casi siempre es un **reintento de tu banco** tras un rechazo temporal y se devuelve solo en 3–5 días hábiles. Si no, pide un agente con la fecha y el importe de ambos cargos.",
                children: &[],
            },
        ],
    },
    Seed {
        keyword: "Contraseña",
        aliases: &["clave", "acceso", "entrar", "login"],
        response: "Para cambiar tu contraseña entra en **Mi perfil**. Si no puedes entrar, usa **¿Olvidaste tu contraseña?** en la página de acceso: te enviaremos un enlace válido 2 horas.",
        children: &[],
    },
    Seed {
        keyword: "Problema técnico",
        aliases: &["error", "fallo", "no funciona", "averia"],
        response: "Lo siento. ¿Qué ocurre?",
        children: &[
            Seed {
                keyword: "La aplicación no carga",
                aliases: &["no carga", "pantalla en blanco", "lento"],
                response: "Prueba a **recargar sin caché** (Ctrl+Mayús+R) y a cerrar sesión y volver a entrar. Si sigue igual, pide un agente y dinos tu navegador.",
                children: &[],
            },
            Seed {
                keyword: "Impresora",
                aliases: &["imprimir", "impresion"],
                response: "Comprueba que la bandeja de papel está cerrada y que la impresora aparece como **en línea**. Si muestra un código de error, escríbelo aquí y lo busco en el foro.",
                children: &[],
            },
        ],
    },
    Seed {
        keyword: "Envíos",
        aliases: &["envio", "pedido", "paquete", "entrega"],
        response: "Los pedidos salen en **48 horas** y el número de seguimiento llega por correo al salir del almacén.",
        children: &[],
    },
];

/// The demo's English tree.
const TREE_EN: &[Seed] = &[
    Seed {
        keyword: "Billing",
        aliases: &["invoice", "invoices", "payment", "charge"],
        response: "I can help with your invoices and payments. What do you need?",
        children: &[
            Seed {
                keyword: "Download an invoice",
                aliases: &["download", "pdf", "copy"],
                response: "Open **My account › Invoices** and press **Download PDF** beside the invoice. Invoices of the last 5 years are always there.",
                children: &[],
            },
            Seed {
                keyword: "Charged twice",
                aliases: &["duplicate", "twice", "double charge"],
                response: "A second charge is almost always a **retry by your bank** after a temporary decline, refunded by itself within 3–5 business days. If not, ask for an agent with the date and amount of both charges.",
                children: &[],
            },
        ],
    },
    Seed {
        keyword: "Password",
        aliases: &["login", "sign in", "access"],
        response: "To change your password open **My profile**. If you cannot sign in, use **Forgot your password?** on the sign-in page: we email you a link valid for 2 hours.",
        children: &[],
    },
    Seed {
        keyword: "Technical problem",
        aliases: &["error", "bug", "not working", "broken"],
        response: "Sorry about that. What happens?",
        children: &[
            Seed {
                keyword: "The app does not load",
                aliases: &["blank page", "slow", "not loading"],
                response: "Try a **hard reload** (Ctrl+Shift+R) and signing out and in again. If nothing changes, ask for an agent and tell us your browser.",
                children: &[],
            },
            Seed {
                keyword: "Printer",
                aliases: &["print", "printing"],
                response: "Check that the paper tray is closed and that the printer shows as **online**. If it shows an error code, type it here and I will look it up in the forum.",
                children: &[],
            },
        ],
    },
    Seed {
        keyword: "Shipping",
        aliases: &["delivery", "order", "parcel"],
        response: "Orders leave within **48 hours**; the tracking number is emailed when the parcel leaves the warehouse.",
        children: &[],
    },
];

/// Replaces a fresh install's flat tree with the demo's; a tree an admin has grown (any
/// follow-up) is left alone. Returns whether it seeded.
pub async fn load_keywords(state: &AppState) -> anyhow::Result<bool> {
    let txn = state.writer.begin().await?;
    let rows = bot_keywords::all(&txn).await?;
    if rows.iter().any(|r| r.parent_id.is_some()) {
        return Ok(false);
    }
    for row in &rows {
        bot_keywords::delete(&txn, row).await?;
    }
    seed(&txn, Locale::Es, TREE_ES).await?;
    seed(&txn, Locale::En, TREE_EN).await?;
    txn.commit().await?;
    Ok(true)
}

fn say(body: &str) -> SendChatMessage {
    SendChatMessage {
        body: body.to_owned(),
        client_msg_id: uuid::Uuid::new_v4().to_string(),
        choice_id: None,
        attachment_ids: Vec::new(),
        internal: false,
    }
}

/// Three past chats, when the demo customers have none.
pub async fn load_chats(
    state: &AppState,
    maria: &UserRow,
    jorge: &UserRow,
    emma: &UserRow,
    lucia: &UserRow,
) -> anyhow::Result<bool> {
    let any = ayuda_db::chats::ChatFilter {
        customer_id: Some(maria.id),
        ..Default::default()
    };
    if !ayuda_db::chats::list(&state.db, &any, None, 1)
        .await?
        .is_empty()
    {
        return Ok(false);
    }
    // The bot answers María and she closes.
    let (chat, _) = crate::chat::open(state, maria, CreateChat::default()).await?;
    messages::send(state, maria, chat.id, say("No encuentro mi factura")).await?;
    messages::send(state, maria, chat.id, say("descargar")).await?;
    moves::close(state, maria, chat.id, None).await?;

    // Emma talks to Lucía, who was online for a moment.
    let now = chrono::Utc::now();
    let max = i32::try_from(state.settings.chat_max_chats).unwrap_or(3);
    ayuda_db::chats::ensure_presence(&state.writer, lucia.id, max, now).await?;
    ayuda_db::chats::set_presence(&state.writer, lucia.id, "online", None, now).await?;
    ayuda_db::chats::touch_connected(
        &state.writer,
        &[lucia.id],
        now + chrono::Duration::seconds(30),
    )
    .await?;
    let (chat, _) = crate::chat::open(state, emma, CreateChat::default()).await?;
    messages::send(state, emma, chat.id, say("I was charged twice")).await?;
    moves::live_agent(state, emma, chat.id).await?;
    moves::accept(state, lucia, chat.id).await?;
    messages::send(
        state,
        lucia,
        chat.id,
        say("Hi Emma, I am Lucía. Could you tell me the date of both charges?"),
    )
    .await?;
    messages::send(state, emma, chat.id, say("March 3rd, 49.90 each")).await?;
    messages::send(state, lucia, chat.id, say("Thanks! The second one is a bank retry; it will be refunded within 5 days. Anything else?")).await?;
    messages::send(state, emma, chat.id, say("No, thank you!")).await?;
    moves::close(state, lucia, chat.id, None).await?;
    ayuda_db::chats::disconnect(&state.writer, lucia.id, now).await?;
    ayuda_db::chats::set_presence(&state.writer, lucia.id, "away", None, now).await?;

    // Nobody online for Jorge: he leaves a ticket.
    let (chat, _) = crate::chat::open(state, jorge, CreateChat::default()).await?;
    messages::send(
        state,
        jorge,
        chat.id,
        say("La impresora muestra el error 42"),
    )
    .await?;
    moves::live_agent(state, jorge, chat.id).await?;
    moves::leave_ticket(state, jorge, chat.id).await?;
    Ok(true)
}
