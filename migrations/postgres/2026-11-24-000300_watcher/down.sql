DROP TABLE unmatched_payments;
DROP TABLE stream_cursors;
