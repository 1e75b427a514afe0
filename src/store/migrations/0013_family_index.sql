-- 0013: a customer file lists the family a customer heads; without an index
-- that is a scan of every customer at each opening.
CREATE INDEX customers_by_family_head ON customers (family_head_id) WHERE family_head_id IS NOT NULL;
