//! Compact JSON with every object's keys in sorted order, written straight from a value's
//! `Serialize` impl.
//!
//! The bytes are those of `serde_json::to_value(v)?.to_string()` (serde_json's map sorts its
//! keys, and its compact printer escapes strings and prints numbers as its serializer does),
//! without a JSON value made on the way: each object's members are written one after another
//! into the output, then put in key order in one move. `reckon log --format json` writes each
//! entry's event this way (a million entries: no tree of maps and strings made and freed per
//! entry). A property test holds the two to the same bytes.

use serde::ser::{self, Serialize};
use std::borrow::Cow;
use std::fmt;

/// Appends `v` to `out` as compact JSON with sorted object keys.
///
/// # Errors
///
/// Whatever `serde_json::to_value` would refuse: a map key that is not a string, a number or
/// a bool, or an error the value's own `Serialize` reports.
pub fn write<T: Serialize + ?Sized>(out: &mut Vec<u8>, v: &T) -> Result<(), Error> {
    v.serialize(Sorted { out })
}

/// `v` as compact JSON with sorted object keys.
///
/// # Errors
///
/// As [`write()`].
pub fn to_string<T: Serialize + ?Sized>(v: &T) -> Result<String, Error> {
    let mut out = Vec::new();
    write(&mut out, v)?;
    // Every byte came from serde_json's writer or from literal ASCII punctuation.
    String::from_utf8(out).map_err(|e| Error(e.to_string()))
}

/// Why a value could not be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<M: fmt::Display>(msg: M) -> Self {
        Error(msg.to_string())
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error(e.to_string())
    }
}

/// A leaf (number, string, bool, null) is written by serde_json itself.
fn leaf<T: Serialize + ?Sized>(out: &mut Vec<u8>, v: &T) -> Result<(), Error> {
    serde_json::to_writer(out, v).map_err(Error::from)
}

/// A string, escaped as serde_json escapes it (see [`crate::pretty::escape_into`]).
fn string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    crate::pretty::escape_bytes_into(out, s);
    out.push(b'"');
}

thread_local! {
    /// Where an object's members wait while they are put in key order (one buffer for the
    /// thread: an object is put in order only once every object inside it is).
    static MEMBERS: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

struct Sorted<'o> {
    out: &'o mut Vec<u8>,
}

impl<'o> ser::Serializer for Sorted<'o> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Seq<'o>;
    type SerializeTuple = Seq<'o>;
    type SerializeTupleStruct = Seq<'o>;
    type SerializeTupleVariant = Seq<'o>;
    type SerializeMap = Object<'o>;
    type SerializeStruct = Object<'o>;
    type SerializeStructVariant = Object<'o>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        leaf(self.out, &v)
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        leaf(self.out, &v)
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        leaf(self.out, &v)
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        leaf(self.out, &v)
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        leaf(self.out, &v)
    }
    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        // A JSON value holds no wider number than 64 bits (without serde_json's
        // arbitrary_precision): the same refusal as `to_value`.
        match i64::try_from(v) {
            Ok(v) => leaf(self.out, &v),
            Err(_) => match u64::try_from(v) {
                Ok(v) => leaf(self.out, &v),
                Err(_) => Err(Error("number out of range".to_owned())),
            },
        }
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        leaf(self.out, &v)
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        leaf(self.out, &v)
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        leaf(self.out, &v)
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        leaf(self.out, &v)
    }
    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        match u64::try_from(v) {
            Ok(v) => leaf(self.out, &v),
            Err(_) => Err(Error("number out of range".to_owned())),
        }
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        // `to_value` widens an f32 to f64 before printing it.
        leaf(self.out, &f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        leaf(self.out, &v)
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        string(self.out, v.encode_utf8(&mut [0u8; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        string(self.out, v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        leaf(self.out, v)
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<(), Error> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        self.serialize_none()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        name: &'static str,
    ) -> Result<(), Error> {
        leaf(self.out, name)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        name: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        self.out.push(b'{');
        leaf(self.out, name)?;
        self.out.push(b':');
        v.serialize(Sorted { out: self.out })?;
        self.out.push(b'}');
        Ok(())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Seq<'o>, Error> {
        self.out.push(b'[');
        Ok(Seq {
            out: self.out,
            first: true,
            variant: false,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq<'o>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Seq<'o>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        name: &'static str,
        _: usize,
    ) -> Result<Seq<'o>, Error> {
        self.out.push(b'{');
        leaf(self.out, name)?;
        self.out.extend_from_slice(b":[");
        Ok(Seq {
            out: self.out,
            first: true,
            variant: true,
        })
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Object<'o>, Error> {
        Ok(Object::new(self.out, false))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Object<'o>, Error> {
        Ok(Object::new(self.out, false))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        name: &'static str,
        _: usize,
    ) -> Result<Object<'o>, Error> {
        self.out.push(b'{');
        leaf(self.out, name)?;
        self.out.push(b':');
        Ok(Object::new(self.out, true))
    }
}

/// An array being written; `variant` when it is a tuple variant's, inside `{"name":…}`.
struct Seq<'o> {
    out: &'o mut Vec<u8>,
    first: bool,
    variant: bool,
}

impl Seq<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        v.serialize(Sorted { out: self.out })
    }
    fn close(self) {
        self.out.push(b']');
        if self.variant {
            self.out.push(b'}');
        }
    }
}

impl ser::SerializeSeq for Seq<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        self.element(v)
    }
    fn end(self) -> Result<(), Error> {
        self.close();
        Ok(())
    }
}

impl ser::SerializeTuple for Seq<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        self.element(v)
    }
    fn end(self) -> Result<(), Error> {
        self.close();
        Ok(())
    }
}

impl ser::SerializeTupleStruct for Seq<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        self.element(v)
    }
    fn end(self) -> Result<(), Error> {
        self.close();
        Ok(())
    }
}

impl ser::SerializeTupleVariant for Seq<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        self.element(v)
    }
    fn end(self) -> Result<(), Error> {
        self.close();
        Ok(())
    }
}

/// An object being written: its members go to the end of the output as they come (each
/// value at once, its key kept aside), and are put in key order when it ends. A key given
/// twice keeps its last value, as a map would.
struct Object<'o> {
    out: &'o mut Vec<u8>,
    /// Where the members' values begin in `out`.
    start: usize,
    /// Each member's key and where its value lies in `out`.
    members: Vec<(Cow<'static, str>, std::ops::Range<usize>)>,
    /// The key given to `serialize_key`, waiting for its value.
    pending: Option<String>,
    /// A struct variant's, inside `{"name":…}`.
    variant: bool,
}

impl<'o> Object<'o> {
    fn new(out: &'o mut Vec<u8>, variant: bool) -> Self {
        let start = out.len();
        Object {
            out,
            start,
            members: Vec::new(),
            pending: None,
            variant,
        }
    }

    fn member<T: Serialize + ?Sized>(
        &mut self,
        key: Cow<'static, str>,
        v: &T,
    ) -> Result<(), Error> {
        let from = self.out.len();
        v.serialize(Sorted { out: self.out })?;
        self.members.push((key, from..self.out.len()));
        Ok(())
    }

    fn close(mut self) -> Result<(), Error> {
        // A stable sort keeps a repeated key's members in the order given; the last wins.
        self.members.sort_by(|a, b| a.0.cmp(&b.0));
        MEMBERS.with(|written| {
            let mut written = written.borrow_mut();
            written.clear();
            written.extend_from_slice(&self.out[self.start..]);
            self.out.truncate(self.start);
            self.out.push(b'{');
            let mut first = true;
            for (i, (key, at)) in self.members.iter().enumerate() {
                if self.members.get(i + 1).is_some_and(|next| next.0 == *key) {
                    continue;
                }
                if !first {
                    self.out.push(b',');
                }
                first = false;
                string(self.out, key);
                self.out.push(b':');
                self.out
                    .extend_from_slice(&written[at.start - self.start..at.end - self.start]);
            }
        });
        self.out.push(b'}');
        if self.variant {
            self.out.push(b'}');
        }
        Ok(())
    }
}

/// A map key as `to_value` takes it: a string, or a number, bool or char as its text.
fn key_text<T: Serialize + ?Sized>(key: &T) -> Result<String, Error> {
    match serde_json::to_value(key)? {
        serde_json::Value::String(s) => Ok(s),
        serde_json::Value::Number(n) => Ok(n.to_string()),
        serde_json::Value::Bool(b) => Ok(b.to_string()),
        _ => Err(Error("key must be a string".to_owned())),
    }
}

impl ser::SerializeMap for Object<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.pending = Some(key_text(key)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        let key = self
            .pending
            .take()
            .ok_or_else(|| Error("a map value came before its key".to_owned()))?;
        self.member(Cow::Owned(key), v)
    }
    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl ser::SerializeStruct for Object<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        self.member(Cow::Borrowed(key), v)
    }
    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl ser::SerializeStructVariant for Object<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        self.member(Cow::Borrowed(key), v)
    }
    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::Serialize;
    use serde_json::{Value, json};
    use std::collections::BTreeMap;

    fn same_as_value<T: Serialize>(v: &T) {
        let expected = serde_json::to_value(v).map(|j| j.to_string());
        let got = to_string(v);
        match (expected, got) {
            (Ok(e), Ok(g)) => assert_eq!(g, e),
            (Err(_), Err(_)) => {}
            (e, g) => panic!("to_value gave {e:?}, the sorted writer {g:?}"),
        }
    }

    #[derive(Serialize)]
    #[serde(tag = "type", rename_all = "snake_case")]
    enum Tagged {
        Zebra {
            zeta: u8,
            alpha: Vec<String>,
            mid: Option<f64>,
        },
        Unit,
    }

    #[derive(Serialize)]
    enum External {
        New(i32),
        Tuple(i8, String),
        Fields { y: bool, b: char },
        Plain,
    }

    #[derive(Serialize)]
    struct Repeated {
        b: u8,
        #[serde(flatten)]
        rest: BTreeMap<String, u8>,
    }

    #[test]
    fn the_shapes_serde_makes_are_written_as_a_json_value_prints_them() {
        same_as_value(&Tagged::Zebra {
            zeta: 1,
            alpha: vec!["q\"\n\u{1}é".into()],
            mid: Some(f64::NAN),
        });
        same_as_value(&Tagged::Unit);
        for e in [
            External::New(-3),
            External::Tuple(1, "x".into()),
            External::Fields { y: true, b: '\'' },
            External::Plain,
        ] {
            same_as_value(&e);
        }
        same_as_value(&(1u128, -2i128, 0.1f32, (), Some(()), b"ab".as_slice()));
        same_as_value(&u128::MAX);
        same_as_value(&BTreeMap::from([(3, "a"), (10, "b")]));
        same_as_value(&BTreeMap::from([((1, 2), "not a key")]));
        // Keys that sort differently once escaped, and a key given twice (flatten).
        same_as_value(&json!({"\u{7f}": 1, "\"": 2, "a\u{1}": 3, "a": [{"z": 1, "y": {}}]}));
        same_as_value(&Repeated {
            b: 1,
            rest: BTreeMap::from([("b".to_owned(), 2), ("a".to_owned(), 3)]),
        });
    }

    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            ".{0,24}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 40, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::vec((".{0,4}", inner), 0..5)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn any_json_value_is_written_as_it_prints_itself(v in value()) {
            let got = to_string(&v).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(got, v.to_string());
        }
    }
}
