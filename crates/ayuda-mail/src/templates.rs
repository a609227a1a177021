//! The emails Ayuda sends, in Spanish and English, as plain text and HTML.
//!
//! Values are HTML-escaped in the HTML part; the plain-text part carries them as they are.

use ayuda_types::{Locale, Role};

/// An email ready for the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body.
    pub html: String,
}

/// Which email to write, with its values.
#[derive(Debug, Clone)]
pub enum Template<'a> {
    /// After self-registration (or a first email to support): choose a password.
    Welcome {
        /// Recipient's name.
        name: &'a str,
        /// Activation link.
        link: &'a str,
        /// Hours the link stays valid.
        valid_hours: u64,
    },
    /// An admin created the account: choose a password.
    Invitation {
        /// Recipient's name.
        name: &'a str,
        /// Activation link.
        link: &'a str,
        /// Hours the link stays valid.
        valid_hours: u64,
        /// Role given to the account.
        role: Role,
    },
    /// Someone asked to register an address that already has an account.
    AlreadyRegistered {
        /// Recipient's name.
        name: &'a str,
        /// Login page.
        login_link: &'a str,
        /// Forgot-password page.
        forgot_link: &'a str,
    },
    /// Forgot password: choose a new one.
    PasswordReset {
        /// Recipient's name.
        name: &'a str,
        /// Reset link.
        link: &'a str,
        /// Hours the link stays valid.
        valid_hours: u64,
    },
    /// To the new address of an email change: confirm it.
    EmailChangeConfirm {
        /// Recipient's name.
        name: &'a str,
        /// Confirmation link.
        link: &'a str,
        /// Hours the link stays valid.
        valid_hours: u64,
    },
    /// To the old address of an email change: it was asked for (a warning if it was not
    /// the owner).
    EmailChangeRequested {
        /// Recipient's name.
        name: &'a str,
        /// The address asked for.
        new_email: &'a str,
        /// The profile page, to change the password.
        profile_link: &'a str,
    },
    /// To the requester: their ticket was opened, with its number.
    TicketReceived {
        /// Recipient's name.
        name: &'a str,
        /// The ticket.
        ticket: TicketRef<'a>,
    },
    /// To the agents of the ticket's type: a new ticket.
    NewTicket {
        /// Recipient's name.
        name: &'a str,
        /// The ticket.
        ticket: TicketRef<'a>,
        /// The requester's name.
        requester: &'a str,
        /// The description.
        message: MessageContent<'a>,
    },
    /// To the requester: an agent answered.
    AgentReplied {
        /// Recipient's name.
        name: &'a str,
        /// The ticket.
        ticket: TicketRef<'a>,
        /// The agent's name.
        author: &'a str,
        /// The reply.
        message: MessageContent<'a>,
    },
    /// To the assignee (or the type's agents): the customer wrote again.
    CustomerReplied {
        /// Recipient's name.
        name: &'a str,
        /// The ticket.
        ticket: TicketRef<'a>,
        /// The customer's name.
        author: &'a str,
        /// The reply.
        message: MessageContent<'a>,
    },
    /// To the customer: a chat closed; its transcript.
    ChatTranscript {
        /// Recipient's name.
        name: &'a str,
        /// The chat.
        chat: ChatRef<'a>,
        /// The conversation.
        transcript: MessageContent<'a>,
        /// The ticket it became, if it did.
        ticket: Option<i64>,
    },
    /// To a customer away from an open chat: what the agent wrote meanwhile.
    ChatUnseen {
        /// Recipient's name.
        name: &'a str,
        /// The chat.
        chat: ChatRef<'a>,
        /// The agent's messages.
        messages: MessageContent<'a>,
    },
    /// To the requester: the ticket was resolved.
    TicketResolved {
        /// Recipient's name.
        name: &'a str,
        /// The ticket.
        ticket: TicketRef<'a>,
    },
}

/// A chat's transcript, or its unseen messages.
#[derive(Debug, Clone, Copy)]
pub struct ChatRef<'a> {
    /// Chat id.
    pub id: i64,
    /// Link back to the chat in the portal.
    pub link: &'a str,
}

/// The ticket an email is about. Its subject carries `[#number]`.
#[derive(Debug, Clone, Copy)]
pub struct TicketRef<'a> {
    /// Ticket number.
    pub number: i64,
    /// Title.
    pub title: &'a str,
    /// Link to the ticket in the portal.
    pub link: &'a str,
}

/// A message quoted in an email: its text, and its already sanitized HTML.
#[derive(Debug, Clone, Copy)]
pub struct MessageContent<'a> {
    /// Plain text (the Markdown as written).
    pub text: &'a str,
    /// Sanitized HTML.
    pub html: &'a str,
}

impl Template<'_> {
    /// A short machine name, stored with the outbox row and used in metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            Template::Welcome { .. } => "welcome",
            Template::Invitation { .. } => "invitation",
            Template::AlreadyRegistered { .. } => "already_registered",
            Template::PasswordReset { .. } => "password_reset",
            Template::EmailChangeConfirm { .. } => "email_change_confirm",
            Template::EmailChangeRequested { .. } => "email_change_requested",
            Template::TicketReceived { .. } => "ticket_received",
            Template::NewTicket { .. } => "new_ticket",
            Template::AgentReplied { .. } => "agent_replied",
            Template::CustomerReplied { .. } => "customer_replied",
            Template::TicketResolved { .. } => "ticket_resolved",
            Template::ChatTranscript { .. } => "chat_transcript",
            Template::ChatUnseen { .. } => "chat_unseen",
        }
    }

    /// Whether anyone can make us send this one by naming an address (registering it,
    /// asking for its password reset): such mail is capped per recipient.
    pub fn is_automatic(&self) -> bool {
        matches!(
            self,
            Template::Welcome { .. }
                | Template::AlreadyRegistered { .. }
                | Template::PasswordReset { .. }
        )
    }

    /// Writes the email in `locale`.
    pub fn compose(&self, locale: Locale) -> Composed {
        let es = locale == Locale::Es;
        let pick = |spanish: &str, english: &str| {
            if es {
                spanish.to_owned()
            } else {
                english.to_owned()
            }
        };
        match *self {
            Template::Welcome {
                name,
                link,
                valid_hours,
            } => {
                let subject = pick(
                    "Bienvenido a Ayuda: activa tu cuenta",
                    "Welcome to Ayuda: activate your account",
                );
                let intro = pick(
                    "Hemos creado una cuenta de soporte para ti. Elige una contraseña para entrar en el portal, donde puedes consultar tus solicitudes, abrir otras nuevas y leer el foro.",
                    "We have created a support account for you. Choose a password to enter the portal, where you can check your requests, open new ones and read the forum.",
                );
                let action = pick("Elegir contraseña", "Choose a password");
                let outro = validity(es, valid_hours);
                build(subject, greeting(es, name), intro, action, link, outro)
            }
            Template::Invitation {
                name,
                link,
                valid_hours,
                role,
            } => {
                let subject = pick("Te han invitado a Ayuda", "You have been invited to Ayuda");
                let intro = if es {
                    let role = match role {
                        Role::Admin => "administrador",
                        Role::Agent => "agente",
                        Role::Customer => "cliente",
                    };
                    format!(
                        "Un administrador te ha creado una cuenta de {role}. Elige una contraseña para empezar."
                    )
                } else {
                    let role = match role {
                        Role::Admin => "an admin",
                        Role::Agent => "an agent",
                        Role::Customer => "a customer",
                    };
                    format!(
                        "An administrator has created {role} account for you. Choose a password to get started."
                    )
                };
                let action = pick("Aceptar la invitación", "Accept the invitation");
                build(
                    subject,
                    greeting(es, name),
                    intro,
                    action,
                    link,
                    validity(es, valid_hours),
                )
            }
            Template::AlreadyRegistered {
                name,
                login_link,
                forgot_link,
            } => {
                let subject = pick(
                    "Ya tienes una cuenta en Ayuda",
                    "You already have an Ayuda account",
                );
                let intro = pick(
                    "Alguien (probablemente tú) ha pedido registrarse con esta dirección, pero ya tiene una cuenta. Entra con tu contraseña; si no la recuerdas, puedes restablecerla:",
                    "Someone (probably you) asked to register with this address, but it already has an account. Sign in with your password; if you forgot it, you can reset it:",
                );
                let outro = if es {
                    format!(
                        "¿Olvidaste tu contraseña? {forgot_link}\nSi no fuiste tú, ignora este mensaje."
                    )
                } else {
                    format!(
                        "Forgot your password? {forgot_link}\nIf this was not you, ignore this message."
                    )
                };
                let action = pick("Entrar", "Sign in");
                build(
                    subject,
                    greeting(es, name),
                    intro,
                    action,
                    login_link,
                    outro,
                )
            }
            Template::PasswordReset {
                name,
                link,
                valid_hours,
            } => {
                let subject = pick(
                    "Restablecer tu contraseña de Ayuda",
                    "Reset your Ayuda password",
                );
                let intro = pick(
                    "Hemos recibido una solicitud para restablecer tu contraseña. Si no fuiste tú, ignora este mensaje: tu contraseña no cambiará.",
                    "We received a request to reset your password. If it was not you, ignore this message: your password stays as it is.",
                );
                let action = pick("Elegir una contraseña nueva", "Choose a new password");
                build(
                    subject,
                    greeting(es, name),
                    intro,
                    action,
                    link,
                    validity(es, valid_hours),
                )
            }
            Template::EmailChangeConfirm {
                name,
                link,
                valid_hours,
            } => {
                let subject = pick(
                    "Confirma tu nueva dirección de correo en Ayuda",
                    "Confirm your new email address for Ayuda",
                );
                let intro = pick(
                    "Has pedido usar esta dirección para tu cuenta de soporte. Confírmalo con el enlace; hasta entonces sigue valiendo la anterior.",
                    "You asked to use this address for your support account. Confirm it with the link; until then the old one stays.",
                );
                let action = pick("Confirmar esta dirección", "Confirm this address");
                build(
                    subject,
                    greeting(es, name),
                    intro,
                    action,
                    link,
                    validity(es, valid_hours),
                )
            }
            Template::EmailChangeRequested {
                name,
                new_email,
                profile_link,
            } => {
                let subject = pick(
                    "Se ha pedido cambiar el correo de tu cuenta de Ayuda",
                    "A change of your Ayuda account's email was requested",
                );
                let intro = if es {
                    format!(
                        "Se ha pedido usar {new_email} en lugar de esta dirección. Cambiará solo cuando se confirme desde esa dirección. Si no fuiste tú, cambia tu contraseña ahora."
                    )
                } else {
                    format!(
                        "Someone asked to use {new_email} instead of this address. It changes only once confirmed from that address. If it was not you, change your password now."
                    )
                };
                let action = pick("Revisar mi cuenta", "Review my account");
                build(
                    subject,
                    greeting(es, name),
                    intro,
                    action,
                    profile_link,
                    String::new(),
                )
            }
            Template::TicketReceived { name, ticket } => {
                let subject = if es {
                    format!(
                        "[#{}] Hemos recibido tu solicitud: {}",
                        ticket.number, ticket.title
                    )
                } else {
                    format!(
                        "[#{}] We received your request: {}",
                        ticket.number, ticket.title
                    )
                };
                let intro = if es {
                    format!(
                        "Hemos recibido tu solicitud «{}». Su número es {}; úsalo si nos escribes sobre ella. Te avisaremos cuando te respondamos.",
                        ticket.title, ticket.number
                    )
                } else {
                    format!(
                        "We received your request \"{}\". Its number is {}; mention it when you write to us about it. We will let you know when we answer.",
                        ticket.title, ticket.number
                    )
                };
                let action = pick("Ver la solicitud", "View the request");
                build(
                    subject,
                    greeting(es, name),
                    intro,
                    action,
                    ticket.link,
                    reply_hint(es),
                )
            }
            Template::NewTicket {
                name,
                ticket,
                requester,
                message,
            } => {
                let subject = if es {
                    format!("[#{}] Nuevo ticket: {}", ticket.number, ticket.title)
                } else {
                    format!("[#{}] New ticket: {}", ticket.number, ticket.title)
                };
                let intro = if es {
                    format!("{requester} ha abierto el ticket {}:", ticket.number)
                } else {
                    format!("{requester} opened ticket {}:", ticket.number)
                };
                let action = pick("Abrir el ticket", "Open the ticket");
                build_with(
                    subject,
                    greeting(es, name),
                    intro,
                    Some(message),
                    action,
                    ticket.link,
                    String::new(),
                )
            }
            Template::AgentReplied {
                name,
                ticket,
                author,
                message,
            } => {
                let intro = if es {
                    format!("{author} ha respondido a tu solicitud {}:", ticket.number)
                } else {
                    format!("{author} answered your request {}:", ticket.number)
                };
                let action = pick("Ver la conversación", "View the conversation");
                build_with(
                    re_subject(ticket),
                    greeting(es, name),
                    intro,
                    Some(message),
                    action,
                    ticket.link,
                    reply_hint(es),
                )
            }
            Template::CustomerReplied {
                name,
                ticket,
                author,
                message,
            } => {
                let intro = if es {
                    format!("{author} ha escrito en el ticket {}:", ticket.number)
                } else {
                    format!("{author} wrote on ticket {}:", ticket.number)
                };
                let action = pick("Abrir el ticket", "Open the ticket");
                build_with(
                    re_subject(ticket),
                    greeting(es, name),
                    intro,
                    Some(message),
                    action,
                    ticket.link,
                    String::new(),
                )
            }
            Template::ChatTranscript {
                name,
                chat,
                transcript,
                ticket,
            } => {
                let subject = if es {
                    format!("Transcripción de tu chat n.º {}", chat.id)
                } else {
                    format!("Transcript of your chat #{}", chat.id)
                };
                let intro = match (es, ticket) {
                    (true, Some(n)) => format!(
                        "Esta es la conversación de tu chat. Sigue como el ticket {n}: responde a su correo para continuar."
                    ),
                    (true, None) => "Esta es la conversación de tu chat con el soporte:".to_owned(),
                    (false, Some(n)) => format!(
                        "Here is the conversation of your chat. It continues as ticket {n}: reply to its email to go on."
                    ),
                    (false, None) => {
                        "Here is the conversation of your chat with support:".to_owned()
                    }
                };
                let action = pick("Ver el chat", "View the chat");
                build_with(
                    subject,
                    greeting(es, name),
                    intro,
                    Some(transcript),
                    action,
                    chat.link,
                    String::new(),
                )
            }
            Template::ChatUnseen {
                name,
                chat,
                messages,
            } => {
                let subject = if es {
                    format!("Tienes mensajes sin leer en tu chat n.º {}", chat.id)
                } else {
                    format!("You have unread messages in your chat #{}", chat.id)
                };
                let intro = pick(
                    "Mientras no estabas, el agente te ha escrito:",
                    "While you were away, the agent wrote:",
                );
                let action = pick("Volver al chat", "Back to the chat");
                build_with(
                    subject,
                    greeting(es, name),
                    intro,
                    Some(messages),
                    action,
                    chat.link,
                    String::new(),
                )
            }
            Template::TicketResolved { name, ticket } => {
                let subject = if es {
                    format!("[#{}] Resuelto: {}", ticket.number, ticket.title)
                } else {
                    format!("[#{}] Resolved: {}", ticket.number, ticket.title)
                };
                let intro = if es {
                    format!(
                        "Tu solicitud {} «{}» se ha marcado como resuelta. Si no lo está, respóndenos y la reabriremos.",
                        ticket.number, ticket.title
                    )
                } else {
                    format!(
                        "Your request {} \"{}\" was marked as resolved. If it is not, reply and we will reopen it.",
                        ticket.number, ticket.title
                    )
                };
                let action = pick("Ver la solicitud", "View the request");
                build(
                    subject,
                    greeting(es, name),
                    intro,
                    action,
                    ticket.link,
                    String::new(),
                )
            }
        }
    }
}

fn re_subject(ticket: TicketRef<'_>) -> String {
    format!("[#{}] Re: {}", ticket.number, ticket.title)
}

fn reply_hint(es: bool) -> String {
    if es {
        "Puedes responder a este correo o seguir la conversación en el portal.".to_owned()
    } else {
        "You can reply to this email or follow the conversation in the portal.".to_owned()
    }
}

fn greeting(es: bool, name: &str) -> String {
    if es {
        format!("Hola, {name}:")
    } else {
        format!("Hello {name},")
    }
}

fn validity(es: bool, hours: u64) -> String {
    if es {
        format!("El enlace caduca en {hours} horas y solo puede usarse una vez.")
    } else {
        format!("The link expires in {hours} hours and works only once.")
    }
}

fn build(
    subject: String,
    greeting: String,
    intro: String,
    action: String,
    link: &str,
    outro: String,
) -> Composed {
    build_with(subject, greeting, intro, None, action, link, outro)
}

fn build_with(
    subject: String,
    greeting: String,
    intro: String,
    message: Option<MessageContent<'_>>,
    action: String,
    link: &str,
    outro: String,
) -> Composed {
    let quoted_text = message.map_or_else(String::new, |m| format!("{}\n\n", m.text.trim_end()));
    let quoted_html = message.map_or_else(String::new, |m| {
        format!(
            "<div style=\"border-left:3px solid #cbd2d9;padding:4px 12px;margin:12px 0\">{}</div>",
            m.html
        )
    });
    let text = format!(
        "{greeting}\n\n{intro}\n\n{quoted_text}{action}: {link}\n\n{outro}\n\n-- \nAyuda\n"
    );
    let outro_html = outro.lines().map(escape).collect::<Vec<_>>().join("<br>");
    let html = format!(
        "<!doctype html><html><body style=\"font-family:sans-serif;line-height:1.5;color:#1f2933\">\
         <p>{}</p><p>{}</p>{}\
         <p><a href=\"{}\" style=\"display:inline-block;padding:10px 18px;background:#1d4ed8;color:#fff;border-radius:6px;text-decoration:none\">{}</a></p>\
         <p style=\"font-size:13px;color:#52606d\">{}<br>{}</p>\
         <p style=\"font-size:13px;color:#52606d\">Ayuda</p></body></html>",
        escape(&greeting),
        escape(&intro),
        quoted_html,
        escape(link),
        escape(&action),
        escape(link),
        outro_html,
    );
    Composed {
        subject,
        text,
        html,
    }
}

/// Escapes text for HTML element content and double-quoted attributes.
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn welcome_is_written_in_the_recipients_language_with_the_link() {
        let t = Template::Welcome {
            name: "Ana",
            link: "http://x/activate?token=abc",
            valid_hours: 72,
        };
        let es = t.compose(Locale::Es);
        let en = t.compose(Locale::En);
        assert!(es.subject.contains("activa tu cuenta"));
        assert!(en.subject.contains("activate your account"));
        assert!(es.text.contains("http://x/activate?token=abc"));
        assert!(en.html.contains("href=\"http://x/activate?token=abc\""));
        assert!(es.text.contains("72 horas"));
    }

    #[test]
    fn invitations_name_the_role_in_the_recipients_language() {
        let t = Template::Invitation {
            name: "Tom",
            link: "http://x",
            valid_hours: 72,
            role: Role::Customer,
        };
        assert!(
            t.compose(Locale::En)
                .text
                .contains("created a customer account")
        );
        assert!(t.compose(Locale::Es).text.contains("una cuenta de cliente"));
    }

    #[test]
    fn ticket_emails_carry_the_number_in_the_subject_and_quote_the_message() {
        let ticket = TicketRef {
            number: 1042,
            title: "Doble cobro",
            link: "http://x/tickets/1042",
        };
        let received = Template::TicketReceived {
            name: "Ana",
            ticket,
        }
        .compose(Locale::Es);
        assert!(
            received.subject.starts_with("[#1042] "),
            "{}",
            received.subject
        );
        assert!(received.text.contains("1042"));
        let reply = Template::AgentReplied {
            name: "Ana",
            ticket,
            author: "Luis",
            message: MessageContent {
                text: "Ya está **devuelto**.",
                html: "<p>Ya está <strong>devuelto</strong>.</p>",
            },
        }
        .compose(Locale::En);
        assert_eq!(reply.subject, "[#1042] Re: Doble cobro");
        assert!(reply.text.contains("Ya está **devuelto**."));
        assert!(reply.html.contains("<strong>devuelto</strong>"));
    }

    #[test]
    fn names_are_escaped_in_html_only() {
        let t = Template::PasswordReset {
            name: "<script>x</script>",
            link: "http://x",
            valid_hours: 2,
        };
        let mail = t.compose(Locale::En);
        assert!(mail.html.contains("&lt;script&gt;"));
        assert!(!mail.html.contains("<script>"));
        assert!(mail.text.contains("<script>x</script>"));
    }
}
