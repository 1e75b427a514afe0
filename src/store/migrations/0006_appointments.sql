-- 0006: the booking book (预约). The row holds the appointment as it stands;
-- every change (booked, moved, arrived, no-show, cancelled) is an
-- append-only event with who, when and the clinic's local date.

CREATE TABLE appointments (
    id           INTEGER PRIMARY KEY,
    uid          TEXT NOT NULL UNIQUE,
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    staff_id     INTEGER REFERENCES staff (id),
    day          TEXT NOT NULL,
    start_min    INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
    end_min      INTEGER NOT NULL CHECK (end_min > start_min AND end_min <= 1440),
    purpose      TEXT NOT NULL CHECK (length(trim(purpose)) > 0),
    item_id      INTEGER REFERENCES items (id),
    note         TEXT,
    status       TEXT NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'arrived', 'no_show', 'cancelled')),
    arrival_id   INTEGER REFERENCES arrivals (id),
    task_id      INTEGER REFERENCES tasks (id),
    -- The local date it was booked, and the day it was booked for then
    -- (a later move does not change what the booking day ended with).
    booked_on    TEXT NOT NULL,
    booked_for   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   INTEGER NOT NULL REFERENCES staff (id)
);
CREATE INDEX appointments_by_day ON appointments (day, start_min);
CREATE INDEX appointments_by_customer ON appointments (customer_id, day);
CREATE INDEX appointments_by_booking_day ON appointments (booked_on, customer_id, booked_for);
CREATE INDEX appointments_open ON appointments (day) WHERE status = 'booked';

CREATE TABLE appointment_events (
    id              INTEGER PRIMARY KEY,
    appointment_id  INTEGER NOT NULL REFERENCES appointments (id),
    what            TEXT NOT NULL CHECK (what IN ('booked', 'moved', 'arrived', 'no_show', 'cancelled')),
    on_date         TEXT NOT NULL,
    at              TEXT NOT NULL,
    by_staff        INTEGER NOT NULL REFERENCES staff (id),
    detail          TEXT
);
CREATE INDEX appointment_events_of ON appointment_events (appointment_id);
CREATE TRIGGER appointment_events_keep BEFORE DELETE ON appointment_events
BEGIN SELECT RAISE(ABORT, 'appointment history is append-only'); END;
CREATE TRIGGER appointment_events_fixed BEFORE UPDATE ON appointment_events
BEGIN SELECT RAISE(ABORT, 'appointment history is append-only'); END;
CREATE TRIGGER appointments_stay BEFORE DELETE ON appointments
BEGIN SELECT RAISE(ABORT, 'appointments are cancelled, never deleted'); END;
