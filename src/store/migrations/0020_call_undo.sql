-- A call recorded by mistake (one key too quick) can be taken back by whoever
-- recorded it, the same day. Attempts stay append-only: the taking back is a
-- row of its own, and every count reads live_attempts, the attempts not
-- taken back. prev_next_on keeps the day the task was due before the attempt
-- moved it, so taking it back puts the task where it was.
ALTER TABLE task_attempts ADD COLUMN prev_next_on TEXT;
CREATE TABLE task_attempt_undos (
    attempt_id INTEGER PRIMARY KEY REFERENCES task_attempts (id),
    at         TEXT NOT NULL,
    by_staff   INTEGER NOT NULL REFERENCES staff (id)
);
CREATE TRIGGER task_attempt_undos_keep BEFORE DELETE ON task_attempt_undos
BEGIN SELECT RAISE(ABORT, 'taken-back calls are append-only'); END;
CREATE TRIGGER task_attempt_undos_fixed BEFORE UPDATE ON task_attempt_undos
BEGIN SELECT RAISE(ABORT, 'taken-back calls are append-only'); END;
CREATE VIEW live_attempts AS
    SELECT a.* FROM task_attempts a WHERE NOT EXISTS (SELECT 1 FROM task_attempt_undos u WHERE u.attempt_id = a.id);
