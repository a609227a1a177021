//! Opaque, authenticated cursors and page limits for keyset pagination (SPEC section 3).
//!
//! A cursor names the last row of a page and nothing else: never a search score (which is
//! computed over text the caller may not see, internal notes included). It is signed with
//! a key derived from the server secret, so an edited or forged cursor is a 400 rather than
//! a way to probe the ranking.

use ayuda_types::{DEFAULT_PAGE_LIMIT, FieldError, MAX_PAGE_LIMIT};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::Sha256;

use crate::error::{ApiError, ApiResult};

type HmacSha256 = Hmac<Sha256>;

/// Bytes of the MAC kept in a cursor: 128 bits.
const TAG_BYTES: usize = 16;

/// The page size asked for: default 25, 1 to 100 allowed.
pub fn limit(requested: Option<u64>) -> ApiResult<u64> {
    match requested {
        None => Ok(DEFAULT_PAGE_LIMIT),
        Some(n) if (1..=MAX_PAGE_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::Validation(vec![
            FieldError::new(
                "limit",
                "out_of_range",
                format!("must be between 1 and {MAX_PAGE_LIMIT}"),
            )
            .with("min", 1)
            .with("max", MAX_PAGE_LIMIT as i64),
        ])),
    }
}

/// Where a list page ends: the last id of a newest-first list, or the last id of a ranked
/// search (whose score the next query computes again). Each kind of list accepts only its
/// own kind of cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ListCursor {
    /// After this id, newest first.
    #[serde(rename = "i")]
    Id(i64),
    /// After this row of a ranked search.
    #[serde(rename = "r")]
    Ranked(i64),
    /// After this row of a list in another order (its sort keys are read again from it).
    #[serde(rename = "s")]
    Sorted(i64),
}

/// Signs and checks cursors.
#[derive(Clone)]
pub struct Cursors {
    key: Vec<u8>,
}

impl Cursors {
    /// Cursors signed with a key derived from the server secret (a key of its own, so a
    /// cursor can never stand in for another signed value).
    pub fn new(secret: &[u8]) -> Self {
        Self {
            key: mac(secret, b"ayuda/pagination-cursor/v1"),
        }
    }

    /// Encodes the position after the last item of a page: base64 of JSON, a dot, and a MAC.
    pub fn encode<T: Serialize>(&self, position: &T) -> String {
        let payload = serde_json::to_vec(position).unwrap_or_default();
        let tag = mac(&self.key, &payload);
        format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(&payload),
            URL_SAFE_NO_PAD.encode(&tag[..TAG_BYTES])
        )
    }

    /// Decodes a cursor from [`Cursors::encode`]; anything else (edited, forged, of another
    /// server) is a 400.
    pub fn decode<T: DeserializeOwned>(&self, cursor: Option<&str>) -> ApiResult<Option<T>> {
        let Some(cursor) = cursor.filter(|c| !c.is_empty()) else {
            return Ok(None);
        };
        let bad = || ApiError::BadRequest("invalid cursor".into());
        let (payload, tag) = cursor.split_once('.').ok_or_else(bad)?;
        let payload = URL_SAFE_NO_PAD.decode(payload).map_err(|_| bad())?;
        let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| bad())?;
        if tag.len() != TAG_BYTES {
            return Err(bad());
        }
        let mut check = HmacSha256::new_from_slice(&self.key).map_err(|_| bad())?;
        check.update(&payload);
        check.verify_truncated_left(&tag).map_err(|_| bad())?;
        serde_json::from_slice(&payload)
            .map(Some)
            .map_err(|_| bad())
    }

    /// The id a newest-first page continues after; another kind of cursor is a 400.
    pub fn decode_id(&self, cursor: Option<&str>) -> ApiResult<Option<i64>> {
        self.decode_kind(cursor, |c| match c {
            ListCursor::Id(id) => Some(id),
            _ => None,
        })
    }

    /// The row a ranked page continues after; another kind of cursor is a 400.
    pub fn decode_ranked(&self, cursor: Option<&str>) -> ApiResult<Option<i64>> {
        self.decode_kind(cursor, |c| match c {
            ListCursor::Ranked(id) => Some(id),
            _ => None,
        })
    }

    /// The row a page in another order continues after; another kind of cursor is a 400.
    pub fn decode_sorted(&self, cursor: Option<&str>) -> ApiResult<Option<i64>> {
        self.decode_kind(cursor, |c| match c {
            ListCursor::Sorted(id) => Some(id),
            _ => None,
        })
    }

    fn decode_kind(
        &self,
        cursor: Option<&str>,
        of_kind: fn(ListCursor) -> Option<i64>,
    ) -> ApiResult<Option<i64>> {
        match self.decode(cursor)? {
            None => Ok(None),
            Some(c) => of_kind(c)
                .map(Some)
                .ok_or_else(|| ApiError::BadRequest("invalid cursor".into())),
        }
    }

    /// Splits `rows` (fetched with `limit + 1`) into a page and the cursor of the next one.
    pub fn page<R, T, C: Serialize>(
        &self,
        rows: Vec<R>,
        limit: u64,
        position: impl Fn(&R) -> C,
        to_item: impl Fn(&R) -> T,
    ) -> ayuda_types::Page<T> {
        match self.try_page(rows, limit, position, |r| {
            Ok::<_, std::convert::Infallible>(to_item(r))
        }) {
            Ok(page) => page,
        }
    }

    /// [`Cursors::page`] with a conversion that can fail (a stored value Ayuda does not
    /// know): the first failure is the answer.
    pub fn try_page<R, T, C: Serialize, E>(
        &self,
        mut rows: Vec<R>,
        limit: u64,
        position: impl Fn(&R) -> C,
        to_item: impl Fn(&R) -> Result<T, E>,
    ) -> Result<ayuda_types::Page<T>, E> {
        let more = rows.len() as u64 > limit;
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        let next_cursor = if more {
            rows.last().map(|r| self.encode(&position(r)))
        } else {
            None
        };
        Ok(ayuda_types::Page {
            items: rows.iter().map(to_item).collect::<Result<_, E>>()?,
            next_cursor,
        })
    }
}

fn mac(key: &[u8], data: &[u8]) -> Vec<u8> {
    // HMAC takes keys of any length, so this cannot fail.
    match HmacSha256::new_from_slice(key) {
        Ok(mut m) => {
            m.update(data);
            m.finalize().into_bytes().to_vec()
        }
        Err(_) => vec![0; 32],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cursors() -> Cursors {
        Cursors::new(b"a server secret of enough length, for tests")
    }

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let cursors = cursors();
        let c = cursors.encode(&42i64);
        assert_eq!(cursors.decode::<i64>(Some(&c)).ok().flatten(), Some(42));
        assert!(cursors.decode::<i64>(Some("%%%")).is_err());
        assert!(cursors.decode::<i64>(Some("bm90IGpzb24")).is_err());
        assert_eq!(cursors.decode::<i64>(None).ok().flatten(), None);
    }

    #[test]
    fn edited_or_foreign_cursors_are_refused() {
        let cursors = cursors();
        let c = cursors.encode(&ListCursor::Id(1030));
        let (_, tag) = c.split_once('.').unwrap_or_default();
        let edited = format!("{}.{tag}", URL_SAFE_NO_PAD.encode(br#"{"i":1029}"#));
        assert!(cursors.decode::<ListCursor>(Some(&edited)).is_err());
        let unsigned = URL_SAFE_NO_PAD.encode(br#"{"i":1030}"#);
        assert!(cursors.decode::<ListCursor>(Some(&unsigned)).is_err());
        let other = Cursors::new(b"another server's secret, also long enough");
        assert!(other.decode::<ListCursor>(Some(&c)).is_err());
        let short_tag = &c[..c.len() - 4];
        assert!(cursors.decode::<ListCursor>(Some(short_tag)).is_err());
    }

    #[test]
    fn each_kind_of_list_takes_its_own_cursor() {
        let cursors = cursors();
        let ranked = cursors.encode(&ListCursor::Ranked(7));
        let plain = cursors.encode(&ListCursor::Id(7));
        assert_eq!(cursors.decode_ranked(Some(&ranked)).ok().flatten(), Some(7));
        assert_eq!(cursors.decode_id(Some(&plain)).ok().flatten(), Some(7));
        assert!(cursors.decode_id(Some(&ranked)).is_err());
        assert!(cursors.decode_ranked(Some(&plain)).is_err());
    }

    #[test]
    fn limits_are_bounded() {
        assert_eq!(limit(None).ok(), Some(25));
        assert!(limit(Some(0)).is_err());
        assert!(limit(Some(101)).is_err());
    }

    #[test]
    fn page_reports_a_cursor_only_when_more_rows_exist() {
        let cursors = cursors();
        let p = cursors.page(vec![5, 4, 3], 2, |r| *r, |r| *r);
        assert_eq!(p.items, vec![5, 4]);
        assert_eq!(p.next_cursor, Some(cursors.encode(&4)));
        let last = cursors.page(vec![2, 1], 2, |r| *r, |r| *r);
        assert_eq!(last.next_cursor, None);
    }
}
