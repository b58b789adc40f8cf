//! `multipart/form-data` (RFC 7578), read from a body already bounded in
//! size: the text fields and the uploaded files. Written here because the
//! form needs only this much of it; anything malformed is refused whole.

use bytes_view::find;

/// One uploaded file as the browser sent it.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The form field it came in.
    pub field: String,
    pub file_name: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// What a multipart body holds.
#[derive(Debug, Default)]
pub struct Parts {
    pub fields: Vec<(String, String)>,
    pub files: Vec<Upload>,
}

/// The boundary named by a `Content-Type: multipart/form-data` header.
pub fn boundary(content_type: &str) -> Option<String> {
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_owned())
            .filter(|b| !b.is_empty() && b.len() <= 200)
    })
}

/// Reads `body`; `None` when it is not well formed. A file input left
/// empty (no name, no bytes) is not an upload.
pub fn parse(body: &[u8], boundary: &str) -> Option<Parts> {
    let delimiter = format!("--{boundary}");
    let mut parts = Parts::default();
    let mut rest = &body[find(body, delimiter.as_bytes())? + delimiter.len()..];
    loop {
        if rest.starts_with(b"--") {
            return Some(parts);
        }
        rest = rest.strip_prefix(b"\r\n")?;
        let header_end = find(rest, b"\r\n\r\n")?;
        let headers = std::str::from_utf8(&rest[..header_end]).ok()?;
        rest = &rest[header_end + 4..];
        let next = format!("\r\n{delimiter}");
        let end = find(rest, next.as_bytes())?;
        let content = &rest[..end];
        rest = &rest[end + next.len()..];
        let mut name = None;
        let mut file_name = None;
        let mut content_type = String::from("application/octet-stream");
        for line in headers.split("\r\n") {
            let (key, value) = line.split_once(':')?;
            if key.trim().eq_ignore_ascii_case("content-disposition") {
                name = param(value, "name");
                file_name = param(value, "filename");
            } else if key.trim().eq_ignore_ascii_case("content-type") {
                value.trim().clone_into(&mut content_type);
            }
        }
        let name = name?;
        match file_name {
            Some(file_name) => {
                if !(file_name.is_empty() && content.is_empty()) {
                    parts.files.push(Upload {
                        field: name,
                        file_name,
                        content_type,
                        content: content.to_vec(),
                    });
                }
            }
            None => parts
                .fields
                .push((name, String::from_utf8_lossy(content).into_owned())),
        }
    }
}

/// A `name="value"` parameter of a Content-Disposition header; the file
/// name is reduced to its last path segment (some browsers send a path).
fn param(header: &str, wanted: &str) -> Option<String> {
    header.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        if !k.trim().eq_ignore_ascii_case(wanted) {
            return None;
        }
        let v = v.trim().trim_matches('"').replace("\\\"", "\"");
        Some(v.rsplit(['/', '\\']).next().unwrap_or_default().to_owned())
    })
}

mod bytes_view {
    /// Where `needle` first occurs in `haystack`.
    pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
        if needle.is_empty() || needle.len() > haystack.len() {
            return None;
        }
        haystack.windows(needle.len()).position(|w| w == needle)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_and_files_are_read_and_an_empty_file_input_is_no_upload() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"files\"; filename=\"C:\\\\docs\\\\a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\nworld\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"files\"; filename=\"\"\r\nContent-Type: application/octet-stream\r\n\r\n\r\n\
--XyZ--\r\n";
        let parts = parse(body, "XyZ").unwrap();
        assert_eq!(parts.fields, vec![("csrf_token".into(), "abc".into())]);
        assert_eq!(parts.files.len(), 1);
        assert_eq!(parts.files[0].file_name, "a.txt");
        assert_eq!(parts.files[0].content, b"hello\r\nworld");
        assert_eq!(
            boundary("multipart/form-data; boundary=\"XyZ\"").as_deref(),
            Some("XyZ")
        );
        assert!(parse(b"--XyZ\r\nbroken", "XyZ").is_none());
    }
}
