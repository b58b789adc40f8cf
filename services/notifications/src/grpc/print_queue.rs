//! The print queue (R-CORR-1) one page at a time, and one letter of it
//! ready to print. A page lists what staff choose from (reference, letter,
//! addressee, when queued); the address, the text and the PDF are made
//! for one letter when it is opened or downloaded, so a view of the queue
//! costs the same whether five letters wait or five thousand.

use super::{NotificationsApi, id_of, internal, store_status};
use crate::reach;
use crate::store::{self, print_queue::From, print_queue::Key, print_queue::Waiting};
use complaints_proto::v1 as pb;
use platform::auth::Principal;
use platform::grpc::FieldViolation;
use platform::limits::MAX_LIST_ROWS;
use sqlx::PgConnection;
use std::collections::{BTreeSet, HashMap};
use tonic::Status;

/// A `ListPrintQueue` request read at the edge, touching nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PageRequest {
    pub size: usize,
    pub from: From,
}

/// Reads `r`: every wrong field at once, INVALID_ARGUMENT naming each.
pub(crate) fn page_request(r: &pb::ListPrintQueueRequest) -> Result<PageRequest, Status> {
    let mut violations = Vec::new();
    let size = platform::limits::page_size("page_size", r.page_size)
        .map_err(|v| violations.push(v))
        .ok();
    let from = if r.page_token.is_empty() {
        Some(From::Start)
    } else {
        let from = page_token::decode(&r.page_token);
        if from.is_none() {
            violations.push(FieldViolation {
                field: "page_token".into(),
                rule: "R-CORR-1",
                description: "is not a page token this service gave out".into(),
            });
        }
        from
    };
    match (size, from) {
        (Some(size), Some(from)) => Ok(PageRequest {
            size: size as usize,
            from,
        }),
        _ => Err(platform::grpc::invalid_argument(&violations)),
    }
}

/// Keyset paging: a page token names a place in the queue and a direction,
/// `a<micros>.<id>` for the letters after it and `b<micros>.<id>` for those
/// before it. It carries no personal data, and a token naming another
/// place than one given out only pages from there.
pub(crate) mod page_token {
    use super::{From, Key};
    use chrono::{DateTime, Datelike};
    use uuid::Uuid;

    pub fn encode(from: From) -> String {
        match from {
            From::Start => String::new(),
            From::After(key) => format!("a{}", key_text(key)),
            From::Before(key) => format!("b{}", key_text(key)),
        }
    }

    fn key_text(key: Key) -> String {
        format!("{}.{}", key.queued_at.timestamp_micros(), key.id)
    }

    /// The place `token` names; `None` for anything not written by
    /// [`encode`], or naming a time outside the years the platform keeps.
    pub fn decode(token: &str) -> Option<From> {
        if token.len() > 64 {
            return None;
        }
        let (direction, key) = (token.get(..1)?, token.get(1..)?);
        let (micros, id) = key.split_once('.')?;
        let queued_at = DateTime::from_timestamp_micros(micros.parse().ok()?)?;
        let years = platform::limits::FIRST_YEAR..=platform::limits::LAST_YEAR;
        if !years.contains(&queued_at.year()) {
            return None;
        }
        let key = Key {
            queued_at,
            id: Uuid::parse_str(id).ok()?,
        };
        match direction {
            "a" => Some(From::After(key)),
            "b" => Some(From::Before(key)),
            _ => None,
        }
    }
}

/// What one read of the queue found for a page.
struct Scan {
    /// The page's letters, in the order read (nearest first).
    rows: Vec<Waiting>,
    parties: HashMap<String, crate::core::Party>,
    /// More letters the caller may reach lie beyond the page.
    more: bool,
    /// The read stopped after [`MAX_LIST_ROWS`] letters without filling
    /// the page; `last` is where it stopped.
    truncated: bool,
    last: Option<Key>,
}

/// Reads the queue from `from` until the page and one more letter the
/// caller may reach are found, or the queue ends, or [`MAX_LIST_ROWS`]
/// letters were looked at. A caller who reaches every letter needs one
/// statement; a handler, whose team holds some complaints only, may need
/// several, each with one statement for its letters' parties.
async fn scan(
    conn: &mut PgConnection,
    who: &Principal,
    from: From,
    size: usize,
) -> Result<Scan, Status> {
    let want = size + 1;
    let everything = who.sees_everything();
    let (mut cursor, mut rows, mut parties) = (from, Vec::new(), HashMap::new());
    let (mut scanned, mut truncated, mut last) = (0, false, None);
    loop {
        let limit = if everything {
            want
        } else {
            want.min(MAX_LIST_ROWS - scanned)
        };
        let batch = store::print_queue::read(conn, cursor, limit)
            .await
            .map_err(store_status)?;
        let ended = batch.len() < limit;
        scanned += batch.len();
        if let Some(key) = batch.last().map(Waiting::key) {
            last = Some(key);
            cursor = match from {
                From::Before(_) => From::Before(key),
                From::Start | From::After(_) => From::After(key),
            };
        }
        let unread: BTreeSet<String> = batch
            .iter()
            .filter(|w| !parties.contains_key(&w.party_key))
            .map(|w| w.party_key.clone())
            .collect();
        let unread: Vec<String> = unread.into_iter().collect();
        parties.extend(
            store::print_queue::parties(conn, &unread)
                .await
                .map_err(store_status)?,
        );
        for w in batch {
            if rows.len() == want {
                break;
            }
            if reach::reaches(who, parties.get(&w.party_key)) {
                rows.push(w);
            }
        }
        if rows.len() == want || ended {
            break;
        }
        if scanned >= MAX_LIST_ROWS {
            truncated = true;
            break;
        }
    }
    let more = rows.len() == want;
    rows.truncate(size);
    Ok(Scan {
        rows,
        parties,
        more,
        truncated,
        last,
    })
}

impl NotificationsApi {
    /// One page of the letters waiting to be printed that the caller may
    /// reach, each reference on it recorded as read (names are personal
    /// data) in one write to the access audit.
    pub(super) async fn print_queue_page(
        &self,
        who: &Principal,
        request: PageRequest,
    ) -> Result<pb::ListPrintQueueResponse, Status> {
        let mut conn = self.pool.acquire().await.map_err(internal)?;
        let mut from = request.from;
        let mut scan = scan(&mut conn, who, from, request.size).await?;
        if matches!(from, From::Before(_)) && !scan.more && !scan.truncated {
            // Paging back reached the oldest letter: that page is the first,
            // as full as a first page is.
            from = From::Start;
            scan = self::scan(&mut conn, who, from, request.size).await?;
        }
        let mut rows = scan.rows;
        let beyond = |key: Option<Key>, f: fn(Key) -> From| key.map(f).unwrap_or(From::Start);
        let (next, previous) = match from {
            From::Before(_) => {
                rows.reverse();
                let previous = if scan.more {
                    beyond(rows.first().map(Waiting::key), From::Before)
                } else {
                    beyond(scan.last, From::Before)
                };
                (beyond(rows.last().map(Waiting::key), From::After), previous)
            }
            From::Start | From::After(_) => {
                let next = if scan.more {
                    beyond(rows.last().map(Waiting::key), From::After)
                } else if scan.truncated {
                    beyond(scan.last, From::After)
                } else {
                    From::Start
                };
                let previous = match from {
                    From::Start => From::Start,
                    _ => beyond(rows.first().map(Waiting::key), From::Before),
                };
                (next, previous)
            }
        };
        let references: BTreeSet<String> = rows.iter().map(|w| w.reference.clone()).collect();
        let references: Vec<String> = references.into_iter().collect();
        self.audit
            .read_all(who, &reach::method("ListPrintQueue"), &references)
            .await?;
        let waiting = if who.sees_everything() {
            Some(
                store::print_queue::count(&mut conn)
                    .await
                    .map_err(store_status)?,
            )
        } else {
            None
        };
        let parties = scan.parties;
        Ok(pb::ListPrintQueueResponse {
            items: rows
                .into_iter()
                .map(|w| {
                    let party = parties.get(&w.party_key);
                    crate::printing::listed_item(w, party)
                })
                .collect(),
            next_page_token: page_token::encode(next),
            previous_page_token: page_token::encode(previous),
            truncated: scan.truncated,
            waiting,
        })
    }

    /// One letter waiting to be posted, ready to print, its read recorded.
    pub(super) async fn print_letter(
        &self,
        who: &Principal,
        request: pb::GetPrintLetterRequest,
    ) -> Result<pb::PrintItem, Status> {
        let id = id_of("notification_id", &request.notification_id)?;
        let mut conn = self.pool.acquire().await.map_err(internal)?;
        let row = store::get(&mut conn, id)
            .await
            .map_err(store_status)?
            .ok_or_else(|| Status::not_found(format!("notification {id} is not known")))?;
        let method = reach::method("GetPrintLetter");
        reach::check(
            &mut conn,
            &self.audit,
            who,
            (&method, reach::Need::Read),
            &row.reference,
            &row.party_key,
        )
        .await?;
        let waiting = row.channel == pb::DeliveryChannel::Post as i32
            && row.status == pb::NotificationStatus::Queued as i32;
        if !waiting {
            return Err(Status::failed_precondition(format!(
                "R-CORR-1: notification {id} is not a letter waiting to be posted"
            )));
        }
        reach::read(&self.audit, who, &method, &row.reference).await?;
        let party = store::load_party(&mut conn, &row.party_key)
            .await
            .map_err(store_status)?;
        Ok(crate::printing::print_item(
            row,
            Some(&party),
            &self.letter_address,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn key() -> Key {
        Key {
            queued_at: chrono::Utc
                .with_ymd_and_hms(2026, 3, 4, 10, 11, 12)
                .unwrap(),
            id: uuid::Uuid::from_u128(42),
        }
    }

    #[test]
    fn a_page_token_names_the_place_and_direction_it_was_given_for() {
        for from in [From::After(key()), From::Before(key())] {
            assert_eq!(page_token::decode(&page_token::encode(from)), Some(from));
        }
        assert_eq!(page_token::encode(From::Start), "");
    }

    #[test]
    fn a_tampered_page_token_is_refused_naming_it() {
        let good = page_token::encode(From::After(key()));
        let far = format!("a{}.{}", i64::MAX, key().id);
        let before_2000 = format!("a{}.{}", -1_000_000_000_000_000_i64, key().id);
        for token in [
            "x",
            "a",
            "c1.00000000-0000-0000-0000-000000000001",
            &good[..good.len() - 1],
            &good.replace('.', "_"),
            &far,
            &before_2000,
            &format!("{good}{}", "0".repeat(100)),
        ] {
            let refused = page_request(&pb::ListPrintQueueRequest {
                page_size: 0,
                page_token: token.to_owned(),
            })
            .unwrap_err();
            assert_eq!(refused.code(), tonic::Code::InvalidArgument, "{token}");
            assert!(refused.message().starts_with("page_token:"), "{token}");
        }
    }

    #[test]
    fn a_page_size_of_0_is_the_default_and_over_500_is_refused_naming_it() {
        let asked = |page_size| pb::ListPrintQueueRequest {
            page_size,
            page_token: String::new(),
        };
        assert_eq!(
            page_request(&asked(0)).unwrap().size,
            platform::limits::DEFAULT_PAGE_SIZE as usize
        );
        assert_eq!(page_request(&asked(500)).unwrap().size, 500);
        let refused = page_request(&asked(501)).unwrap_err();
        assert!(refused.message().starts_with("page_size:"));
        let both = page_request(&pb::ListPrintQueueRequest {
            page_size: 501,
            page_token: "x".into(),
        })
        .unwrap_err();
        assert!(both.message().contains("page_size:"));
        assert!(both.message().contains("page_token:"));
    }
}
