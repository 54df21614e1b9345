-- Review finding: the admin overview's average session rating moved in
-- steps of k forms, and k forms can be one person's (a mentee who rates
-- five sessions without sharing them with the pair: the admin read that
-- one person's ratings; a later step of k forms, one person's, could be
-- differenced against the step before it). A step is now taken only when
-- the forms since the last one come from at least k different people,
-- as a survey's answers do. Who gave a form since the last step is kept
-- only until the step (the feedback rows name their authors anyway).
CREATE TABLE rating_pending (author_id INTEGER PRIMARY KEY) STRICT;
DROP TRIGGER feedback_counted;
CREATE TRIGGER feedback_counted AFTER INSERT ON feedback BEGIN
  UPDATE rating_totals SET forms = forms + 1, total = total + NEW.rating;
  INSERT OR IGNORE INTO rating_pending(author_id) VALUES (NEW.author_id);
  UPDATE rating_totals SET shown_forms = forms, shown_total = total
    WHERE forms - shown_forms >= k AND (SELECT count(*) FROM rating_pending) >= k;
  DELETE FROM rating_pending WHERE (SELECT shown_forms = forms FROM rating_totals);
END;
-- What is shown now may hold a step of one person's forms (the old rule
-- stepped at every k forms): nothing is shown until forms from k people
-- have come since (the next step covers every form, so its difference
-- with any figure shown before holds those k people's forms too).
UPDATE rating_totals SET shown_forms = 0, shown_total = 0;
