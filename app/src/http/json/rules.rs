//! The checks of a JSON value against an OpenAPI schema that [`super::validate`] runs: types,
//! required and unknown properties, lengths, patterns, ranges, enums and the NUL rule, each
//! failure named by its JSON path.

use std::fmt::Write as _;

use poem_openapi::registry::{MetaSchema, MetaSchemaRef, Registry};
use serde_json::Value;

use crate::error::FieldError;

/// The NUL rule for a free-form part of a body (a `serde_json::Value`, or a `JsonObject`'s
/// values): no string in it, value or key, may contain NUL, at any depth. Typed strings get the
/// same rule in `check_string`. No PostgreSQL text or `jsonb` value can store NUL (`22021`,
/// `22P05`) and SQLite would, so the rule is here, for both; properties a schema does not
/// declare are ignored, never stored, and not checked.
fn without_nul(value: &Value, path: &Path<'_>, out: &mut Vec<FieldError>) {
    const MESSAGE: &str = "must not contain the NUL character (U+0000)";
    match value {
        Value::String(text) if text.contains('\0') => {
            out.push(FieldError::new(path.render(), MESSAGE));
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                without_nul(item, &Path::Index(path, i), out);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                if key.contains('\0') {
                    out.push(FieldError::new(
                        path.render(),
                        "no key may contain the NUL character (U+0000)",
                    ));
                    continue;
                }
                without_nul(item, &Path::Key(path, key), out);
            }
        }
        _ => {}
    }
}

fn resolve<'a>(schema: &'a MetaSchemaRef, registry: &'a Registry) -> Option<&'a MetaSchema> {
    match schema {
        MetaSchemaRef::Inline(s) => Some(s),
        MetaSchemaRef::Reference(name) => registry.schemas.get(name),
    }
}

/// Where a value sits in the body: `metrics.buff_uptime[2].name`, or `body` for the body itself
/// and `body[0]` for an item of a top-level array. Rendered only when a rule fails, so a valid
/// body costs no path allocation.
#[derive(Debug, Clone, Copy)]
pub(super) enum Path<'a> {
    /// The body itself.
    Root,
    /// Property `key` of the object at the path.
    Key(&'a Path<'a>, &'a str),
    /// Item `index` of the array at the path.
    Index(&'a Path<'a>, usize),
}

impl Path<'_> {
    /// The path as the error body names it.
    pub(super) fn render(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        if out.is_empty() {
            out.push_str("body");
        }
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Self::Root => {}
            Self::Key(parent, key) => {
                parent.write(out);
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Self::Index(parent, index) => {
                parent.write(out);
                if out.is_empty() {
                    out.push_str("body");
                }
                let _ = write!(out, "[{index}]");
            }
        }
    }
}

fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{n:.0}")
    } else {
        n.to_string()
    }
}

pub(super) fn check(
    value: &Value,
    schema: &MetaSchemaRef,
    registry: &Registry,
    path: &Path<'_>,
    out: &mut Vec<FieldError>,
) {
    let Some(s) = resolve(schema, registry) else {
        return;
    };
    for part in &s.all_of {
        check(value, part, registry, path, out);
    }
    if value.is_null() {
        return; // optional fields: presence is checked by the parent's `required`
    }
    let before = out.len();
    match s.ty {
        "object" => check_object(value, s, registry, path, out),
        "array" => match value.as_array() {
            None => out.push(FieldError::new(path.render(), "must be an array")),
            Some(items) => {
                if let Some(max) = s.max_items.filter(|m| items.len() > *m) {
                    out.push(FieldError::new(
                        path.render(),
                        format!("must have at most {max} items"),
                    ));
                }
                if let Some(min) = s.min_items.filter(|m| items.len() < *m) {
                    out.push(FieldError::new(
                        path.render(),
                        format!("must have at least {min} items"),
                    ));
                }
                if let Some(item_schema) = &s.items {
                    for (i, item) in items.iter().enumerate() {
                        check(item, item_schema, registry, &Path::Index(path, i), out);
                    }
                }
            }
        },
        "string" => match value.as_str() {
            None => out.push(FieldError::new(path.render(), "must be a string")),
            Some(text) => check_string(text, s, path, out),
        },
        "integer" | "number" => match value.as_f64() {
            Some(n) if s.ty == "number" || value.is_i64() || value.is_u64() => {
                check_number(n, s, path, out)
            }
            _ => out.push(FieldError::new(
                path.render(),
                if s.ty == "integer" {
                    "must be an integer"
                } else {
                    "must be a number"
                },
            )),
        },
        "boolean" if !value.is_boolean() => {
            out.push(FieldError::new(path.render(), "must be true or false"))
        }
        "" if s.all_of.is_empty()
            && s.any_of.is_empty()
            && s.one_of.is_empty()
            && s.properties.is_empty() =>
        {
            without_nul(value, path, out);
        }
        _ => {}
    }
    if out.len() == before && !s.enum_items.is_empty() && !s.enum_items.contains(value) {
        let allowed: Vec<String> = s
            .enum_items
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .collect();
        out.push(FieldError::new(
            path.render(),
            format!("must be one of: {}", allowed.join(", ")),
        ));
    }
}

fn check_object(
    value: &Value,
    s: &MetaSchema,
    registry: &Registry,
    path: &Path<'_>,
    out: &mut Vec<FieldError>,
) {
    let Some(obj) = value.as_object() else {
        out.push(FieldError::new(path.render(), "must be an object"));
        return;
    };
    for name in &s.required {
        if obj.get(*name).is_none_or(Value::is_null) {
            out.push(FieldError::new(
                Path::Key(path, name).render(),
                "is required",
            ));
        }
    }
    if let Some(values) = &s.additional_properties {
        for (key, v) in obj {
            if s.properties.iter().any(|(name, _)| name == key) {
                continue;
            }
            if key.contains('\0') {
                out.push(FieldError::new(
                    path.render(),
                    "no key may contain the NUL character (U+0000)",
                ));
            } else {
                check(v, values, registry, &Path::Key(path, key), out);
            }
        }
    }
    for (name, prop) in &s.properties {
        if let Some(v) = obj.get(*name) {
            let read_only = resolve(prop, registry).is_some_and(|p| p.read_only);
            if read_only {
                out.push(FieldError::new(
                    Path::Key(path, name).render(),
                    "is read-only",
                ));
            } else {
                check(v, prop, registry, &Path::Key(path, name), out);
            }
        }
    }
}

fn check_string(text: &str, s: &MetaSchema, path: &Path<'_>, out: &mut Vec<FieldError>) {
    // No text column can store NUL on PostgreSQL (`22021`): refused here, with its path.
    if text.contains('\0') {
        out.push(FieldError::new(
            path.render(),
            "must not contain the NUL character (U+0000)",
        ));
    }
    let len = text.chars().count();
    if let Some(max) = s.max_length.filter(|m| len > *m) {
        out.push(FieldError::new(
            path.render(),
            format!("must be at most {max} characters"),
        ));
    }
    if let Some(min) = s.min_length.filter(|m| len < *m) {
        out.push(FieldError::new(
            path.render(),
            if min == 1 {
                "must not be empty".to_owned()
            } else {
                format!("must be at least {min} characters")
            },
        ));
    }
    if let Some(p) = &s.pattern
        && crate::model::validate::compiled(p).is_some_and(|re| !re.is_match(text))
    {
        // A string rule names itself in the schema's `title` (`model::validate::StringRule`).
        let message = match &s.title {
            Some(title) => format!("must be {title}"),
            None => format!("must match the pattern {p}"),
        };
        out.push(FieldError::new(path.render(), message));
    }
    let bad_format = match s.format {
        Some("uuid") => uuid::Uuid::parse_str(text).is_err(),
        Some("date-time") => chrono::DateTime::parse_from_rfc3339(text).is_err(),
        _ => false,
    };
    if bad_format {
        let what = if s.format == Some("uuid") {
            "a UUID"
        } else {
            "an RFC 3339 date-time"
        };
        out.push(FieldError::new(path.render(), format!("must be {what}")));
    }
}

fn check_number(n: f64, s: &MetaSchema, path: &Path<'_>, out: &mut Vec<FieldError>) {
    let (min, max) = (s.minimum, s.maximum);
    let min_ex = s.exclusive_minimum.unwrap_or(false);
    let max_ex = s.exclusive_maximum.unwrap_or(false);
    let below = min.is_some_and(|m| if min_ex { n <= m } else { n < m });
    let above = max.is_some_and(|m| if max_ex { n >= m } else { n > m });
    if below || above {
        let msg = match (min, max) {
            (Some(lo), Some(hi)) if !min_ex && !max_ex => {
                format!("must be between {} and {}", fmt_num(lo), fmt_num(hi))
            }
            _ if below => format!(
                "must be {} {}",
                if min_ex { "greater than" } else { "at least" },
                fmt_num(min.unwrap_or_default())
            ),
            _ => format!(
                "must be {} {}",
                if max_ex { "less than" } else { "at most" },
                fmt_num(max.unwrap_or_default())
            ),
        };
        out.push(FieldError::new(path.render(), msg));
        return;
    }
    if s.format == Some("int32") && (n < f64::from(i32::MIN) || n > f64::from(i32::MAX)) {
        out.push(FieldError::new(path.render(), "is out of range"));
    }
}
