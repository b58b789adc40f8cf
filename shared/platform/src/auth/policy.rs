//! Which roles may call which RPC: each service declares its table, the
//! auth layer enforces it before the handler runs, and the README's roles
//! table is written from the same lists. A method missing from the table
//! is refused for everyone (fail closed).

use super::Role;

/// One RPC's full path and the roles that may call it.
pub type Rule = (&'static str, &'static [Role]);

/// A service's table of [`Rule`]s.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub rules: &'static [Rule],
}

/// The access audit served by every service (R-CONF-1).
pub const ACCESS_AUDIT: Rule = (
    "/complaints.v1.AccessAudit/ListAccess",
    &[Role::DataProtectionOfficer, Role::ComplianceManager],
);

/// Retention and destruction (R-CONF-2), served by every service: the
/// data protection officer's alone.
pub const RETENTION: [Rule; 7] = [
    (
        "/complaints.v1.Retention/PlaceHold",
        &[Role::DataProtectionOfficer],
    ),
    (
        "/complaints.v1.Retention/LiftHold",
        &[Role::DataProtectionOfficer],
    ),
    (
        "/complaints.v1.Retention/Destroy",
        &[Role::DataProtectionOfficer],
    ),
    (
        "/complaints.v1.Retention/ListDestructions",
        &[Role::DataProtectionOfficer],
    ),
    (
        "/complaints.v1.Retention/ListDue",
        &[Role::DataProtectionOfficer],
    ),
    (
        "/complaints.v1.Retention/RunRetention",
        &[Role::DataProtectionOfficer],
    ),
    (
        "/complaints.v1.Retention/ListHolds",
        &[Role::DataProtectionOfficer],
    ),
];

/// Subject access (R-CONF-1, the right of access), served by every service
/// and listed in each service's own table: the data protection officer's
/// alone, as an export holds everything about a person.
pub const SUBJECT_ACCESS_EXPORT: Rule = (
    "/complaints.v1.SubjectAccess/Export",
    &[Role::DataProtectionOfficer],
);

/// Calls that need no token at all: load balancers and orchestrators probe
/// health without credentials.
pub fn is_open(path: &str) -> bool {
    path.starts_with("/grpc.health.v1.Health/")
}

/// Calls any authenticated caller may make: reflection describes the API,
/// not data.
fn is_any_authenticated(path: &str) -> bool {
    path.starts_with("/grpc.reflection.")
}

/// The gRPC service of a full method path (`/pkg.Service/Method`).
pub fn service_of(path: &str) -> Option<&str> {
    path.strip_prefix('/')?
        .split_once('/')
        .map(|(service, _)| service)
}

/// Health, and reflection in both the versions clients speak (grpcurl
/// before 1.8 and Python's grpcio-reflection ask `v1alpha`).
pub const INFRASTRUCTURE_SERVICES: [&str; 3] = [
    "grpc.health.v1.Health",
    "grpc.reflection.v1.ServerReflection",
    "grpc.reflection.v1alpha.ServerReflection",
];

impl Policy {
    /// The services this port serves: its own API (every service its table
    /// names), the access audit and retention every service serves, and
    /// [`INFRASTRUCTURE_SERVICES`]. Reflection lists exactly these.
    pub fn services(&self) -> Vec<&'static str> {
        let mut services: Vec<&'static str> = self
            .rules
            .iter()
            .chain([&ACCESS_AUDIT])
            .chain(RETENTION.iter())
            .filter_map(|(path, _)| service_of(path))
            .chain(INFRASTRUCTURE_SERVICES)
            .collect();
        services.sort_unstable();
        services.dedup();
        services
    }

    /// Whether `path` names a service this port serves: a call for another
    /// service's API is `UNIMPLEMENTED` here, not a refusal of its caller.
    pub fn serves(&self, path: &str) -> bool {
        service_of(path).is_some_and(|service| self.services().contains(&service))
    }

    /// The roles allowed on `path`; `None` when nobody is.
    pub fn allowed(&self, path: &str) -> Option<&'static [Role]> {
        if is_any_authenticated(path) {
            return Some(&Role::ALL);
        }
        if path == ACCESS_AUDIT.0 {
            return Some(ACCESS_AUDIT.1);
        }
        if let Some((_, roles)) = RETENTION.iter().find(|(method, _)| *method == path) {
            return Some(roles);
        }
        self.rules
            .iter()
            .find(|(method, _)| *method == path)
            .map(|(_, roles)| *roles)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: Policy = Policy {
        rules: &[("/x.v1.X/Get", &[Role::Handler])],
    };

    #[test]
    fn r_conf_1_an_rpc_missing_from_the_table_is_refused_for_everyone() {
        assert_eq!(POLICY.allowed("/x.v1.X/Get"), Some(&[Role::Handler][..]));
        assert_eq!(POLICY.allowed("/x.v1.X/Delete"), None);
        assert!(is_open("/grpc.health.v1.Health/Check"));
        assert!(!is_open("/x.v1.X/Get"));
        assert_eq!(POLICY.allowed(ACCESS_AUDIT.0), Some(ACCESS_AUDIT.1));
    }

    #[test]
    fn a_port_serves_its_own_api_the_platform_services_health_and_both_reflections() {
        assert_eq!(
            POLICY.services(),
            vec![
                "complaints.v1.AccessAudit",
                "complaints.v1.Retention",
                "grpc.health.v1.Health",
                "grpc.reflection.v1.ServerReflection",
                "grpc.reflection.v1alpha.ServerReflection",
                "x.v1.X",
            ]
        );
        assert!(POLICY.serves("/x.v1.X/Delete"));
        assert!(POLICY.serves("/complaints.v1.Retention/ListHolds"));
        assert!(!POLICY.serves("/complaints.v1.Intake/SubmitComplaint"));
        assert!(!POLICY.serves("not a path"));
    }
}
