-- 0015: every kind of call customer service makes (SPEC §5, §9).
-- Tasks gain the `package` kind (疗程邀约), the `sent` status (a message step
-- whose text was sent) and a channel: a call (电话) or a message (消息).
-- Attempts gain the `sent` outcome and a satisfaction score 1–5 on a reached
-- call. SQLite cannot change a CHECK in place, so both tables are rebuilt
-- (the migration runs with foreign keys off and checks them before commit).
CREATE TABLE tasks_0015 (
    id            INTEGER PRIMARY KEY,
    uid           TEXT NOT NULL UNIQUE,
    customer_id   INTEGER NOT NULL REFERENCES customers (id),
    kind          TEXT NOT NULL CHECK (kind IN ('post_treatment', 'no_deal', 'repurchase', 'birthday', 'dormant', 'no_show', 'package', 'campaign')),
    due           TEXT NOT NULL,
    next_on       TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'open'
                  CHECK (status IN ('open', 'reached', 'sent', 'unreachable', 'escalate', 'cancelled', 'historical')),
    purpose       TEXT,
    script        TEXT,
    anchor        TEXT,
    created_at    TEXT NOT NULL,
    closed_at     TEXT,
    closed_on     TEXT,
    closed_by     INTEGER REFERENCES staff (id),
    cancel_reason TEXT,
    channel       TEXT NOT NULL DEFAULT 'call' CHECK (channel IN ('call', 'message')),
    UNIQUE (customer_id, kind, due)
);
INSERT INTO tasks_0015 (id, uid, customer_id, kind, due, next_on, status, purpose, script, anchor, created_at, closed_at, closed_on, closed_by, cancel_reason)
SELECT id, uid, customer_id, kind, due, next_on, status, purpose, script, anchor, created_at, closed_at, closed_on, closed_by, cancel_reason FROM tasks;
DROP TABLE tasks;
ALTER TABLE tasks_0015 RENAME TO tasks;
CREATE INDEX tasks_open_by_next_on ON tasks (next_on, customer_id) WHERE status = 'open';
CREATE INDEX tasks_by_due ON tasks (due) WHERE status <> 'historical';

DROP TRIGGER task_attempts_keep;
DROP TRIGGER task_attempts_fixed;
CREATE TABLE task_attempts_0015 (
    id        INTEGER PRIMARY KEY,
    task_id   INTEGER NOT NULL REFERENCES tasks (id),
    at        TEXT NOT NULL,
    on_date   TEXT NOT NULL,
    by_staff  INTEGER NOT NULL REFERENCES staff (id),
    outcome   TEXT NOT NULL CHECK (outcome IN ('reached', 'sent', 'no_answer', 'escalate', 'reschedule')),
    note      TEXT,
    to_date   TEXT,
    score     INTEGER CHECK (score IS NULL OR (score BETWEEN 1 AND 5 AND outcome = 'reached'))
);
INSERT INTO task_attempts_0015 (id, task_id, at, on_date, by_staff, outcome, note, to_date)
SELECT id, task_id, at, on_date, by_staff, outcome, note, to_date FROM task_attempts;
DROP TABLE task_attempts;
ALTER TABLE task_attempts_0015 RENAME TO task_attempts;
CREATE INDEX task_attempts_by_task ON task_attempts (task_id);
-- The month's satisfaction figures read scored calls by the day they closed.
CREATE INDEX task_attempts_scored ON task_attempts (on_date) WHERE score IS NOT NULL;
CREATE TRIGGER task_attempts_keep BEFORE DELETE ON task_attempts
BEGIN SELECT RAISE(ABORT, 'call attempts are append-only'); END;
CREATE TRIGGER task_attempts_fixed BEFORE UPDATE ON task_attempts
BEGIN SELECT RAISE(ABORT, 'call attempts are append-only'); END;

-- The open lines of live orders and the sessions each has left (预收未耗):
-- kept by the database itself, like an index, so the prepaid screen, the
-- month's prepaid figures and the 疗程邀约 calls find the few open packages
-- without adding up every line's sessions in the clinic. A line leaves it when
-- its last session is done or given back, or its order is voided; a voided
-- session or refund brings it back.
CREATE TABLE open_lines (
    line_id      INTEGER PRIMARY KEY REFERENCES order_lines (id),
    order_id     INTEGER NOT NULL REFERENCES orders (id),
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    left         INTEGER NOT NULL CHECK (left > 0)
);
CREATE INDEX open_lines_by_customer ON open_lines (customer_id);
INSERT INTO open_lines (line_id, order_id, customer_id, left)
SELECT id, order_id, customer_id, left FROM (
    SELECT l.id, l.order_id, o.customer_id, l.sessions
        - coalesce((SELECT sum(e.count) FROM executions e WHERE e.order_line_id = l.id AND e.voided_at IS NULL), 0)
        - coalesce((SELECT sum(r.sessions_returned) FROM refunds r WHERE r.order_line_id = l.id AND r.voided_at IS NULL), 0) AS left
    FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.voided_at IS NULL)
WHERE left > 0;

CREATE TRIGGER open_lines_bought AFTER INSERT ON order_lines
BEGIN
    INSERT INTO open_lines (line_id, order_id, customer_id, left)
    SELECT NEW.id, NEW.order_id, o.customer_id, NEW.sessions FROM orders o WHERE o.id = NEW.order_id AND o.voided_at IS NULL;
END;
CREATE TRIGGER open_lines_done AFTER INSERT ON executions
BEGIN
    DELETE FROM open_lines WHERE line_id = NEW.order_line_id AND left <= NEW.count;
    UPDATE open_lines SET left = left - NEW.count WHERE line_id = NEW.order_line_id;
END;
CREATE TRIGGER open_lines_returned AFTER INSERT ON refunds WHEN NEW.sessions_returned > 0 AND NEW.order_line_id IS NOT NULL
BEGIN
    DELETE FROM open_lines WHERE line_id = NEW.order_line_id AND left <= NEW.sessions_returned;
    UPDATE open_lines SET left = left - NEW.sessions_returned WHERE line_id = NEW.order_line_id;
END;
CREATE TRIGGER open_lines_session_voided AFTER UPDATE OF voided_at ON executions
WHEN OLD.voided_at IS NULL AND NEW.voided_at IS NOT NULL
BEGIN
    INSERT INTO open_lines (line_id, order_id, customer_id, left)
    SELECT l.id, l.order_id, o.customer_id, NEW.count FROM order_lines l JOIN orders o ON o.id = l.order_id
    WHERE l.id = NEW.order_line_id AND o.voided_at IS NULL
    ON CONFLICT (line_id) DO UPDATE SET left = left + excluded.left;
END;
CREATE TRIGGER open_lines_refund_voided AFTER UPDATE OF voided_at ON refunds
WHEN OLD.voided_at IS NULL AND NEW.voided_at IS NOT NULL AND NEW.sessions_returned > 0 AND NEW.order_line_id IS NOT NULL
BEGIN
    INSERT INTO open_lines (line_id, order_id, customer_id, left)
    SELECT l.id, l.order_id, o.customer_id, NEW.sessions_returned FROM order_lines l JOIN orders o ON o.id = l.order_id
    WHERE l.id = NEW.order_line_id AND o.voided_at IS NULL
    ON CONFLICT (line_id) DO UPDATE SET left = left + excluded.left;
END;
CREATE TRIGGER open_lines_order_voided AFTER UPDATE OF voided_at ON orders
WHEN OLD.voided_at IS NULL AND NEW.voided_at IS NOT NULL
BEGIN
    DELETE FROM open_lines WHERE order_id = NEW.id;
END;

-- The owner's message templates (节日问候, 关怀): the seeds live in the code
-- until the owner saves one. A campaign may use one; its calls are then messages.
CREATE TABLE message_templates (
    key         TEXT PRIMARY KEY,
    title       TEXT NOT NULL CHECK (length(trim(title)) > 0),
    text        TEXT NOT NULL CHECK (length(trim(text)) > 0),
    updated_at  TEXT NOT NULL,
    updated_by  INTEGER NOT NULL REFERENCES staff (id)
);
ALTER TABLE campaigns ADD COLUMN template TEXT;
