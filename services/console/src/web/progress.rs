//! Pages for long work (rebuilds): the answer is streamed as the work
//! runs. The page's head, its heading and an empty progress list are sent
//! first; a line is added to the list as each progress message arrives;
//! then the outcome and the rest of the page. Browsers show HTML as it
//! arrives, so the person sees the work advance with no JavaScript, and
//! the finished page is an ordinary page (axe-core checks it whole).
//!
//! The page is one template, `progress.html`, cut at two markers: what
//! comes before the list's lines, what comes between the lines and the
//! outcome, and the rest.

use super::{App, Visit};
use axum::body::{Body, Bytes};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use minijinja::{Value, context};
use tokio::sync::mpsc;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::ReceiverStream;

/// Where the progress lines go in `progress.html`.
const LINES: &str = "<!--progress-lines-->";
/// Where the outcome goes in `progress.html`.
const OUTCOME: &str = "<!--progress-outcome-->";

/// The parts of the page still to send, and the open response.
#[derive(Debug)]
pub struct Progress {
    parts: mpsc::Sender<Bytes>,
    between: String,
    end: String,
}

/// Starts a streamed page titled `title` (its heading too), saying `intro`
/// while the work runs: answers the response, whose head is already on its
/// way, and the [`Progress`] to write the rest with.
pub fn start(app: &App, visit: &Visit, title: &str, intro: &str) -> (Response, Progress) {
    let page = app.page_html(
        visit,
        "progress.html",
        context! { title => title, intro => intro, lines_marker => LINES, outcome_marker => OUTCOME },
    );
    let (parts, received) = mpsc::channel::<Bytes>(64);
    let body =
        Body::from_stream(ReceiverStream::new(received).map(Ok::<_, std::convert::Infallible>));
    let (head, between, end) = match page {
        Ok(html) => cut(&html),
        Err(error) => {
            tracing::error!(%error, "a progress page could not be rendered");
            (
                "<!DOCTYPE html><html lang=\"en-GB\"><title>Working</title><ol>".to_owned(),
                "</ol>".to_owned(),
                String::new(),
            )
        }
    };
    // The channel is empty, so the head always fits.
    let _ = parts.try_send(Bytes::from(head));
    let response = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response();
    (
        response,
        Progress {
            parts,
            between,
            end,
        },
    )
}

impl Progress {
    /// Adds one line to the progress list. A person who left the page is
    /// no reason to stop: the work goes on, unwatched.
    pub async fn line(&self, text: &str) {
        let line = format!("<li class=\"progress-list__item\">{}</li>\n", escape(text));
        let _ = self.parts.send(Bytes::from(line)).await;
    }

    /// Sends the outcome (`template` rendered with `page`) and the rest of
    /// the page, which ends the response.
    pub async fn finish(self, app: &App, template: &str, page: Value) {
        let outcome = app
            .templates
            .get_template(template)
            .and_then(|t| t.render(page))
            .unwrap_or_else(|error| {
                tracing::error!(template, %error, "an outcome could not be rendered");
                "<p class=\"body\">The outcome could not be shown.</p>".to_owned()
            });
        let rest = format!("{}{outcome}{}", self.between, self.end);
        let _ = self.parts.send(Bytes::from(rest)).await;
    }
}

/// The page cut at the two markers; a page without them is all head.
fn cut(html: &str) -> (String, String, String) {
    match html.split_once(LINES) {
        Some((head, rest)) => match rest.split_once(OUTCOME) {
            Some((between, end)) => (head.to_owned(), between.to_owned(), end.to_owned()),
            None => (head.to_owned(), rest.to_owned(), String::new()),
        },
        None => (html.to_owned(), String::new(), String::new()),
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_is_cut_at_its_markers_and_lines_are_escaped() {
        let (head, between, end) = cut(&format!("<ol>{LINES}</ol><div>{OUTCOME}</div>"));
        assert_eq!(
            (head.as_str(), between.as_str(), end.as_str()),
            ("<ol>", "</ol><div>", "</div>")
        );
        assert_eq!(escape("<b>1 & 2</b>"), "&lt;b&gt;1 &amp; 2&lt;/b&gt;");
    }
}
