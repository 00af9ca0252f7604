-- Where and with what each refresh token was issued, for GET /auth/sessions.
ALTER TABLE refresh_tokens ADD COLUMN user_agent TEXT;
ALTER TABLE refresh_tokens ADD COLUMN ip TEXT;
