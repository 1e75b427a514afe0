-- 0002: the item catalogue, arrivals (到院/分诊), orders (开单) with their lines,
-- payments, refunds and executions (执行/划扣).
--
-- Money is INTEGER fen. Dates a clinic thinks in (visit_date, order_date…)
-- are local 'YYYY-MM-DD' text; *_at columns are UTC timestamps.
-- Payments, refunds and executions are append-only: a row is never deleted
-- and never edited, except once to mark it void (with who, when and why).
-- import_key makes re-importing a file change nothing.

CREATE TABLE items (
    id               INTEGER PRIMARY KEY,
    uid              TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    category         TEXT NOT NULL CHECK (category IN ('手术', '注射', '光电', '皮肤管理', '其他')),
    list_price_fen   INTEGER CHECK (list_price_fen IS NULL OR list_price_fen >= 0),
    repurchase_days  INTEGER CHECK (repurchase_days IS NULL OR repurchase_days > 0),
    -- Which follow-up plan applies; NULL means the plan of the category.
    followup_plan    TEXT,
    active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at       TEXT NOT NULL,
    created_by       INTEGER NOT NULL REFERENCES staff (id)
);

CREATE TABLE arrivals (
    id           INTEGER PRIMARY KEY,
    uid          TEXT NOT NULL UNIQUE,
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    visit_date   TEXT NOT NULL,
    kind         TEXT CHECK (kind IN ('初诊', '复诊', '复查', '治疗', '咨询')),
    channel      TEXT,
    purpose      TEXT,
    assigned_to  INTEGER REFERENCES staff (id),
    department   TEXT,
    status       TEXT NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'consulting', 'treating', 'left')),
    outcome      TEXT CHECK (outcome IN ('deal', 'no_deal')),
    import_key   TEXT UNIQUE,
    created_at   TEXT NOT NULL,
    created_by   INTEGER NOT NULL REFERENCES staff (id),
    voided_at    TEXT,
    voided_by    INTEGER REFERENCES staff (id),
    void_reason  TEXT
);
CREATE INDEX arrivals_by_customer ON arrivals (customer_id, visit_date);
CREATE INDEX arrivals_by_date ON arrivals (visit_date);

-- The board's history: every move of an arrival, who made it and when.
CREATE TABLE arrival_events (
    id          INTEGER PRIMARY KEY,
    arrival_id  INTEGER NOT NULL REFERENCES arrivals (id),
    status      TEXT NOT NULL,
    outcome     TEXT,
    assigned_to INTEGER REFERENCES staff (id),
    at          TEXT NOT NULL,
    by_staff    INTEGER NOT NULL REFERENCES staff (id)
);
CREATE INDEX arrival_events_by_arrival ON arrival_events (arrival_id);

CREATE TABLE orders (
    id           INTEGER PRIMARY KEY,
    uid          TEXT NOT NULL UNIQUE,
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    order_date   TEXT NOT NULL,
    order_no     TEXT UNIQUE,
    arrival_id   INTEGER REFERENCES arrivals (id),
    consultant   TEXT,
    doctor       TEXT,
    note         TEXT,
    import_key   TEXT UNIQUE,
    created_at   TEXT NOT NULL,
    created_by   INTEGER NOT NULL REFERENCES staff (id),
    voided_at    TEXT,
    voided_by    INTEGER REFERENCES staff (id),
    void_reason  TEXT
);
CREATE INDEX orders_by_customer ON orders (customer_id, order_date);

CREATE TABLE order_lines (
    id              INTEGER PRIMARY KEY,
    uid             TEXT NOT NULL UNIQUE,
    order_id        INTEGER NOT NULL REFERENCES orders (id),
    item_id         INTEGER NOT NULL REFERENCES items (id),
    sessions        INTEGER NOT NULL CHECK (sessions > 0),
    list_price_fen  INTEGER NOT NULL CHECK (list_price_fen >= 0),
    -- What the customer agreed to pay for the line, after discount.
    price_fen       INTEGER NOT NULL CHECK (price_fen >= 0)
);
CREATE INDEX order_lines_by_order ON order_lines (order_id);
CREATE INDEX order_lines_by_item ON order_lines (item_id);

CREATE TABLE payments (
    id           INTEGER PRIMARY KEY,
    uid          TEXT NOT NULL UNIQUE,
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    order_id     INTEGER REFERENCES orders (id),
    pay_date     TEXT NOT NULL,
    amount_fen   INTEGER NOT NULL CHECK (amount_fen > 0),
    method       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   INTEGER NOT NULL REFERENCES staff (id),
    voided_at    TEXT,
    voided_by    INTEGER REFERENCES staff (id),
    void_reason  TEXT
);
CREATE INDEX payments_by_customer ON payments (customer_id, pay_date);
CREATE INDEX payments_by_date ON payments (pay_date);
CREATE INDEX payments_by_order ON payments (order_id);

-- Money given back. sessions_returned takes unused sessions off the line.
CREATE TABLE refunds (
    id                 INTEGER PRIMARY KEY,
    uid                TEXT NOT NULL UNIQUE,
    customer_id        INTEGER NOT NULL REFERENCES customers (id),
    order_id           INTEGER REFERENCES orders (id),
    order_line_id      INTEGER REFERENCES order_lines (id),
    refund_date        TEXT NOT NULL,
    amount_fen         INTEGER NOT NULL CHECK (amount_fen > 0),
    sessions_returned  INTEGER NOT NULL DEFAULT 0 CHECK (sessions_returned >= 0),
    method             TEXT,
    reason             TEXT,
    import_key         TEXT UNIQUE,
    created_at         TEXT NOT NULL,
    created_by         INTEGER NOT NULL REFERENCES staff (id),
    voided_at          TEXT,
    voided_by          INTEGER REFERENCES staff (id),
    void_reason        TEXT
);
CREATE INDEX refunds_by_customer ON refunds (customer_id, refund_date);
CREATE INDEX refunds_by_date ON refunds (refund_date);
CREATE INDEX refunds_by_line ON refunds (order_line_id);

CREATE TABLE executions (
    id             INTEGER PRIMARY KEY,
    uid            TEXT NOT NULL UNIQUE,
    customer_id    INTEGER NOT NULL REFERENCES customers (id),
    order_line_id  INTEGER NOT NULL REFERENCES order_lines (id),
    exec_date      TEXT NOT NULL,
    count          INTEGER NOT NULL CHECK (count > 0),
    performer      TEXT,
    import_key     TEXT,
    created_at     TEXT NOT NULL,
    created_by     INTEGER NOT NULL REFERENCES staff (id),
    voided_at      TEXT,
    voided_by      INTEGER REFERENCES staff (id),
    void_reason    TEXT
);
CREATE INDEX executions_by_customer ON executions (customer_id, exec_date);
CREATE INDEX executions_by_date ON executions (exec_date);
CREATE INDEX executions_by_line ON executions (order_line_id);
CREATE INDEX executions_by_import_key ON executions (import_key) WHERE import_key IS NOT NULL;

-- Append-only, enforced by the database itself.
CREATE TRIGGER payments_keep BEFORE DELETE ON payments
BEGIN SELECT RAISE(ABORT, 'payments are append-only'); END;
CREATE TRIGGER payments_fixed BEFORE UPDATE OF id, uid, customer_id, order_id, pay_date, amount_fen, method, created_at, created_by ON payments
BEGIN SELECT RAISE(ABORT, 'payments are append-only'); END;
CREATE TRIGGER payments_void_once BEFORE UPDATE OF voided_at, voided_by, void_reason ON payments WHEN OLD.voided_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a void is final'); END;

CREATE TRIGGER refunds_keep BEFORE DELETE ON refunds
BEGIN SELECT RAISE(ABORT, 'refunds are append-only'); END;
CREATE TRIGGER refunds_fixed BEFORE UPDATE OF id, uid, customer_id, order_id, order_line_id, refund_date, amount_fen, sessions_returned, method, reason, import_key, created_at, created_by ON refunds
BEGIN SELECT RAISE(ABORT, 'refunds are append-only'); END;
CREATE TRIGGER refunds_void_once BEFORE UPDATE OF voided_at, voided_by, void_reason ON refunds WHEN OLD.voided_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a void is final'); END;

CREATE TRIGGER executions_keep BEFORE DELETE ON executions
BEGIN SELECT RAISE(ABORT, 'executions are append-only'); END;
CREATE TRIGGER executions_fixed BEFORE UPDATE OF id, uid, customer_id, order_line_id, exec_date, count, performer, import_key, created_at, created_by ON executions
BEGIN SELECT RAISE(ABORT, 'executions are append-only'); END;
CREATE TRIGGER executions_void_once BEFORE UPDATE OF voided_at, voided_by, void_reason ON executions WHEN OLD.voided_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a void is final'); END;

CREATE TRIGGER orders_keep BEFORE DELETE ON orders
BEGIN SELECT RAISE(ABORT, 'orders are append-only'); END;
CREATE TRIGGER orders_fixed BEFORE UPDATE OF id, uid, customer_id, order_date, order_no, import_key, created_at, created_by ON orders
BEGIN SELECT RAISE(ABORT, 'orders are append-only'); END;
CREATE TRIGGER orders_void_once BEFORE UPDATE OF voided_at, voided_by, void_reason ON orders WHEN OLD.voided_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a void is final'); END;
CREATE TRIGGER order_lines_keep BEFORE DELETE ON order_lines
BEGIN SELECT RAISE(ABORT, 'order lines are append-only'); END;
CREATE TRIGGER order_lines_fixed BEFORE UPDATE ON order_lines
BEGIN SELECT RAISE(ABORT, 'order lines are append-only'); END;

-- Visit days (到院日), SPEC §2: an arrival, a positive payment or an executed
-- session on that local date; a refund alone is not a visit. The one
-- definition every rule reads.
CREATE VIEW visit_days (customer_id, day) AS
    SELECT customer_id, visit_date FROM arrivals WHERE voided_at IS NULL
    UNION
    SELECT customer_id, pay_date FROM payments WHERE voided_at IS NULL
    UNION
    SELECT customer_id, exec_date FROM executions WHERE voided_at IS NULL;

-- Net spend (SPEC §2): payments minus refunds, each dated by its own date.
CREATE VIEW money_moves (customer_id, day, amount_fen) AS
    SELECT customer_id, pay_date, amount_fen FROM payments WHERE voided_at IS NULL
    UNION ALL
    SELECT customer_id, refund_date, -amount_fen FROM refunds WHERE voided_at IS NULL;
