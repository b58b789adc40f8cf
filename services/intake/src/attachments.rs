//! Attachment types found from the bytes, never from the name (R-INT-1).

/// A file type intake can accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileType {
    /// Short name used in configuration, e.g. "pdf".
    pub name: &'static str,
    pub mime: &'static str,
    pub extensions: &'static [&'static str],
}

pub const KNOWN: [FileType; 5] = [
    FileType {
        name: "pdf",
        mime: "application/pdf",
        extensions: &["pdf"],
    },
    FileType {
        name: "png",
        mime: "image/png",
        extensions: &["png"],
    },
    FileType {
        name: "jpeg",
        mime: "image/jpeg",
        extensions: &["jpg", "jpeg"],
    },
    FileType {
        name: "docx",
        mime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        extensions: &["docx"],
    },
    FileType {
        name: "txt",
        mime: "text/plain",
        extensions: &["txt"],
    },
];

/// The type of `bytes`, by their signature; `None` when unrecognised.
pub fn sniff(bytes: &[u8]) -> Option<FileType> {
    let by_name = |name| KNOWN.iter().copied().find(|t| t.name == name);
    if bytes.starts_with(b"%PDF-") {
        by_name("pdf")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        by_name("png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        by_name("jpeg")
    } else if bytes.starts_with(b"PK\x03\x04") && is_word_document(bytes) {
        by_name("docx")
    } else if !bytes.is_empty() && is_plain_text(bytes) {
        by_name("txt")
    } else {
        None
    }
}

/// A Word document is a zip whose parts include `word/` and the content types.
fn is_word_document(bytes: &[u8]) -> bool {
    let contains = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    contains(b"[Content_Types].xml") && contains(b"word/")
}

/// UTF-8 without control characters other than tab and line breaks.
fn is_plain_text(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok_and(|text| {
        text.chars()
            .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
    })
}

/// Whether the sender's label (declared MIME type and file extension)
/// agrees with what the bytes are.
pub fn label_matches(found: FileType, declared_type: &str, file_name: &str) -> bool {
    let declared = declared_type.split(';').next().unwrap_or("").trim();
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase());
    declared.eq_ignore_ascii_case(found.mime)
        && extension.is_some_and(|ext| found.extensions.contains(&ext.as_str()))
}

/// Checks the web form's uploads: at most two, web form only, each within
/// the size limit, of an allowed type found in its bytes, and labelled as
/// what it is (R-INT-1).
pub fn validate(
    v: &mut crate::validate::Violations,
    uploads: Vec<complaints_proto::v1::Attachment>,
    channel: complaints_proto::v1::Channel,
    limits: &crate::settings::AttachmentLimits,
) -> Vec<crate::domain::ValidAttachment> {
    use complaints_proto::v1::Channel;
    if uploads.is_empty() {
        return Vec::new();
    }
    if channel != Channel::WebForm {
        v.add(
            "attachments",
            "R-INT-1",
            "files can only be uploaded with the web form",
        );
        return Vec::new();
    }
    if uploads.len() > 2 {
        v.add(
            "attachments",
            "R-INT-1",
            format!("at most 2 files, got {}", uploads.len()),
        );
        return Vec::new();
    }
    let mut valid = Vec::new();
    for (i, upload) in uploads.into_iter().enumerate() {
        let field = |name: &str| format!("attachments[{i}].{name}");
        let file_name = v.text(
            &field("file_name"),
            "R-INT-1",
            &upload.file_name,
            fieldtext::fields::FILE_NAME,
        );
        if upload.content.len() > limits.max_bytes {
            v.add(
                field("content"),
                "R-INT-1",
                format!(
                    "is {} bytes; the limit is {} bytes",
                    upload.content.len(),
                    limits.max_bytes
                ),
            );
            continue;
        }
        let Some(found) = sniff(&upload.content).filter(|t| limits.allowed.contains(&t.name))
        else {
            v.add(
                field("content"),
                "R-INT-1",
                format!(
                    "is not a file type we accept ({})",
                    limits.allowed.join(", ")
                ),
            );
            continue;
        };
        if !label_matches(found, &upload.content_type, &upload.file_name) {
            v.add(
                field("content_type"),
                "R-INT-1",
                format!(
                    "the file is {} but is labelled {:?} named {:?}",
                    found.mime, upload.content_type, upload.file_name
                ),
            );
            continue;
        }
        if let Some(file_name) = file_name {
            valid.push(crate::domain::ValidAttachment {
                file_name,
                content_type: found.mime,
                content: upload.content,
            });
        }
    }
    valid
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_found_from_signatures_not_names() {
        assert_eq!(sniff(b"%PDF-1.7 ...").map(|t| t.name), Some("pdf"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n....").map(|t| t.name), Some("png"));
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0]).map(|t| t.name),
            Some("jpeg")
        );
        assert_eq!(
            sniff(b"Dear Sir,\nI write to complain.").map(|t| t.name),
            Some("txt")
        );
        assert_eq!(sniff(b"MZ\x90\x00\x03 an executable"), None);
    }

    #[test]
    fn a_label_must_agree_with_the_bytes() {
        let pdf = sniff(b"%PDF-1.4").unwrap();
        assert!(label_matches(pdf, "application/pdf", "letter.PDF"));
        assert!(!label_matches(pdf, "image/png", "letter.pdf"));
        assert!(!label_matches(pdf, "application/pdf", "letter.png"));
        assert!(!label_matches(pdf, "application/pdf", "letter"));
    }
}
