//! A link's token is a capability: it must not reach a trace or a log
//! line. This layer runs before every other (even the request span, which
//! records the path): it moves the token of `/follow/{token}` and
//! `/consent/{token}` out of the path into a request extension
//! ([`LinkToken`]) and leaves `/follow/-` in its place.

use axum::extract::Request;
use axum::http::Uri;
use axum::middleware::Next;
use axum::response::Response;

/// The token taken out of the path.
#[derive(Debug, Clone)]
pub struct LinkToken(pub String);

/// The path with the token replaced, and the token, for a link path.
fn split(path: &str) -> Option<(&'static str, &str)> {
    for prefix in ["/follow/", "/consent/"] {
        if let Some(token) = path.strip_prefix(prefix)
            && !token.is_empty()
            && !token.contains('/')
        {
            let hidden = if prefix == "/follow/" {
                "/follow/-"
            } else {
                "/consent/-"
            };
            return Some((hidden, token));
        }
    }
    None
}

pub async fn out_of_the_path(mut request: Request, next: Next) -> Response {
    let found = split(request.uri().path()).map(|(hidden, token)| (hidden, token.to_owned()));
    if let Some((hidden, token)) = found
        && let Ok(uri) = hidden.parse::<Uri>()
    {
        *request.uri_mut() = uri;
        request.extensions_mut().insert(LinkToken(token));
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_links_last_segment_is_taken_out() {
        assert_eq!(
            split("/follow/v1.f.X.1.m"),
            Some(("/follow/-", "v1.f.X.1.m"))
        );
        assert_eq!(split("/consent/abc"), Some(("/consent/-", "abc")));
        assert_eq!(split("/follow/"), None);
        assert_eq!(split("/follow/a/b"), None);
        assert_eq!(split("/your-complaint"), None);
    }
}
