//! Element paths of records as they stream by.

use crate::record::{Record, RecordKind};

/// Builds the element path of each record (`/Inventory/Hardware[1]/Class[2]`, and
/// `.../text()` for text records) from the records' depths, names and indices.
#[derive(Debug, Default, Clone)]
pub struct ElementPaths {
    path: String,
    ends: Vec<usize>,
}

impl ElementPaths {
    /// Starts a document whose root element is `root`.
    pub fn reset(&mut self, root: &str) {
        self.path.clear();
        self.path.push('/');
        self.path.push_str(root);
        self.ends.clear();
        self.ends.push(self.path.len());
    }

    /// The path of the root element.
    pub fn root(&self) -> &str {
        &self.path[..self.ends.first().copied().unwrap_or(0)]
    }

    /// Moves to `record` (the next record of the document) and returns its path.
    pub fn enter(&mut self, record: &Record<'_>) -> &str {
        let depth = record.depth as usize;
        self.ends.truncate(depth.max(1));
        self.path.truncate(self.ends.last().copied().unwrap_or(0));
        if record.kind == RecordKind::Text {
            self.path.push_str("/text()");
        } else {
            // Once per record: plain pushes, not the formatting machinery.
            self.path.push('/');
            self.path.push_str(&record.name);
            self.path.push('[');
            self.path.push_str(itoa::Buffer::new().format(record.index));
            self.path.push(']');
        }
        self.ends.push(self.path.len());
        &self.path
    }

    /// The path of the last record entered.
    pub fn current(&self) -> &str {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_follow_depth() {
        let mut t = ElementPaths::default();
        t.reset("Inventory");
        let mut r = Record::element(1, "Hardware", Vec::<(&str, &str)>::new());
        assert_eq!(t.enter(&r), "/Inventory/Hardware[1]");
        r.depth = 2;
        r.name = "Class".into();
        r.index = 3;
        assert_eq!(t.enter(&r), "/Inventory/Hardware[1]/Class[3]");
        r.depth = 1;
        r.name = "Software".into();
        r.index = 1;
        assert_eq!(t.enter(&r), "/Inventory/Software[1]");
        let text = Record::text_node(2, "x");
        assert_eq!(t.enter(&text), "/Inventory/Software[1]/text()");
        assert_eq!(t.root(), "/Inventory");
    }
}
