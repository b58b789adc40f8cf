//! Who is calling, as the verified token says.

use super::Role;
use std::collections::BTreeSet;

/// The authenticated caller of one request. The auth layer puts it in the
/// request's extensions; handlers read it with [`Principal::of`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The token's `sub`: a staff id or an account name. Never personal
    /// data of a complainant.
    pub subject: String,
    pub roles: BTreeSet<Role>,
    /// The staff member's team (`team` claim), for per-record checks.
    pub team: Option<String>,
}

impl Principal {
    /// The caller of `request`. Every request the auth layer let through
    /// has one; its absence is a wiring bug, answered as UNAUTHENTICATED
    /// rather than served.
    pub fn of<T>(request: &tonic::Request<T>) -> Result<&Principal, tonic::Status> {
        request
            .extensions()
            .get::<Principal>()
            .ok_or_else(|| tonic::Status::unauthenticated("no verified bearer token"))
    }

    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    pub fn has_any(&self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.has(*r))
    }

    /// The roles as recorded in the access audit: `handler,manager`.
    pub fn roles_label(&self) -> String {
        self.roles
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Whether this caller monitors complaints (R-MON-1): the Head of
    /// Customer Experience, a Customer Service Manager or the Corporate
    /// Compliance Manager, who see every open complaint with its deadlines
    /// whichever team holds it.
    pub fn monitors(&self) -> bool {
        self.has_any(&[
            Role::HeadOfCustomerExperience,
            Role::CustomerServiceManager,
            Role::ComplianceManager,
        ])
    }

    /// Whether this caller may read every record, not only their team's:
    /// the monitors (R-MON-1) and the data protection officer.
    pub fn sees_everything(&self) -> bool {
        self.monitors() || self.has(Role::DataProtectionOfficer)
    }

    /// Whether this caller may handle every complaint, whichever team
    /// holds it: the Corporate Compliance Manager alone, who is allocated
    /// every Stage 3 (R-S3-3). Monitoring gives no more than reading.
    pub fn handles_everything(&self) -> bool {
        self.has(Role::ComplianceManager)
    }

    /// Whether this caller may read a complaint held by `handler` in
    /// `team` (R-CONF-1, R-MON-1): everything for the monitors and the data
    /// protection officer; otherwise what they may handle
    /// ([`Principal::may_handle`]).
    pub fn may_reach(&self, handler: &str, team: &str) -> bool {
        self.sees_everything() || self.within_team(handler, team)
    }

    /// Whether this caller may act on a complaint held by `handler` in
    /// `team` (R-CONF-1): everything for the Corporate Compliance Manager;
    /// otherwise a handler their own or their team's complaints, and a
    /// manager their team's and those not yet given to any team (to assign
    /// them). A monitor who is also a handler or manager handles only that
    /// team's.
    pub fn may_handle(&self, handler: &str, team: &str) -> bool {
        self.handles_everything() || self.within_team(handler, team)
    }

    /// A handler's own or team's complaint, or a manager's team's or
    /// unallocated one.
    fn within_team(&self, handler: &str, team: &str) -> bool {
        let own_team = self
            .team
            .as_deref()
            .is_some_and(|t| !t.is_empty() && t == team);
        let handler_may = self.has(Role::Handler) && (handler == self.subject || own_team);
        let manager_may = self.has(Role::Manager) && (own_team || team.is_empty());
        handler_may || manager_may
    }

    /// PERMISSION_DENIED for this caller on `what`.
    pub fn denied(&self, what: &str) -> tonic::Status {
        tonic::Status::permission_denied(format!(
            "R-CONF-1: {} ({}) may not {what}",
            self.subject,
            self.roles_label()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(roles: &[Role], team: Option<&str>) -> Principal {
        Principal {
            subject: "s.jones".into(),
            roles: roles.iter().copied().collect(),
            team: team.map(str::to_owned),
        }
    }

    #[test]
    fn r_conf_1_a_handler_reaches_their_own_and_their_teams_complaints_only() {
        let handler = principal(&[Role::Handler], Some("north"));
        assert!(handler.may_reach("s.jones", "south"));
        assert!(handler.may_reach("a.other", "north"));
        assert!(!handler.may_reach("a.other", "south"));
        assert!(!handler.may_reach("", ""));
    }

    #[test]
    fn r_conf_1_a_manager_reaches_their_team_and_unassigned_complaints() {
        let manager = principal(&[Role::Manager], Some("north"));
        assert!(manager.may_reach("x", "north"));
        assert!(manager.may_reach("", ""));
        assert!(!manager.may_reach("x", "south"));
    }

    #[test]
    fn r_mon_1_a_customer_service_manager_reads_every_complaint_and_handles_none() {
        let csm = principal(&[Role::CustomerServiceManager], None);
        assert!(csm.monitors());
        assert!(csm.sees_everything());
        assert!(csm.may_reach("x", "south"));
        assert!(csm.may_reach("", ""));
        assert!(!csm.may_handle("x", "south"));
        assert!(!csm.may_handle("s.jones", ""));
    }

    #[test]
    fn r_mon_1_a_monitor_who_manages_a_team_reads_every_team_but_handles_only_theirs() {
        let csm = principal(
            &[Role::CustomerServiceManager, Role::Manager],
            Some("north"),
        );
        assert!(csm.may_reach("x", "south"));
        assert!(csm.may_handle("x", "north"));
        assert!(csm.may_handle("", ""));
        assert!(!csm.may_handle("x", "south"));
        let head = principal(
            &[Role::HeadOfCustomerExperience, Role::Handler],
            Some("north"),
        );
        assert!(head.may_reach("x", "south"));
        assert!(!head.may_handle("x", "south"));
    }

    #[test]
    fn r_mon_1_the_monitors_are_the_head_the_customer_service_managers_and_the_compliance_manager()
    {
        for role in Role::ALL {
            let monitors = matches!(
                role,
                Role::HeadOfCustomerExperience
                    | Role::CustomerServiceManager
                    | Role::ComplianceManager
            );
            assert_eq!(principal(&[role], None).monitors(), monitors, "{role}");
        }
        assert!(!principal(&[Role::Manager], Some("north")).may_reach("x", "south"));
    }

    #[test]
    fn r_conf_1_the_compliance_manager_reaches_everything_and_the_committee_nothing() {
        assert!(principal(&[Role::ComplianceManager], None).may_reach("x", "south"));
        assert!(principal(&[Role::ComplianceManager], None).may_handle("x", "south"));
        assert!(!principal(&[Role::Committee], None).may_reach("x", "south"));
        assert!(!principal(&[Role::Operator], None).may_reach("", ""));
    }
}
