//! The PDF writer on its own: the page, the window, wrapping, large print
//! and page breaks, and text the fonts cannot print.

use super::helvetica::Face;
use super::layout::{MM, WINDOW_HEIGHT, WINDOW_LEFT, WINDOW_TOP, WINDOW_WIDTH, lay_out};
use super::*;

fn letter(body: &str, large_print: bool) -> LetterToPrint {
    LetterToPrint {
        from: vec![
            "CILEX Customer Service".into(),
            "Kempston Manor".into(),
            "Kempston".into(),
            "Bedford".into(),
            "MK42 7AB".into(),
        ],
        date: NaiveDate::from_ymd_opt(2027, 1, 6).expect("a date"),
        to_name: "Ada Lovelace".into(),
        to_lines: vec!["12 St James's Square".into(), "London".into()],
        postcode: "SW1Y 4JH".into(),
        reference: "CMP-2027-000042".into(),
        subject: "The outcome of your complaint at Stage 1".into(),
        body: body.into(),
        large_print,
    }
}

fn text(p: &Placed) -> String {
    p.text.iter().map(|b| char::from(*b)).collect()
}

fn long_body(paragraphs: usize) -> String {
    (0..paragraphs)
        .map(|n| {
            format!(
                "Paragraph {n}. We looked at the marking of your paper, the records of the \
                 moderation meeting and the correspondence you sent us, and we spoke to the \
                 examiners who took part in the meeting."
            )
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[test]
fn every_page_is_a4_in_points() {
    let printed = print(&letter(&long_body(30), false));
    let pdf = String::from_utf8_lossy(&printed.pdf);
    assert!(pdf.starts_with("%PDF-"));
    assert!(printed.pages > 1);
    assert_eq!(
        pdf.matches("/MediaBox [0 0 595 842]").count(),
        printed.pages,
        "{pdf}"
    );
    assert!(pdf.contains("/BaseFont /Helvetica"));
    assert!(pdf.contains("/Encoding /WinAnsiEncoding"));
}

#[test]
fn the_addressee_sits_inside_the_envelope_window() {
    let layout = lay_out(&letter("Dear Ada Lovelace,", false));
    let first = &layout.pages[0];
    let name = first
        .placed
        .iter()
        .find(|p| text(p) == "Ada Lovelace")
        .expect("the name is printed");
    let postcode = first
        .placed
        .iter()
        .find(|p| text(p) == "SW1Y 4JH")
        .expect("the postcode is printed");
    for p in [name, postcode] {
        assert!((p.x - WINDOW_LEFT).abs() < 0.01);
        assert!(
            p.y <= WINDOW_TOP && p.y >= WINDOW_TOP - WINDOW_HEIGHT,
            "{p:?}"
        );
        assert!(p.x + Face::Regular.measure(&p.text, p.size) <= WINDOW_LEFT + WINDOW_WIDTH);
    }
    // 25 mm from the left, 55 mm from the top: inside the 20 mm / 50 mm window.
    assert!((WINDOW_LEFT / MM - 25.0).abs() < 0.01);
    assert!(((PAGE_HEIGHT - WINDOW_TOP) / MM - 55.0).abs() < 0.01);
}

#[test]
fn our_address_and_the_date_are_top_right() {
    let layout = lay_out(&letter("Dear Ada Lovelace,", false));
    let first = &layout.pages[0];
    let date = first
        .placed
        .iter()
        .find(|p| text(p) == "Wednesday 6 January 2027")
        .expect("the date is printed");
    let ours = first
        .placed
        .iter()
        .find(|p| text(p) == "Kempston Manor")
        .expect("our address is printed");
    for p in [date, ours] {
        let right = p.x + Face::Regular.measure(&p.text, p.size);
        assert!((right - (PAGE_WIDTH - 20.0 * MM)).abs() < 0.01, "{p:?}");
        assert!(p.y > WINDOW_TOP - WINDOW_HEIGHT);
    }
    assert!(date.y < ours.y);
}

#[test]
fn long_text_wraps_within_the_margins_and_keeps_every_word() {
    let body = long_body(1);
    let layout = lay_out(&letter(&body, false));
    let lines: Vec<&Placed> = layout.pages[0]
        .placed
        .iter()
        .filter(|p| p.x < WINDOW_LEFT + 1.0 && p.y < WINDOW_TOP - WINDOW_HEIGHT)
        .collect();
    let body_lines: Vec<&&Placed> = lines
        .iter()
        .skip_while(|p| !text(p).starts_with("Paragraph 0"))
        .collect();
    assert!(body_lines.len() > 1, "the paragraph wraps");
    for p in &body_lines {
        let right = p.x + Face::Regular.measure(&p.text, p.size);
        assert!(right <= PAGE_WIDTH - 20.0 * MM + 0.01, "{:?}", text(p));
    }
    let rejoined = body_lines
        .iter()
        .map(|p| text(p))
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(rejoined, body);
}

#[test]
fn list_items_hang_under_their_text() {
    let item = "- An apology: we should have told you about the change of venue before \
                the day of the examination, and we did not.";
    let layout = lay_out(&letter(item, false));
    let lines: Vec<&Placed> = layout.pages[0]
        .placed
        .iter()
        .skip_while(|p| !text(p).starts_with("- An apology"))
        .collect();
    assert!(lines.len() > 1);
    let hang = Face::Regular.measure(b"- ", STANDARD_SIZE);
    assert!((lines[1].x - (lines[0].x + hang)).abs() < 0.01);
}

#[test]
fn a_word_wider_than_the_page_is_broken_not_lost() {
    let word = "x".repeat(400);
    let layout = lay_out(&letter(&word, false));
    let pieces: Vec<String> = layout.pages[0]
        .placed
        .iter()
        .map(text)
        .filter(|t| t.starts_with('x'))
        .collect();
    assert!(pieces.len() > 1);
    assert_eq!(pieces.concat(), word);
}

/// R-ADJ-1: large print is 18 pt for everything the complainant reads.
#[test]
fn r_adj_1_large_print_sets_the_text_in_18_point() {
    let standard = lay_out(&letter(&long_body(2), false));
    let large = lay_out(&letter(&long_body(2), true));
    assert_eq!(standard.body_size, STANDARD_SIZE);
    assert_eq!(large.body_size, LARGE_PRINT_SIZE);
    let outside_window = |p: &&Placed| {
        !(p.x == WINDOW_LEFT && p.y <= WINDOW_TOP && p.y >= WINDOW_TOP - WINDOW_HEIGHT)
    };
    for page in &large.pages {
        for p in page.placed.iter().filter(outside_window) {
            assert_eq!(p.size, LARGE_PRINT_SIZE, "{:?}", text(p));
        }
    }
    let lines = |l: &Layout| l.pages.iter().map(|p| p.placed.len()).sum::<usize>();
    assert!(
        lines(&large) > lines(&standard),
        "the larger text wraps more"
    );
    let pdf = String::from_utf8_lossy(&print(&letter("Dear Ada,", true)).pdf).into_owned();
    assert!(pdf.contains("/F1 18 Tf"), "{pdf}");
}

#[test]
fn text_breaks_onto_numbered_continuation_pages_within_the_margins() {
    let layout = lay_out(&letter(&long_body(40), false));
    let count = layout.pages.len();
    assert!(count >= 3, "{count} pages");
    for (n, page) in layout.pages.iter().enumerate() {
        for p in &page.placed {
            assert!(
                p.y >= 20.0 * MM - 0.01,
                "below the foot margin: {:?}",
                text(p)
            );
            assert!(p.y <= PAGE_HEIGHT - 15.0 * MM);
        }
        if n > 0 {
            assert_eq!(
                text(&page.placed[0]),
                format!("CMP-2027-000042, page {} of {count}", n + 1)
            );
            assert!(
                page.placed.iter().all(|p| text(p) != "Ada Lovelace"),
                "the address is on the first page only"
            );
        }
    }
    let all: Vec<String> = layout
        .pages
        .iter()
        .flat_map(|p| p.placed.iter().map(text))
        .collect();
    assert!(all.iter().any(|t| t.starts_with("Paragraph 39.")));
    assert!(
        layout.pages[0]
            .placed
            .iter()
            .all(|p| !text(p).contains("page 1 of")),
        "the first page is not numbered"
    );
}

#[test]
fn characters_the_fonts_lack_are_substituted_and_counted() {
    let printed = print(&letter(
        "Dear Zoë Łukasz 😀,\n\nThe fee is £25 – paid — thank you… ‘quoted’ “twice” 〜",
        false,
    ));
    assert!(printed.pdf.starts_with(b"%PDF-"));
    // Ł, 😀 and 〜 are not in WinAnsi; ë, £, dashes, ellipsis and quotes are.
    assert_eq!(printed.substituted, 3);
    let layout = lay_out(&letter("Dear Zoë Łukasz,", false));
    let line = layout.pages[0]
        .placed
        .iter()
        .find(|p| p.text.starts_with(b"Dear"))
        .expect("the greeting is printed");
    assert_eq!(line.text, b"Dear Zo\xEB ?ukasz,");
}

#[test]
fn the_file_name_holds_the_reference_and_the_letter_only() {
    assert_eq!(
        file_name("CMP-2027-000042", "stage_outcome"),
        "CMP-2027-000042-stage_outcome.pdf"
    );
    assert_eq!(file_name("../x y", "a/b"), "xy-ab.pdf");
}
