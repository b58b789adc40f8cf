//! The complaints platform's protobuf contracts, `complaints.v1`.
//!
//! The code is generated from `proto/` at build time and never committed.
#![forbid(unsafe_code)]

mod bearer;
pub use bearer::BearerToken;

#[allow(missing_debug_implementations, clippy::all)]
pub mod v1 {
    tonic::include_proto!("complaints.v1");
}

/// Encoded descriptors of every `complaints.v1` file, for server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/complaints_v1_descriptor.bin"));

/// Debug for messages holding personal or sensitive data: it says the value
/// is there without printing it, so a `{:?}` in a log line leaks nothing.
macro_rules! redacted_debug {
    ($($message:ident),*) => {$(
        impl std::fmt::Debug for v1::$message {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($message), " { .. redacted .. }"))
            }
        }
    )*};
}

redacted_debug!(
    Person,
    PostalAddress,
    ThirdParty,
    Attachment,
    EqualityMonitoring
);

#[cfg(test)]
mod tests {
    use super::v1::Person;

    #[test]
    fn debug_output_of_a_person_holds_no_personal_data() {
        let person = Person {
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            email: "ada@example.org".into(),
            ..Default::default()
        };
        let printed = format!("{person:?}");
        assert!(!printed.contains("Ada"));
        assert!(!printed.contains("Lovelace"));
        assert!(!printed.contains("ada@example.org"));
    }
}
