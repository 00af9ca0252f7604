-- The OAuth2 scopes a login was granted; every refresh of the chain keeps them. Sessions that
-- began before scopes existed keep a user's default (an administrator signs in again for
-- `admin`).
ALTER TABLE refresh_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'read write';
