-- 0019: what the owner spent to win customers, per channel per month (获客成本,
-- SPEC §10). One row per (month, channel); entering a month's amount again
-- replaces it (the audit log keeps every entry), and a blank removes it.
CREATE TABLE acquisition_costs (
    month       TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    channel     TEXT NOT NULL CHECK (length(trim(channel)) > 0 AND channel = trim(channel)),
    amount_fen  INTEGER NOT NULL CHECK (amount_fen >= 0),
    uid         TEXT NOT NULL UNIQUE,
    updated_at  TEXT NOT NULL,
    updated_by  INTEGER NOT NULL REFERENCES staff (id),
    PRIMARY KEY (month, channel)
);
