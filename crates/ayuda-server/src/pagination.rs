//! Opaque cursors and page limits for keyset pagination (SPEC section 3).

use ayuda_types::{DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, ApiResult};

/// The page size asked for: default 25, 1 to 100 allowed.
pub fn limit(requested: Option<u64>) -> ApiResult<u64> {
    match requested {
        None => Ok(DEFAULT_PAGE_LIMIT),
        Some(n) if (1..=MAX_PAGE_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::field(
            "limit",
            format!("must be between 1 and {MAX_PAGE_LIMIT}"),
        )),
    }
}

/// Encodes the position after the last item of a page. Opaque to clients: base64 of JSON.
pub fn encode<T: Serialize>(position: &T) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(position).unwrap_or_default())
}

/// Decodes a cursor from [`encode`]; anything else is a 400.
pub fn decode<T: DeserializeOwned>(cursor: Option<&str>) -> ApiResult<Option<T>> {
    let Some(cursor) = cursor.filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let bad = || ApiError::BadRequest("invalid cursor".into());
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?;
    serde_json::from_slice(&bytes).map(Some).map_err(|_| bad())
}

/// Where a list page ends: the last id of a newest-first list, or the last score and id
/// of a ranked search. Each kind of list accepts only its own kind of cursor.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum ListCursor {
    /// After this id.
    Id(i64),
    /// After this (score, id).
    Ranked(f64, i64),
}

/// The id a newest-first page continues after; a search cursor is a 400.
pub fn decode_id(cursor: Option<&str>) -> ApiResult<Option<i64>> {
    match decode(cursor)? {
        None => Ok(None),
        Some(ListCursor::Id(id)) => Ok(Some(id)),
        Some(ListCursor::Ranked(..)) => Err(ApiError::BadRequest("invalid cursor".into())),
    }
}

/// The (score, id) a ranked page continues after; a plain-list cursor is a 400.
pub fn decode_ranked(cursor: Option<&str>) -> ApiResult<Option<(f64, i64)>> {
    match decode(cursor)? {
        None => Ok(None),
        Some(ListCursor::Ranked(score, id)) => Ok(Some((score, id))),
        Some(ListCursor::Id(_)) => Err(ApiError::BadRequest("invalid cursor".into())),
    }
}

/// Splits `rows` (fetched with `limit + 1`) into a page and the cursor of the next one.
pub fn page<R, T, C: Serialize>(
    mut rows: Vec<R>,
    limit: u64,
    position: impl Fn(&R) -> C,
    to_item: impl Fn(&R) -> T,
) -> ayuda_types::Page<T> {
    let more = rows.len() as u64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let next_cursor = if more {
        rows.last().map(|r| encode(&position(r)))
    } else {
        None
    };
    ayuda_types::Page {
        items: rows.iter().map(to_item).collect(),
        next_cursor,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let c = encode(&42i64);
        assert_eq!(decode::<i64>(Some(&c)).ok().flatten(), Some(42));
        assert!(decode::<i64>(Some("%%%")).is_err());
        assert!(decode::<i64>(Some("bm90IGpzb24")).is_err());
        assert_eq!(decode::<i64>(None).ok().flatten(), None);
    }

    #[test]
    fn limits_are_bounded() {
        assert_eq!(limit(None).ok(), Some(25));
        assert!(limit(Some(0)).is_err());
        assert!(limit(Some(101)).is_err());
    }

    #[test]
    fn page_reports_a_cursor_only_when_more_rows_exist() {
        let p = page(vec![5, 4, 3], 2, |r| *r, |r| *r);
        assert_eq!(p.items, vec![5, 4]);
        assert_eq!(p.next_cursor, Some(encode(&4)));
        let last = page(vec![2, 1], 2, |r| *r, |r| *r);
        assert_eq!(last.next_cursor, None);
    }
}
