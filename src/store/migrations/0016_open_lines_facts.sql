-- 0016: an open line carries the facts its value and its month-end figures
-- need (its order's date, its sessions and agreed price: fixed once written),
-- so 预收未耗 reads one small table instead of two lookups a line, and it is
-- found by its order (a package call names orders; a voided order removes its lines).
DROP TRIGGER open_lines_bought;
DROP TRIGGER open_lines_done;
DROP TRIGGER open_lines_returned;
DROP TRIGGER open_lines_session_voided;
DROP TRIGGER open_lines_refund_voided;
DROP TRIGGER open_lines_order_voided;
DROP TABLE open_lines;
CREATE TABLE open_lines (
    line_id      INTEGER PRIMARY KEY REFERENCES order_lines (id),
    order_id     INTEGER NOT NULL REFERENCES orders (id),
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    order_date   TEXT NOT NULL,
    sessions     INTEGER NOT NULL,
    price_fen    INTEGER NOT NULL,
    left         INTEGER NOT NULL CHECK (left > 0)
);
CREATE INDEX open_lines_by_customer ON open_lines (customer_id);
CREATE INDEX open_lines_by_order ON open_lines (order_id);
INSERT INTO open_lines (line_id, order_id, customer_id, order_date, sessions, price_fen, left)
SELECT id, order_id, customer_id, order_date, sessions, price_fen, left FROM (
    SELECT l.id, l.order_id, o.customer_id, o.order_date, l.sessions, l.price_fen, l.sessions
        - coalesce((SELECT sum(e.count) FROM executions e WHERE e.order_line_id = l.id AND e.voided_at IS NULL), 0)
        - coalesce((SELECT sum(r.sessions_returned) FROM refunds r WHERE r.order_line_id = l.id AND r.voided_at IS NULL), 0) AS left
    FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.voided_at IS NULL)
WHERE left > 0;

CREATE TRIGGER open_lines_bought AFTER INSERT ON order_lines
BEGIN
    INSERT INTO open_lines (line_id, order_id, customer_id, order_date, sessions, price_fen, left)
    SELECT NEW.id, NEW.order_id, o.customer_id, o.order_date, NEW.sessions, NEW.price_fen, NEW.sessions FROM orders o
    WHERE o.id = NEW.order_id AND o.voided_at IS NULL;
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
    INSERT INTO open_lines (line_id, order_id, customer_id, order_date, sessions, price_fen, left)
    SELECT l.id, l.order_id, o.customer_id, o.order_date, l.sessions, l.price_fen, NEW.count FROM order_lines l JOIN orders o ON o.id = l.order_id
    WHERE l.id = NEW.order_line_id AND o.voided_at IS NULL
    ON CONFLICT (line_id) DO UPDATE SET left = left + excluded.left;
END;
CREATE TRIGGER open_lines_refund_voided AFTER UPDATE OF voided_at ON refunds
WHEN OLD.voided_at IS NULL AND NEW.voided_at IS NOT NULL AND NEW.sessions_returned > 0 AND NEW.order_line_id IS NOT NULL
BEGIN
    INSERT INTO open_lines (line_id, order_id, customer_id, order_date, sessions, price_fen, left)
    SELECT l.id, l.order_id, o.customer_id, o.order_date, l.sessions, l.price_fen, NEW.sessions_returned FROM order_lines l JOIN orders o ON o.id = l.order_id
    WHERE l.id = NEW.order_line_id AND o.voided_at IS NULL
    ON CONFLICT (line_id) DO UPDATE SET left = left + excluded.left;
END;
CREATE TRIGGER open_lines_order_voided AFTER UPDATE OF voided_at ON orders
WHEN OLD.voided_at IS NULL AND NEW.voided_at IS NOT NULL
BEGIN
    DELETE FROM open_lines WHERE order_id = NEW.id;
END;
