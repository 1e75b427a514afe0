-- 0005: sign-in attempts (for the PIN lockout) and the audit log.

CREATE TABLE sign_in_state (
    staff_id      INTEGER PRIMARY KEY REFERENCES staff (id),
    failed        INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT
);

-- Who viewed a customer file, who changed what (before/after), who exported.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    staff_id  INTEGER REFERENCES staff (id),
    action    TEXT NOT NULL,
    target    TEXT,
    detail    TEXT,
    before    TEXT,
    after     TEXT
);
CREATE INDEX audit_log_by_target ON audit_log (target);
CREATE TRIGGER audit_log_keep BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_fixed BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
