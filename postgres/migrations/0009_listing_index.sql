-- The front page orders sticky articles first, then newest: this index
-- serves that order directly, and holds every key a deep page seeks by.
CREATE INDEX articles_front ON articles (type, status, sticky DESC, published_at DESC, id DESC);
