#!/bin/sh
# Creates and seeds the catalog; safe to run again. Reports when it seeded as a job output.
set -eu
psql -v ON_ERROR_STOP=1 -q <<'SQL'
CREATE TABLE IF NOT EXISTS products (
  id    serial PRIMARY KEY,
  name  text UNIQUE NOT NULL,
  price numeric(8,2) NOT NULL
);
INSERT INTO products (name, price) VALUES
  ('kite', 24.90), ('windsock', 12.50), ('glider', 149.00)
ON CONFLICT (name) DO NOTHING;
SQL
echo "SEEDED_AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)" >> "$UPDRAFT_OUTPUT"
