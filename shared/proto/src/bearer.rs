//! The client side of the services' bearer tokens: every tool and test
//! that calls the services attaches the token the same way.

use tonic::metadata::{AsciiMetadataValue, errors::InvalidMetadataValue};
use tonic::service::Interceptor;

/// Adds `authorization: Bearer <token>` to every request when a token was
/// given; `None` (or a blank token) sends no header, and the services
/// answer UNAUTHENTICATED (health aside).
#[derive(Debug, Clone, Default)]
pub struct BearerToken(Option<AsciiMetadataValue>);

impl BearerToken {
    /// A token that cannot be a header value (not printable ASCII) is
    /// refused here, before any call.
    pub fn new(token: Option<&str>) -> Result<Self, InvalidMetadataValue> {
        let Some(token) = token.map(str::trim).filter(|t| !t.is_empty()) else {
            return Ok(Self(None));
        };
        let mut value: AsciiMetadataValue = format!("Bearer {token}").parse()?;
        // Keeps the token out of any debug print of the request.
        value.set_sensitive(true);
        Ok(Self(Some(value)))
    }
}

impl Interceptor for BearerToken {
    fn call(
        &mut self,
        mut request: tonic::Request<()>,
    ) -> Result<tonic::Request<()>, tonic::Status> {
        if let Some(value) = &self.0 {
            request
                .metadata_mut()
                .insert("authorization", value.clone());
        }
        Ok(request)
    }
}
