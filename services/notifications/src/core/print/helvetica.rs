//! The standard Helvetica fonts every PDF reader has (no embedding), with
//! the WinAnsi encoding: which characters they can print, as which byte,
//! and how wide each is (from Adobe's font metrics, in 1/1000 of the size),
//! which the wrapping needs.

/// Helvetica's advance widths for WinAnsi bytes 32 to 255.
#[rustfmt::skip]
const REGULAR: [u16; 224] = [
    // 0x20 space ! " # $ % & ' ( ) * + , - . /
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    // 0x30 0-9 : ; < = > ?
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    // 0x40 @ A-O
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    // 0x50 P-Z [ \ ] ^ _
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    // 0x60 ` a-o
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    // 0x70 p-z { | } ~ (0x7F unused)
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 278,
    // 0x80 € (81) ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ (8D) Ž (8F)
    556, 278, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 278, 611, 278,
    // 0x90 (90) ‘ ’ “ ” • – — ˜ ™ š › œ (9D) ž Ÿ
    278, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 278, 500, 667,
    // 0xA0 nbsp ¡ ¢ £ ¤ ¥ ¦ § ¨ © ª « ¬ soft hyphen ® ¯
    278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333,
    // 0xB0 ° ± ² ³ ´ µ ¶ · ¸ ¹ º » ¼ ½ ¾ ¿
    400, 584, 333, 333, 333, 556, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611,
    // 0xC0 À Á Â Ã Ä Å Æ Ç È É Ê Ë Ì Í Î Ï
    667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,
    // 0xD0 Ð Ñ Ò Ó Ô Õ Ö × Ø Ù Ú Û Ü Ý Þ ß
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
    // 0xE0 à á â ã ä å æ ç è é ê ë ì í î ï
    556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278,
    // 0xF0 ð ñ ò ó ô õ ö ÷ ø ù ú û ü ý þ ÿ
    556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500,
];

/// Helvetica-Bold's advance widths for bytes 32 to 126; beyond ASCII the
/// bold face is measured as the regular one plus a tenth, which errs wide
/// (a line wraps a little early, never runs off the page).
#[rustfmt::skip]
const BOLD_ASCII: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
];

/// The two faces a letter uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Regular,
    Bold,
}

impl Face {
    /// The font's PDF name (a standard font: no embedding).
    pub fn base_font(self) -> &'static [u8] {
        match self {
            Face::Regular => b"Helvetica",
            Face::Bold => b"Helvetica-Bold",
        }
    }

    /// The width of `byte` (WinAnsi) in 1/1000 of the font size.
    pub fn width(self, byte: u8) -> u32 {
        let regular = REGULAR
            .get(usize::from(byte).wrapping_sub(32))
            .copied()
            .unwrap_or(278);
        match self {
            Face::Regular => u32::from(regular),
            Face::Bold => BOLD_ASCII
                .get(usize::from(byte).wrapping_sub(32))
                .map_or(u32::from(regular) * 11 / 10, |w| u32::from(*w)),
        }
    }

    /// The width of `text` (WinAnsi bytes) at `size` points.
    pub fn measure(self, text: &[u8], size: f32) -> f32 {
        let units: u32 = text.iter().map(|b| self.width(*b)).sum();
        units as f32 * size / 1000.0
    }
}

/// The WinAnsi byte for `c`, or `None` when the standard fonts cannot
/// print it (the caller substitutes and counts it).
pub fn encode(c: char) -> Option<u8> {
    let code = u32::from(c);
    let byte = match c {
        ' '..='~' => code as u8,
        '\u{A0}'..='\u{FF}' => code as u8,
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8A,
        '‹' => 0x8B,
        'Œ' => 0x8C,
        'Ž' => 0x8E,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9A,
        '›' => 0x9B,
        'œ' => 0x9C,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        _ => return None,
    };
    Some(byte)
}

/// A near equivalent the fonts can print, for characters they lack but
/// that have one (other dashes and spaces); `None` for the rest.
pub fn near(c: char) -> Option<u8> {
    match c {
        '\t' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => Some(b' '),
        '\u{2010}'..='\u{2012}' | '\u{2212}' => Some(b'-'),
        '\u{2015}' => Some(0x97),
        '\u{2032}' => Some(b'\''),
        '\u{2033}' => Some(b'"'),
        _ => None,
    }
}
