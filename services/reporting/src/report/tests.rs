//! Rendering tests: the report is parsed as markup (a strict little parser
//! below: every element closed in order, attributes quoted, entities
//! known) and its charts and sections are read from the tree, as a reader
//! or a screen reader would meet them (R-MON-3, R-MON-4).

use super::example::{Data, data, quarter, records};
use super::{STYLESHEET, render, svg::MIN_FONT};
use crate::core::{AnonymisedRecord, MonitoringAnswers};

/// One element of the parsed report.
#[derive(Debug, Clone, Default)]
struct Element {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<Node>,
}

#[derive(Debug, Clone)]
enum Node {
    Element(Element),
    Text(String),
}

impl Element {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn has_class(&self, class: &str) -> bool {
        self.attr("class")
            .is_some_and(|c| c.split_whitespace().any(|c| c == class))
    }

    /// Every element below this one, depth first.
    fn descendants(&self) -> Vec<&Element> {
        let mut out = Vec::new();
        for child in &self.children {
            if let Node::Element(e) = child {
                out.push(e);
                out.extend(e.descendants());
            }
        }
        out
    }

    fn find_all(&self, name: &str) -> Vec<&Element> {
        self.descendants()
            .into_iter()
            .filter(|e| e.name == name)
            .collect()
    }

    fn children_named(&self, name: &str) -> Vec<&Element> {
        self.children
            .iter()
            .filter_map(|c| match c {
                Node::Element(e) if e.name == name => Some(e),
                _ => None,
            })
            .collect()
    }

    /// The text inside, entities decoded.
    fn text(&self) -> String {
        let mut out = String::new();
        for child in &self.children {
            match child {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) => out.push_str(&e.text()),
            }
        }
        out
    }
}

const VOID: [&str; 2] = ["meta", "link"];

fn decode(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let end = rest[i..]
            .find(';')
            .unwrap_or_else(|| panic!("an unterminated entity in {text:?}"));
        let entity = &rest[i..i + end + 1];
        out.push_str(match entity {
            "&amp;" => "&",
            "&lt;" => "<",
            "&gt;" => ">",
            "&quot;" => "\"",
            "&#39;" => "'",
            other => panic!("unknown entity {other}"),
        });
        rest = &rest[i + end + 1..];
    }
    out.push_str(rest);
    assert!(!out.is_empty() || text.is_empty());
    out
}

/// Parses `markup` into its root elements, panicking on anything that is
/// not well formed.
fn parse(markup: &str) -> Element {
    let mut stack: Vec<Element> = vec![Element {
        name: "#root".into(),
        ..Default::default()
    }];
    let mut rest = markup;
    if let Some(after) = rest.strip_prefix("<!DOCTYPE html>") {
        rest = after;
    }
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("</") {
            let end = after.find('>').expect("an unterminated end tag");
            let name = &after[..end];
            let element = stack.pop().expect("an end tag without a start");
            assert_eq!(element.name, name, "</{name}> closes <{}>", element.name);
            stack
                .last_mut()
                .expect("an end tag closes the root")
                .children
                .push(Node::Element(element));
            rest = &after[end + 1..];
        } else if let Some(after) = rest.strip_prefix('<') {
            let end = after.find('>').expect("an unterminated start tag");
            let mut tag = &after[..end];
            let self_closing = tag.ends_with('/');
            if self_closing {
                tag = &tag[..tag.len() - 1];
            }
            let (name, mut attrs_text) = tag.split_once(' ').unwrap_or((tag, ""));
            assert!(
                name.chars().all(|c| c.is_ascii_alphanumeric()),
                "tag name {name:?}"
            );
            let mut attrs = Vec::new();
            loop {
                attrs_text = attrs_text.trim_start();
                if attrs_text.is_empty() {
                    break;
                }
                let eq = attrs_text.find("=\"").expect("an attribute without =\"");
                let key = attrs_text[..eq].to_owned();
                let value_end = attrs_text[eq + 2..]
                    .find('"')
                    .expect("an unterminated attribute");
                let value = decode(&attrs_text[eq + 2..eq + 2 + value_end]);
                assert!(
                    !attrs.iter().any(|(k, _)| *k == key),
                    "attribute {key} twice"
                );
                attrs.push((key, value));
                attrs_text = &attrs_text[eq + 2 + value_end + 1..];
            }
            let element = Element {
                name: name.to_owned(),
                attrs,
                children: Vec::new(),
            };
            rest = &after[end + 1..];
            if self_closing || VOID.contains(&name) {
                stack
                    .last_mut()
                    .expect("the root")
                    .children
                    .push(Node::Element(element));
            } else if name == "style" {
                // CSS is text up to its end tag.
                let close = rest.find("</style>").expect("an unclosed style");
                let mut element = element;
                element.children.push(Node::Text(rest[..close].to_owned()));
                stack
                    .last_mut()
                    .expect("the root")
                    .children
                    .push(Node::Element(element));
                rest = &rest[close + "</style>".len()..];
            } else {
                stack.push(element);
            }
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            let text = decode(&rest[..end]);
            assert!(!text.contains('>'), "a bare > in text {text:?}");
            stack
                .last_mut()
                .expect("the root")
                .children
                .push(Node::Text(text));
            rest = &rest[end..];
        }
    }
    assert_eq!(
        stack.len(),
        1,
        "unclosed: {:?}",
        stack.last().map(|e| &e.name)
    );
    stack.pop().expect("the root")
}

/// Checks one chart as a reader meets it; answers its title.
fn check_chart(svg: &Element) -> String {
    let view_box = svg.attr("viewBox").expect("a viewBox");
    assert!(view_box.starts_with("0 0 "), "{view_box}");
    assert_eq!(svg.attr("width"), None, "no fixed width");
    assert_eq!(svg.attr("height"), None, "no fixed height");
    assert_eq!(svg.attr("role"), Some("img"));
    let size: u32 = svg.attr("font-size").expect("a font size").parse().unwrap();
    assert!(size >= MIN_FONT, "text of {size}");
    for t in svg.find_all("text") {
        if let Some(s) = t.attr("font-size") {
            assert!(s.parse::<u32>().unwrap() >= MIN_FONT, "text of {s}");
        }
    }
    // A text alternative: a title and a description, named by the chart.
    let title = svg.children_named("title");
    let desc = svg.children_named("desc");
    assert_eq!((title.len(), desc.len()), (1, 1), "one title and one desc");
    let (title, desc) = (title[0], desc[0]);
    assert!(!title.text().is_empty() && desc.text().len() > 20);
    let labelled = svg.attr("aria-labelledby").expect("aria-labelledby");
    assert_eq!(
        labelled,
        format!(
            "{} {}",
            title.attr("id").unwrap_or_default(),
            desc.attr("id").unwrap_or_default()
        )
    );
    let name = title.text();
    // Both axes have a title.
    let texts = svg.find_all("text");
    let axis_titles: Vec<_> = texts.iter().filter(|t| t.has_class("axis-title")).collect();
    assert_eq!(axis_titles.len(), 2, "{name}: two axis titles");
    assert!(axis_titles.iter().any(|t| t.has_class("category")));
    assert!(axis_titles.iter().any(|t| t.has_class("value")));
    assert!(axis_titles.iter().all(|t| !t.text().trim().is_empty()));
    // The value axis reads whole numbers, going up.
    let ticks: Vec<u64> = texts
        .iter()
        .filter(|t| t.has_class("tick") && t.has_class("value"))
        .map(|t| {
            let text = t.text();
            text.trim_end_matches('%')
                .parse::<u64>()
                .unwrap_or_else(|_| panic!("{name}: tick {text:?} is not a whole number"))
        })
        .collect();
    assert!(ticks.len() >= 2, "{name}: {ticks:?}");
    assert!(ticks.windows(2).all(|w| w[0] < w[1]), "{name}: {ticks:?}");
    assert_eq!(ticks[0], 0);
    // Category labels are for people.
    for t in texts.iter().filter(|t| t.has_class("category")) {
        let text = t.text();
        assert!(!text.contains('_'), "{name}: label {text:?}");
        assert!(
            !text
                .as_bytes()
                .windows(6)
                .any(|w| w.starts_with(b"Stage") && w[5].is_ascii_digit()),
            "{name}: label {text:?}"
        );
    }
    // Not an empty chart: some bar has a size.
    let drawn = svg
        .find_all("rect")
        .into_iter()
        .filter(|r| r.has_class("bar"))
        .any(|r| {
            let h: f64 = r.attr("height").unwrap_or("0").parse().unwrap();
            let w: f64 = r.attr("width").unwrap_or("0").parse().unwrap();
            h > 0.0 && w > 0.0
        });
    assert!(drawn, "{name}: an empty chart");
    name
}

/// Checks every section and every part of a parsed report: each holds
/// data (a chart or a table) or a plain sentence, and every chart is
/// well made. Answers the charts' titles.
fn check_report(article: &Element) -> Vec<String> {
    assert_eq!(article.name, "article");
    assert!(article.has_class("committee-report"));
    let sheets: Vec<_> = article
        .find_all("div")
        .into_iter()
        .filter(|s| s.has_class("sheet"))
        .collect();
    assert_eq!(sheets.len(), super::page::SECTIONS.len());
    for sheet in sheets {
        assert!(
            !sheet.find_all("section").is_empty(),
            "a sheet without parts"
        );
    }
    for s in article.find_all("section") {
        let heading = s
            .descendants()
            .into_iter()
            .find(|e| e.name == "h2" || e.name == "h3")
            .map(Element::text)
            .unwrap_or_default();
        assert!(!heading.is_empty(), "a section without a heading");
        let inside = s.descendants();
        let tables = inside.iter().filter(|e| e.name == "table").count();
        let charts = inside.iter().filter(|e| e.name == "svg").count();
        let sentences = inside
            .iter()
            .filter(|e| e.name == "p" && e.has_class("empty"))
            .filter(|e| e.text().trim().ends_with('.'))
            .count();
        assert!(
            tables + charts + sentences > 0,
            "{heading}: neither data nor a sentence"
        );
        for t in inside.iter().filter(|e| e.name == "table") {
            assert!(
                !t.find_all("tbody")[0].find_all("tr").is_empty(),
                "{heading}: an empty table"
            );
        }
    }
    for figure in article.find_all("figure") {
        assert_eq!(figure.find_all("svg").len(), 1, "a figure holds one chart");
    }
    article
        .find_all("svg")
        .into_iter()
        .map(check_chart)
        .collect()
}

fn document_of(data: &Data) -> (Element, super::Rendered) {
    let rendered = render(&data.input());
    let root = parse(&rendered.document);
    let html = root.children_named("html");
    assert_eq!(html.len(), 1, "one html element");
    (html[0].clone(), rendered)
}

fn article_of(html: &Element) -> Element {
    let body = html.children_named("body");
    let article = body[0].children_named("article");
    assert_eq!(article.len(), 1);
    article[0].clone()
}

/// R-MON-3: the example report parses, every chart has titled axes that
/// read whole numbers, a text alternative and no fixed size, and every
/// section has data or a sentence, never an empty chart.
#[test]
fn r_mon_3_every_chart_is_readable_and_every_section_has_data_or_a_sentence() {
    let (html, _) = document_of(&data());
    let titles = check_report(&article_of(&html));
    for title in super::CHART_TITLES {
        assert!(
            titles.iter().any(|t| t.starts_with(title)),
            "chart {title:?} is missing: {titles:?}"
        );
    }
    assert!(titles.len() >= 12, "{titles:?}");
    // The parts readers of earlier reports (and tools) look for keep
    // their headings.
    let document = render(&data().input()).document;
    for heading in [
        "Headline figures",
        "Complaints received over time",
        "Outcomes by stage",
        "Deadline compliance by kind",
        "Equality differences in upheld rates",
    ] {
        assert!(
            document.contains(&format!("<h2>{heading}</h2>")),
            "{heading}"
        );
    }
}

/// R-MON-3: a period without complaints draws no chart at all: every
/// section says so in a sentence.
#[test]
fn r_mon_3_a_period_without_complaints_has_sentences_not_empty_charts() {
    let (html, _) = document_of(&Data::new(Vec::new(), &[], quarter()));
    let article = article_of(&html);
    let titles = check_report(&article);
    assert!(titles.is_empty(), "{titles:?}");
    let sentences = article
        .find_all("p")
        .into_iter()
        .filter(|p| p.has_class("empty"))
        .count();
    assert!(sentences >= 10, "{sentences}");
}

/// R-MON-4: a characteristic whose every group is suppressed draws no
/// chart; a sentence says the groups are hidden for anonymity, and the
/// table still names each group as "fewer than 5, not shown".
#[test]
fn r_mon_4_an_all_suppressed_characteristic_shows_a_sentence_not_a_chart() {
    let (html, _) = document_of(&data());
    let article = article_of(&html);
    let disability = article
        .find_all("section")
        .into_iter()
        .find(|s| s.attr("id") == Some("cr-equality-disability"))
        .expect("the disability part");
    assert!(disability.find_all("svg").is_empty(), "no chart");
    let sentence = disability
        .find_all("p")
        .into_iter()
        .find(|p| p.has_class("empty"))
        .map(Element::text)
        .expect("a sentence");
    assert!(sentence.contains("for anonymity"), "{sentence}");
    let cells: Vec<String> = disability
        .find_all("td")
        .into_iter()
        .map(Element::text)
        .collect();
    assert!(!cells.is_empty());
    assert!(
        cells.iter().all(|c| c == "fewer than 5, not shown*"),
        "{cells:?}"
    );
    // The gender groups shown still have their chart.
    let gender = article
        .find_all("section")
        .into_iter()
        .find(|s| s.attr("id") == Some("cr-equality-gender"))
        .expect("the gender part");
    assert_eq!(gender.find_all("svg").len(), 1);
}

/// R-MON-3: the fragment is the document's article alone, with no style,
/// script or document element, and the stylesheet styles only it: every
/// rule is scoped under `.committee-report`, and the print rules lay it
/// out on A4 with a page per section and no chart cut.
#[test]
fn r_mon_3_the_fragment_and_its_stylesheet_embed_in_another_page() {
    let (html, rendered) = document_of(&data());
    let fragment = parse(&rendered.fragment);
    assert_eq!(fragment.children.len(), 1, "one element");
    let article = article_of(&html);
    assert_eq!(
        fragment.children_named("article")[0].text(),
        article.text(),
        "the fragment is the document's article"
    );
    for forbidden in [
        "<style",
        "<script",
        "<html",
        "<head>",
        "<link",
        "url(",
        "javascript:",
    ] {
        assert!(
            !rendered.fragment.contains(forbidden),
            "{forbidden:?} in the fragment"
        );
    }
    for e in fragment.descendants() {
        for (name, _) in &e.attrs {
            assert!(
                !name.starts_with("on"),
                "an event handler {name} on <{}>",
                e.name
            );
            assert_ne!(name, "style", "inline style on <{}>", e.name);
        }
    }
    let style = html.children_named("head")[0].children_named("style");
    assert_eq!(style[0].text().trim(), STYLESHEET.trim());
    // Every selector of every rule, at-rules aside, is scoped.
    let mut depth_selectors = Vec::new();
    let mut current = String::new();
    for c in STYLESHEET.chars() {
        match c {
            '{' => {
                depth_selectors.push(std::mem::take(&mut current));
            }
            '}' => current.clear(),
            ';' => current.clear(),
            c => current.push(c),
        }
    }
    for prelude in depth_selectors {
        let prelude = prelude.trim();
        if prelude.starts_with('@') {
            continue;
        }
        for selector in prelude.split(',') {
            assert!(
                selector.trim().starts_with(".committee-report"),
                "unscoped selector {selector:?}"
            );
        }
    }
    // The narrowest a chart is drawn keeps its text at 12 px or more.
    let min_width_px = 35 * 16;
    assert!(
        STYLESHEET.contains("svg.chart{display:block;width:100%;max-width:40rem;min-width:35rem;")
    );
    assert!(min_width_px * super::svg::FONT >= MIN_FONT * super::svg::WIDTH);
    for print in [
        "@page{size:A4",
        "@media print{",
        "div.sheet{break-before:page}",
        "svg.chart{max-width:100%",
        "break-inside:avoid",
    ] {
        assert!(STYLESHEET.contains(print), "{print:?}");
    }
}

/// R-MON-3: no personal data or pseudonym reaches the report: the records'
/// pseudonyms are nowhere in it.
#[test]
fn r_mon_3_the_report_holds_no_pseudonym() {
    let (records, _answers): (Vec<AnonymisedRecord>, Vec<MonitoringAnswers>) = records();
    let html = render(&data().input()).document;
    for r in &records {
        assert!(!html.contains(&format!("{}<", r.pseudonym)));
        assert!(!html.contains(&format!("{}\"", r.pseudonym)));
    }
}
