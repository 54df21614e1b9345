-- A sealed value's associated data names, beside its table, column and
-- row, whom it belongs to (store/sealed.h, enum sealed_owner): whatever
-- a 1:1 holds its mentorship and that mentorship's mentor and mentee, a
-- request's or a pairing's two people. Values sealed before carry their
-- row alone; serve seals them again with the owner they are found under,
-- once, while this table holds its row (sealed_owner_convert), and
-- empties it in the same transaction. A new database has nothing to
-- convert and starts with the row too.
CREATE TABLE seal_owner_pending (one INTEGER PRIMARY KEY CHECK (one = 1)) STRICT;
INSERT INTO seal_owner_pending VALUES (1);
