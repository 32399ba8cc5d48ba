"""Administration: users, roles, sites and units, mentor pairings, hand-over, settings."""
