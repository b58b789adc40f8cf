//! Who may reach which complaint's correspondence (R-CONF-1), beyond the
//! per-RPC roles the auth layer checked: handlers and managers only their
//! own or their team's complaints, as in the complaints service. The
//! holder comes from the complaint's own events this service applies
//! (`HandlerAssigned`, `ReferredToLineManager`). Every read of letters'
//! text or addresses is recorded in the access audit, every refusal too.

use crate::store::{self, StoreError};
use platform::auth::{AccessAudit, Principal};
use sqlx::PgConnection;
use tonic::Status;

/// The full gRPC method, for the access audit.
pub fn method(name: &str) -> String {
    format!("/complaints.v1.Notifications/{name}")
}

/// The handler and team holding the party's complaint now; empty while
/// nobody does.
pub async fn holder(
    conn: &mut PgConnection,
    party_key: &str,
) -> Result<(String, String), StoreError> {
    let party = store::load_party(conn, party_key).await?;
    Ok(party
        .handler
        .map(|h| (h.staff_id, h.team))
        .unwrap_or_default())
}

/// What a caller wants of a complaint's letters: to read them (the
/// monitors of R-MON-1 read every team's), or to act on them (resend, mark
/// posted), which stays with the team holding the complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Read,
    Handle,
}

/// Whether `who` may act on the party's complaint's letters (R-CONF-1):
/// monitoring gives no more than reading.
pub async fn may_handle(
    conn: &mut PgConnection,
    who: &Principal,
    party_key: &str,
) -> Result<bool, StoreError> {
    if who.handles_everything() {
        return Ok(true);
    }
    let (handler, team) = holder(conn, party_key).await?;
    Ok(who.may_handle(&handler, &team))
}

/// Whether `who` may reach the complaint of `party`, already folded (a
/// page of the print queue reads its parties in one statement).
pub fn reaches(who: &Principal, party: Option<&crate::core::Party>) -> bool {
    if who.sees_everything() {
        return true;
    }
    let (handler, team) = party
        .and_then(|p| p.handler.as_ref())
        .map(|h| (h.staff_id.as_str(), h.team.as_str()))
        .unwrap_or_default();
    who.may_reach(handler, team)
}

/// Whether `who` may reach the party's complaint.
pub async fn may_reach(
    conn: &mut PgConnection,
    who: &Principal,
    party_key: &str,
) -> Result<bool, StoreError> {
    if who.sees_everything() {
        return Ok(true);
    }
    let (handler, team) = holder(conn, party_key).await?;
    Ok(who.may_reach(&handler, &team))
}

/// Refuses, and records the refusal, unless `who` may reach the party's
/// complaint `reference` as `need` asks.
pub async fn check(
    conn: &mut PgConnection,
    audit: &AccessAudit,
    who: &Principal,
    (method, need): (&str, Need),
    reference: &str,
    party_key: &str,
) -> Result<(), Status> {
    let allowed = match need {
        Need::Read => may_reach(conn, who, party_key).await,
        Need::Handle => may_handle(conn, who, party_key).await,
    };
    match allowed {
        Ok(true) => Ok(()),
        Ok(false) => Err(audit.refused(who, method, reference).await),
        Err(e) => Err(crate::grpc::store_status(e)),
    }
}

/// Records that `who` read `reference`'s correspondence through `method`;
/// nothing is served when the read cannot be recorded.
pub async fn read(
    audit: &AccessAudit,
    who: &Principal,
    method: &str,
    reference: &str,
) -> Result<(), Status> {
    audit.read(who, method, reference).await
}
