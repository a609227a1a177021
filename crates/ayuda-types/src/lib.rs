//! Wire types of the Ayuda REST API (`/api/v1`).
//!
//! Shared by the server (which enables the `openapi` feature to derive the schema) and the
//! Leptos SPA (which decodes the same structs). Nothing here knows about HTTP servers,
//! databases or runtimes, so the crate builds for `wasm32-unknown-unknown`.

/// A string enum of the wire format: serde as `snake_case`, plus `ALL`, `as_str`, `parse`
/// and `Display`, so the database and the API spell values the same way.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in lifecycle or severity order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The wire and database name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// Parses the wire and database name.
            pub fn parse(value: &str) -> Option<Self> {
                match value {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// `Option<Option<T>>` that tells a missing field (`None`) from an explicit `null`
/// (`Some(None)`).
pub(crate) mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer, T: Serialize>(
        value: &Option<Option<T>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(inner) => inner.serialize(serializer),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        deserializer: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(deserializer).map(Some)
    }
}

pub mod auth;
pub mod canned;
pub mod chat;
pub mod forum;
pub mod inbound;
pub mod meta;
pub mod page;
pub mod problem;
pub mod tickets;
pub mod users;
pub mod validate;

pub use auth::*;
pub use canned::{CannedReply, CreateCannedReply, UpdateCannedReply};
pub use chat::*;
pub use forum::*;
pub use inbound::*;
pub use meta::*;
pub use page::*;
pub use problem::*;
pub use tickets::*;
pub use users::*;
