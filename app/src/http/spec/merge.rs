//! Parsing poem-openapi's document so that a path written twice (served by two APIs) keeps
//! the operations of both.

use serde_json::{Map, Value};

/// A JSON value whose objects merge repeated keys (deeply, when both values are objects)
/// instead of keeping the last.
pub(super) struct Merged(pub(super) Value);

impl<'de> serde::Deserialize<'de> for Merged {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(MergedVisitor).map(Merged)
    }
}

struct MergedVisitor;

impl<'de> serde::de::Visitor<'de> for MergedVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some((key, Merged(value))) = map.next_entry::<String, Merged>()? {
            match (out.get_mut(&key), value) {
                (Some(Value::Object(existing)), Value::Object(more)) => merge(existing, more),
                (_, value) => {
                    out.insert(key, value);
                }
            }
        }
        Ok(Value::Object(out))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(Merged(v)) = seq.next_element::<Merged>()? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
}

/// `more`'s entries into `into`, objects merged deeply.
pub(super) fn merge(into: &mut Map<String, Value>, more: Map<String, Value>) {
    for (k, v) in more {
        match (into.get_mut(&k), v) {
            (Some(Value::Object(a)), Value::Object(b)) => merge(a, b),
            (_, v) => {
                into.insert(k, v);
            }
        }
    }
}
