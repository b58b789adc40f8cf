use super::*;
use proptest::prelude::*;

#[test]
fn surrounding_whitespace_is_trimmed_and_blank_is_none() {
    assert_eq!(line(10).clean("  Ada \n").unwrap().as_deref(), Some("Ada"));
    assert_eq!(line(10).clean(" \t\r\n ").unwrap(), None);
    assert_eq!(line(10).required(" "), Err(Refused::Blank));
}

#[test]
fn a_paragraph_keeps_its_line_breaks_as_newlines() {
    let cleaned = paragraph(50).clean("one\r\ntwo\rthree\u{2028}four\u{2029}five\tsix");
    assert_eq!(
        cleaned.unwrap().as_deref(),
        Some("one\ntwo\nthree\nfour\nfive\tsix")
    );
}

#[test]
fn a_line_refuses_line_breaks_and_tabs() {
    for text in ["Ada\nLovelace", "Ada\rLovelace", "Ada\tL", "A\u{2028}L"] {
        let refused = line(50).clean(text).unwrap_err();
        assert!(
            matches!(refused, Refused::Character { .. }),
            "{text:?}: {refused:?}"
        );
        assert!(refused.to_string().contains("single line"), "{refused}");
    }
}

#[test]
fn nul_and_every_other_control_character_is_refused_in_every_shape() {
    let controls = (0u32..0x20)
        .chain([0x7F])
        .chain(0x80..0xA0)
        .filter_map(char::from_u32)
        .filter(|c| !matches!(c, '\n' | '\r' | '\t'));
    for c in controls {
        for rule in [line(50), paragraph(50)] {
            let refused = rule.clean(&format!("a{c}b")).unwrap_err();
            assert_eq!(
                refused,
                Refused::Character {
                    found: c,
                    class: CharacterClass::Control,
                    shape: rule.shape()
                }
            );
        }
    }
}

#[test]
fn bidi_overrides_are_refused_and_bidi_marks_kept() {
    for c in [
        '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2069}',
    ] {
        let refused = paragraph(50).clean(&format!("a{c}b")).unwrap_err();
        assert!(refused.to_string().contains("bidirectional"), "{refused}");
    }
    let name = "\u{200F}\u{5D3}\u{5D5}\u{5D3}\u{200E} \u{61C}x";
    assert_eq!(line(50).clean(name).unwrap().as_deref(), Some(name));
}

#[test]
fn noncharacters_are_refused() {
    for c in [
        '\u{FDD0}',
        '\u{FFFE}',
        '\u{FFFF}',
        '\u{1FFFF}',
        '\u{10FFFE}',
    ] {
        assert!(line(50).clean(&format!("a{c}")).is_err(), "{c:?}");
    }
}

#[test]
fn length_is_counted_in_characters_after_cleaning() {
    let longest = "é".repeat(20);
    assert_eq!(line(20).clean(&longest).unwrap(), Some(longest.clone()));
    let refused = line(20).clean(&format!("{longest}x")).unwrap_err();
    assert_eq!(refused, Refused::TooLong { chars: 21, max: 20 });
    assert_eq!(
        refused.to_string(),
        "must be at most 20 characters (this is 21)"
    );
    // "\r\n" is one line break, so one character.
    assert!(paragraph(3).clean("a\r\nb").is_ok());
}

proptest! {
    /// What an edge accepted, a decoder accepts again, unchanged.
    #[test]
    fn cleaning_a_cleaned_text_gives_it_back(raw in any::<String>(), max in 1usize..64) {
        for rule in [line(max), paragraph(max)] {
            if let Ok(Some(cleaned)) = rule.clean(&raw) {
                prop_assert_eq!(rule.clean(&cleaned), Ok(Some(cleaned.clone())));
                prop_assert!(!cleaned.contains('\0'));
                prop_assert!(cleaned.chars().count() <= max);
            }
        }
    }
}
