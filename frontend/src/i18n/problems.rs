//! The API's problems in the reader's words, chosen by their machine-readable `code` and
//! filled in from their `params` (never by matching the server's English text). A code
//! the app does not word shows the error's message: the server's English, or the words a
//! check in the app wrote itself.

use ayuda_types::{FieldError, Locale, ProblemDetails};
use leptos::prelude::Get;

use super::locale;

/// The words for one invalid field (tracked: re-renders on a language change).
pub fn field_text(error: &FieldError) -> String {
    let n = |name: &str| error.params.get(name).copied().unwrap_or_default();
    let es = locale().get() == Locale::Es;
    let pick = |spanish: String, english: String| if es { spanish } else { english };
    let fixed = |spanish: &str, english: &str| pick(spanish.to_owned(), english.to_owned());
    match error.code.as_str() {
        "required" => fixed("Este campo es obligatorio.", "This field is required."),
        "blank" if error.params.contains_key("max") => pick(
            format!("No puede quedar vacío ni pasar de {} caracteres.", n("max")),
            format!("Cannot be empty or longer than {} characters.", n("max")),
        ),
        "blank" => fixed(
            "Este campo no puede quedar vacío.",
            "This field cannot be empty.",
        ),
        "login" => fixed(
            "Escribe tu correo, tu usuario o tu teléfono.",
            "Enter your email, username or phone.",
        ),
        "too_long" => pick(
            format!("Como máximo {} caracteres.", n("max")),
            format!("At most {} characters.", n("max")),
        ),
        "too_short" => pick(
            format!("Usa al menos {} caracteres.", n("min")),
            format!("Use at least {} characters.", n("min")),
        ),
        "too_many" => pick(
            format!("Como máximo {}.", n("max")),
            format!("At most {}.", n("max")),
        ),
        "too_few" => pick(
            format!("Al menos {}.", n("min")),
            format!("At least {}.", n("min")),
        ),
        "out_of_range" => pick(
            format!("Escribe un número de {} a {}.", n("min"), n("max")),
            format!("Enter a number from {} to {}.", n("min"), n("max")),
        ),
        "invalid_email" => fixed(
            "Escribe una dirección de correo válida, como nombre@ejemplo.com.",
            "Enter a valid email address, like name@example.com.",
        ),
        "control" => fixed(
            "Quita los caracteres invisibles (tabuladores, saltos de línea).",
            "Remove the invisible characters (tabs, line breaks).",
        ),
        "nul" => fixed(
            "El texto contiene caracteres no válidos.",
            "The text contains characters that are not allowed.",
        ),
        "slug" => fixed(
            "Usa de 1 a 100 minúsculas, dígitos y guiones, sin guion al principio ni al final.",
            "Use 1 to 100 lowercase letters, digits and dashes, no dash at either end.",
        ),
        "username" => fixed(
            "Usa de 3 a 40 letras, dígitos, «.», «_» o «-», empezando por letra o dígito.",
            "Use 3 to 40 letters, digits, '.', '_' or '-', starting with a letter or digit.",
        ),
        "username_digits" => fixed("Usa al menos una letra.", "Use at least one letter."),
        "phone" => fixed(
            "Escribe el número con prefijo internacional, como +34 600 123 456.",
            "Enter the number with its country code, like +34 600 123 456.",
        ),
        "password_blank" => fixed(
            "La contraseña no puede ser solo espacios.",
            "The password cannot be only spaces.",
        ),
        "file_too_large" => {
            let size = crate::format::size(n("max"));
            pick(
                format!("Cada archivo puede ocupar como máximo {size}."),
                format!("Each file may be at most {size}."),
            )
        }
        "empty_file" => fixed("El archivo está vacío.", "The file is empty."),
        "not_current_password" => fixed(
            "Esa no es tu contraseña actual.",
            "That is not your current password.",
        ),
        "same_email" => fixed(
            "Ya es tu dirección de correo.",
            "That is already your address.",
        ),
        "invalid_token" => fixed(
            "El enlace no es válido o ha caducado. Pide uno nuevo.",
            "The link is not valid or has expired. Ask for a new one.",
        ),
        "unknown_reference" => fixed(
            "Elige un valor de la lista.",
            "Choose a value from the list.",
        ),
        "unknown_placeholder" => fixed(
            "Hay un marcador desconocido. Los válidos son {{customer.name}}, {{customer.first_name}}, {{ticket.number}}, {{ticket.title}} y {{agent.name}}.",
            "There is an unknown placeholder. Valid ones are {{customer.name}}, {{customer.first_name}}, {{ticket.number}}, {{ticket.title}} and {{agent.name}}.",
        ),
        _ => error.message.clone(),
    }
}

/// The words for a problem that is not about one field (a conflict, an invalid link), by
/// its code; `None` when it has no code the app knows.
pub fn problem_text(problem: &ProblemDetails) -> Option<String> {
    let es = locale().get() == Locale::Es;
    let fixed = |spanish: &str, english: &str| Some(if es { spanish } else { english }.to_owned());
    match problem.code.as_deref()? {
        "invalid_token" => fixed(
            "El enlace no es válido o ha caducado. Pide uno nuevo.",
            "The link is not valid or has expired. Ask for a new one.",
        ),
        "email_taken" | "address_taken" => fixed(
            "Ya hay una cuenta con este correo.",
            "An account with this email already exists.",
        ),
        "category_not_empty" => {
            let count = problem
                .params
                .as_ref()
                .and_then(|p| p.get("count"))
                .map(ToString::to_string)
                .unwrap_or_default();
            let text = if es {
                format!(
                    "La categoría aún tiene {count} artículo(s), borradores incluidos: muévelos o bórralos antes."
                )
            } else {
                format!(
                    "The category still holds {count} article(s), drafts included: move or delete them first."
                )
            };
            Some(text)
        }
        "slug_taken" => fixed(
            "Ya existe otro con esta dirección (slug).",
            "Another one already has this address (slug).",
        ),
        "name_taken" => fixed(
            "Ya existe uno con este nombre.",
            "One with this name already exists.",
        ),
        "last_admin" => fixed(
            "Es el último administrador activo.",
            "This is the last active admin.",
        ),
        "own_account" => fixed(
            "No puedes cambiar tu propio rol ni desactivarte: otro administrador sí puede.",
            "You cannot demote or deactivate yourself; another admin can.",
        ),
        "type_in_use" => fixed(
            "Los tickets de correo y chat reciben este tipo: haz antes otro tipo el predeterminado.",
            "Email and chat tickets get this type: make another type the default first.",
        ),
        _ => None,
    }
}
