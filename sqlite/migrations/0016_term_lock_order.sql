-- PostgreSQL's 0016 makes its term-count trigger lock terms in id order.
-- SQLite has one writer at a time and cannot deadlock there, so it needs
-- no change; this step keeps both stores at the same schema number, which
-- a backup restored from one store into the other compares.
SELECT 1;
