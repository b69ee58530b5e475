//! The gallery page: plain HTML readable with scripts off, a few lines of script for the
//! filters and the sort, all inline (no network: a CSP that allows none).

use std::collections::BTreeSet;
use std::fmt::Write;

use super::card::{Card, Shown};

const STYLE: &str = include_str!("page.css");
const SCRIPT: &str = include_str!("page.js");

/// No request leaves the page: media and images from files only, inline style and script.
const CSP: &str = "default-src 'none'; media-src file: 'self'; img-src file: 'self' data:; \
                   style-src 'unsafe-inline'; script-src 'unsafe-inline'";

/// Text as HTML (also in attribute values), without control characters.
pub(crate) fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            '\n' | '\t' => escaped.push(' '),
            c if c.is_control() => {}
            c => escaped.push(c),
        }
    }
    escaped
}

/// The whole page.
pub(crate) fn page(cards: &[Card], prices_as_of: &str) -> String {
    let mut html = String::with_capacity(1024 + cards.len() * 900);
    let _ = write!(
        html,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>Video gallery ({} tasks)</title><style>{STYLE}</style></head><body>\n\
         <header><h1>Video gallery</h1><p>{} tasks from the journal · costs are estimates \
         (~) from the catalog of {}, or what the provider reported</p></header>\n",
        cards.len(),
        cards.len(),
        escape(prices_as_of)
    );
    html.push_str(&controls(cards));
    html.push_str("<main id=\"grid\">\n");
    for card in cards {
        html.push_str(&card_html(card));
    }
    let _ = write!(html, "</main>\n<script>{SCRIPT}</script>\n</body></html>\n");
    html
}

/// The filter and sort controls (hidden until the script shows them).
fn controls(cards: &[Card]) -> String {
    let options = |values: BTreeSet<&str>| {
        values
            .into_iter()
            .map(|v| format!("<option>{}</option>", escape(v)))
            .collect::<String>()
    };
    let models = options(cards.iter().map(|c| c.model.as_str()).collect());
    let states = options(cards.iter().map(|c| c.state.as_str()).collect());
    format!(
        "<form id=\"controls\" hidden>\
         <label>model <select id=\"f-model\"><option value=\"\">all</option>{models}</select></label>\
         <label>status <select id=\"f-status\"><option value=\"\">all</option>{states}</select></label>\
         <label>sort <select id=\"sort\"><option value=\"new\">newest first</option>\
         <option value=\"old\">oldest first</option><option value=\"cost-desc\">cost, highest first</option>\
         <option value=\"cost-asc\">cost, lowest first</option><option value=\"model\">model</option>\
         <option value=\"status\">status</option></select></label> <span id=\"count\"></span></form>\n"
    )
}

fn card_html(card: &Card) -> String {
    let mut html = format!(
        "<article class=\"card s-{state}\" data-entry=\"{}\" data-model=\"{}\" data-status=\"{state}\" \
         data-cost=\"{}\" data-created=\"{}\"><div class=\"media\">",
        card.entry,
        escape(&card.model),
        card.cost_micros,
        card.created_ms,
        state = escape(&card.state),
    );
    for video in &card.videos {
        html.push_str(&media(video));
    }
    let _ = write!(
        html,
        "</div><p class=\"prompt\">{}</p><dl>",
        escape(&card.prompt)
    );
    let mut row = |name: &str, value: Option<&str>, extra: &str| {
        let value = value.map_or_else(|| "-".to_owned(), escape);
        let _ = write!(html, "<dt>{name}</dt><dd>{value}{extra}</dd>");
    };
    row("model", Some(&card.model), "");
    row("route", Some(&card.route), "");
    row(
        "length",
        card.duration.as_deref(),
        "<span class=\"real\"></span>",
    );
    row("resolution", card.resolution.as_deref(), "");
    let status = match &card.status {
        Some(status) if status != &card.state => format!("{} (task {status})", card.state),
        _ => card.state.clone(),
    };
    row("status", Some(&status), "");
    row("task", card.task_id.as_deref(), "");
    row("cost", card.cost.as_deref(), "");
    row("created", Some(&card.created), "");
    html.push_str("</dl>");
    if let Some(reason) = &card.reason {
        let _ = write!(html, "<p class=\"reason\">{}</p>", escape(reason));
    }
    html.push_str("</article>\n");
    html
}

fn media(video: &Shown) -> String {
    match video {
        Shown::File { src, poster } => {
            let poster = poster
                .as_ref()
                .map(|p| format!(" poster=\"{}\"", escape(p)))
                .unwrap_or_default();
            format!(
                "<video controls preload=\"metadata\" src=\"{}\"{poster}></video>",
                escape(src)
            )
        }
        Shown::Missing(path) => format!(
            "<div class=\"missing\">file missing: {}</div>",
            escape(path)
        ),
        Shown::NotSaved => "<div class=\"none\">no video saved</div>".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_elements_and_attributes() {
        let text = escape("<script>alert('x\")</script>&\u{1b}[31m\nnext");
        assert_eq!(
            text,
            "&lt;script&gt;alert(&#39;x&quot;)&lt;/script&gt;&amp;[31m next"
        );
    }
}
