//! Every text of the UI in Spanish and English. A key without both texts does not compile.
//! The language comes from the profile once logged in, else from the last choice on this
//! browser, else from the browser's own preference.

use std::cell::OnceCell;

use ayuda_types::{Locale, UpdateMe, User};
use leptos::prelude::*;

use crate::api;
use crate::session::Session;

macro_rules! texts {
    ($($key:ident => $es:literal, $en:literal;)+) => {
        /// A text of the UI.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum T { $($key),+ }

        impl T {
            /// The text in `locale`.
            pub fn text(self, locale: Locale) -> &'static str {
                match (self, locale) {
                    $((T::$key, Locale::Es) => $es, (T::$key, Locale::En) => $en,)+
                }
            }
        }
    };
}

thread_local! {
    static LOCALE: OnceCell<RwSignal<Locale>> = const { OnceCell::new() };
}

const STORAGE_KEY: &str = "ayuda.locale";

/// Sets up the language signal (once, in the root component).
pub fn init() {
    let initial = stored_locale().or_else(browser_locale).unwrap_or_default();
    let signal = RwSignal::new(initial);
    LOCALE.with(|l| {
        let _ = l.set(signal);
    });
    // Screen readers and hyphenation follow <html lang>.
    Effect::new(move |_| {
        let lang = signal.get().as_str();
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", lang);
        }
    });
}

/// The current language (reactive).
pub fn locale() -> RwSignal<Locale> {
    LOCALE.with(|l| *l.get_or_init(|| RwSignal::new(Locale::default())))
}

/// Shows the UI in `locale` (from a login answer: the profile's language).
pub fn set_locale(value: Locale) {
    locale().set(value);
    if let Some(storage) = storage() {
        let _ = storage.set_item(STORAGE_KEY, value.as_str());
    }
}

/// The user picked a language: show it, remember it here, and save it to the profile.
pub async fn choose_locale(value: Locale) {
    set_locale(value);
    let session = Session::get();
    if session.user.with_untracked(Option::is_some) {
        let change = UpdateMe {
            name: None,
            locale: Some(value),
        };
        if let Ok(user) = api::patch::<_, User>("/me", &change).await {
            session.user.set(Some(user));
        }
    }
}

/// A reactive text: use as `{t(T::SignIn)}` or an attribute value.
pub fn t(key: T) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    move || key.text(locale().get())
}

/// The text in the current language (tracked when called inside a reactive scope).
pub fn tr(key: T) -> &'static str {
    key.text(locale().get())
}

/// A message of the API (a field message of the shared validation rules of `ayuda-types`,
/// or a problem's detail, both written in English) in the reader's language; unknown ones
/// stay as they are.
pub fn server_message(message: &str) -> String {
    let es = locale().get() == Locale::Es;
    let pick = |spanish: &str, english: &str| if es { spanish } else { english }.to_owned();
    let fixed = match message {
        "must be a valid email address" => Some(pick(
            "Escribe una dirección de correo válida, como nombre@ejemplo.com.",
            "Enter a valid email address, like name@example.com.",
        )),
        "must not be blank" | "must not be empty" => Some(pick(
            "Este campo no puede quedar vacío.",
            "This field cannot be empty.",
        )),
        "must not contain control characters" => Some(pick(
            "Quita los caracteres invisibles (tabuladores, saltos de línea).",
            "Remove the invisible characters (tabs, line breaks).",
        )),
        "must not contain NUL characters" => Some(pick(
            "El texto contiene caracteres no válidos.",
            "The text contains characters that are not allowed.",
        )),
        "must contain at least one letter" => {
            Some(pick("Usa al menos una letra.", "Use at least one letter."))
        }
        "must be your email, username or phone" => Some(pick(
            "Escribe tu correo, tu usuario o tu teléfono.",
            "Enter your email, username or phone.",
        )),
        "must be your current password" | "is not your current password" => Some(pick(
            "Esa no es tu contraseña actual.",
            "That is not your current password.",
        )),
        "is already your address" => Some(pick(
            "Ya es tu dirección de correo.",
            "That is already your address.",
        )),
        "must be the token from the email" | "invalid or expired link" => Some(pick(
            "El enlace no es válido o ha caducado. Pide uno nuevo.",
            "The link is not valid or has expired. Ask for a new one.",
        )),
        "must be 3 to 40 letters, digits, '.', '_' or '-', starting with a letter or digit" => {
            Some(pick(
                "Usa de 3 a 40 letras, dígitos, «.», «_» o «-», empezando por letra o dígito.",
                "Use 3 to 40 letters, digits, '.', '_' or '-', starting with a letter or digit.",
            ))
        }
        "must be an international number like +34 600 123 456" => Some(pick(
            "Escribe el número con prefijo internacional, como +34 600 123 456.",
            "Enter the number with its country code, like +34 600 123 456.",
        )),
        "must be 1 to 100 lowercase letters, digits and dashes, not at either end" => Some(pick(
            "Usa de 1 a 100 minúsculas, dígitos y guiones, sin guion al principio ni al final.",
            "Use 1 to 100 lowercase letters, digits and dashes, no dash at either end.",
        )),
        "is not an active ticket type" => Some(pick(
            "Elige un tipo de la lista.",
            "Choose a type from the list.",
        )),
        "is not a forum category" => Some(pick(
            "Elige una categoría de la lista.",
            "Choose a category from the list.",
        )),
        "at most 20 attachments" => Some(pick(
            "Adjunta como máximo 20 archivos.",
            "Attach at most 20 files.",
        )),
        "a user with this email already exists" => Some(pick(
            "Ya hay una cuenta con este correo.",
            "An account with this email already exists.",
        )),
        "uses an unknown placeholder; known ones are {{customer.name}}, {{customer.first_name}}, {{ticket.number}}, {{ticket.title}} and {{agent.name}}" => {
            Some(pick(
                "Hay un marcador desconocido. Los válidos son {{customer.name}}, {{customer.first_name}}, {{ticket.number}}, {{ticket.title}} y {{agent.name}}.",
                "There is an unknown placeholder. Valid ones are {{customer.name}}, {{customer.first_name}}, {{ticket.number}}, {{ticket.title}} and {{agent.name}}.",
            ))
        }
        _ => None,
    };
    if let Some(text) = fixed {
        return text;
    }
    // "must be 1 to 200 characters", "must be at most 1000 characters", "attachments may
    // be at most 10485760 bytes", ...
    let numbers: Vec<&str> = message
        .split(|c: char| !c.is_ascii_digit())
        .filter(|n| !n.is_empty())
        .collect();
    match (message, numbers.as_slice()) {
        (m, ["1", b]) if m == format!("must be 1 to {b} characters") => pick(
            &format!("No puede quedar vacío ni pasar de {b} caracteres."),
            &format!("Cannot be empty or longer than {b} characters."),
        ),
        (m, [a, b]) if m == format!("must be {a} to {b} characters") => pick(
            &format!("Escribe entre {a} y {b} caracteres."),
            &format!("Write {a} to {b} characters."),
        ),
        (m, [n]) if m == format!("must be at most {n} characters") => pick(
            &format!("Como máximo {n} caracteres."),
            &format!("At most {n} characters."),
        ),
        (m, [n]) if m == format!("must be at least {n} characters") => pick(
            &format!("Usa al menos {n} caracteres."),
            &format!("Use at least {n} characters."),
        ),
        (m, [n]) if m == format!("attachments may be at most {n} bytes") => {
            let size = crate::format::size(n.parse().unwrap_or(0));
            pick(
                &format!("Cada archivo puede ocupar como máximo {size}."),
                &format!("Each file may be at most {size}."),
            )
        }
        (m, [n])
            if m == format!(
                "the category still holds {n} article(s), drafts included; move or delete them first"
            ) =>
        {
            pick(
                &format!(
                    "La categoría aún tiene {n} artículo(s), borradores incluidos: muévelos o bórralos antes."
                ),
                &format!(
                    "The category still holds {n} article(s), drafts included: move or delete them first."
                ),
            )
        }
        _ => message.to_owned(),
    }
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

fn stored_locale() -> Option<Locale> {
    storage()?
        .get_item(STORAGE_KEY)
        .ok()
        .flatten()
        .as_deref()
        .and_then(Locale::parse)
}

fn browser_locale() -> Option<Locale> {
    window()
        .navigator()
        .language()
        .as_deref()
        .and_then(Locale::parse)
}

texts! {
    Actions => "Acciones", "Actions";
    Activate => "Activar", "Activate";
    ActivateTitle => "Activa tu cuenta", "Activate your account";
    Active => "Activo", "Active";
    AddComment => "Añadir un comentario", "Add a comment";
    AddFiles => "Añadir archivos", "Add files";
    AddNote => "Guardar nota interna", "Save internal note";
    Admin => "Administración", "Admin";
    AgentReplied => "Te han respondido", "Agent replied";
    Agents => "Agentes", "Agents";
    AllCategories => "Todas", "All";
    AllRoles => "Todos los roles", "All roles";
    AllStatuses => "Todos los estados", "All statuses";
    AllTypes => "Todos los tipos", "All types";
    AlsoIn => "También en", "Also in";
    Articles => "Artículos", "Articles";
    AssignTo => "Asignar a…", "Assign to…";
    AssignToMe => "Asignármelo", "Assign to me";
    Assignee => "Asignado a", "Assignee";
    BackHome => "Volver al inicio", "Back to the home page";
    BackToSignIn => "Volver a iniciar sesión", "Back to sign in";
    Body => "Contenido", "Body";
    BulkActions => "Acciones sobre los seleccionados", "Actions on the selected tickets";
    BulkDone => "Tickets cambiados: {n}.", "Tickets changed: {n}.";
    Cancel => "Cancelar", "Cancel";
    Categories => "Categorías", "Categories";
    Category => "Categoría", "Category";
    Change => "Cambiar", "Change";
    ChangeEmail => "Cambiar el correo", "Change email";
    ChangePassword => "Cambiar contraseña", "Change password";
    CheckCard => "Consulta el estado de tus tickets, lee las respuestas y contesta.", "See the status of your tickets, read the answers and reply.";
    CheckRequests => "Consultar solicitudes existentes", "Check existing requests";
    CheckYourEmail => "Revisa tu correo electrónico", "Check your email";
    ChooseCategory => "Elige una categoría", "Choose a category";
    ChooseType => "Elige un tipo", "Choose a type";
    ClearSelection => "Quitar la selección", "Clear selection";
    CloseTickets => "Cerrar", "Close";
    ClosedReplyNotice => "Este ticket está cerrado. Si escribes, se abrirá un ticket nuevo enlazado a este.", "This ticket is closed. Writing opens a new ticket linked to this one.";
    Comments => "Comentarios", "Comments";
    ConfirmActivate => "¿Reactivar a {name}? Podrá volver a entrar.", "Reactivate {name}? They will be able to sign in again.";
    ConfirmAndLogIn => "Confirmar e iniciar sesión", "Confirm and log in";
    ConfirmDeactivate => "¿Desactivar a {name}? Sus sesiones se cerrarán ahora mismo.", "Deactivate {name}? Their sessions end right away.";
    ConfirmDelete => "¿Borrar este artículo? No se puede deshacer.", "Delete this article? This cannot be undone.";
    ConfirmDeleteCategory => "¿Borrar esta categoría? No se puede deshacer.", "Delete this category? This cannot be undone.";
    ConfirmEmailTitle => "Confirmar tu nuevo correo", "Confirm your new email";
    ConfirmPassword => "Repite la contraseña", "Repeat the password";
    ConfirmRoleChange => "¿Cambiar el rol de {name} a «{role}»?", "Change {name}'s role to “{role}”?";
    Conversation => "Conversación", "Conversation";
    Create => "Crear", "Create";
    CreateAccount => "Crear una cuenta", "Create an account";
    CreatedAt => "Creado", "Created";
    CurrentPassword => "Contraseña actual", "Current password";
    CustomerEmail => "Correo del cliente nuevo", "New customer's email";
    CustomerName => "Nombre del cliente nuevo", "New customer's name";
    CustomerSince => "Cliente desde", "Customer since";
    CustomerSupport => "Soporte al cliente", "Customer support";
    Deactivate => "Desactivar", "Deactivate";
    DefaultType => "Email y chat", "Email and chat";
    DefaultTypeHint => "Los tickets que llegan por email o por chat reciben este tipo", "Tickets that arrive by email or chat get this type";
    Delete => "Borrar", "Delete";
    Description => "Descripción", "Description";
    DescriptionEnglish => "Descripción en inglés", "Description in English";
    DescriptionPlaceholder => "Cuéntanos qué pasa, qué esperabas y qué has probado.", "Tell us what happens, what you expected and what you have tried.";
    DescriptionSpanish => "Descripción en español", "Description in Spanish";
    DownloadFailed => "No se pudo descargar el archivo.", "The file could not be downloaded.";
    Draft => "Borrador", "Draft";
    DropOrPaste => "o arrástralos aquí; también puedes pegar una captura de pantalla en el texto.", "or drop them here; you can also paste a screenshot into the text.";
    Edit => "Editar", "Edit";
    EditArticle => "Editar artículo", "Edit article";
    EditorMode => "Modo del editor", "Editor mode";
    Email => "Correo electrónico", "Email";
    EmailChangeSent => "Te hemos enviado un enlace a {email}. Ábrelo para confirmar el cambio; hasta entonces sigue valiendo tu correo actual.", "We sent a link to {email}. Open it to confirm the change; until then your current address stays.";
    EmailChanged => "Hecho: tu cuenta usa ahora {email}.", "Done: your account now uses {email}.";
    EmailSupport => "Soporte por correo", "Email Support";
    ErrorForbidden => "No tienes permiso para hacer esto.", "You are not allowed to do this.";
    ErrorNetwork => "No hay conexión con el servidor. Inténtalo de nuevo.", "The server cannot be reached. Please try again.";
    ErrorNotFound => "No se ha encontrado.", "Not found.";
    ErrorRateLimited => "Demasiados intentos. Espera un poco y vuelve a probar.", "Too many attempts. Wait a moment and try again.";
    ErrorServer => "Algo ha fallado en el servidor. Inténtalo de nuevo más tarde.", "Something went wrong on the server. Please try again later.";
    ErrorSession => "Tu sesión ha terminado. Vuelve a iniciar sesión.", "Your session has ended. Please sign in again.";
    EventClosed => "cerró el ticket", "closed the ticket";
    EventCreated => "abrió el ticket", "opened the ticket";
    EventFollowedUp => "abrió un ticket de seguimiento", "opened a follow-up ticket";
    EventNoted => "añadió una nota interna", "added an internal note";
    EventReopened => "reabrió el ticket", "reopened the ticket";
    EventReplied => "respondió", "replied";
    EventResolved => "marcó el ticket como resuelto", "resolved the ticket";
    FileLimit => "Hasta {size} por archivo.", "Up to {size} per file.";
    FileTooBig => "Demasiado grande: como máximo {size} por archivo. No se ha enviado.", "Too large: at most {size} per file. Not sent.";
    FindCustomer => "Buscar cliente por nombre o correo", "Find a customer by name or email";
    FollowUpOf => "Seguimiento de", "Follow-up of";
    ForCustomer => "Para el cliente", "For the customer";
    ForCustomerHint => "Abres el ticket en nombre de un cliente (por ejemplo, tras una llamada). Sin cliente, el ticket es tuyo.", "You open the ticket on a customer's behalf (after a phone call, say). Without a customer, the ticket is yours.";
    ForgotIntro => "Escribe el correo de tu cuenta y te enviaremos un enlace para elegir una contraseña nueva.", "Enter your account's email and we will send you a link to choose a new password.";
    ForgotPassword => "¿Has olvidado tu contraseña?", "Forgot your password?";
    ForgotSent => "Si hay una cuenta con ese correo, acabamos de enviarle un enlace.", "If an account uses that email, a link is on its way.";
    Forum => "Foro", "Forum";
    ForumCard => "Problemas conocidos y sus soluciones. Busca antes de escribir.", "Known problems and their solutions. Search before you write.";
    ForumLead => "Problemas conocidos y sus soluciones, escritos por nuestro equipo.", "Known problems and their solutions, written by our team.";
    HandledBy => "Atendido por", "Handled by";
    HaveAccount => "¿Ya tienes cuenta? Inicia sesión", "Already have an account? Sign in";
    Hello => "Hola", "Hello";
    HelpfulCount => "Útil para {n}", "Helpful to {n}";
    HelpfulCounts => "Votos: {yes} sí, {no} no.", "Votes: {yes} yes, {no} no.";
    HiddenComment => "Oculto: solo lo ve el equipo", "Hidden: only staff see it";
    HideComment => "Ocultar", "Hide";
    History => "Historial", "History";
    Home => "Inicio", "Home";
    HomeLead => "¿En qué podemos ayudarte?", "How can we help you?";
    HomeTitle => "Soporte al cliente", "Customer support";
    ImageUnavailable => "Imagen no disponible", "Image unavailable";
    InEnglish => "En inglés", "In English";
    InSpanish => "En español", "In Spanish";
    Inactive => "Inactivo", "Inactive";
    InsertCanned => "Insertar respuesta guardada…", "Insert a canned reply…";
    InternalNote => "Nota interna", "Internal note";
    InvitationSent => "Invitación enviada a {email}.", "Invitation sent to {email}.";
    InviteUser => "Invitar a una persona", "Invite someone";
    Invited => "Invitado", "Invited";
    IsReplying => "{name} está respondiendo a este ticket.", "{name} is replying to this ticket.";
    IsViewing => "{name} también está viendo este ticket.", "{name} is also viewing this ticket.";
    KeyboardShortcuts => "Atajos de teclado", "Keyboard shortcuts";
    Language => "Idioma", "Language";
    LastActivity => "Última actividad", "Last activity";
    LastFromCustomer => "Cliente", "Customer";
    LastFromStaff => "Agente", "Agent";
    LinkExpired => "Este enlace ya se usó o ha caducado.", "This link was already used or has expired.";
    LinkMissing => "Falta el código del enlace. Abre el enlace completo del correo.", "The link's code is missing. Open the whole link from the email.";
    Loading => "Cargando…", "Loading…";
    LoginFailed => "El usuario o la contraseña no son correctos.", "The login or the password is not correct.";
    LoginField => "Correo, usuario o teléfono", "Email, username or phone";
    Logout => "Cerrar sesión", "Log out";
    MainNavigation => "Navegación principal", "Main navigation";
    MakeDefaultType => "Usar para email y chat", "Use for email and chat";
    MarkdownHint => "Admite Markdown: **negrita**, _cursiva_, listas, `código` y enlaces.", "Markdown works: **bold**, _italic_, lists, `code` and links.";
    MaybeThisSolvesIt => "Quizá esto lo resuelva:", "Maybe this solves it:";
    Menu => "Menú", "Menu";
    MyProfile => "Mi perfil", "My profile";
    Name => "Nombre", "Name";
    NameEnglish => "Nombre en inglés", "Name in English";
    NameSpanish => "Nombre en español", "Name in Spanish";
    NewArticle => "Nuevo artículo", "New article";
    NewCategory => "Nueva categoría", "New category";
    NewEmail => "Correo nuevo", "New email";
    NewPassword => "Contraseña nueva", "New password";
    NewTicket => "Nuevo ticket", "New ticket";
    NewTicketForCustomer => "Nuevo ticket para un cliente", "New ticket for a customer";
    NewTicketType => "Nuevo tipo de ticket", "New ticket type";
    Next => "Siguiente", "Next";
    No => "No", "No";
    NoArticles => "No hay artículos que coincidan. ¿Nos escribes?", "No articles match. Would you like to write to us?";
    NoCustomerFound => "Ningún cliente coincide.", "No customer matches.";
    NoMatchingTickets => "Ningún ticket coincide con estos filtros.", "No tickets match these filters.";
    NoOtherTickets => "Ningún otro ticket.", "No other tickets.";
    NoTicketsInvite => "Cuando nos escribas, tus solicitudes aparecerán aquí.", "When you write to us, your requests show up here.";
    NoTicketsYet => "Aún no tienes tickets", "You have no tickets yet";
    NotATranslation => "Ninguno: es un original", "None: it is an original";
    NotFoundText => "La página no existe o no tienes acceso a ella.", "The page does not exist or you have no access to it.";
    NotFoundTitle => "No encontrado", "Not found";
    NoteSaved => "Nota interna guardada.", "Internal note saved.";
    NothingToPreview => "Nada que previsualizar.", "Nothing to preview.";
    Notifications => "Avisos", "Notifications";
    NotificationsHint => "Si no eliges ninguno, te avisamos de los tipos que nadie sigue.", "With none chosen, you hear of the types nobody follows.";
    NotifyAbout => "Avísame por correo de los tickets nuevos de estos tipos", "Email me about new tickets of these types";
    Number => "Número", "Number";
    OpenTicket => "Abrir ticket", "Open ticket";
    OpenTicketTitle => "Abrir un ticket", "Open a ticket";
    OpenedBy => "Abierto por", "Opened by";
    OrNewCustomer => "¿No tiene cuenta? Escribe su correo: la crearemos y le enviaremos el enlace para activarla.", "No account yet? Type their email: we create one and send them the activation link.";
    OtherTickets => "Sus otros tickets", "Their other tickets";
    Pages => "Páginas", "Pages";
    Password => "Contraseña", "Password";
    PasswordChanged => "Contraseña cambiada. Las demás sesiones se han cerrado.", "Password changed. Your other sessions were signed out.";
    PasswordRuleAdvice => "Mejor una frase que solo tú recuerdes.", "A phrase only you remember works best.";
    PasswordRuleLength => "Al menos {n} caracteres.", "At least {n} characters.";
    PasswordsDiffer => "Las contraseñas no coinciden.", "The passwords do not match.";
    Phone => "Teléfono", "Phone";
    PhoneOptional => "Teléfono (opcional)", "Phone (optional)";
    PostComment => "Publicar comentario", "Post comment";
    Preview => "Vista previa", "Preview";
    Previous => "Anterior", "Previous";
    Priority => "Prioridad", "Priority";
    PriorityHigh => "Alta", "High";
    PriorityLow => "Baja", "Low";
    PriorityNormal => "Normal", "Normal";
    PriorityUrgent => "Urgente", "Urgent";
    Profile => "Perfil", "Profile";
    PublicReply => "Respuesta pública", "Public reply";
    Published => "Publicado", "Published";
    PublishedArticles => "Artículos publicados", "Published articles";
    ReadCount => "{n} lecturas", "{n} reads";
    ReceivedFrom => "Recibido de", "Received from";
    Register => "Registrarme", "Sign up";
    RegisterSent => "Te hemos enviado un enlace para activar tu cuenta y elegir tu contraseña.", "We sent you a link to activate your account and choose your password.";
    Remove => "Quitar", "Remove";
    Rename => "Renombrar", "Rename";
    Reopen => "Reabrir", "Reopen";
    ReopenedNotice => "Ticket reabierto: el equipo de soporte lo verá de nuevo.", "Ticket reopened: the support team will see it again.";
    Reply => "Responder", "Reply";
    ReplyKind => "Tipo de mensaje", "Kind of message";
    ReplySent => "Respuesta enviada.", "Reply sent.";
    Requester => "Cliente", "Customer";
    ResetTitle => "Elige una contraseña nueva", "Choose a new password";
    Resolve => "Resolver", "Resolve";
    ResolveHint => "¿Ya está solucionado?", "Is it solved?";
    ResolvedNotice => "Resuelto. Si vuelves a escribir, se reabre.", "Resolved. If you write again, it reopens.";
    Role => "Rol", "Role";
    RoleAdmin => "Administrador", "Admin";
    RoleAgent => "Agente", "Agent";
    RoleChanged => "{name} ahora es «{role}».", "{name} is now “{role}”.";
    RoleCustomer => "Cliente", "Customer";
    Save => "Guardar", "Save";
    SaveNotifications => "Guardar avisos", "Save notifications";
    SavePasswordAndLogIn => "Guardar e iniciar sesión", "Save and log in";
    Saved => "Guardado.", "Saved.";
    ScreenshotsAndFiles => "Capturas de pantalla y archivos (opcional)", "Screenshots and files (optional)";
    Search => "Buscar", "Search";
    SearchForum => "Buscar en el foro", "Search the forum";
    SearchForumPlaceholder => "Describe tu problema en pocas palabras", "Describe your problem in a few words";
    SearchTickets => "Buscar tickets", "Search tickets";
    SearchUsers => "Buscar por nombre o correo", "Search by name or email";
    SelectTicket => "Seleccionar el ticket #{n}", "Select ticket #{n}";
    SelectedCount => "{n} seleccionados", "{n} selected";
    SendInvitation => "Enviar invitación", "Send invitation";
    SendLink => "Enviar enlace", "Send link";
    SendNewLink => "Pide un enlace nuevo.", "Ask for a new link.";
    SendReply => "Enviar respuesta", "Send reply";
    SetStatus => "Cambiar estado…", "Set status…";
    ShortcutAssign => "asignarme el ticket", "assign the ticket to me";
    ShortcutMove => "ticket siguiente / anterior", "next / previous ticket";
    ShortcutNote => "escribir una nota interna", "write an internal note";
    ShortcutReply => "responder", "reply";
    ShortcutSearch => "buscar", "search";
    SignIn => "Iniciar sesión", "Sign in";
    SignInToComment => "Inicia sesión para comentar", "Sign in to comment";
    SkipToContent => "Saltar al contenido", "Skip to content";
    SortBy => "Ordenar por", "Sort by";
    SortNewest => "Más recientes", "Newest";
    SortOldestWaiting => "Espera más larga", "Longest waiting";
    SortPriority => "Prioridad", "Priority";
    SortUpdated => "Última actualización", "Last updated";
    StateActive => "Activo", "Active";
    StateDeactivated => "Desactivado", "Deactivated";
    Status => "Estado", "Status";
    StatusAwaitingYou => "Esperando tu respuesta", "Awaiting your reply";
    StatusClosed => "Cerrado", "Closed";
    StatusNew => "Nuevo", "New";
    StatusOpen => "Abierto", "Open";
    StatusPending => "Pendiente", "Pending";
    StatusPendingUsual => "Pendiente (lo normal)", "Pending (the usual)";
    StatusResolved => "Resuelto", "Resolved";
    StatusUnchanged => "Sin cambiar el estado", "Status unchanged";
    SubmitAs => "Estado al enviar", "Status after sending";
    SubmitCard => "Abre un ticket: lo mismo que escribirnos un correo.", "Open a ticket: the same as sending us an email.";
    SubmitRequest => "Enviar una solicitud", "Submit a request";
    ThanksFeedback => "¡Gracias por tu opinión!", "Thanks for your feedback!";
    TicketCreated => "Ticket #{n} creado. Te hemos enviado un correo con el número.", "Ticket #{n} created. We emailed you its number.";
    TicketProperties => "Datos del ticket", "Ticket details";
    TicketTypes => "Tipos de ticket", "Ticket types";
    Tickets => "Tickets", "Tickets";
    TicketsWord => "tickets", "tickets";
    Title => "Título", "Title";
    TranslationOf => "Traducción de", "Translation of";
    Type => "Tipo", "Type";
    Unassigned => "Sin asignar", "Unassigned";
    Uploading => "Subiendo…", "Uploading…";
    UserActivated => "{name} está activo de nuevo.", "{name} is active again.";
    UserDeactivated => "{name} está desactivado.", "{name} is deactivated.";
    Username => "Nombre de usuario", "Username";
    UsernameOptional => "Nombre de usuario (opcional)", "Username (optional)";
    Users => "Usuarios", "Users";
    ViaEmail => "por correo", "by email";
    ViewEmpty => "No hay tickets en esta vista.", "No tickets in this view.";
    ViewMine => "Míos", "Mine";
    ViewOpen => "Todos abiertos", "All open";
    ViewPending => "Pendientes", "Pending";
    ViewResolved => "Resueltos", "Resolved";
    ViewUnassigned => "Sin asignar", "Unassigned";
    Views => "Vistas", "Views";
    WaitingFor => "Espera desde hace", "Waiting";
    WasThisHelpful => "¿Te ha resultado útil?", "Was this helpful?";
    Workspace => "Espacio de trabajo", "Workspace";
    Write => "Escribir", "Write";
    Yes => "Sí", "Yes";
    You => "(tú)", "(you)";
    YouVoted => "Ya diste tu opinión; puedes cambiarla.", "You have voted; you can change your vote.";
    YourReply => "Tu respuesta", "Your reply";
}
