-- Review J: an admin who answers a survey knows their own answer, so in
-- their batch only k - 1 others hid each person (and an admin who filled
-- a batch with answers they knew read the one other exactly). A batch is
-- now released when k answers of people who are not admins wait; an
-- admin's answer waits with them and goes out in the same batch, but
-- never makes one. The flag says no more than the invitation's answered
-- flag already does (who answered).
ALTER TABLE survey_pool ADD COLUMN counts INTEGER NOT NULL DEFAULT 1 CHECK (counts IN (0, 1));
