"""Users, roles, sites and units; sign-in, sessions and passwords."""
