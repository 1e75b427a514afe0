-- 0007: each booking event records the day the appointment stood on after
-- it, so a day's end can be read back exactly (rebooked_rate reads each
-- appointment as it stood at the end of the visit day); the appointment's
-- fixed columns are protected as the orders' are.

ALTER TABLE appointment_events ADD COLUMN day_after TEXT;

-- The history is append-only; the new column is filled once for the events
-- written before it existed, with the trigger lifted for that one statement.
DROP TRIGGER appointment_events_fixed;
UPDATE appointment_events SET day_after = (SELECT booked_for FROM appointments a WHERE a.id = appointment_events.appointment_id)
 WHERE what = 'booked';
-- A move's detail reads '<before> → <day> <start>–<end> …'.
UPDATE appointment_events SET day_after = substr(detail, instr(detail, '→ ') + 2, 10)
 WHERE what = 'moved' AND instr(detail, '→ ') > 0;
CREATE TRIGGER appointment_events_fixed BEFORE UPDATE ON appointment_events
BEGIN SELECT RAISE(ABORT, 'appointment history is append-only'); END;

CREATE INDEX appointment_events_days ON appointment_events (appointment_id, on_date) WHERE what IN ('booked', 'moved', 'cancelled');

-- Who, for whom, when booked and for what never change; a move happens
-- only while booked; a cancellation is final.
CREATE TRIGGER appointments_fixed BEFORE UPDATE OF id, uid, customer_id, purpose, item_id, note, task_id, booked_on, booked_for, created_at, created_by ON appointments
BEGIN SELECT RAISE(ABORT, 'an appointment''s booking is fixed: move or cancel it instead'); END;
CREATE TRIGGER appointments_move_while_booked BEFORE UPDATE OF day, start_min, end_min, staff_id ON appointments WHEN OLD.status <> 'booked'
BEGIN SELECT RAISE(ABORT, 'only a booked appointment can be moved'); END;
CREATE TRIGGER appointments_cancel_is_final BEFORE UPDATE OF status ON appointments WHEN OLD.status = 'cancelled'
BEGIN SELECT RAISE(ABORT, 'a cancelled appointment stays cancelled'); END;
