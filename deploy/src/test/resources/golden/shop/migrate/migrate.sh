echo "SEEDED_AT=$(date -u +%FT%TZ)" > "$UPDRAFT_OUTPUT"
