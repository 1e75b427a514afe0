-- 0012: vouchers (券, SPEC §8). A voucher belongs to one customer, has a face
-- value, an optional threshold (满 X 减 Y), an issue date, a last valid day
-- and a source. What becomes of it (redeemed on an order, or voided with a
-- reason) is a ledger line of its own; both tables are append-only, and a
-- voucher is redeemed or voided at most once. Expiry is read from the dates.
CREATE TABLE vouchers (
    id             INTEGER PRIMARY KEY,
    uid            TEXT NOT NULL UNIQUE,
    customer_id    INTEGER NOT NULL REFERENCES customers (id),
    face_fen       INTEGER NOT NULL CHECK (face_fen > 0),
    threshold_fen  INTEGER CHECK (threshold_fen IS NULL OR threshold_fen > 0),
    issued_on      TEXT NOT NULL,
    valid_through  TEXT NOT NULL CHECK (valid_through >= issued_on),
    source         TEXT NOT NULL CHECK (source IN ('referral', 'campaign', 'manual')),
    -- What issued it, so that it is issued once: 'referral:<referred id>', 'campaign:<id>'.
    source_key     TEXT,
    note           TEXT,
    created_at     TEXT NOT NULL,
    created_by     INTEGER NOT NULL REFERENCES staff (id),
    UNIQUE (source_key, customer_id)
);
CREATE INDEX vouchers_by_customer ON vouchers (customer_id, issued_on);

CREATE TABLE voucher_events (
    id          INTEGER PRIMARY KEY,
    voucher_id  INTEGER NOT NULL UNIQUE REFERENCES vouchers (id),
    what        TEXT NOT NULL CHECK (what IN ('redeemed', 'voided')),
    on_date     TEXT NOT NULL,
    order_id    INTEGER REFERENCES orders (id),
    reason      TEXT,
    at          TEXT NOT NULL,
    by_staff    INTEGER NOT NULL REFERENCES staff (id),
    CHECK (what != 'voided' OR length(trim(coalesce(reason, ''))) > 0)
);

CREATE TRIGGER vouchers_keep BEFORE DELETE ON vouchers
BEGIN SELECT RAISE(ABORT, 'vouchers are append-only'); END;
CREATE TRIGGER vouchers_fixed BEFORE UPDATE ON vouchers
BEGIN SELECT RAISE(ABORT, 'vouchers are append-only'); END;
CREATE TRIGGER voucher_events_keep BEFORE DELETE ON voucher_events
BEGIN SELECT RAISE(ABORT, 'the voucher ledger is append-only'); END;
CREATE TRIGGER voucher_events_fixed BEFORE UPDATE ON voucher_events
BEGIN SELECT RAISE(ABORT, 'the voucher ledger is append-only'); END;
