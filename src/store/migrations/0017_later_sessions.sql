-- 0017: the sessions of a package done on a later day than it was bought,
-- and the sessions given back: the only consumption a month-end 预收未耗
-- figure needs besides the open lines now (a session done the day its line
-- was bought never counts at any day end). Kept by the database like an
-- index: a session is written here when its line was open and bought on an
-- earlier day; a void removes it.
CREATE TABLE later_sessions (
    execution_id  INTEGER PRIMARY KEY REFERENCES executions (id),
    line_id       INTEGER NOT NULL REFERENCES order_lines (id),
    exec_date     TEXT NOT NULL,
    count         INTEGER NOT NULL
);
CREATE INDEX later_sessions_by_date ON later_sessions (exec_date);
INSERT INTO later_sessions (execution_id, line_id, exec_date, count)
SELECT e.id, e.order_line_id, e.exec_date, e.count FROM executions e
JOIN order_lines l ON l.id = e.order_line_id JOIN orders o ON o.id = l.order_id
WHERE e.voided_at IS NULL AND o.voided_at IS NULL AND e.exec_date > o.order_date;

DROP TRIGGER open_lines_done;
CREATE TRIGGER open_lines_done AFTER INSERT ON executions
BEGIN
    INSERT INTO later_sessions (execution_id, line_id, exec_date, count)
    SELECT NEW.id, NEW.order_line_id, NEW.exec_date, NEW.count FROM open_lines WHERE line_id = NEW.order_line_id AND order_date < NEW.exec_date;
    DELETE FROM open_lines WHERE line_id = NEW.order_line_id AND left <= NEW.count;
    UPDATE open_lines SET left = left - NEW.count WHERE line_id = NEW.order_line_id;
END;
CREATE TRIGGER later_sessions_voided AFTER UPDATE OF voided_at ON executions
WHEN OLD.voided_at IS NULL AND NEW.voided_at IS NOT NULL
BEGIN
    DELETE FROM later_sessions WHERE execution_id = NEW.id;
END;
