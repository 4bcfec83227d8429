//! The stack of open elements: names, sibling indexes and kinds, from which element paths
//! such as `/Inventory/Hardware[1]/Class[2]` are made. Frames and their strings are reused
//! from element to element, so a warm stack allocates nothing.

use crate::record::RecordKind;

/// One open element.
struct Frame {
    name: String,
    index: u32,
    kind: Option<RecordKind>,
    /// Count of children per name; slots past `used` keep their strings for reuse.
    children: Vec<(String, u32)>,
    used: usize,
}

impl Frame {
    /// The 1-based index of a child named `name` among its siblings of that name, and whether
    /// it is the first of its name (a name not seen, so not yet validated, in this parent).
    fn child_index(&mut self, name: &str) -> (u32, bool) {
        if let Some((_, n)) = self.children[..self.used]
            .iter_mut()
            .find(|(c, _)| c == name)
        {
            *n += 1;
            return (*n, false);
        }
        if self.used < self.children.len() {
            let slot = &mut self.children[self.used];
            slot.0.clear();
            slot.0.push_str(name);
            slot.1 = 1;
        } else {
            self.children.push((name.to_string(), 1));
        }
        self.used += 1;
        (1, true)
    }
}

/// What a new child of the innermost open element is among its siblings.
pub(super) struct Child {
    /// Its 1-based index among the siblings of its name.
    pub(super) index: u32,
    /// Whether it is the first of its name in this parent (its name not yet validated).
    pub(super) first_of_name: bool,
    /// The kind of the parent (`None` for the root).
    pub(super) parent_kind: Option<RecordKind>,
}

/// The open elements, innermost last; frames past `depth` are kept for reuse.
#[derive(Default)]
pub(super) struct ElementStack {
    frames: Vec<Frame>,
    depth: usize,
}

impl ElementStack {
    /// How many elements are open.
    #[inline]
    pub(super) fn depth(&self) -> usize {
        self.depth
    }

    /// Opens an element named `name`, the `index`-th of its name in its parent.
    pub(super) fn push(&mut self, name: &str, index: u32, kind: Option<RecordKind>) {
        if self.depth < self.frames.len() {
            let f = &mut self.frames[self.depth];
            f.name.clear();
            f.name.push_str(name);
            f.index = index;
            f.kind = kind;
            f.used = 0;
        } else {
            self.frames.push(Frame {
                name: name.to_string(),
                index,
                kind,
                children: Vec::new(),
                used: 0,
            });
        }
        self.depth += 1;
    }

    /// Closes the innermost element; returns how many stay open.
    #[inline]
    pub(super) fn pop(&mut self) -> usize {
        self.depth -= 1;
        self.depth
    }

    /// Closes every element (the root was empty).
    pub(super) fn clear(&mut self) {
        self.depth = 0;
    }

    /// Counts a child named `name` of the innermost open element (there must be one).
    #[inline]
    pub(super) fn child(&mut self, name: &str) -> Child {
        let parent = &mut self.frames[self.depth - 1];
        let (index, first_of_name) = parent.child_index(name);
        Child {
            index,
            first_of_name,
            parent_kind: parent.kind,
        }
    }

    /// The name of the innermost open element, if any.
    pub(super) fn innermost_name(&self) -> Option<&str> {
        self.depth
            .checked_sub(1)
            .map(|i| self.frames[i].name.as_str())
    }

    /// The element path of the innermost open element, e.g. `/Inventory/Hardware[1]/Class[2]`
    /// (the root has no index); `/` when none is open.
    pub(super) fn path(&self) -> String {
        let mut out = String::new();
        for (i, f) in self.frames[..self.depth].iter().enumerate() {
            out.push('/');
            out.push_str(&f.name);
            if i > 0 {
                out.push('[');
                out.push_str(&f.index.to_string());
                out.push(']');
            }
        }
        if out.is_empty() {
            out.push('/');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_count_siblings_of_the_same_name_and_reuse_frames() {
        let mut stack = ElementStack::default();
        assert_eq!(stack.path(), "/");
        stack.push("Inventory", 1, None);
        for (name, index, first) in [
            ("Hardware", 1, true),
            ("Software", 1, true),
            ("Hardware", 2, false),
        ] {
            let child = stack.child(name);
            assert_eq!((child.index, child.first_of_name), (index, first), "{name}");
        }
        stack.push("Hardware", 2, Some(RecordKind::Element));
        assert_eq!(stack.path(), "/Inventory/Hardware[2]");
        assert_eq!(stack.child("Class").parent_kind, Some(RecordKind::Element));
        assert_eq!(stack.pop(), 1);
        // A frame taken again starts with no children counted.
        stack.push("Files", 1, None);
        assert_eq!(stack.child("Class").index, 1);
        assert_eq!(stack.innermost_name(), Some("Files"));
        stack.clear();
        assert_eq!((stack.path().as_str(), stack.innermost_name()), ("/", None));
    }
}
