//! Pretty JSON written straight into a string, byte for byte as serde_json's pretty
//! printer writes it (two spaces an indent, `": "` after a key, `{}` and `[]` when empty,
//! strings escaped as serde_json escapes them), for the answers that print a million claims:
//! no JSON value is built and no serializer state is kept per field. Keys are written in the
//! order given; the caller gives them sorted, as a JSON map prints them.

use std::fmt::Write as _;

/// A writer of pretty JSON at an indent level, appending to a string.
pub(crate) struct Pretty<'o> {
    out: &'o mut String,
    level: usize,
    /// Whether the innermost open object or array has no member yet.
    first: bool,
    /// A value's text as its `Display` writes it, before it is escaped.
    scratch: String,
}

impl<'o> Pretty<'o> {
    /// A writer whose next value is written at indent `level` (the level of the key or list
    /// item it belongs to).
    pub(crate) fn at(out: &'o mut String, level: usize) -> Pretty<'o> {
        Pretty {
            out,
            level,
            first: true,
            scratch: String::new(),
        }
    }

    fn indent(&mut self) {
        const SPACES: &str = "                                                                ";
        let mut left = 2 * self.level;
        while left > 0 {
            let n = left.min(SPACES.len());
            self.out.push_str(&SPACES[..n]);
            left -= n;
        }
    }

    /// What goes before a member of an object or an item of a list.
    fn member(&mut self) {
        // A comma (after the first), a line break and the indent, in one piece when the
        // indent is one of the usual depths.
        const BREAK: &str = ",\n                                ";
        let from = usize::from(self.first);
        match BREAK.get(from..2 + 2 * self.level) {
            Some(piece) => self.out.push_str(piece),
            None => {
                self.out.push_str(&BREAK[from..2]);
                self.indent();
            }
        }
        self.first = false;
    }

    /// Opens an object (`'{'`) or a list (`'['`).
    pub(crate) fn open(&mut self, bracket: char) {
        self.out.push(bracket);
        self.level += 1;
        self.first = true;
    }

    /// Closes what [`Pretty::open`] opened (`'}'` or `']'`).
    pub(crate) fn close(&mut self, bracket: char) {
        self.level -= 1;
        if !self.first {
            self.out.push('\n');
            self.indent();
        }
        self.out.push(bracket);
        // The container just closed was a member of the one around it.
        self.first = false;
    }

    /// Writes a key of the open object (plain ASCII, needing no escape); its value follows.
    pub(crate) fn key(&mut self, key: &str) -> &mut Self {
        self.member();
        self.out.push('"');
        self.out.push_str(key);
        self.out.push_str("\": ");
        self
    }

    /// Writes a key of the open object that may need escaping; its value follows.
    pub(crate) fn text_key(&mut self, key: &str) -> &mut Self {
        self.member();
        self.str(key);
        self.out.push_str(": ");
        self
    }

    /// Hands what has been written so far to `emit` and forgets it, once it is `min` bytes
    /// or more: the writer's place (indent, first member) is kept, so writing goes on.
    pub(crate) fn flush<E>(
        &mut self,
        min: usize,
        emit: &mut impl FnMut(&str) -> Result<(), E>,
    ) -> Result<(), E> {
        if self.out.len() >= min {
            emit(self.out)?;
            self.out.clear();
        }
        Ok(())
    }

    /// Begins an item of the open list; its value follows.
    pub(crate) fn item(&mut self) -> &mut Self {
        self.member();
        self
    }

    pub(crate) fn str(&mut self, s: &str) {
        self.out.push('"');
        escape_into(self.out, s);
        self.out.push('"');
    }

    pub(crate) fn opt_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.str(s),
            None => self.null(),
        }
    }

    /// A value written as a JSON string through its `Display`.
    pub(crate) fn shown(&mut self, v: impl std::fmt::Display) {
        // Writing into a String fails only if a Display impl reports an error: none here do.
        self.written(|text| {
            let _ = write!(text, "{v}");
        });
    }

    /// A JSON string of the text `write` writes (into an empty string kept for it).
    pub(crate) fn written(&mut self, write: impl FnOnce(&mut String)) {
        self.scratch.clear();
        write(&mut self.scratch);
        self.out.push('"');
        escape_into(self.out, &self.scratch);
        self.out.push('"');
    }

    /// A number as serde_json writes it (`null` when not finite).
    pub(crate) fn f64(&mut self, x: f64) {
        self.value(&x);
    }

    pub(crate) fn opt_shown(&mut self, v: Option<impl std::fmt::Display>) {
        match v {
            Some(v) => self.shown(v),
            None => self.null(),
        }
    }

    /// A hash as a JSON string of its lowercase hex digits.
    pub(crate) fn hash(&mut self, h: &reckon_claim::EntryHash) {
        self.out.push('"');
        const HEX: &[u8; 16] = b"0123456789abcdef";
        for b in h.0 {
            self.out.push(char::from(HEX[usize::from(b >> 4)]));
            self.out.push(char::from(HEX[usize::from(b & 0xf)]));
        }
        self.out.push('"');
    }

    pub(crate) fn null(&mut self) {
        self.out.push_str("null");
    }

    pub(crate) fn bool(&mut self, b: bool) {
        self.out.push_str(if b { "true" } else { "false" });
    }

    pub(crate) fn u64(&mut self, n: u64) {
        let _ = write!(self.out, "{n}");
    }

    /// Any serializable value, through serde_json's own pretty printing at this level (for
    /// the rare parts of an answer not worth writing by hand).
    pub(crate) fn value<T: serde::Serialize + ?Sized>(&mut self, v: &T) {
        nested(self.out, self.level, v);
    }
}

/// `v` appended to `out` in serde_json's pretty layout as if nested `level` deep (an item of
/// a list in an envelope is at level 2).
pub(crate) fn nested<T: serde::Serialize + ?Sized>(out: &mut String, level: usize, v: &T) {
    let mut bytes = Vec::new();
    let mut ser =
        serde_json::Serializer::with_formatter(&mut bytes, crate::recon::Nested::at(level));
    // Serialising into memory fails only for a map with non-string keys: none here; and
    // serde_json writes UTF-8.
    let _ = v.serialize(&mut ser);
    out.push_str(&String::from_utf8_lossy(&bytes));
}

/// Whether serde_json writes a byte of a string escaped: a control character, `"` or `\`.
fn escaped(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// `s` escaped as serde_json escapes a string's contents: `\"`, `\\`, the short escapes of
/// backspace, form feed, newline, carriage return and tab, `\u00XX` (lowercase hex) for the
/// other control characters, and every other character as it is.
pub(crate) fn escape_into(out: &mut String, s: &str) {
    escape_with(s, |piece| out.push_str(piece));
}

/// [`escape_into`] for a byte buffer (the compact writer of [`crate::sorted`]).
pub(crate) fn escape_bytes_into(out: &mut Vec<u8>, s: &str) {
    escape_with(s, |piece| out.extend_from_slice(piece.as_bytes()));
}

/// `s` escaped (see [`escape_into`]), handed to `push` a piece at a time.
fn escape_with(s: &str, mut push: impl FnMut(&str)) {
    let mut rest = s;
    while let Some(at) = first_escaped(rest.as_bytes()) {
        // The byte found is ASCII: `at` and `at + 1` are character boundaries.
        push(&rest[..at]);
        let short = match rest.as_bytes()[at] {
            b'"' => Ok("\\\""),
            b'\\' => Ok("\\\\"),
            b'\n' => Ok("\\n"),
            b'\r' => Ok("\\r"),
            b'\t' => Ok("\\t"),
            0x08 => Ok("\\b"),
            0x0c => Ok("\\f"),
            x => Err(x),
        };
        match short {
            Ok(e) => push(e),
            Err(x) => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let mut hex = *b"\\u0000";
                hex[4] = HEX[usize::from(x >> 4)];
                hex[5] = HEX[usize::from(x & 0xf)];
                // Six ASCII bytes.
                push(std::str::from_utf8(&hex).unwrap_or_default());
            }
        }
        rest = &rest[at + 1..];
    }
    push(rest);
}

/// Where the first byte of `b` that must be escaped is.
fn first_escaped(b: &[u8]) -> Option<usize> {
    // Most text has nothing to escape: eight bytes at a time are tested as one number
    // (`needs_escape`), and only a word that holds one is read byte by byte.
    let clean = b
        .chunks_exact(8)
        .take_while(|word| {
            let mut w = [0u8; 8];
            w.copy_from_slice(word);
            !needs_escape(u64::from_le_bytes(w))
        })
        .count()
        * 8;
    b[clean..]
        .iter()
        .position(|&x| escaped(x))
        .map(|at| clean + at)
}

/// Whether any of the eight bytes in `w` is one [`escaped`] names: below 0x20, `"` or `\`.
/// Each test is the exact one for a byte in a word: `x - 0x01…01` borrows into a byte's top
/// bit, where `!x` keeps it, only when some byte of `x` is zero (below `n`, for `x - n…n`
/// with `n` at most 0x80).
fn needs_escape(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const TOPS: u64 = 0x8080_8080_8080_8080;
    let zero_in = |x: u64| x.wrapping_sub(ONES) & !x & TOPS != 0;
    let control = w.wrapping_sub(ONES * 0x20) & !w & TOPS != 0;
    control || zero_in(w ^ (ONES * u64::from(b'"'))) || zero_in(w ^ (ONES * u64::from(b'\\')))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Every string, whatever it holds, is written as serde_json writes it: control
    /// characters at every place in and around a block, quotes, backslashes, DEL, C1 and
    /// characters of every UTF-8 length.
    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let pieces = [
            "a",
            "\"",
            "\\",
            "\n",
            "\r",
            "\t",
            "\u{8}",
            "\u{c}",
            "\u{0}",
            "\u{1f}",
            "\u{7f}",
            "\u{85}",
            "é",
            "€",
            "𝄞",
            "/",
            " ",
            "0123456789abcdef",
        ];
        let mut seed = 7u64;
        for n in 0..4000 {
            let mut s = String::new();
            for _ in 0..(n % 40) {
                // A small linear congruential sequence: the same strings every run.
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                s.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            let mut out = String::new();
            Pretty::at(&mut out, 0).str(&s);
            assert_eq!(out, serde_json::to_string(&s).unwrap(), "{s:?}");
        }
    }

    /// Nested objects and lists, empty and not, at an indent level: what serde_json's
    /// pretty printer writes for the same value nested as deep.
    #[test]
    fn objects_and_lists_are_laid_out_as_serde_json_lays_them_out() {
        let mut out = String::new();
        let mut p = Pretty::at(&mut out, 1);
        p.open('{');
        p.key("a").open('[');
        p.close(']');
        p.key("b").open('{');
        p.close('}');
        p.key("c").open('[');
        p.item().u64(1);
        p.item().open('{');
        p.key("d").opt_str(None);
        p.key("e").bool(true);
        p.key("f").value(&json!({"g": [1.5, "x"], "h": {}}));
        p.close('}');
        p.item().shown(2.25);
        p.close(']');
        p.key("z").str("end");
        p.close('}');
        let whole = json!({"list": [{"a": [], "b": {}, "c": [1, {"d": null, "e": true, "f": {"g": [1.5, "x"], "h": {}}}, "2.25"], "z": "end"}]});
        let expected = serde_json::to_string_pretty(&whole).unwrap();
        // The object is the list's one item: at indent level 2 after "[\n    ".
        let inner = expected
            .strip_prefix("{\n  \"list\": [\n    ")
            .and_then(|r| r.strip_suffix("\n  ]\n}"))
            .unwrap();
        let got = out;
        // Written at level 1, the object's members are one level in from it.
        let got_at_2: String = got.replace("\n", "\n  ");
        assert_eq!(got_at_2, inner);
    }

    /// Lists nested deeper than the usual indents (twenty levels) are laid out as serde_json
    /// lays them out.
    #[test]
    fn deep_nesting_is_laid_out_as_serde_json_lays_it_out() {
        let mut v = json!([1, {"a": "b"}]);
        for i in 0..20 {
            v = if i % 2 == 0 {
                json!([v, 2])
            } else {
                json!({"k": v, "z": []})
            };
        }
        let mut out = String::new();
        Pretty::at(&mut out, 0).value(&v);
        let mut by_hand = String::new();
        fn write(p: &mut Pretty<'_>, v: &serde_json::Value) {
            match v {
                serde_json::Value::Array(items) => {
                    p.open('[');
                    for item in items {
                        p.item();
                        write(p, item);
                    }
                    p.close(']');
                }
                serde_json::Value::Object(members) => {
                    p.open('{');
                    for (k, item) in members {
                        p.key(k);
                        write(p, item);
                    }
                    p.close('}');
                }
                other => p.value(other),
            }
        }
        write(&mut Pretty::at(&mut by_hand, 0), &v);
        let expected = serde_json::to_string_pretty(&v).unwrap();
        assert_eq!(by_hand, expected);
        assert_eq!(out, expected);
    }

    /// Any JSON value (nested objects and lists, empty or not; strings of any characters;
    /// whole numbers, booleans, null) written member by member with the writer is what
    /// serde_json's pretty printer writes for it.
    mod any_value {
        use super::super::Pretty;
        use proptest::prelude::*;
        use serde_json::Value;

        fn value() -> impl Strategy<Value = Value> {
            let leaf = prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::Bool),
                any::<u64>().prop_map(Value::from),
                any::<String>().prop_map(Value::String),
                "[\\x00-\\x1f\"\\\\a\u{7f}\u{202e}é]{0,12}".prop_map(Value::String),
            ];
            leaf.prop_recursive(4, 48, 6, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                    prop::collection::btree_map("[a-z_]{1,8}", inner, 0..6)
                        .prop_map(|m| Value::Object(m.into_iter().collect())),
                ]
            })
        }

        /// `v` written with the writer's own calls (never through serde).
        fn write(p: &mut Pretty<'_>, v: &Value) {
            match v {
                Value::Null => p.null(),
                Value::Bool(b) => p.bool(*b),
                Value::Number(n) => p.u64(n.as_u64().unwrap_or(0)),
                Value::String(s) => p.str(s),
                Value::Array(items) => {
                    p.open('[');
                    for item in items {
                        p.item();
                        write(p, item);
                    }
                    p.close(']');
                }
                Value::Object(members) => {
                    p.open('{');
                    for (k, item) in members {
                        p.key(k);
                        write(p, item);
                    }
                    p.close('}');
                }
            }
        }

        proptest! {
            #[test]
            fn written_by_hand_is_printed_by_serde_json(v in value()) {
                let mut out = String::new();
                write(&mut Pretty::at(&mut out, 0), &v);
                prop_assert_eq!(out, serde_json::to_string_pretty(&v).unwrap());
            }
        }
    }
}
