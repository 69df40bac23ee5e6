-- Reserved: number 9 belongs to another branch (the lead hands out migration
-- numbers so branches do not collide). Migrations must be numbered without gaps,
-- so this branch carries an empty step in its place; the lead drops this file
-- when the branch that owns 0009 is merged.
SELECT 1;
