-- Every node asks each second for the scheduled articles whose time has
-- come (embargoes lift at their time). This small partial index holds
-- only scheduled articles, so the question never scans the archive.
CREATE INDEX articles_scheduled ON articles (published_at) WHERE status = 'scheduled';
