//! Reading a SavedVariables file (`SavedVariables/ESOBuildOptimizer.lua`): a Lua chunk that
//! assigns one table literal to the global `ESOBuildOptimizerSV` (layout in
//! `../shared/data/addon/README.md`). The file is parsed with `full_moon`, a Lua 5.1 parser,
//! and only literal values are read from it: it is never executed, since a SavedVariables
//! file may come from anyone. A function call, a variable, an operator other than a minus on a
//! number, or a second statement is refused.

use serde_json::{Map, Number, Value};

use full_moon::{
    ast::{Expression, Field, Stmt, TableConstructor, UnOp, Var},
    tokenizer::{Symbol, TokenType},
};

/// The global the addon assigns.
pub const GLOBAL: &str = "ESOBuildOptimizerSV";
/// Deepest table nesting read. The addon's runs nest 7 levels; the parser recurses per level,
/// so a deeper file is refused before it is parsed.
pub const MAX_DEPTH: usize = 32;

/// Why a file is not a readable SavedVariables file (the whole upload is refused; nothing is
/// stored).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SavedVariablesError {
    /// Not UTF-8 text (a binary file, say).
    #[error("the file is not UTF-8 text (a SavedVariables file is Lua source)")]
    NotText,
    /// Lua syntax error.
    #[error("Lua syntax error: {0}")]
    Syntax(String),
    /// Tables nested deeper than [`MAX_DEPTH`].
    #[error("tables are nested deeper than {MAX_DEPTH} levels")]
    TooDeep,
    /// Valid Lua, but not the addon's layout (no `ESOBuildOptimizerSV = { … }`, a non-table
    /// value, or code where data belongs).
    #[error("not an ESO Build Optimizer SavedVariables file: {0}")]
    NotSavedVariables(String),
}

/// The runs of a SavedVariables file, in reading order: `runs` (the history) then
/// `pendingSync.runs`, each addon run once (a run in both lists, or twice in one, is read the
/// first time it appears, by `run_id`). Runs without a readable `run_id` are kept, so the
/// import can report them.
///
/// # Errors
/// [`SavedVariablesError`] when the file as a whole cannot be read.
pub fn runs(bytes: &[u8]) -> Result<Vec<Value>, SavedVariablesError> {
    let root = read(bytes)?;
    let mut out: Vec<Value> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let lists = [
        root.get("runs"),
        root.get("pendingSync").and_then(|p| p.get("runs")),
    ];
    for list in lists.into_iter().flatten() {
        let items: Vec<&Value> = match list {
            Value::Array(a) => a.iter().collect(),
            Value::Object(m) => {
                let mut entries: Vec<(&String, &Value)> = m.iter().collect();
                entries.sort_by_key(|(k, _)| k.parse::<u64>().unwrap_or(u64::MAX));
                entries.into_iter().map(|(_, v)| v).collect()
            }
            _ => {
                return Err(SavedVariablesError::NotSavedVariables(
                    "`runs` must be a table".into(),
                ));
            }
        };
        for run in items {
            match super::addon::run_id_of(run) {
                Some(id) if !seen.insert(id.to_owned()) => {}
                _ => out.push(run.clone()),
            }
        }
    }
    Ok(out)
}

/// The table assigned to [`GLOBAL`], as JSON: tables whose keys are exactly `1..n` become
/// arrays, other tables objects (integer keys as their decimal text); an empty table becomes
/// `{}`. `nil` values are left out, as Lua does.
///
/// # Errors
/// [`SavedVariablesError`].
pub fn read(bytes: &[u8]) -> Result<Map<String, Value>, SavedVariablesError> {
    let text = std::str::from_utf8(bytes).map_err(|_| SavedVariablesError::NotText)?;
    if text.contains('\0') {
        return Err(SavedVariablesError::NotText);
    }
    if nesting(text) > MAX_DEPTH {
        return Err(SavedVariablesError::TooDeep);
    }
    let ast = full_moon::parse(text).map_err(|errors| {
        SavedVariablesError::Syntax(
            errors
                .first()
                .map_or_else(|| "unreadable".to_owned(), ToString::to_string),
        )
    })?;
    let not = |why: &str| SavedVariablesError::NotSavedVariables(why.to_owned());
    let mut stmts = ast.nodes().stmts();
    let Some(Stmt::Assignment(assignment)) = stmts.next() else {
        return Err(not("expected `ESOBuildOptimizerSV = { … }`"));
    };
    if stmts.next().is_some() || ast.nodes().last_stmt().is_some() {
        return Err(not("expected one assignment and nothing else"));
    }
    let (vars, exprs) = (assignment.variables(), assignment.expressions());
    let is_global = matches!(
        vars.iter().next(),
        Some(Var::Name(name)) if name.token().to_string() == GLOBAL
    );
    if vars.len() != 1 || exprs.len() != 1 || !is_global {
        return Err(not("expected `ESOBuildOptimizerSV = { … }`"));
    }
    match exprs.iter().next() {
        Some(Expression::TableConstructor(t)) => match table(t)? {
            Value::Object(m) => Ok(m),
            // An array-shaped or empty top level has none of the addon's keys.
            _ => Err(not("the table has none of the addon's keys")),
        },
        _ => Err(not("`ESOBuildOptimizerSV` must be assigned a table")),
    }
}

/// Deepest `{` nesting outside strings and comments, read without parsing: an upper bound
/// checked before the recursive parser sees the file.
fn nesting(text: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            '}' => depth = depth.saturating_sub(1),
            '"' | '\'' => {
                while let Some(s) = chars.next() {
                    match s {
                        '\\' => {
                            chars.next();
                        }
                        s if s == c => break,
                        _ => {}
                    }
                }
            }
            '-' if chars.peek() == Some(&'-') => {
                // A comment to the end of the line (a long comment's brackets are not braces).
                for s in chars.by_ref() {
                    if s == '\n' {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    deepest
}

fn refused(what: &str) -> SavedVariablesError {
    SavedVariablesError::NotSavedVariables(format!(
        "{what} is not a literal value (a SavedVariables file holds data, not code)"
    ))
}

fn value(e: &Expression) -> Result<Option<Value>, SavedVariablesError> {
    Ok(Some(match e {
        Expression::TableConstructor(t) => table(t)?,
        Expression::String(token) => match token.token_type() {
            TokenType::StringLiteral {
                literal,
                multi_line_depth,
                ..
            } => Value::String(if *multi_line_depth > 0 {
                literal.to_string()
            } else {
                unescape(literal)?
            }),
            _ => return Err(refused("a string token")),
        },
        Expression::Number(token) => number(&token.token().to_string(), false)?,
        Expression::Symbol(token) => match token.token_type() {
            TokenType::Symbol {
                symbol: Symbol::True,
            } => Value::Bool(true),
            TokenType::Symbol {
                symbol: Symbol::False,
            } => Value::Bool(false),
            TokenType::Symbol {
                symbol: Symbol::Nil,
            } => return Ok(None),
            _ => return Err(refused("`...`")),
        },
        Expression::UnaryOperator {
            unop: UnOp::Minus(_),
            expression,
        } => match expression.as_ref() {
            Expression::Number(token) => number(&token.token().to_string(), true)?,
            _ => return Err(refused("a negated expression")),
        },
        Expression::Parentheses { expression, .. } => return value(expression),
        Expression::FunctionCall(_) => return Err(refused("a function call")),
        Expression::Function(_) => return Err(refused("a function")),
        Expression::Var(_) => return Err(refused("a variable")),
        Expression::BinaryOperator { .. } | Expression::UnaryOperator { .. } => {
            return Err(refused("an operator expression"));
        }
        _ => return Err(refused("this expression")),
    }))
}

fn table(t: &TableConstructor) -> Result<Value, SavedVariablesError> {
    let mut entries: Vec<(String, Option<u64>, Value)> = Vec::new();
    let mut next_positional = 1u64;
    for field in t.fields() {
        let (key, index, v) = match field {
            Field::ExpressionKey { key, value: v, .. } => match value(key)? {
                Some(Value::String(s)) => (s, None, v.as_ref()),
                Some(Value::Number(n)) => match n.as_u64() {
                    Some(i) => (i.to_string(), Some(i), v.as_ref()),
                    None => (n.to_string(), None, v.as_ref()),
                },
                Some(Value::Bool(b)) => (b.to_string(), None, v.as_ref()),
                _ => {
                    return Err(SavedVariablesError::NotSavedVariables(
                        "a table key must be a string, a number or a boolean".into(),
                    ));
                }
            },
            Field::NameKey { key, value: v, .. } => (key.token().to_string(), None, v.as_ref()),
            Field::NoKey(v) => {
                let i = next_positional;
                next_positional += 1;
                (i.to_string(), Some(i), v)
            }
            _ => return Err(refused("this table field")),
        };
        // `nil` values are absent, as in Lua.
        if let Some(v) = value(v)? {
            match entries.iter_mut().find(|(k, _, _)| *k == key) {
                Some(existing) => existing.2 = v,
                None => entries.push((key, index, v)),
            }
        }
    }
    let is_sequence = !entries.is_empty() && {
        let mut indices: Vec<u64> = entries.iter().filter_map(|(_, i, _)| *i).collect();
        indices.sort_unstable();
        indices.len() == entries.len() && indices.iter().zip(1u64..).all(|(a, b)| *a == b)
    };
    if is_sequence {
        entries.sort_by_key(|(_, i, _)| *i);
        Ok(Value::Array(
            entries.into_iter().map(|(_, _, v)| v).collect(),
        ))
    } else {
        Ok(Value::Object(
            entries.into_iter().map(|(k, _, v)| (k, v)).collect(),
        ))
    }
}

/// A Lua numeral: decimal integers stay integers when they fit, hexadecimal integers too;
/// anything else is a finite float.
fn number(text: &str, negative: bool) -> Result<Value, SavedVariablesError> {
    let bad = || SavedVariablesError::NotSavedVariables(format!("unreadable number {text:?}"));
    let sign = if negative { -1.0 } else { 1.0 };
    let hex = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X"));
    if let Some(hex) = hex {
        let n = i64::from_str_radix(hex, 16).map_err(|_| bad())?;
        return Ok(Value::from(if negative { -n } else { n }));
    }
    if let Ok(n) = text.parse::<i64>() {
        return Ok(Value::from(if negative { -n } else { n }));
    }
    let f: f64 = text.parse().map_err(|_| bad())?;
    Number::from_f64(sign * f)
        .map(Value::Number)
        .ok_or_else(bad)
}

/// A short Lua string's escapes: `\n \t \r \a \b \f \v \\ \" \' \<newline>`, `\ddd`
/// (decimal byte), `\xXX`, `\z` and `\u{XXX}`. Bytes that do not form UTF-8 are replaced.
fn unescape(raw: &str) -> Result<String, SavedVariablesError> {
    let bad =
        |what: &str| SavedVariablesError::Syntax(format!("invalid escape {what} in a string"));
    let mut out: Vec<u8> = Vec::with_capacity(raw.len());
    let bytes = raw.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b != b'\\' {
            out.push(b);
            i += 1;
            continue;
        }
        let Some(&e) = bytes.get(i + 1) else {
            return Err(bad("at the end"));
        };
        i += 2;
        match e {
            b'n' | b'\n' => out.push(b'\n'),
            b't' => out.push(b'\t'),
            b'r' => out.push(b'\r'),
            b'a' => out.push(0x07),
            b'b' => out.push(0x08),
            b'f' => out.push(0x0c),
            b'v' => out.push(0x0b),
            b'\\' | b'"' | b'\'' => out.push(e),
            b'z' => {
                while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
                    i += 1;
                }
            }
            b'x' => {
                let hex = raw.get(i..i + 2).ok_or_else(|| bad("\\x"))?;
                out.push(u8::from_str_radix(hex, 16).map_err(|_| bad("\\x"))?);
                i += 2;
            }
            b'u' => {
                let close = raw[i..].find('}').ok_or_else(|| bad("\\u"))?;
                let hex = raw
                    .get(i + 1..i + close)
                    .filter(|_| bytes.get(i) == Some(&b'{'))
                    .ok_or_else(|| bad("\\u"))?;
                let c = u32::from_str_radix(hex, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .ok_or_else(|| bad("\\u"))?;
                out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                i += close + 1;
            }
            d if d.is_ascii_digit() => {
                let mut n = u32::from(d - b'0');
                for _ in 0..2 {
                    match bytes.get(i) {
                        Some(c) if c.is_ascii_digit() => {
                            n = n * 10 + u32::from(c - b'0');
                            i += 1;
                        }
                        _ => break,
                    }
                }
                out.push(u8::try_from(n).map_err(|_| bad("\\ddd"))?);
            }
            _ => return Err(bad(&format!("\\{}", char::from(e)))),
        }
    }
    // PostgreSQL text cannot hold NUL (`\0`, `\000`): it becomes U+FFFD like other bytes
    // that are not text.
    Ok(String::from_utf8_lossy(&out).replace('\0', "\u{FFFD}"))
}

#[cfg(test)]
mod tests;
