//! The access log and operational events. The library never prints: it hands each record to
//! a [`Log`] the caller supplies, which formats it with [`AccessRecord::text`] or
//! [`AccessRecord::json`].

use std::net::SocketAddr;
use std::time::SystemTime;

/// Where the receiver reports what it does.
pub trait Log: Send + Sync {
    /// One finished request.
    fn access(&self, record: &AccessRecord);
    /// Something an operator should know (start, clean-up, refused connection, failure).
    fn event(&self, message: &str);
}

/// A [`Log`] that drops everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoLog;

impl Log for NoLog {
    fn access(&self, _: &AccessRecord) {}
    fn event(&self, _: &str) {}
}

/// One line of the access log. Credentials (the `Authorization` header, a query string)
/// are never part of it.
#[derive(Debug, Clone)]
pub struct AccessRecord {
    /// When the request arrived.
    pub time: SystemTime,
    /// The client's address.
    pub client: SocketAddr,
    /// The method.
    pub method: String,
    /// The request path (without the query string), as sent.
    pub path: String,
    /// The response status.
    pub status: u16,
    /// Body bytes received.
    pub bytes: u64,
    /// Milliseconds from the request's head to the answer.
    pub millis: f64,
    /// Where the upload was stored, relative to the incoming folder (`Inventories/x.ndi`).
    pub stored: Option<String>,
    /// Why the request was refused or failed, when it was.
    pub reason: Option<String>,
}

impl AccessRecord {
    fn timestamp(&self) -> String {
        chrono::DateTime::<chrono::Utc>::from(self.time)
            .format("%Y-%m-%dT%H:%M:%S%.3fZ")
            .to_string()
    }

    /// `TIME CLIENT METHOD PATH STATUS BYTES MS STORED "REASON"`, with `-` for what is
    /// missing; the stored name and the reason are quoted with control characters, `"` and
    /// `\` escaped, so a line is always one line.
    pub fn text(&self) -> String {
        format!(
            "{} {} {} {} {} {} {:.1} {} {}",
            self.timestamp(),
            self.client,
            quote_token(&self.method),
            quote_token(&self.path),
            self.status,
            self.bytes,
            self.millis,
            self.stored.as_deref().map_or_else(|| "-".to_owned(), quote),
            self.reason.as_deref().map_or_else(|| "-".to_owned(), quote),
        )
    }

    /// One JSON object (a line of JSON lines): `time`, `client`, `method`, `path`,
    /// `status`, `bytes`, `ms`, `stored`, `reason`.
    pub fn json(&self) -> String {
        let text = serde_json::json!({
            "time": self.timestamp(),
            "client": self.client.to_string(),
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "bytes": self.bytes,
            "ms": (self.millis * 10.0).round() / 10.0,
            "stored": self.stored,
            "reason": self.reason,
        })
        .to_string();
        // serde_json leaves DEL and the C1 controls raw; write them as JSON escapes too, so
        // the line is inert on a terminal.
        let mut safe = String::with_capacity(text.len());
        for c in text.chars() {
            if c.is_control() {
                safe.push_str(&format!("\\u{:04x}", u32::from(c)));
            } else {
                safe.push(c);
            }
        }
        safe
    }
}

/// A token kept as is when it has no space, quote or control character, quoted otherwise.
fn quote_token(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| !c.is_control() && c != ' ' && c != '"' && c != '\\')
    {
        s.to_owned()
    } else {
        quote(s)
    }
}

/// `"..."` with `\"`, `\\` and `\u{..}` for control characters.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> AccessRecord {
        AccessRecord {
            time: SystemTime::UNIX_EPOCH,
            client: "127.0.0.1:5000".parse().unwrap(),
            method: "PUT".into(),
            path: "/ManageSoftRL/SYSTEM%20on%20PC1.ndi".into(),
            status: 201,
            bytes: 12,
            millis: 1.25,
            stored: Some("Inventories/SYSTEM on PC1.ndi".into()),
            reason: None,
        }
    }

    #[test]
    fn text_line_is_one_line() {
        let mut r = record();
        assert_eq!(
            r.text(),
            "1970-01-01T00:00:00.000Z 127.0.0.1:5000 PUT /ManageSoftRL/SYSTEM%20on%20PC1.ndi 201 12 1.2 \"Inventories/SYSTEM on PC1.ndi\" -"
        );
        r.reason = Some("bad\nname \"x\"".into());
        assert!(r.text().ends_with("\"bad\\u{a}name \\\"x\\\"\""));
    }

    #[test]
    fn json_line_parses() {
        let v: serde_json::Value = serde_json::from_str(&record().json()).unwrap();
        assert_eq!(v["status"], 201);
        assert_eq!(v["stored"], "Inventories/SYSTEM on PC1.ndi");
        assert_eq!(v["reason"], serde_json::Value::Null);
    }
}
