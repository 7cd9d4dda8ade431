-- Secrets at rest (issue 11, item 16).

-- Sessions are now keyed by a hash of the session id (the browser's cookie), never the
-- id itself: the server looks a session up by the first 16 bytes of the SHA-256 of the
-- id's 16 bytes, written like the id (URL-safe base64 without padding). Rewriting the
-- rows kept so far the same way keeps everyone signed in, and leaves no usable id behind.
UPDATE tower_sessions.session
SET id = rtrim(translate(encode(substring(sha256(decode(translate(id, '-_', '+/') || '==',
                                                           'base64')) FROM 1 FOR 16),
                                'base64'), '+/', '-_'), '=')
WHERE length(id) = 22;

-- Messages already sent keep who, what and when, not their text: the text carried
-- working links (password resets, confirmations, guest order keys). From now on the
-- outbox clears it as each message is sent or given up.
UPDATE outbox_emails
SET text_body = '', html_body = ''
WHERE (sent_at IS NOT NULL OR failed_at IS NOT NULL)
  AND (text_body <> '' OR html_body <> '');
