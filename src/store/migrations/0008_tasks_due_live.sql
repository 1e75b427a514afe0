-- 0008: the index of tasks by due date leaves out imported history. Only the
-- monthly figures read tasks by due date, and they never count historical
-- ones; a large clinic's imported history makes millions of them, each one
-- index entry less to write.

DROP INDEX tasks_by_due;
CREATE INDEX tasks_by_due ON tasks (due) WHERE status <> 'historical';
