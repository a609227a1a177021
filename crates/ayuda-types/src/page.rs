//! Keyset-paginated lists.

use serde::{Deserialize, Serialize};

/// Default number of items per page.
pub const DEFAULT_PAGE_LIMIT: u64 = 25;
/// Largest `limit` a list accepts.
pub const MAX_PAGE_LIMIT: u64 = 100;

/// One page of a list: `next_cursor` is `null` on the last page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    /// The items of this page, in the list's order.
    pub items: Vec<T>,
    /// Pass as `?cursor=` to get the next page; `null` when there is none.
    pub next_cursor: Option<String>,
}

/// `?limit=&cursor=` of any list endpoint.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct PageParams {
    /// Items per page, 1 to 100 (default 25).
    pub limit: Option<u64>,
    /// Opaque cursor from the previous page's `next_cursor`.
    pub cursor: Option<String>,
}
