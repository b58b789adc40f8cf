//! Print-ready post, read with a real PDF tool (poppler's `pdfinfo`,
//! `pdftotext` and `pdffonts`, from Debian's `poppler-utils`).

use crate::helpers::{Stack, of_template, web_form};
use crate::smtp::SmtpSink;
use complaints_proto::v1 as pb;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A complaint by post from Ada Lovelace, with `adjustments`.
fn by_post(
    key: &str,
    adjustments: Option<pb::ReasonableAdjustments>,
) -> pb::SubmitComplaintRequest {
    let mut request = web_form(key);
    request.correspondence = pb::CorrespondencePreference::Post as i32;
    request.adjustments = adjustments;
    if let Some(person) = request.complainant.as_mut() {
        person.postal_address = Some(pb::PostalAddress {
            lines: vec!["12 St James's Square".into(), "London".into()],
            postcode: "SW1Y 4JH".into(),
        });
    }
    request
}

/// The print queue's automatic reply for `reference`, once it is queued.
async fn printed_reply(stack: &mut Stack, reference: &str) -> pb::PrintItem {
    let items = stack
        .correspondence_when(reference, |items| {
            !of_template(items, "automatic_reply").is_empty()
        })
        .await;
    let reply = of_template(&items, "automatic_reply")[0].clone();
    assert_eq!(reply.channel, pb::DeliveryChannel::Post as i32);
    let listed = stack
        .notifications
        .list_print_queue(pb::ListPrintQueueRequest::default())
        .await
        .unwrap()
        .into_inner()
        .items
        .into_iter()
        .find(|i| i.notification_id == reply.notification_id)
        .expect("the letter waits in the print queue");
    assert!(listed.pdf.is_empty(), "a list carries no PDF");
    stack
        .notifications
        .get_print_letter(pb::GetPrintLetterRequest {
            notification_id: listed.notification_id,
        })
        .await
        .unwrap()
        .into_inner()
}

/// Runs a poppler tool on `pdf` and returns what it printed.
fn poppler(tool: &str, args: &[&str], pdf: &Path) -> String {
    let mut command = Command::new(tool);
    command.args(args).arg(pdf);
    if tool == "pdftotext" {
        // To standard output.
        command.arg("-");
    }
    let out = command.output().unwrap_or_else(|e| {
        panic!("{tool} must be installed (poppler-utils, see deploy/local/deps.sh): {e}")
    });
    assert!(
        out.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn saved(dir: &Path, item: &pb::PrintItem) -> PathBuf {
    let path = dir.join(&item.pdf_filename);
    std::fs::write(&path, &item.pdf).unwrap();
    path
}

/// The heights of the words `pdftotext -bbox` finds, by word: the font
/// size each was set in (Helvetica's box is the em square).
fn word_heights(bbox: &str) -> Vec<(String, f32)> {
    bbox.lines()
        .filter(|l| l.trim_start().starts_with("<word "))
        .filter_map(|l| {
            let attr = |name: &str| -> Option<f32> {
                let at = l.find(&format!("{name}=\""))? + name.len() + 2;
                l[at..].split('"').next()?.parse().ok()
            };
            let word = l.split('>').nth(1)?.split('<').next()?.to_owned();
            Some((word, attr("yMax")? - attr("yMin")?))
        })
        .collect()
}

/// R-CORR-1 with R-ADJ-1: a complaint by post from someone who asked for
/// large print has its letters in the print queue as A4 PDFs: our address
/// and the date, the complainant's name and address for the window, the
/// reference and the text, set in 18 pt; without the request, in 11 pt.
#[tokio::test]
async fn r_adj_1_a_post_complaint_asking_for_large_print_gets_an_a4_large_print_pdf_letter() {
    let mut stack = Stack::spawn(SmtpSink::accepting().await).await;
    let large = stack
        .submit(by_post(
            "large-print",
            Some(pb::ReasonableAdjustments {
                large_print: true,
                ..Default::default()
            }),
        ))
        .await;
    let standard = stack.submit(by_post("standard-print", None)).await;
    // PRINTED_LETTERS_DIR keeps the letters to look at; else a temporary folder.
    let kept = std::env::var_os("PRINTED_LETTERS_DIR").map(PathBuf::from);
    let dir = kept
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join(format!("printed-{}", uuid::Uuid::new_v4())));
    std::fs::create_dir_all(&dir).unwrap();

    let item = printed_reply(&mut stack, &large.reference).await;
    let reference = item.reference.clone();
    assert_eq!(item.pdf_content_type, "application/pdf");
    assert_eq!(
        item.pdf_filename,
        format!("{reference}-automatic_reply.pdf")
    );
    assert!(item.large_print);
    let pdf = saved(&dir, &item);

    let info = poppler("pdfinfo", &[], &pdf);
    let page_size = info.lines().find(|l| l.starts_with("Page size:"));
    assert!(
        page_size.is_some_and(|l| l.ends_with(" 595 x 842 pts (A4)")),
        "{info}"
    );
    let fonts = poppler("pdffonts", &[], &pdf);
    assert!(fonts.contains("Helvetica"), "{fonts}");
    let text = poppler("pdftotext", &["-layout"], &pdf);
    for expected in [
        "Ada Lovelace",
        "12 St James's Square",
        "London",
        "SW1Y 4JH",
        "Kempston Manor",
        "MK42 7AB",
        reference.as_str(),
        "Dear Ada Lovelace,",
        "We have printed this letter in large print, as you asked.",
    ] {
        assert!(text.contains(expected), "{expected:?} is not in\n{text}");
    }
    let heights = word_heights(&poppler("pdftotext", &["-bbox"], &pdf));
    let dear = heights
        .iter()
        .find(|(w, _)| w == "Dear")
        .expect("the greeting is printed");
    assert!(dear.1 >= 16.0, "large print at {} pt", dear.1);

    let item = printed_reply(&mut stack, &standard.reference).await;
    assert!(!item.large_print);
    let pdf = saved(&dir, &item);
    let heights = word_heights(&poppler("pdftotext", &["-bbox"], &pdf));
    let dear = heights
        .iter()
        .find(|(w, _)| w == "Dear")
        .expect("the greeting is printed");
    assert!(dear.1 < 16.0, "standard print at {} pt", dear.1);
    let text = poppler("pdftotext", &["-layout"], &pdf);
    assert!(!text.contains("large print"), "{text}");

    if kept.is_none() {
        std::fs::remove_dir_all(&dir).ok();
    }
    stack.cleanup().await;
}

/// R-CORR-1: a letter posted to a complainant carries the same follow link
/// as an email would, printed below the letter with the date it works
/// until, so someone who asked for post can follow their complaint too.
/// The link is long: the print breaks it where it must, so the text is
/// read back without the line breaks.
#[tokio::test]
async fn r_corr_1_a_posted_letter_prints_the_link_to_follow_the_complaint() {
    let secret = "a-link-secret-for-the-printing-tests-0123456789";
    let mut stack = Stack::spawn_with(
        SmtpSink::accepting().await,
        &[
            ("LINK_SECRET", secret.into()),
            ("PUBLIC_BASE_URL", "https://complaints.example.org".into()),
        ],
    )
    .await;
    let receipt = stack.submit(by_post("posted-link", None)).await;
    let item = printed_reply(&mut stack, &receipt.reference).await;
    let reference = item.reference.clone();
    let dir = std::env::temp_dir().join(format!("printed-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = poppler("pdftotext", &[], &saved(&dir, &item));
    std::fs::remove_dir_all(&dir).ok();

    assert!(
        text.contains("You can see where your complaint"),
        "the link's paragraph is printed:\n{text}"
    );
    assert!(text.contains("This link works until"), "{text}");
    let joined: String = text.split_whitespace().collect();
    let start = "https://complaints.example.org/follow/";
    let at = joined
        .find(start)
        .unwrap_or_else(|| panic!("no follow link in the printed letter:\n{text}"));
    // v1.f.<reference>.<expires>.<mac>: the mac is HMAC-SHA256 in
    // base64url without padding, 43 characters; "This link works until"
    // follows it once the line breaks are gone.
    let parts: Vec<&str> = joined[at + start.len()..].splitn(5, '.').collect();
    assert_eq!(parts.len(), 5, "{text}");
    let mac: String = parts[4].chars().take(43).collect();
    let token = format!("{}.{}.{}.{}.{mac}", parts[0], parts[1], parts[2], parts[3]);
    // The printed link is the real one: it opens this complaint.
    let key = links::LinkKey::new(secret.as_bytes()).unwrap();
    let link = key
        .verify_for(
            &token,
            links::Purpose::Follow,
            &reference,
            chrono::Utc::now().timestamp(),
        )
        .unwrap_or_else(|e| panic!("{e}: {token:?} from\n{text}"));
    assert_eq!(link.record, reference);
    stack.cleanup().await;
}
