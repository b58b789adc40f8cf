-- Which references naming a party are complaints opened from its
-- submission (linked by ComplaintOpened), as against the submission's own
-- reference. Complaints raised from a closed one (R-UPC-2) share the party
-- and its letters, so destroying one keeps them for the others (R-CONF-2).
ALTER TABLE party_references ADD COLUMN complaint boolean NOT NULL DEFAULT false;

-- Links made before: a complaint's reference is CMP-YYYY-NNNNNN, which no
-- submission or compliment reference is.
UPDATE party_references SET complaint = true WHERE reference LIKE 'CMP-%';
