-- 0011: what a membership gives at the desk (SPEC §8). Items may be left out
-- of every discount (不参与折扣); a customer may be linked as 家庭成员 to a
-- 星钻 customer, whose family rate then applies when it is better.
ALTER TABLE items ADD COLUMN no_discount INTEGER NOT NULL DEFAULT 0 CHECK (no_discount IN (0, 1));
ALTER TABLE customers ADD COLUMN family_head_id INTEGER REFERENCES customers (id) CHECK (family_head_id IS NULL OR family_head_id != id);
