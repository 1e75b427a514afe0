-- 0001: settings, staff, the customer archive and its search keys.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

INSERT INTO settings (key, value) VALUES
    ('time_zone', 'Asia/Shanghai'),
    ('created_at', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));

-- Named staff accounts; every record says who entered it. pin_hash and active
-- are there for sign-in and permissions.
CREATE TABLE staff (
    id          INTEGER PRIMARY KEY,
    uid         TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    role        TEXT NOT NULL CHECK (role IN ('reception', 'consultant', 'doctor', 'nurse', 'service', 'owner', 'system')),
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    pin_hash    TEXT,
    created_at  TEXT NOT NULL,
    created_by  INTEGER REFERENCES staff (id)
);

-- The account that records what the command line and imports enter.
INSERT INTO staff (id, uid, name, role, created_at)
VALUES (1, '00000000-0000-7000-8000-000000000001', '系统', 'system', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));

CREATE TABLE customers (
    id                INTEGER PRIMARY KEY,
    uid               TEXT NOT NULL UNIQUE,
    phone             TEXT NOT NULL UNIQUE CHECK (length(phone) = 11),
    name              TEXT NOT NULL CHECK (length(trim(name)) > 0),
    gender            TEXT CHECK (gender IN ('F', 'M')),
    birthday          TEXT,
    channel           TEXT,
    referrer_id       INTEGER REFERENCES customers (id),
    consultant        TEXT,
    marketing_opt_out INTEGER NOT NULL DEFAULT 0 CHECK (marketing_opt_out IN (0, 1)),
    notes             TEXT,
    skin_type         TEXT,
    allergies         TEXT,
    care_preferences  TEXT,
    created_at        TEXT NOT NULL,
    created_by        INTEGER NOT NULL REFERENCES staff (id),
    updated_at        TEXT NOT NULL,
    updated_by        INTEGER NOT NULL REFERENCES staff (id),
    CHECK (referrer_id IS NULL OR referrer_id <> id)
);
CREATE INDEX customers_referrer ON customers (referrer_id);

CREATE TABLE customer_tags (
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    tag         TEXT NOT NULL,
    PRIMARY KEY (customer_id, tag)
) WITHOUT ROWID;
CREATE INDEX customer_tags_by_tag ON customer_tags (tag, customer_id);

-- Memory points (记忆点): what staff should know before calling. Removing one
-- keeps the row, marked with who removed it and when.
CREATE TABLE memory_points (
    id          INTEGER PRIMARY KEY,
    uid         TEXT NOT NULL UNIQUE,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    text        TEXT NOT NULL CHECK (length(trim(text)) > 0),
    created_at  TEXT NOT NULL,
    created_by  INTEGER NOT NULL REFERENCES staff (id),
    removed_at  TEXT,
    removed_by  INTEGER REFERENCES staff (id)
);
CREATE INDEX memory_points_by_customer ON memory_points (customer_id);

-- Search keys: phone, last 4, name, given name, pinyin initials and full
-- pinyin. kind ranks exact matches (0 phone … 5 given name).
CREATE TABLE customer_search (
    key         TEXT NOT NULL,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    kind        INTEGER NOT NULL,
    PRIMARY KEY (key, customer_id)
) WITHOUT ROWID;
CREATE INDEX customer_search_by_customer ON customer_search (customer_id);
