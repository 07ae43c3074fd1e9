DROP TABLE unmatched_resolutions;
DROP INDEX transaction_events_by_transaction;
DROP TABLE transaction_events;
