//! The roles a token can carry (README "Roles"). Names are the strings in
//! the token's `roles` claim.

use std::fmt;
use std::str::FromStr;

/// What a caller is allowed to do, from the token's `roles` claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// The member portal and email gateway: submit, and read back only
    /// their own submissions.
    Portal,
    /// Customer-service staff: complaints assigned to them or their team.
    Handler,
    /// A line manager: their team's complaints, Stage 2.
    Manager,
    /// A Customer Service Manager, one of the people who monitor
    /// complaints (R-MON-1): reads every open complaint and its deadlines
    /// across teams. Monitoring is not handling: commands need `handler` or
    /// `manager` as well, and stay within that team.
    CustomerServiceManager,
    /// The Corporate Compliance Manager: every complaint, Stage 3.
    ComplianceManager,
    /// The Head of Customer Experience: reads everything, and reports.
    HeadOfCustomerExperience,
    /// The Audit and Risk Committee: anonymised reporting only.
    Committee,
    /// The data protection officer: retention, holds, subject access,
    /// destruction.
    DataProtectionOfficer,
    /// Operators: health, metrics and trace ids, no personal data.
    Operator,
}

impl Role {
    pub const ALL: [Role; 9] = [
        Role::Portal,
        Role::Handler,
        Role::Manager,
        Role::CustomerServiceManager,
        Role::ComplianceManager,
        Role::HeadOfCustomerExperience,
        Role::Committee,
        Role::DataProtectionOfficer,
        Role::Operator,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Portal => "portal",
            Role::Handler => "handler",
            Role::Manager => "manager",
            Role::CustomerServiceManager => "customer_service_manager",
            Role::ComplianceManager => "compliance_manager",
            Role::HeadOfCustomerExperience => "head_of_customer_experience",
            Role::Committee => "committee",
            Role::DataProtectionOfficer => "data_protection_officer",
            Role::Operator => "operator",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown role {s:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::Role;

    #[test]
    fn every_role_reads_back_from_its_name() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn r_mon_1_a_customer_service_manager_is_a_role_of_its_own() {
        assert_eq!(
            "customer_service_manager".parse::<Role>(),
            Ok(Role::CustomerServiceManager)
        );
        assert_ne!(Role::CustomerServiceManager, Role::Manager);
    }
}
