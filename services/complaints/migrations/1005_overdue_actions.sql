-- R-MON-2: what each open action is, so the monitors' list of overdue
-- actions across complaints (ListOverdueActions) reads this table alone
-- instead of every complaint's log. The description is the free text staff
-- wrote: like the row, it goes with its complaint (R-CONF-2). Rows written
-- before these columns existed have them empty until RebuildReadModel;
-- ListOverdueActions reads those few from the complaint's log meanwhile.
ALTER TABLE open_actions
    ADD COLUMN kind integer,
    ADD COLUMN description text,
    ADD COLUMN owner text;

-- The list's order and keyset paging: due date, reference, action number.
-- It serves the actions-overdue gauge's range too, so the due-date index goes.
CREATE INDEX open_actions_due_order ON open_actions (due_on, reference, action_id);
DROP INDEX open_actions_due;
