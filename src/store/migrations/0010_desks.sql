-- 0010: the clinic's other PCs (desks) that may work on this host's records
-- over the network. A desk asks once; the owner approves or revokes it. Its
-- key is kept only as a SHA-256 hash (the desk holds the key itself).

CREATE TABLE desks (
    id           INTEGER PRIMARY KEY,
    uid          TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    key_hash     TEXT NOT NULL UNIQUE,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'revoked')),
    address      TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    decided_at   TEXT,
    decided_by   INTEGER REFERENCES staff(id),
    last_seen    TEXT
);
