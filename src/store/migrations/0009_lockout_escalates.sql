-- 0009: a lockout that escalates. `locks` counts the lockouts since the last
-- right PIN (or the owner's reset); after the first, every wrong PIN locks
-- the account again for twice as long, so guessing a PIN takes years.

ALTER TABLE sign_in_state ADD COLUMN locks INTEGER NOT NULL DEFAULT 0;
