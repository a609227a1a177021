//! Reading back the names Ayuda stores for its enums (status, priority, role, locale,
//! outcome, ...).
//!
//! Ayuda writes only names it knows. One it does not know means the database was changed by
//! hand or by another version: that is an error, logged with the column and the value, and
//! never a guess such as `open` or `customer`, which could hand out a role or hide a ticket.

use sea_orm::DbErr;

/// `value` of `column` read by `parse`; an unknown value is logged and an error.
pub fn read<T>(
    column: &'static str,
    value: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<T, DbErr> {
    parse(value).ok_or_else(|| {
        tracing::error!(column, value, "unknown value in the database");
        DbErr::Type(format!("unknown value {value:?} in {column}"))
    })
}

#[cfg(test)]
mod tests {
    use ayuda_types::Role;

    #[test]
    fn known_names_are_read_and_unknown_ones_are_errors() {
        assert_eq!(
            super::read("users.role", "agent", Role::parse).ok(),
            Some(Role::Agent)
        );
        assert!(super::read("users.role", "superuser", Role::parse).is_err());
        assert!(super::read("users.role", "", Role::parse).is_err());
    }
}
