-- 0014: vouchers and points that pay part of an order (抵扣, SPEC §8). A credit
-- lowers what an order still owes; it is not a payment, earns no points and
-- is not net spend. Like a payment it is voided, never deleted: voiding it
-- (or its order) gives the voucher back (a `released` line in the voucher
-- ledger) and voids the points redemption it made.
CREATE TABLE order_credits (
    id             INTEGER PRIMARY KEY,
    uid            TEXT NOT NULL UNIQUE,
    customer_id    INTEGER NOT NULL REFERENCES customers (id),
    order_id       INTEGER NOT NULL REFERENCES orders (id),
    credit_date    TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('voucher', 'points')),
    amount_fen     INTEGER NOT NULL CHECK (amount_fen > 0),
    voucher_id     INTEGER REFERENCES vouchers (id),
    points         INTEGER CHECK (points IS NULL OR points > 0),
    redemption_id  INTEGER REFERENCES point_redemptions (id),
    created_at     TEXT NOT NULL,
    created_by     INTEGER NOT NULL REFERENCES staff (id),
    voided_at      TEXT,
    voided_by      INTEGER REFERENCES staff (id),
    void_reason    TEXT,
    CHECK ((kind = 'voucher') = (voucher_id IS NOT NULL)),
    CHECK ((kind = 'points') = (points IS NOT NULL AND redemption_id IS NOT NULL))
);
CREATE INDEX order_credits_by_order ON order_credits (order_id);
CREATE INDEX order_credits_by_customer ON order_credits (customer_id, credit_date);
CREATE TRIGGER order_credits_keep BEFORE DELETE ON order_credits
BEGIN SELECT RAISE(ABORT, 'credits are append-only'); END;
CREATE TRIGGER order_credits_fixed BEFORE UPDATE OF id, uid, customer_id, order_id, credit_date, kind, amount_fen, voucher_id, points, redemption_id, created_at, created_by ON order_credits
BEGIN SELECT RAISE(ABORT, 'credits are append-only'); END;
CREATE TRIGGER order_credits_void_once BEFORE UPDATE OF voided_at, voided_by, void_reason ON order_credits WHEN OLD.voided_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a void is final'); END;

-- The voucher ledger gains `released` (a redemption undone by a void), so a
-- voucher may now have several lines; its status is its latest line.
DROP TRIGGER voucher_events_keep;
DROP TRIGGER voucher_events_fixed;
CREATE TABLE voucher_events_v2 (
    id          INTEGER PRIMARY KEY,
    voucher_id  INTEGER NOT NULL REFERENCES vouchers (id),
    what        TEXT NOT NULL CHECK (what IN ('redeemed', 'voided', 'released')),
    on_date     TEXT NOT NULL,
    order_id    INTEGER REFERENCES orders (id),
    credit_id   INTEGER REFERENCES order_credits (id),
    reason      TEXT,
    at          TEXT NOT NULL,
    by_staff    INTEGER NOT NULL REFERENCES staff (id),
    CHECK (what != 'voided' OR length(trim(coalesce(reason, ''))) > 0)
);
INSERT INTO voucher_events_v2 (id, voucher_id, what, on_date, order_id, reason, at, by_staff)
    SELECT id, voucher_id, what, on_date, order_id, reason, at, by_staff FROM voucher_events;
DROP TABLE voucher_events;
ALTER TABLE voucher_events_v2 RENAME TO voucher_events;
CREATE INDEX voucher_events_by_voucher ON voucher_events (voucher_id, on_date, id);
CREATE INDEX voucher_events_by_date ON voucher_events (on_date);
CREATE TRIGGER voucher_events_keep BEFORE DELETE ON voucher_events
BEGIN SELECT RAISE(ABORT, 'the voucher ledger is append-only'); END;
CREATE TRIGGER voucher_events_fixed BEFORE UPDATE ON voucher_events
BEGIN SELECT RAISE(ABORT, 'the voucher ledger is append-only'); END;
CREATE INDEX vouchers_by_issue ON vouchers (issued_on);
