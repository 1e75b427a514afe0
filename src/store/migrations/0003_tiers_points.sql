-- 0003: tier rule changes, point redemptions, and covering indexes for
-- computing every customer's facts at once.

-- Who changed the tier thresholds, when, from what to what. The rules in
-- force live in settings under 'tier_rules' (absent = the SPEC defaults).
CREATE TABLE tier_rule_changes (
    id          INTEGER PRIMARY KEY,
    changed_at  TEXT NOT NULL,
    changed_by  INTEGER NOT NULL REFERENCES staff (id),
    before_json TEXT NOT NULL,
    after_json  TEXT NOT NULL
);
CREATE TRIGGER tier_rule_changes_keep BEFORE DELETE ON tier_rule_changes
BEGIN SELECT RAISE(ABORT, 'the rule log is append-only'); END;
CREATE TRIGGER tier_rule_changes_fixed BEFORE UPDATE ON tier_rule_changes
BEGIN SELECT RAISE(ABORT, 'the rule log is append-only'); END;

-- Points spent by customers (积分兑换). Points earned, referred and taken back
-- by refunds are derived from payments, refunds and referrals; redemptions
-- are the one thing staff enter.
CREATE TABLE point_redemptions (
    id           INTEGER PRIMARY KEY,
    uid          TEXT NOT NULL UNIQUE,
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    day          TEXT NOT NULL,
    points       INTEGER NOT NULL CHECK (points > 0),
    note         TEXT,
    created_at   TEXT NOT NULL,
    created_by   INTEGER NOT NULL REFERENCES staff (id),
    voided_at    TEXT,
    voided_by    INTEGER REFERENCES staff (id),
    void_reason  TEXT
);
CREATE INDEX point_redemptions_by_customer ON point_redemptions (customer_id, day);
CREATE TRIGGER point_redemptions_keep BEFORE DELETE ON point_redemptions
BEGIN SELECT RAISE(ABORT, 'point redemptions are append-only'); END;
CREATE TRIGGER point_redemptions_fixed BEFORE UPDATE OF id, uid, customer_id, day, points, note, created_at, created_by ON point_redemptions
BEGIN SELECT RAISE(ABORT, 'point redemptions are append-only'); END;

-- Live (not voided) facts by customer and date, each index covering its scan.
CREATE INDEX payments_live ON payments (customer_id, pay_date, amount_fen) WHERE voided_at IS NULL;
CREATE INDEX refunds_live ON refunds (customer_id, refund_date, amount_fen) WHERE voided_at IS NULL;
CREATE INDEX executions_live ON executions (customer_id, exec_date) WHERE voided_at IS NULL;
CREATE INDEX arrivals_live ON arrivals (customer_id, visit_date) WHERE voided_at IS NULL;
