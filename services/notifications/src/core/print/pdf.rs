//! A laid-out letter written as a PDF with `pdf-writer`: A4 pages whose
//! text uses the standard Helvetica fonts in the WinAnsi encoding, which
//! every PDF reader and printer has, so nothing is embedded.

use super::helvetica::Face;
use super::layout::Layout;
use super::{PAGE_HEIGHT, PAGE_WIDTH};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

const CATALOG: Ref = Ref::new(1);
const PAGES: Ref = Ref::new(2);
const REGULAR: Ref = Ref::new(3);
const BOLD: Ref = Ref::new(4);
/// Page n's object is `FIRST_PAGE + 2n`, its content stream the next.
const FIRST_PAGE: i32 = 5;

fn font_name(face: Face) -> Name<'static> {
    match face {
        Face::Regular => Name(b"F1"),
        Face::Bold => Name(b"F2"),
    }
}

pub(super) fn write(layout: &Layout) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let page_ids: Vec<Ref> = (0..layout.pages.len())
        .map(|n| Ref::new(FIRST_PAGE + 2 * n as i32))
        .collect();
    pdf.catalog(CATALOG).pages(PAGES);
    pdf.pages(PAGES)
        .kids(page_ids.iter().copied())
        .count(page_ids.len() as i32);
    for (page, id) in layout.pages.iter().zip(&page_ids) {
        let content_id = Ref::new(id.get() + 1);
        let mut p = pdf.page(*id);
        p.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT));
        p.parent(PAGES);
        p.contents(content_id);
        p.resources()
            .fonts()
            .pair(font_name(Face::Regular), REGULAR)
            .pair(font_name(Face::Bold), BOLD);
        p.finish();
        let mut content = Content::new();
        for placed in &page.placed {
            content
                .begin_text()
                .set_font(font_name(placed.face), placed.size)
                .next_line(placed.x, placed.y)
                .show(Str(&placed.text))
                .end_text();
        }
        pdf.stream(content_id, &content.finish());
    }
    for (id, face) in [(REGULAR, Face::Regular), (BOLD, Face::Bold)] {
        pdf.type1_font(id)
            .base_font(Name(face.base_font()))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    pdf.finish()
}
