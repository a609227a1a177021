//! What the bot and Ayuda say in a chat, in Spanish and English. The choice labels are the
//! words of the source document, which customers know.

use ayuda_types::Locale;

fn pick(locale: Locale, es: &str, en: &str) -> String {
    if locale == Locale::Es { es } else { en }.to_owned()
}

/// The greeting, before the top-level keywords.
pub fn greeting(locale: Locale, name: &str) -> String {
    if locale == Locale::Es {
        format!(
            "¡Hola, {name}! Soy el asistente de Ayuda. Elige una de estas palabras clave o escribe tu pregunta:"
        )
    } else {
        format!(
            "Hello {name}! I am Ayuda's assistant. Pick one of these keywords or type your question:"
        )
    }
}

/// After "Resume Chat With Bot" or "Restart".
pub fn menu(locale: Locale) -> String {
    pick(
        locale,
        "¿En qué más puedo ayudarte? Elige una palabra clave o escribe tu pregunta:",
        "What else can I help you with? Pick a keyword or type your question:",
    )
}

/// Nothing matched; articles follow when there are some.
pub fn no_match(locale: Locale, found: bool) -> String {
    match (locale == Locale::Es, found) {
        (true, true) => "No he encontrado esa palabra clave, pero estos artículos del foro pueden ayudarte:".into(),
        (true, false) => "No he entendido tu pregunta. Prueba con una de las palabras clave o pide hablar con un humano.".into(),
        (false, true) => "I did not find that keyword, but these forum articles may help:".into(),
        (false, false) => "I did not understand your question. Try one of the keywords or ask for a human.".into(),
    }
}

/// After two misses in a row.
pub fn offer_human(locale: Locale) -> String {
    pick(
        locale,
        "Parece que no encuentro lo que buscas. ¿Quieres hablar con una persona?",
        "It seems I cannot find what you need. Would you like to talk to a person?",
    )
}

/// Joined the queue.
pub fn queued(locale: Locale, position: u32) -> String {
    if locale == Locale::Es {
        format!(
            "Te estoy buscando un agente. Estás en la posición {position} de la cola. Mientras esperas puedes seguir chateando conmigo (Resume Chat With Bot) sin perder tu lugar."
        )
    } else {
        format!(
            "I am getting you a live agent. You are number {position} in the queue. While you wait you can keep chatting with me (Resume Chat With Bot) without losing your place."
        )
    }
}

/// Asked for a human while already waiting.
pub fn already_queued(locale: Locale, position: u32) -> String {
    if locale == Locale::Es {
        format!("Ya estás en la cola para un agente, en la posición {position}.")
    } else {
        format!("You are already in the queue for an agent, number {position}.")
    }
}

/// Back with the bot while waiting: the place is kept.
pub fn resumed_waiting(locale: Locale) -> String {
    pick(
        locale,
        "Sigues en la cola y no pierdes tu lugar. Mientras tanto, ¿en qué puedo ayudarte?",
        "You are still in the queue and keep your place. Meanwhile, what can I help you with?",
    )
}

/// Nobody can take the chat now.
pub fn unavailable(locale: Locale, queue_full: bool) -> String {
    match (locale == Locale::Es, queue_full) {
        (true, false) => "Ahora mismo no hay ningún agente conectado. Puedes dejarnos un ticket y te responderemos por correo.".into(),
        (true, true) => "La cola está llena en este momento. Puedes dejarnos un ticket y te responderemos por correo.".into(),
        (false, false) => "No agent is online right now. You can leave us a ticket and we will answer by email.".into(),
        (false, true) => "The queue is full right now. You can leave us a ticket and we will answer by email.".into(),
    }
}

/// The soft wait limit passed.
pub fn long_wait(locale: Locale) -> String {
    pick(
        locale,
        "La espera se está alargando. ¿Prefieres seguir esperando o dejarnos un ticket para responderte por correo?",
        "The wait is getting long. Would you rather keep waiting or leave us a ticket so we answer by email?",
    )
}

/// Chose to keep waiting.
pub fn keep_waiting(locale: Locale, position: u32) -> String {
    if locale == Locale::Es {
        format!("De acuerdo, seguimos. Estás en la posición {position}.")
    } else {
        format!("All right, we carry on. You are number {position}.")
    }
}

/// The chat became a ticket.
pub fn ticket_left(locale: Locale, number: i64) -> String {
    if locale == Locale::Es {
        format!(
            "Hemos abierto el ticket número {number} con esta conversación. Te responderemos por correo; también puedes seguirlo en el portal."
        )
    } else {
        format!(
            "We opened ticket number {number} with this conversation. We will answer by email; you can also follow it in the portal."
        )
    }
}

/// An agent took the chat.
pub fn joined(locale: Locale, agent: &str) -> String {
    if locale == Locale::Es {
        format!("{agent} se ha unido al chat.")
    } else {
        format!("{agent} joined the chat.")
    }
}

/// The agent handed the chat back to the bot.
pub fn handed_back(locale: Locale, agent: &str) -> String {
    if locale == Locale::Es {
        format!("{agent} te ha devuelto al asistente. ¿En qué más puedo ayudarte?")
    } else {
        format!("{agent} handed you back to the assistant. What else can I help you with?")
    }
}

/// The agent went away: back to the front of the queue.
pub fn agent_gone(locale: Locale) -> String {
    pick(
        locale,
        "Tu agente se ha desconectado. Te hemos puesto al principio de la cola para que te atienda otra persona.",
        "Your agent got disconnected. You are back at the front of the queue for someone else to help you.",
    )
}

/// Transferred to another agent or back to the queue.
pub fn transferred(locale: Locale, to: Option<&str>) -> String {
    match (locale == Locale::Es, to) {
        (true, Some(name)) => format!("Te hemos pasado con {name}."),
        (true, None) => "Te hemos devuelto a la cola; conservas tu lugar original.".into(),
        (false, Some(name)) => format!("You have been transferred to {name}."),
        (false, None) => "You are back in the queue, keeping your original place.".into(),
    }
}

/// The customer has been silent in a live chat.
pub fn inactive_warning(locale: Locale, minutes: u64) -> String {
    if locale == Locale::Es {
        format!("¿Sigues ahí? Si no escribes nada, cerraremos el chat en {minutes} minutos.")
    } else {
        format!(
            "Are you still there? If you write nothing, we will close the chat in {minutes} minutes."
        )
    }
}

/// The chat closed.
pub fn closed(locale: Locale) -> String {
    pick(
        locale,
        "El chat ha terminado. Te enviaremos la transcripción por correo.",
        "The chat has ended. We will email you the transcript.",
    )
}

/// Labels of the fixed choices.
pub fn label(locale: Locale, choice: &str) -> String {
    let es = locale == Locale::Es;
    match choice {
        "live_agent" => "Live Agent Request".into(),
        "resume_bot" => "Resume Chat With Bot".into(),
        "human" if es => "Chatear con un humano".into(),
        "human" => "Chat with a human".into(),
        "restart" if es => "Reiniciar".into(),
        "restart" => "Restart".into(),
        "leave_ticket" if es => "Dejar un ticket".into(),
        "leave_ticket" => "Leave a ticket".into(),
        "keep_waiting" if es => "Seguir esperando".into(),
        "keep_waiting" => "Keep waiting".into(),
        other => other.to_owned(),
    }
}
