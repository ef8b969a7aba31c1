//! List pages with opaque `nextToken`s.
//!
//! A token is the revision of the last record returned, sealed so that clients cannot craft
//! or misuse one (a ListRooms token is refused by ListLoggingConfigurations). Because lists
//! walk the revision index newest first, a page is found without scanning what came before.

use super::ChatService;
use super::validate::Check;
use crate::error::Result;
use crate::seal::Purpose;
use crate::state::{Record, Table};

/// Model: `maxResults` defaults to 50 (and is at most 50).
const DEFAULT_PAGE_SIZE: usize = 50;

pub struct Page<T> {
    pub items: Vec<T>,
    pub next_token: Option<String>,
}

impl ChatService {
    pub(super) fn page<T: Record + Clone>(
        &self,
        purpose: Purpose,
        table: &Table<T>,
        next_token: Option<&str>,
        max_results: Option<i64>,
        filter: impl Fn(&T) -> bool,
    ) -> Result<Page<T>> {
        let before = match next_token {
            None | Some("") => None,
            Some(token) => match self.open_cursor(purpose, token) {
                Some(revision) => Some(revision),
                None => {
                    let mut check = Check::new();
                    check.fail(
                        "nextToken",
                        "The pagination token is invalid or has expired",
                    );
                    check.finish()?;
                    None
                }
            },
        };
        let size = max_results.map_or(DEFAULT_PAGE_SIZE, |n| n as usize);
        let mut matching = table.newest_first(before).filter(|r| filter(r));
        let items: Vec<T> = matching.by_ref().take(size).cloned().collect();
        let next_token = match (items.last(), matching.next()) {
            (Some(last), Some(_)) => {
                Some(self.sealer.seal(purpose, &last.revision().to_be_bytes()))
            }
            _ => None,
        };
        Ok(Page { items, next_token })
    }

    fn open_cursor(&self, purpose: Purpose, token: &str) -> Option<u64> {
        let bytes = self.sealer.open(purpose, token)?;
        Some(u64::from_be_bytes(bytes.try_into().ok()?))
    }
}
