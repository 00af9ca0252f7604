//! Reading a SavedVariables file (`SavedVariables/ESOBuildOptimizer.lua`): a Lua chunk that
//! assigns one table literal to the global `ESOBuildOptimizerSV` (layout in
//! `../shared/data/addon/README.md`). The file is tokenized by `full_moon`'s Lua 5.1 lexer,
//! and only literal values are read from it: it is never executed, since a SavedVariables
//! file may come from anyone. A function call, a variable, an operator other than a minus on a
//! number, or a second statement is refused.

use serde_json::{Map, Number, Value};

use full_moon::{
    LuaVersion,
    tokenizer::{Lexer, LexerResult, StringLiteralQuoteType, Symbol, TokenType},
};

/// The global the addon assigns.
pub const GLOBAL: &str = "ESOBuildOptimizerSV";
/// Deepest table nesting read. The addon's runs nest 7 levels; the reader recurses per level,
/// so a deeper file is refused when it gets there.
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
/// The file is read token by token from full_moon's Lua lexer, which handles strings, long
/// brackets, numerals and comments; only the grammar of a data chunk is accepted
/// (`NAME = table`, tables of `[key] = value`, `name = value` and `value` fields, values that
/// are strings, numbers, `-number`, `true`, `false`, `nil` or tables), so memory grows with the
/// data, not with a syntax tree (a 16 MiB file would take about 1 GiB as a full_moon AST).
///
/// # Errors
/// [`SavedVariablesError`].
pub fn read(bytes: &[u8]) -> Result<Map<String, Value>, SavedVariablesError> {
    let text = std::str::from_utf8(bytes).map_err(|_| SavedVariablesError::NotText)?;
    if text.contains('\0') {
        return Err(SavedVariablesError::NotText);
    }
    let mut tokens = Tokens {
        lexer: Lexer::new(text, LuaVersion::lua51()),
    };
    let not = |why: &str| SavedVariablesError::NotSavedVariables(why.to_owned());
    match tokens.next()? {
        Token::Name(name) if name == GLOBAL => {}
        _ => return Err(not("expected `ESOBuildOptimizerSV = { … }`")),
    }
    tokens.expect(Symbol::Equal, "`=`")?;
    let root = match tokens.next()? {
        Token::Symbol(Symbol::LeftBrace) => table(&mut tokens, 1)?,
        Token::Name(_) => return Err(refused("a variable or a function call")),
        _ => return Err(not("`ESOBuildOptimizerSV` must be assigned a table")),
    };
    if !matches!(tokens.next()?, Token::Eof) {
        return Err(not("expected one assignment and nothing else"));
    }
    match root {
        Value::Object(m) => Ok(m),
        // An array-shaped or empty top level has none of the addon's keys.
        _ => Err(not("the table has none of the addon's keys")),
    }
}

/// The tokens a data chunk is made of, comments and white space left out.
enum Token {
    Name(String),
    Str(String),
    Number(String),
    Symbol(Symbol),
    Eof,
}

struct Tokens {
    lexer: Lexer,
}

impl Tokens {
    fn next(&mut self) -> Result<Token, SavedVariablesError> {
        let token = match self.lexer.consume() {
            None => return Ok(Token::Eof),
            Some(LexerResult::Ok(t)) => t,
            Some(LexerResult::Fatal(errors) | LexerResult::Recovered(_, errors)) => {
                return Err(SavedVariablesError::Syntax(
                    errors
                        .first()
                        .map_or_else(|| "unreadable".to_owned(), ToString::to_string),
                ));
            }
        };
        let line = token.token().start_position().line();
        Ok(match token.token_type() {
            TokenType::Eof => Token::Eof,
            TokenType::Identifier { identifier } => Token::Name(identifier.to_string()),
            TokenType::Number { text } => Token::Number(text.to_string()),
            TokenType::StringLiteral {
                literal,
                quote_type,
                ..
            } => Token::Str(if *quote_type == StringLiteralQuoteType::Brackets {
                literal.to_string()
            } else {
                unescape(literal)?
            }),
            TokenType::Symbol { symbol } => Token::Symbol(*symbol),
            _ => {
                return Err(SavedVariablesError::Syntax(format!(
                    "unexpected token at line {line}"
                )));
            }
        })
    }

    fn expect(&mut self, symbol: Symbol, what: &str) -> Result<(), SavedVariablesError> {
        match self.next()? {
            Token::Symbol(s) if s == symbol => Ok(()),
            Token::Eof => Err(SavedVariablesError::Syntax(format!(
                "expected {what}, found the end of the file"
            ))),
            _ => Err(SavedVariablesError::Syntax(format!("expected {what}"))),
        }
    }
}

fn refused(what: &str) -> SavedVariablesError {
    SavedVariablesError::NotSavedVariables(format!(
        "{what} is not a literal value (a SavedVariables file holds data, not code)"
    ))
}

/// A value starting with `first`; `depth` is the nesting of the table it is in.
fn value(
    tokens: &mut Tokens,
    first: Token,
    depth: usize,
) -> Result<Option<Value>, SavedVariablesError> {
    Ok(Some(match first {
        Token::Symbol(Symbol::LeftBrace) => table(tokens, depth + 1)?,
        Token::Str(s) => Value::String(s),
        Token::Number(text) => number(&text, false)?,
        Token::Symbol(Symbol::Minus) => match tokens.next()? {
            Token::Number(text) => number(&text, true)?,
            _ => return Err(refused("a negated expression")),
        },
        Token::Symbol(Symbol::True) => Value::Bool(true),
        Token::Symbol(Symbol::False) => Value::Bool(false),
        Token::Symbol(Symbol::Nil) => return Ok(None),
        Token::Symbol(Symbol::Function) => return Err(refused("a function")),
        Token::Name(_) => return Err(refused("a variable or a function call")),
        Token::Eof => {
            return Err(SavedVariablesError::Syntax(
                "expected a value, found the end of the file".into(),
            ));
        }
        Token::Symbol(_) => return Err(refused("an expression")),
    }))
}

/// A table's fields up to its closing `}` (its `{` is read); `depth` is its own nesting.
fn table(tokens: &mut Tokens, depth: usize) -> Result<Value, SavedVariablesError> {
    if depth > MAX_DEPTH {
        return Err(SavedVariablesError::TooDeep);
    }
    let mut entries: Vec<(String, Option<u64>, Value)> = Vec::new();
    // Where each key stands in `entries`: a repeated key is found in O(1), so a hostile file
    // of millions of fields costs linear time, not quadratic.
    let mut positions: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut next_positional = 1u64;
    loop {
        let first = tokens.next()?;
        let (key, index, v) = match first {
            Token::Symbol(Symbol::RightBrace) => break,
            Token::Symbol(Symbol::LeftBracket) => {
                let first = tokens.next()?;
                let key = match value(tokens, first, depth)? {
                    Some(Value::String(s)) => (s, None),
                    Some(Value::Number(n)) => match n.as_u64() {
                        Some(i) => (i.to_string(), Some(i)),
                        None => (n.to_string(), None),
                    },
                    Some(Value::Bool(b)) => (b.to_string(), None),
                    _ => {
                        return Err(SavedVariablesError::NotSavedVariables(
                            "a table key must be a string, a number or a boolean".into(),
                        ));
                    }
                };
                tokens.expect(Symbol::RightBracket, "`]`")?;
                tokens.expect(Symbol::Equal, "`=`")?;
                let first = tokens.next()?;
                (key.0, key.1, value(tokens, first, depth)?)
            }
            Token::Name(name) => {
                match tokens.next()? {
                    Token::Symbol(Symbol::Equal) => {}
                    _ => return Err(refused("a variable or a function call")),
                }
                let first = tokens.next()?;
                (name, None, value(tokens, first, depth)?)
            }
            other => {
                let i = next_positional;
                next_positional += 1;
                (i.to_string(), Some(i), value(tokens, other, depth)?)
            }
        };
        // `nil` values are absent, as in Lua; a repeated key keeps the last value.
        if let Some(v) = v {
            match positions.get(&key).and_then(|&at| entries.get_mut(at)) {
                Some(existing) => existing.2 = v,
                None => {
                    positions.insert(key.clone(), entries.len());
                    entries.push((key, index, v));
                }
            }
        }
        match tokens.next()? {
            Token::Symbol(Symbol::Comma | Symbol::Semicolon) => {}
            Token::Symbol(Symbol::RightBrace) => break,
            _ => {
                return Err(SavedVariablesError::Syntax(
                    "expected `,` or `}` after a table field".into(),
                ));
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
