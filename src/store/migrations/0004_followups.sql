-- 0004: follow-up plans, callback tasks with their sources and attempts,
-- campaigns, and the flags an escalated call leaves on a customer file.

-- A plan: steps of (offset days, purpose, script) for the default, a
-- category ('category:注射') or one item ('item:12').
CREATE TABLE followup_plans (
    id          INTEGER PRIMARY KEY,
    scope       TEXT NOT NULL UNIQUE,
    steps_json  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  INTEGER NOT NULL REFERENCES staff (id)
);

-- One task per customer, kind and due date (SPEC §5: tasks of the same
-- customer, kind and due are one task, listing every item behind it).
CREATE TABLE tasks (
    id            INTEGER PRIMARY KEY,
    uid           TEXT NOT NULL UNIQUE,
    customer_id   INTEGER NOT NULL REFERENCES customers (id),
    kind          TEXT NOT NULL CHECK (kind IN ('post_treatment', 'no_deal', 'repurchase', 'birthday', 'dormant', 'no_show', 'campaign')),
    due           TEXT NOT NULL,
    next_on       TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'open'
                  CHECK (status IN ('open', 'reached', 'unreachable', 'escalate', 'cancelled', 'historical')),
    purpose       TEXT,
    -- The script template of the plan step or campaign; NULL = the kind's default.
    script        TEXT,
    -- The date of the event the task follows (execution, arrival, last visit…).
    anchor        TEXT,
    created_at    TEXT NOT NULL,
    closed_at     TEXT,
    closed_on     TEXT,
    closed_by     INTEGER REFERENCES staff (id),
    cancel_reason TEXT,
    UNIQUE (customer_id, kind, due)
);
CREATE INDEX tasks_open_by_next_on ON tasks (next_on, customer_id) WHERE status = 'open';
CREATE INDEX tasks_by_due ON tasks (due);

-- What a task is for: 'execution:12', 'arrival:5', 'repurchase:<line>', 'birthday:2026',
-- 'dormant:180', 'campaign:3'…; the item it names, and whether that source was voided.
CREATE TABLE task_sources (
    task_id  INTEGER NOT NULL REFERENCES tasks (id),
    source   TEXT NOT NULL,
    item     TEXT,
    voided   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (task_id, source)
) WITHOUT ROWID;
CREATE INDEX task_sources_by_source ON task_sources (source);

-- Every call made on a task: append-only.
CREATE TABLE task_attempts (
    id        INTEGER PRIMARY KEY,
    task_id   INTEGER NOT NULL REFERENCES tasks (id),
    at        TEXT NOT NULL,
    on_date   TEXT NOT NULL,
    by_staff  INTEGER NOT NULL REFERENCES staff (id),
    outcome   TEXT NOT NULL CHECK (outcome IN ('reached', 'no_answer', 'escalate', 'reschedule')),
    note      TEXT,
    to_date   TEXT
);
CREATE INDEX task_attempts_by_task ON task_attempts (task_id);
CREATE TRIGGER task_attempts_keep BEFORE DELETE ON task_attempts
BEGIN SELECT RAISE(ABORT, 'call attempts are append-only'); END;
CREATE TRIGGER task_attempts_fixed BEFORE UPDATE ON task_attempts
BEGIN SELECT RAISE(ABORT, 'call attempts are append-only'); END;

CREATE TABLE campaigns (
    id            INTEGER PRIMARY KEY,
    uid           TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL CHECK (length(trim(name)) > 0),
    date          TEXT NOT NULL,
    segment_json  TEXT NOT NULL,
    script        TEXT,
    tasks         INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    created_by    INTEGER NOT NULL REFERENCES staff (id)
);

-- A complaint or adverse reaction from a call: shown on the customer file
-- for the doctor and the owner until someone marks it handled.
CREATE TABLE customer_flags (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    task_id      INTEGER REFERENCES tasks (id),
    note         TEXT,
    at           TEXT NOT NULL,
    by_staff     INTEGER NOT NULL REFERENCES staff (id),
    resolved_at  TEXT,
    resolved_by  INTEGER REFERENCES staff (id)
);
CREATE INDEX customer_flags_by_customer ON customer_flags (customer_id);
