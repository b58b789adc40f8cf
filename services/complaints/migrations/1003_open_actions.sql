-- Every follow-up and improvement action not yet completed (R-OUT-3,
-- R-MON-2), for the actions-overdue gauge. Rows go with their complaint.
-- Actions added before this table existed appear after RebuildReadModel.
CREATE TABLE open_actions (
    reference text NOT NULL REFERENCES complaints (reference) ON DELETE CASCADE,
    action_id integer NOT NULL,
    due_on    date NOT NULL,
    PRIMARY KEY (reference, action_id)
);

CREATE INDEX open_actions_due ON open_actions (due_on);
