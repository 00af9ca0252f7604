//! The refresh token as a cookie, for browser clients: `HttpOnly` (scripts cannot read it),
//! `SameSite=Strict`, `Secure` outside development, and sent only to `<api_prefix>/auth`.
//! Login and refresh set it on request (`?cookie=true`), refresh reads it, logout clears it.

use poem::Request;

use crate::config::{Environment, Settings};

/// The cookie's name.
pub const NAME: &str = "ebo_refresh";

fn attributes(settings: &Settings, max_age: i64) -> String {
    let secure = if settings.environment == Environment::Development {
        ""
    } else {
        "; Secure"
    };
    format!(
        "; Path={}/auth; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}",
        settings.server.api_prefix
    )
}

/// The `Set-Cookie` value carrying `token` for the refresh token's lifetime.
pub fn set(settings: &Settings, token: &str) -> String {
    format!(
        "{NAME}={token}{}",
        attributes(settings, settings.auth.refresh_token_ttl_secs)
    )
}

/// The `Set-Cookie` value that removes the cookie.
pub fn clear(settings: &Settings) -> String {
    format!("{NAME}={}", attributes(settings, 0))
}

/// The refresh token in `req`'s cookies, if any.
pub fn read(req: &Request) -> Option<String> {
    req.headers()
        .get_all("cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == NAME && !value.is_empty())
        .map(|(_, value)| value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_is_http_only_strict_scoped_and_secure_outside_development() {
        let mut s = Settings::default();
        let dev = set(&s, "abc");
        assert_eq!(
            dev,
            "ebo_refresh=abc; Path=/api/v1/auth; Max-Age=604800; HttpOnly; SameSite=Strict"
        );
        s.environment = Environment::Production;
        assert!(set(&s, "abc").ends_with("; Secure"));
        assert!(clear(&s).starts_with("ebo_refresh=; Path=/api/v1/auth; Max-Age=0;"));
    }

    #[test]
    fn the_token_is_read_among_other_cookies() {
        let req = Request::builder()
            .header("cookie", "theme=dark; ebo_refresh=tok.en.x; other=1")
            .finish();
        assert_eq!(read(&req).as_deref(), Some("tok.en.x"));
        let none = Request::builder().header("cookie", "ebo_refresh=").finish();
        assert_eq!(read(&none), None);
    }
}
