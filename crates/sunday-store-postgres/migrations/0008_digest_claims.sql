-- With several worker nodes, a user's digest is claimed before it is sent, so it goes out once:
-- a claim holds until this time (Unix milliseconds) and another worker skips the user until then.

ALTER TABLE notification_prefs ADD COLUMN digest_claimed_until BIGINT;
