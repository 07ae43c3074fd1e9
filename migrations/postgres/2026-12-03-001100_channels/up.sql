-- Channel accounts: Polaris-made accounts that are the source (sequence number and fee) of
-- deposit payment envelopes, so that several envelopes go out at once. `seed` is sealed like
-- the distribution seeds; `funded_at` is set once the account exists on the ledger;
-- `bound_hash` is the hash of the stored envelope that uses the channel's sequence number,
-- kept until that envelope is settled (found on the ledger or proven dead); the lease
-- reserves the channel for one worker while it builds that envelope.
CREATE TABLE channels (
    public_key TEXT PRIMARY KEY NOT NULL,
    seed TEXT NOT NULL,
    funded_at TIMESTAMP,
    bound_hash TEXT,
    lease_owner TEXT,
    lease_expires_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX channels_bound_hash ON channels (bound_hash);

-- The distribution account of an asset whose key is held by an external signer (no seed).
ALTER TABLE assets ADD COLUMN distribution_account TEXT;
