DROP TABLE used_challenges;
DROP TABLE transactions;
DROP TABLE assets;
